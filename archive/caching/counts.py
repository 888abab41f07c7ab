"""Counts readers see, cached: an exact COUNT over the archive on every request is not worth it.

They may lag the archive by ``ARCHIVE_COUNT_CACHE_SECONDS``; pages say "约" (about).
Each is made by one request at a time and served stale while remade
(``archive.caching.remaking``).
"""

from django.conf import settings

from archive.caching import remaking
from archive.models import Article, StoryListing


def cached(key: str, compute):
    """``compute()``, cached as counts are, under ``key``."""
    return remaking.cached(f"archive:count:{key}", compute, settings.ARCHIVE_COUNT_CACHE_SECONDS)


def _region_story_counts() -> dict[int, int]:
    return StoryListing.objects.public_counts(StoryListing.Facet.REGION)


def region_story_counts() -> dict[int, int]:
    """Public stories per region id, as its list shows them: a city or a province counts
    its counties' too, a region the stories of those whose area it took over."""
    return cached("regions", _region_story_counts)


def published_total() -> int:
    return cached("total", Article.objects.published().count)
