"""Whole-page caching of the public pages, invalidated by every write.

A page is cached under the archive's ``ContentVersion``: any write that readers
could see (a story saved, published, withdrawn or deleted; a contributor,
section or region renamed) bumps the version, so no reader is served a page
from before it — a withdrawn story disappears at once. Scheduled stories
appear at the latest ``ARCHIVE_PAGE_CACHE_SECONDS`` (plus ``STALE_SECONDS`` while a
page is being remade) after their time. Signed-in users (editors) always get fresh
pages.
"""

import hashlib
import time
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse

from archive.models import ContentVersion

# A page past its time is served for this much longer while one request remakes it,
# so the threads of a process do not all remake the same page at once when it expires.
STALE_SECONDS = 30


def page_key(url: str) -> str:
    """The cache key of a page at the archive's current content version. ``url`` is
    absolute: feeds and sitemaps name the host and scheme they were asked on."""
    digest = hashlib.sha256(url.encode()).hexdigest()
    return f"archive:page:{ContentVersion.current()}:{digest}"


def still_served(key: str, fresh_until: float, stale_seconds: int) -> bool:
    """Whether the entry cached under ``key`` is served as it is: it is fresh, or past
    its time while another request remakes it. Otherwise the caller is the one
    request that remakes it, and calls ``remade`` once it has stored the new entry."""
    return time.time() < fresh_until or not cache.add(f"{key}:remaking", 1, stale_seconds)


def remade(key: str) -> None:
    cache.delete(f"{key}:remaking")


def cached_page(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        seconds = settings.ARCHIVE_PAGE_CACHE_SECONDS
        if not seconds or request.method != "GET" or request.user.is_authenticated:
            return view(request, *args, **kwargs)
        key = page_key(request.build_absolute_uri())
        hit = cache.get(key)
        if hit is not None:
            headers, content, fresh_until = hit
            if still_served(key, fresh_until, STALE_SECONDS):
                return HttpResponse(content, headers=headers)
        response = view(request, *args, **kwargs)
        if hasattr(response, "render"):  # a TemplateResponse (the sitemaps)
            response.render()
        if response.status_code == 200 and not response.streaming and not response.cookies:
            # The view's own headers (Content-Type, X-Robots-Tag, Last-Modified);
            # middleware adds the rest to the cached response as to a fresh one.
            entry = (dict(response.items()), response.content, time.time() + seconds)
            cache.set(key, entry, seconds + STALE_SECONDS)
            remade(key)
        return response

    return wrapper
