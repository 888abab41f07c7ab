"""The gazetteer as readers see it: provinces → cities → counties, with story counts,
and each region's 沿革 (names over time, predecessors, successors)."""

from dataclasses import dataclass

from django.db.models import Q

from archive.models import Region, RegionSuccession


def counted_tree(story_counts: dict[int, int], regions=None) -> list[Region]:
    """``regions`` (all by default) as a tree (``Region.objects.tree``), each region
    carrying its public ``story_count`` from ``story_counts`` (by id; the cached
    ``archive.caching.counts.region_story_counts``)."""
    roots = (regions if regions is not None else Region.objects.all()).tree()
    pending = list(roots)
    while pending:
        region = pending.pop()
        region.story_count = story_counts.get(region.pk, 0)
        pending.extend(region.subregions)
    return roots


def home_cities(story_counts: dict[int, int]) -> list[Region]:
    """The home province's cities today, each with its counties (``subregions``) and
    ``story_count``: what the home page, ``/regions/`` and the county map lead with."""
    province = Region.objects.home_province()
    if province is None:
        return []
    regions = Region.objects.current().within(province).exclude(pk=province.pk)
    return counted_tree(story_counts, regions.select_related(None))


def subdivisions(region: Region) -> tuple[list[Region], list[Region]]:
    """The divisions under ``region``: today's as a tree (a province's cities with
    their counties; a city's counties), and those abolished or moved, with their
    periods. One query."""
    if region.level == Region.Level.PROVINCE:
        below = Region.objects.within(region).exclude(pk=region.pk)
    else:
        below = Region.objects.filter(parent=region)
    below = list(below.select_related("parent").order_by("code", "first_year"))
    current = [r for r in below if r.is_current]
    tree: list[Region] = []
    by_pk = {r.pk: r for r in current}
    for r in current:
        r.subregions = []
    for r in current:
        (by_pk[r.parent_id].subregions if r.parent_id in by_pk else tree).append(r)
    former = [r for r in below if not r.is_current and r.level != Region.Level.PROVINCE]
    return tree, former


@dataclass
class History:
    """A region's 沿革: its names over time, where its area came from (each link with
    its year and document), and where it went."""

    names: list
    before: list[RegionSuccession]  # links into this region or its predecessors
    after: list[RegionSuccession]  # links out of this region


def history(region: Region, predecessor_ids: list[int]) -> History:
    """Two queries, however long the chain of predecessors."""
    links = list(
        RegionSuccession.objects.filter(
            Q(successor__in=[region.pk, *predecessor_ids]) | Q(predecessor=region)
        )
        .select_related("predecessor__parent", "successor__parent")
        .order_by("-year", "successor__code")
    )
    names = list(region.names.order_by("first_year"))
    return History(
        names=names if len(names) > 1 else [],
        before=[link for link in links if link.predecessor_id != region.pk],
        after=sorted(
            (link for link in links if link.predecessor_id == region.pk),
            key=lambda link: (link.year, link.successor.code),
        ),
    )
