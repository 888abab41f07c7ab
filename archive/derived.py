"""Everything derived from a story, refreshed together by every write path."""

from collections.abc import Iterable

from django.db import transaction

from archive import listings
from archive.search import documents


@transaction.atomic
def refresh(article_ids: Iterable[int]) -> None:
    """Rewrite the listing rows and search documents of these stories.

    Call after any write that changes a story's text, regions, credits, photos or
    publication time (it also marks readers' cached pages stale).
    """
    article_ids = list(article_ids)
    listings.refresh(article_ids)
    documents.refresh(article_ids)
