"""The gazetteer as readers see it: provinces → cities → counties, with story counts."""

from archive.models import Region


def counted_tree(story_counts: dict[str, int], regions=None) -> list[Region]:
    """``regions`` (all by default) as a tree (``Region.objects.tree``), each region
    carrying its public ``story_count`` from ``story_counts`` (by code; the cached
    ``archive.caching.counts.region_story_counts``)."""
    roots = (regions if regions is not None else Region.objects.all()).tree()
    pending = list(roots)
    while pending:
        region = pending.pop()
        region.story_count = story_counts.get(region.code, 0)
        pending.extend(region.subregions)
    return roots
