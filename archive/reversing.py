"""URLs of the objects pages list by the dozen, each named URL reversed once.

``reverse`` matches its arguments against the pattern's converters and quotes them on
every call, about 25 µs: a province page asked it for each of its regions (a third of
the page), a feed for each of its 30 stories. Here a named URL with one argument is
reversed once per script prefix and URLconf, with a sentinel in place of the argument,
and an object's URL is the two halves around its key. Ids and slugs (pinyin, ASCII)
need no quoting.
"""

import functools

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse

_SENTINELS = {int: 987654321, str: "sentinel-slug"}


@functools.lru_cache(maxsize=128)
def _halves(name: str, kind: type, prefix: str, urlconf: str) -> tuple[str, str]:
    if kind is type(None):
        return reverse(name, urlconf=urlconf), ""
    sentinel = str(_SENTINELS[kind])
    head, _, tail = reverse(name, args=[sentinel], urlconf=urlconf).rpartition(sentinel)
    return head, tail


def url_for(name: str, key: int | str | None = None) -> str:
    """``reverse(name, args=[key])`` for a URL whose one argument is an id or a slug;
    ``reverse(name)`` for one with none (the site's header links, on every page)."""
    urlconf = get_urlconf() or settings.ROOT_URLCONF
    kind = type(None) if key is None else int if isinstance(key, int) else str
    head, tail = _halves(name, kind, get_script_prefix(), urlconf)
    return head if key is None else f"{head}{key}{tail}"
