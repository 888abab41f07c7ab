"""The story list's read: a page of filtered stories in the order /stories/ and the API
list them, by keyset (no OFFSET, no COUNT)."""

from archive.models.articles import prefetch_search_results
from archive.pagination import KeysetPage, keyset_page, tiered_page
from archive.public.filters import StoryFilter
from archive.search import listing as search_listing
from archive.search.terms import Query


def filtered_page(stories, data: dict, cursor: str | None, *, per_page: int) -> KeysetPage:
    """A page of filtered ``stories`` in the order /stories/ and the API list them,
    after ``cursor``: newest or oldest first, or for a search by relevance the title
    matches first. ``data`` is the StoryFilter's cleaned data ({} when unfiltered).
    A malformed cursor raises BadRequest (a 400). A search's page has ``newest_matches``
    (``archive.search.listing.SearchTier.newest``, or None)."""
    query = data.get("q") or Query()
    newest_first = data.get("order") != StoryFilter.OLDEST
    if not query:
        return keyset_page(
            stories.for_listing(), cursor, per_page=per_page, newest_first=newest_first
        )
    relevance = data.get("order") == StoryFilter.RELEVANCE
    tiers = search_listing.tiers(
        stories.select_related("section"), query, relevance=relevance, place=data.get("region")
    )
    page = tiered_page(tiers, cursor, per_page=per_page, newest_first=newest_first or relevance)
    # What the first page's walk found among the newest stories, for the count of the
    # same list (``counting.public_match_count``): it need not check them again.
    page.newest_matches = tiers[0].newest if len(tiers) == 1 else None
    prefetch_search_results(page.object_list)
    return page
