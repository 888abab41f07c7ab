"""Counts readers see, cached: an exact COUNT over the archive on every request is not worth it.

A count is never stale after a write that changes it: counts are keyed by the
``ContentVersion.COUNTS`` counter, which every write that may change what is public
moves when it commits (a publish, a withdrawal, a delete, a bulk load, a revert), and
a count made while a story is scheduled is valid only until that story's time. A
draft saved leaves them be, so a million stories are recounted once per public
change, not per request. Past ``ARCHIVE_COUNT_CACHE_SECONDS`` with no such change, a
count is served while one request remakes it (``archive.caching.remaking``).
"""

import hashlib

from django.conf import settings
from django.db.models import Count

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


def _section_story_counts() -> dict[int, int]:
    rows = Article.objects.published().values("section_id").annotate(n=Count("*"))
    return {row["section_id"]: row["n"] for row in rows if row["section_id"] is not None}


def section_story_counts() -> dict[int, int]:
    """Public stories per section id: one grouped scan of the stories (0.6 s at a
    million, once per public change, as the region counts)."""
    return cached("sections", _section_story_counts)


def contributor_story_counts(contributor_ids: list[int]) -> dict[int, int]:
    """Public stories (bylines and photos) of each of ``contributor_ids``, the
    contributors one page of the index lists: one grouped read of the listing index
    (``StoryListing.objects.public_credit_counts``), cached for that page's names."""
    ids = sorted(contributor_ids)
    if not ids:
        return {}
    digest = hashlib.sha256(",".join(map(str, ids)).encode()).hexdigest()[:32]
    return cached(f"contributors:{digest}", lambda: StoryListing.objects.public_credit_counts(ids))
