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


def page_key(full_path: str) -> str:
    """The cache key of a page at the archive's current content version."""
    path = hashlib.sha256(full_path.encode()).hexdigest()
    return f"archive:page:{ContentVersion.current()}:{path}"


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
        key = page_key(request.get_full_path())
        hit = cache.get(key)
        if hit is not None:
            content_type, content, fresh_until = hit
            if still_served(key, fresh_until, STALE_SECONDS):
                return HttpResponse(content, content_type=content_type)
        response = view(request, *args, **kwargs)
        if response.status_code == 200 and not response.streaming and not response.cookies:
            entry = (response["Content-Type"], response.content, time.time() + seconds)
            cache.set(key, entry, seconds + STALE_SECONDS)
            remade(key)
        return response

    return wrapper
