"""Chinese full-text search: every story that contains the query string, found by index.

``terms`` parses queries and makes index tokens (no Django), ``documents``
keeps each story's search document current, ``highlight`` marks matches.
The method and its limits are described in ``docs/search.md``.
"""
