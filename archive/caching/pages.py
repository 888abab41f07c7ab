"""Whole-page caching of the public pages, invalidated by every write.

A page is cached under the archive's ``ContentVersion``: any write that readers
could see (a story saved, published, withdrawn or deleted; a contributor,
section or region renamed) bumps the version, so no reader is served a page
from before it — a withdrawn story disappears at once. A page made while a story is
scheduled is not served past that story's time. Signed-in users (editors) always get
fresh pages.

The key is the page's path and only the query parameters its view reads (``reads``):
``?bust=1``, ``?utm_source=…`` and the like are dropped from the request before the
view sees it, so they can neither make a new entry nor leak into the page's links.
Every distinct page a reader asks for is still made once, in one of a few slots the
machine's processes share (``archive.caching.slots``), so a burst of distinct URLs
leaves cores and threads for the readers of cached pages: a page that finds every
slot busy for ``ARCHIVE_PAGE_REMAKE_WAIT`` seconds gets a 503 with Retry-After.
A page whose cost does not grow with the archive (``bounded``: a story, a few lookups
by key) is made at once, without a slot: the long tail of readers who arrive at
stories from search engines and links was turned away by the one slot the expensive
pages share (23 story pages/s made at a million, the rest 503; without: 120/s, no
503), at the cost of a few milliseconds on cached readers' p99 beside an attacker.
"""

import hashlib
import time
from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse, QueryDict

from archive.caching import counts
from archive.caching.remaking import remade, still_right, still_served
from archive.caching.slots import Slots
from archive.models import ContentVersion
from archive.ops.health import unavailable

# A page past its time is served for this much longer while one request remakes it
# (``archive.caching.remaking``).
STALE_SECONDS = 30

_slots = None


def remake_slots() -> Slots:
    global _slots
    if _slots is None:
        _slots = Slots(
            settings.ARCHIVE_PAGE_REMAKE_DIR,
            settings.ARCHIVE_PAGE_REMAKES,
            per_process=settings.ARCHIVE_PAGE_REMAKE_THREADS,
        )
    return _slots


def page_key(url: str, version: int | None = None) -> str:
    """The cache key of a page at the archive's content version (``version``, else the
    current one). ``url`` is absolute: feeds and sitemaps name the host and scheme they
    were asked on."""
    digest = hashlib.sha256(url.encode()).hexdigest()
    if version is None:
        version = ContentVersion.current()
    return f"archive:page:{version}:{digest}"


def _only(query: QueryDict, reads: frozenset[str]) -> QueryDict:
    """``query`` with only the parameters in ``reads``, in the order the reader gave."""
    kept = QueryDict(mutable=True)
    for name in query:
        if name in reads:
            kept.setlist(name, query.getlist(name))
    kept._mutable = False
    return kept


def cached_page(view=None, *, reads: tuple[str, ...] = (), bounded: bool = False):
    """Cache ``view``'s pages for anonymous readers; ``reads``: the query parameters it
    reads (any other is dropped); ``bounded``: made without a remake slot, its cost
    being a few lookups by key whatever the archive's size.
    ``@cached_page`` or ``cached_page(view, reads=…)``."""
    if view is None:
        return lambda view: cached_page(view, reads=reads, bounded=bounded)
    reads = frozenset(reads)

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        request.GET = _only(request.GET, reads)
        seconds = settings.ARCHIVE_PAGE_CACHE_SECONDS
        if not seconds or request.method != "GET" or request.user.is_authenticated:
            return view(request, *args, **kwargs)
        # One entry whatever the parameters' order.
        query = urlencode(sorted((k, v) for k in request.GET for v in request.GET.getlist(k)))
        url = request.build_absolute_uri(request.path) + (f"?{query}" if query else "")
        # Both versions in one query: a page made reads the counts' too (its fragments).
        pages_version, counts_version = ContentVersion.current_pair()
        key = page_key(url, pages_version)
        stale = None
        hit = cache.get(key)
        if hit is not None:
            headers, content, fresh_until, valid_until = hit
            if still_right(valid_until):
                stale = HttpResponse(content, headers=headers)
                if still_served(key, fresh_until, STALE_SECONDS):
                    return stale
        if bounded:
            return _remake(view, request, args, kwargs, key, seconds, counts_version)
        # Past its time but of this content version, a page is still right: if no slot
        # is free at once, readers get it rather than wait behind pages never made.
        wait = 0 if stale else settings.ARCHIVE_PAGE_REMAKE_WAIT
        with remake_slots().taken(wait) as slot:
            if not slot:
                if stale:
                    remade(key)  # not remade: the next request tries again
                return stale or unavailable()
            return _remake(view, request, args, kwargs, key, seconds, counts_version)

    return wrapper


def _remake(view, request, args, kwargs, key: str, seconds: int, counts_version: int):
    # Asked first: a story going public meanwhile.
    valid_until = counts.next_scheduled_time(version=counts_version)
    with counts.as_of(counts_version):
        response = view(request, *args, **kwargs)
        if hasattr(response, "render"):  # a TemplateResponse (the sitemaps)
            response.render()
    if response.status_code == 200 and not response.streaming and not response.cookies:
        # The view's own headers (Content-Type, X-Robots-Tag, Last-Modified);
        # middleware adds the rest to the cached response as to a fresh one.
        entry = (dict(response.items()), response.content, time.time() + seconds, valid_until)
        cache.set(key, entry, seconds + STALE_SECONDS)
        remade(key)
    return response
