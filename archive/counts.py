"""Counts readers see, cached: an exact COUNT over the archive on every request is not worth it.

They may lag the archive by ``ARCHIVE_COUNT_CACHE_SECONDS``; pages say "约" (about).
"""

from django.conf import settings
from django.core.cache import cache

from archive.models import Article, Region


def _cached(key, compute):
    return cache.get_or_set(f"archive:counts:{key}", compute, settings.ARCHIVE_COUNT_CACHE_SECONDS)


def region_story_counts() -> dict[str, int]:
    return _cached("regions", Region.objects.story_counts)


def published_total() -> int:
    return _cached("total", Article.objects.published().count)
