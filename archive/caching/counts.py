"""Counts readers see, cached: an exact COUNT over the archive on every request is not worth it.

They may lag the archive by ``ARCHIVE_COUNT_CACHE_SECONDS``; pages say "约" (about).
Each is made by one request at a time and served stale while remade
(``archive.caching.remaking``).
"""

from django.conf import settings

from archive.caching import remaking
from archive.models import Article, Region, StoryListing


def cached(key: str, compute):
    """``compute()``, cached as counts are, under ``key``."""
    return remaking.cached(f"archive:count:{key}", compute, settings.ARCHIVE_COUNT_CACHE_SECONDS)


def _region_story_counts() -> dict[str, int]:
    by_id = StoryListing.objects.public_counts(StoryListing.Facet.REGION)
    codes = dict(Region.objects.values_list("pk", "code"))
    return {codes[pk]: n for pk, n in by_id.items() if pk in codes}


def region_story_counts() -> dict[str, int]:
    """Public stories per region code; a city or the province counts its counties' too."""
    return cached("regions", _region_story_counts)


def published_total() -> int:
    return cached("total", Article.objects.published().count)
