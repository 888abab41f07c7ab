"""Counts readers see, cached: an exact COUNT over the archive on every request is not worth it.

They may lag the archive by ``ARCHIVE_COUNT_CACHE_SECONDS``; pages say "约" (about).

A count is made by one request at a time. At a million stories the region counts
take most of a second; when a process started, or a count expired, every thread of
every process ran the same query at once, and on two cores the twelve of them kept
the first pages waiting for seconds. Now a count past its time is served for as long
again while one request remakes it, and a missing one is made by one thread of the
process while its other threads wait for it.
"""

import threading
import time

from django.conf import settings
from django.core.cache import cache

from archive.models import Article, Region
from archive.pagecache import remade, still_served

# Locks for making missing counts, shared out by key: a lock per key would pile up
# (the edition counts' keys carry the content version).
_MAKING = [threading.Lock() for _ in range(16)]


def cached(key: str, compute):
    """The value ``compute()`` returns, cached under ``key`` as described above."""
    seconds = settings.ARCHIVE_COUNT_CACHE_SECONDS
    if not seconds:
        return compute()
    key = f"archive:count:{key}"
    hit = cache.get(key)
    if hit is None:
        with _MAKING[hash(key) % len(_MAKING)]:
            hit = cache.get(key)  # made by the thread this one waited for
            return hit[0] if hit is not None else _make(key, compute, seconds)
    value, fresh_until = hit
    return value if still_served(key, fresh_until, seconds) else _make(key, compute, seconds)


def _make(key: str, compute, seconds: int):
    try:
        value = compute()
        cache.set(key, (value, time.time() + seconds), 2 * seconds)
    finally:
        remade(key)
    return value


def region_story_counts() -> dict[str, int]:
    return cached("regions", Region.objects.story_counts)


def published_total() -> int:
    return cached("total", Article.objects.published().count)
