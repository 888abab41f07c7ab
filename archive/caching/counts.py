"""Counts readers see, cached: an exact COUNT over the archive on every request is not worth it.

A count is never stale after a write that changes it: counts are keyed by the
``ContentVersion.COUNTS`` counter, which every write that may change what is public
moves when it commits (a publish, a withdrawal, a delete, a bulk load, a revert), and
a count made while a story is scheduled is valid only until that story's time. A
draft saved leaves them be, so a million stories are recounted once per public
change, not per request. Past ``ARCHIVE_COUNT_CACHE_SECONDS`` with no such change, a
count is served while one request remakes it (``archive.caching.remaking``).

Made, a count is cheap too: it is read from the public tally
(``PublicTally.objects.public_counts``), a few rows per subject plus this month's
stories, not counted over the archive (at a million stories the region counts took
2.2 s, the total 317 ms, the sections' up to 1.5 s).
"""

import contextvars
import hashlib
from contextlib import contextmanager

from django.conf import settings
from django.core.cache import cache

from archive.caching import remaking
from archive.models import Article, ContentVersion, PublicTally, StoryListing

# The counts' version a page being made read with its own (``as_of``), so the page's
# fragments, counts and next scheduled time ask no second time.
_page_read = contextvars.ContextVar("counts_version", default=None)


def version() -> int:
    """The counts' version: read it once where a page uses several cached things."""
    return _current_version()


def _current_version() -> int:
    read = _page_read.get()
    return read if read is not None else ContentVersion.current(ContentVersion.COUNTS)


@contextmanager
def as_of(read: int):
    """Within it, ``version()`` is ``read`` (the page cache read it with the pages')."""
    token = _page_read.set(read)
    try:
        yield
    finally:
        _page_read.reset(token)


def _next_scheduled_time() -> float | None:
    at = Article.objects.scheduled().order_by("published_at").values_list("published_at")[:1]
    return at[0][0].timestamp() if at else None


def next_scheduled_time(*, version: int | None = None) -> float | None:
    """When the next scheduled story goes public (a timestamp), or None.

    Every page and fragment made asks it, so it is cached as the counts are: a story
    scheduled, rescheduled, withdrawn or deleted moves the counts' version (a scheduled
    story is published), and once that time has passed it is read again."""
    seconds = settings.ARCHIVE_COUNT_CACHE_SECONDS
    if not seconds:
        return _next_scheduled_time()
    if version is None:
        version = _current_version()
    key = f"archive:count:{version}:next-scheduled"
    hit = cache.get(key)  # (time,): None is a value
    if hit is not None and remaking.still_right(hit[0]):
        return hit[0]
    at = _next_scheduled_time()
    cache.set(key, (at,), seconds)
    return at


def cached(key: str, compute, *, version=None):
    """``compute()``, cached as counts are, under ``key``; ``version``: the counts'
    version, where the caller has read it already (``version()``), or a callable giving
    it, asked only if counts are cached at all."""
    if not settings.ARCHIVE_COUNT_CACHE_SECONDS:
        return compute()
    if version is None:
        version = _current_version()
    elif callable(version):
        version = version()
    return remaking.cached(
        f"archive:count:{version}:{key}",
        compute,
        settings.ARCHIVE_COUNT_CACHE_SECONDS,
        valid_until=lambda: next_scheduled_time(version=version),
    )


def _region_story_counts() -> dict[int, int]:
    return PublicTally.objects.public_counts(PublicTally.Facet.REGION)


def region_story_counts(*, version: int | None = None) -> dict[int, int]:
    """Public stories per region id, as its list shows them: a city or a province counts
    its counties' too, a region the stories of those whose area it took over."""
    return cached("regions", _region_story_counts, version=version)


def _published_total() -> int:
    # Every story is tallied under its section, those with none under 0.
    return sum(PublicTally.objects.public_counts(PublicTally.Facet.SECTION).values())


def published_total(*, version: int | None = None) -> int:
    return cached("total", _published_total, version=version)


def _section_story_counts() -> dict[int, int]:
    counts = PublicTally.objects.public_counts(PublicTally.Facet.SECTION)
    counts.pop(0, None)  # no section
    return counts


def section_story_counts() -> dict[int, int]:
    """Public stories per section id."""
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
