"""Whole-page caching of the public pages, invalidated by every write.

A page is cached under the archive's ``ContentVersion``: any write that readers
could see (a story saved, published, withdrawn or deleted; a contributor,
section or region renamed) bumps the version, so no reader is served a page
from before it — a withdrawn story disappears at once. Scheduled stories
appear at the latest ``ARCHIVE_PAGE_CACHE_SECONDS`` after their time. Signed-in
users (editors) always get fresh pages.
"""

import hashlib
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse

from archive.models import ContentVersion


def cached_page(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        seconds = settings.ARCHIVE_PAGE_CACHE_SECONDS
        if not seconds or request.method != "GET" or request.user.is_authenticated:
            return view(request, *args, **kwargs)
        path = hashlib.sha256(request.get_full_path().encode()).hexdigest()
        key = f"archive:page:{ContentVersion.current()}:{path}"
        hit = cache.get(key)
        if hit is not None:
            content_type, content = hit
            return HttpResponse(content, content_type=content_type)
        response = view(request, *args, **kwargs)
        if response.status_code == 200 and not response.streaming and not response.cookies:
            cache.set(key, (response["Content-Type"], response.content), seconds)
        return response

    return wrapper
