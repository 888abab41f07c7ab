"""Pieces many public pages share, made once per public change, not on every page the
page cache has to make: the county map and the city tree (the home page, a region's
page) and a region's newest stories (a story page's related stories).

They are cached as the counts are (``archive.caching.counts.cached``): under
``ContentVersion.COUNTS``, which every write that may change what is public moves when
it commits (a story published, withdrawn, deleted, or edited while public; a region,
section or contributor renamed; a bulk load), and never served past the next scheduled
story's time. So a fragment never shows a draft, nor a scheduled story before its
time, nor a count from before a publish; a draft saved leaves them be.
"""

from archive.caching import counts


def cached(name: str, compute, *, version=None):
    """``compute()``, shared by every page that shows it until what is public changes;
    ``version``: the counts' version where the page has read it (``counts.version()``),
    or a callable giving it (``counts.cached``)."""
    return counts.cached(f"fragment:{name}", compute, version=version)
