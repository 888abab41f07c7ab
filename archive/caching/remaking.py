"""Serve stale while one request remakes: the rule every cached thing here follows.

At a million stories a region count takes most of a second and a page tens of
milliseconds. When a process started, or an entry expired, every thread of every
process made the same thing at once, and on two cores the twelve of them kept the
first pages waiting for seconds. So an entry past its time is served a while longer
while one request remakes it (``still_served`` / ``remade``), and a value missing
altogether is made by one thread of the process while its other threads wait for it
(``cached``). The page cache (``pages``) and the counts (``counts``) both use it.
"""

import threading
import time

from django.core.cache import cache

# Locks for making missing values, shared out by key: a lock per key would pile up
# (some keys carry the content version).
_MAKING = [threading.Lock() for _ in range(16)]
# Set while this thread makes a value: a value made inside another's making (a shared
# fragment reading the counts) takes no second lock, or two threads could each hold
# the lock the other waits for.
_within = threading.local()


def still_served(key: str, fresh_until: float, stale_seconds: int) -> bool:
    """Whether the entry cached under ``key`` is served as it is: it is fresh, or past
    its time while another request remakes it. Otherwise the caller is the one
    request that remakes it, and calls ``remade`` once it has stored the new entry."""
    return time.time() < fresh_until or not cache.add(f"{key}:remaking", 1, stale_seconds)


def remade(key: str) -> None:
    cache.delete(f"{key}:remaking")


def still_right(until: float | None) -> bool:
    """Whether an entry made valid ``until`` a time (None: no such time) may be served."""
    return until is None or time.time() < until


def _cached_right(key: str):
    hit = cache.get(key)
    return hit if hit is not None and still_right(hit[2]) else None


def cached(key: str, compute, seconds: int, *, valid_until=None):
    """The value ``compute()`` returns, cached under ``key`` for ``seconds`` and then
    served as long again while one request remakes it; ``seconds`` 0: not cached.
    ``valid_until()``, asked when the value is made, is when it becomes wrong (a
    scheduled story's time) or None: past it the value is never served, only remade."""
    if not seconds:
        return compute()
    hit = _cached_right(key)  # one wrong now is made again, as if missing
    if hit is None:
        if getattr(_within, "making", False):
            return _make(key, compute, seconds, valid_until)
        with _MAKING[hash(key) % len(_MAKING)]:
            hit = _cached_right(key)  # made by the thread this one waited for
            if hit is not None:
                return hit[0]
            _within.making = True
            try:
                return _make(key, compute, seconds, valid_until)
            finally:
                _within.making = False
    value, fresh_until, _ = hit
    if still_served(key, fresh_until, seconds):
        return value
    return _make(key, compute, seconds, valid_until)


def _make(key: str, compute, seconds: int, valid_until=None):
    try:
        until = valid_until() if valid_until else None
        value = compute()
        cache.set(key, (value, time.time() + seconds, until), 2 * seconds)
    finally:
        remade(key)
    return value
