"""Everything derived from a story, rewritten together (``aftermath.after_write`` calls it)."""

from collections.abc import Iterable

from django.db import transaction

from archive.editorial import listings
from archive.search import documents


@transaction.atomic
def refresh(article_ids: Iterable[int]) -> None:
    """Rewrite the listing rows and search documents of these stories from their data."""
    article_ids = list(article_ids)
    listings.refresh(article_ids)
    documents.refresh(article_ids)
