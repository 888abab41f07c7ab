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

from archive.caching.remaking import remade, still_served
from archive.models import ContentVersion

# A page past its time is served for this much longer while one request remakes it
# (``archive.caching.remaking``).
STALE_SECONDS = 30


def page_key(url: str) -> str:
    """The cache key of a page at the archive's current content version. ``url`` is
    absolute: feeds and sitemaps name the host and scheme they were asked on."""
    digest = hashlib.sha256(url.encode()).hexdigest()
    return f"archive:page:{ContentVersion.current()}:{digest}"


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
