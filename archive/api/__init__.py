"""The read API: public stories, one story and the region tree as JSON (README "API")."""
