"""Counts readers see, cached: an exact COUNT over the archive on every request is not worth it.

A count is never stale after a write that changes it: counts are keyed by the
``ContentVersion.COUNTS`` counter, which every write that may change what is public
moves when it commits (a publish, a withdrawal, a delete, a bulk load, a revert), and
a count made while a story is scheduled is valid only until that story's time. A
draft saved leaves them be, so a million stories are recounted once per public
change, not per request. Past ``ARCHIVE_COUNT_CACHE_SECONDS`` with no such change, a
count is served while one request remakes it (``archive.caching.remaking``).
"""

from django.conf import settings

from archive.caching import remaking
from archive.models import Article, ContentVersion, StoryListing


def next_scheduled_time() -> float | None:
    """When the next scheduled story goes public (a timestamp), or None."""
    at = Article.objects.scheduled().order_by("published_at").values_list("published_at")[:1]
    return at[0][0].timestamp() if at else None


def cached(key: str, compute):
    """``compute()``, cached as counts are, under ``key``."""
    if not settings.ARCHIVE_COUNT_CACHE_SECONDS:
        return compute()
    version = ContentVersion.current(ContentVersion.COUNTS)
    return remaking.cached(
        f"archive:count:{version}:{key}",
        compute,
        settings.ARCHIVE_COUNT_CACHE_SECONDS,
        valid_until=next_scheduled_time,
    )


def _region_story_counts() -> dict[int, int]:
    return StoryListing.objects.public_counts(StoryListing.Facet.REGION)


def region_story_counts() -> dict[int, int]:
    """Public stories per region id, as its list shows them: a city or a province counts
    its counties' too, a region the stories of those whose area it took over."""
    return cached("regions", _region_story_counts)


def published_total() -> int:
    return cached("total", Article.objects.published().count)
