"""The gazetteer as readers see it: provinces → cities → counties, with story counts,
and each region's 沿革 (names over time, predecessors, successors)."""

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q
from django.db.models.expressions import RawSQL
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from archive.caching import remaking
from archive.models import Region, RegionSuccession
from archive.models.regions import PREDECESSORS_OR_SELF_SQL, home_province_code


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
    code = home_province_code()
    regions = Region.objects.current().filter(code__startswith=code[:2]).exclude(code=code)
    return counted_tree(story_counts, regions)


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
class Change:
    """One step of a 沿革: in ``year``, ``source``'s area (``partial``: part of it) went
    to ``targets``, by ``document`` (a clause: "，依据…（date）", or nothing)."""

    year: int
    source: Region
    targets: list[Region]
    partial: bool
    document: str

    def sentence(self, page: Region) -> str:
        """The change as the page of ``page`` tells it, places linked (but ``page``):
        部分区域划入, a new code under the same name, a division abolished to set up a new
        one (撤县设市), or its area going to others."""
        source, targets = self.source, self.targets
        name = _name(source, page, period=source != page)
        places = "、".join(_name(t, page, period=not t.is_current) for t in targets)
        (only,) = targets if len(targets) == 1 else (None,)
        if self.partial:
            text = format_html("{}部分区域划入{}", name, mark_safe(places))
        elif only is not None and only.name == source.name:
            text = format_html(
                "{}行政区划代码由 {} 改为 {}", _name(source, page), source.code, only.code
            )
        elif only is not None and only.first_year == self.year:
            text = format_html("撤销{}，设立{}", name, mark_safe(places))
        else:
            text = format_html("撤销{}，区域划入{}", name, mark_safe(places))
        return format_html("{} 年：{}{}。", self.year, text, self.document)


def _name(region: Region, page: Region, *, period: bool = False) -> str:
    """A place in a 沿革 line: linked unless it is the page's own, with its years."""
    years = f"（{region.period}）" if period and region.period else ""
    if region == page:
        return format_html("{}{}", region.name, years)
    return format_html('<a href="{}">{}</a>{}', region.get_absolute_url(), region.name, years)


@dataclass
class History:
    """A region's 沿革: its names over time, and every change of area that made it or
    that it made, oldest first."""

    region: Region
    names: list
    changes: list[Change]
    after: list[Change]  # the changes this region made (where its area went)
    lines: list[str]  # the changes as sentences, for the region's own page

    @property
    def has_predecessors(self) -> bool:
        """Whether the region took over another's whole area (its list then holds
        their stories too)."""
        return any(not c.partial and c.source != self.region for c in self.changes)


def history(region: Region) -> History:
    """One query, however long the chain of predecessors (and one more for the names of
    a region that had several: ``region.name_count``, annotated by the caller, says)."""
    links = (
        RegionSuccession.objects.filter(
            Q(successor__in=RawSQL(PREDECESSORS_OR_SELF_SQL, [region.pk])) | Q(predecessor=region)
        )
        .select_related("predecessor__parent", "successor__parent")
        .order_by("year", "predecessor__code", "successor__code")
    )
    changes: dict[tuple, Change] = {}
    for link in links:
        key = (link.year, link.predecessor_id, link.partial, link.document_clause)
        change = changes.setdefault(
            key, Change(link.year, link.predecessor, [], link.partial, link.document_clause)
        )
        change.targets.append(link.successor)
    several = getattr(region, "name_count", 2) > 1
    names = list(region.names.order_by("first_year")) if several else []
    changes = list(changes.values())
    return History(
        region=region,
        names=names if len(names) > 1 else [],
        changes=changes,
        after=[change for change in changes if change.source == region],
        lines=[change.sentence(region) for change in changes],
    )


def described(region: Region) -> tuple[History, list[Region], list[Region]]:
    """``history`` and ``subdivisions`` of ``region``, cached as counts are (they change
    only when an editor edits the gazetteer, and may lag that by as long): read on
    every region page, they cost more than its stories (9 of 30 ms at a million)."""
    return remaking.cached(
        f"archive:gazetteer:{region.pk}",
        lambda: (history(region), *subdivisions(region)),
        settings.ARCHIVE_COUNT_CACHE_SECONDS,
    )
