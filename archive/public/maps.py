"""The county map: Zhejiang's 90 county-level divisions as inline SVG, shaded by stories.

The shapes are drawn once by ``scripts/build_county_map.py`` into
``archive/public/zhejiang_counties.json`` and read once per process; a request only pairs
them with the regions and the cached story counts (``archive.counts``).
"""

import json
import math
import re
from dataclasses import dataclass
from functools import cache
from html import escape
from pathlib import Path

from django.utils.safestring import mark_safe

from archive.models import Region
from archive.models.regions import home_province_code

DATA = Path(__file__).with_name("zhejiang_counties.json")
SHADES = 5  # shade-1 … shade-5 for counties with stories; shade-0 for none


@cache
def shapes() -> dict:
    """The map data file, parsed once: viewBox, city borders and each county's path."""
    return json.loads(DATA.read_text(encoding="utf-8"))


def shade(count: int, most: int) -> int:
    """0 for no stories, else 1…SHADES on a log scale up to the busiest county.

    A log scale because coverage is very uneven: a linear one would leave all but a
    few counties in the palest shade.
    """
    if count <= 0:
        return 0
    return min(SHADES, 1 + math.floor(SHADES * math.log1p(count) / math.log1p(max(most, 1))))


def _fewest(level: int, most: int) -> int:
    """The fewest stories that reach ``level`` (the log scale inverted, then checked)."""
    n = max(1, math.ceil(math.expm1((level - 1) * math.log1p(most) / SHADES)))
    while n > 1 and shade(n - 1, most) >= level:
        n -= 1
    while shade(n, most) < level:
        n += 1
    return n


def legend(most: int) -> list[dict]:
    """Each shade with the range of story counts it stands for (empty bands left out)."""
    bands = [{"shade": 0, "low": 0, "high": 0}]
    if most < 1:
        return bands
    lows = [_fewest(level, most) for level in range(1, SHADES + 1)] + [most + 1]
    for level in range(1, SHADES + 1):
        low, high = lows[level - 1], lows[level] - 1
        if low <= high:
            bands.append({"shade": level, "low": low, "high": high})
    return bands


@dataclass(frozen=True)
class Outline:
    """A county's extent in map units: its bounding box and where its name goes."""

    left: float
    top: float
    right: float
    bottom: float
    x: float  # the centre of its largest part's box, where a name is written
    y: float

    @property
    def width(self) -> float:
        return self.right - self.left

    @property
    def height(self) -> float:
        return self.bottom - self.top


_STEP = re.compile(r"[MLlmz]|-?\d+(?:\.\d+)?")


def _parts(d: str) -> list[list[tuple[float, float]]]:
    """The rings of an SVG path as ``build_county_map.py`` writes it (M, l, z)."""
    parts, ring, command, numbers = [], [], "M", []
    x = y = 0.0
    for token in _STEP.findall(d):
        if token.isalpha():
            command, numbers = token, []
            if command == "z":
                parts.append(ring)
                ring = []
            continue
        numbers.append(float(token))
        if len(numbers) < 2:
            continue
        dx, dy = numbers
        numbers = []
        if command in "ML":
            x, y = dx, dy
        else:
            x, y = x + dx, y + dy
        ring.append((x, y))
        if command == "M":
            command = "L"  # pairs after a moveto are linetos
        elif command == "m":
            command = "l"
    if ring:
        parts.append(ring)
    return [part for part in parts if part]


def _outline(d: str) -> Outline:
    parts = _parts(d)
    xs = [x for part in parts for x, _ in part]
    ys = [y for part in parts for _, y in part]
    largest = max(
        parts,
        key=lambda p: (
            (max(x for x, _ in p) - min(x for x, _ in p))
            * (max(y for _, y in p) - min(y for _, y in p))
        ),
    )
    lx, ly = [x for x, _ in largest], [y for _, y in largest]
    return Outline(
        min(xs), min(ys), max(xs), max(ys), (min(lx) + max(lx)) / 2, (min(ly) + max(ly)) / 2
    )


@cache
def outlines() -> dict[str, Outline]:
    """Each drawn county's outline by code, computed once per process."""
    return {code: _outline(shape["d"]) for code, shape in shapes()["counties"].items()}


# A zoomed map writes its counties' names; its labels keep their size on screen by
# one of these steps (the CSS sizes text for each: .zoom-1-5 … .zoom-12).
ZOOMS = (1, 1.5, 2, 3, 4, 6, 8, 12)
NAME_SIZE = 15.0  # a county's name on the unzoomed map, in map units
MARGIN = 0.08  # around the zoomed area, of its size


def _zoom(codes: set[str], full: list[float]) -> tuple[list[float], int]:
    """The view box around the counties ``codes``, with a margin, and its zoom step
    (the largest of ``ZOOMS`` it magnifies the whole map by)."""
    found = [outlines()[code] for code in codes if code in outlines()]
    if not found:
        return full, 1
    left, top = min(o.left for o in found), min(o.top for o in found)
    right, bottom = max(o.right for o in found), max(o.bottom for o in found)
    width, height = right - left, bottom - top
    pad = MARGIN * max(width, height)
    left, top, width, height = left - pad, top - pad, width + 2 * pad, height + 2 * pad
    factor = min(full[2] / width, full[3] / height)
    step = max([z for z in ZOOMS if z <= factor] or [1])
    return [round(left, 1), round(top, 1), round(width, 1), round(height, 1)], step


def _names(counties: list["County"], view: list[float], step: int) -> str:
    """The names of the counties inside ``view`` whose outline holds them, written on
    the map (a name that would spill over its county is left to its hover title and
    to the list)."""
    size = NAME_SIZE / step
    left, top, width, height = view
    labels, taken = [], []
    # The page's own counties first, then the largest: where two names would collide
    # the smaller county's is left out.
    for c in sorted(counties, key=lambda c: (c.state != "highlighted", -_area(c))):
        o = outlines().get(c.region.code)
        half_w, half_h = len(c.region.name) * size / 2, size * 0.65
        box = (o.x - half_w, o.y - half_h, o.x + half_w, o.y + half_h) if o else None
        inside = box and left <= box[0] and box[2] <= left + width
        if not inside or not (top <= box[1] and box[3] <= top + height):
            continue
        if 2 * half_w > o.width * 0.95 or 2 * half_h > o.height:
            continue
        if any(box[0] < b[2] and b[0] < box[2] and box[1] < b[3] and b[1] < box[3] for b in taken):
            continue
        taken.append(box)
        mark = ' class="is-current"' if c.is_current else ""
        labels.append(f'<text x="{o.x:.1f}" y="{o.y:.1f}"{mark}>{escape(c.region.name)}</text>')
    return mark_safe("\n".join(labels))


def _area(county: "County") -> float:
    o = outlines().get(county.region.code)
    return o.width * o.height if o else 0.0


@dataclass
class County:
    region: Region
    href: str
    count: int
    shade: int
    d: str | None  # the SVG path; None for a division newer than the map (listed, not drawn)
    state: str = ""  # "highlighted", "dimmed" or "" (nothing highlighted)
    is_current: bool = False  # the county whose page this is


# The counties' markup is built here rather than in the template: 90 links on the map
# and 101 in the list through the template engine (variable lookups, number formatting,
# escaping each value) cost tens of milliseconds a page. Every string from the database
# goes through ``escape``.
CURRENT = ' aria-current="page"'


def _svg_links(counties: list[County], label: dict) -> str:
    x, y = label["x"], label["y"]
    return mark_safe(
        "\n".join(
            f'<a class="county shade-{c.shade}{f" is-{c.state}" if c.state else ""}"'
            f' href="{escape(c.href)}" tabindex="0" data-code="{escape(c.region.code)}"'
            f"{CURRENT if c.is_current else ''}>"
            f"<title>{escape(c.region.name)}：{c.count} 篇报道</title>"
            f'<path d="{escape(c.d)}"/>'
            f'<text x="{x}" y="{y}" aria-hidden="true">{escape(c.region.name)}'
            f'<tspan x="{x}" dy="1.3em">{c.count} 篇报道</tspan></text></a>'
            for c in counties
        )
    )


def _text_list(groups, counts: dict[str, int], current: Region | None, url) -> str:
    items = []
    for city, counties in groups:
        here = city == current
        highlight = ' class="is-highlighted"' if here else ""
        county_items = "".join(
            f'<li><a href="{escape(c.href)}"{CURRENT if c.is_current else ""}>'
            f'{escape(c.region.name)}</a> <span class="count">{c.count} 篇</span></li>'
            for c in counties
        )
        items.append(
            f"<li{highlight}>"
            f'<a class="city" href="{escape(url(city))}"{CURRENT if here else ""}>'
            f'{escape(city.name)}</a> <span class="count">{counts.get(city.pk, 0)} 篇</span>'
            f'<ul class="counties">{county_items}</ul></li>'
        )
    return mark_safe("\n".join(items))


def _groups(cities) -> list[tuple[Region, list[Region]]]:
    if cities is None:  # one query, when the page has no city tree of its own
        home = Region.objects.current().filter(code__startswith=home_province_code()[:2])
        cities = home.exclude(level=Region.Level.PROVINCE).tree()
    return [(city, city.subregions) for city in cities]


def county_map(counts: dict[str, int], *, cities=None, current: Region | None = None) -> dict:
    """The template context of ``archive/includes/county_map.html``.

    ``counts``: story counts by region id (``archive.counts.region_story_counts``).
    ``cities``: the city tree the page already has (``Region.objects.tree``); without it
    the counties are read in one query. ``current``: the region whose page this is; a
    city's counties, or a county, are highlighted and the rest dimmed.
    """
    data = shapes()
    regions = _groups(cities)
    most = max((counts.get(c.pk, 0) for _, group in regions for c in group), default=0)
    if current is not None and current.level == Region.Level.CITY:
        highlighted = {c.code for city, group in regions if city == current for c in group}
    elif current is not None and current.level == Region.Level.COUNTY:
        highlighted = {current.code}
    else:
        current, highlighted = None, set()  # the province highlights nothing

    url = Region.get_absolute_url  # one reverse per process (``Region.get_absolute_url``)
    groups = []
    for city, group in regions:
        counties = []
        for region in group:
            count = counts.get(region.pk, 0)
            shape = data["counties"].get(region.code)
            state = ""
            if highlighted:
                state = "highlighted" if region.code in highlighted else "dimmed"
            counties.append(
                County(
                    region=region,
                    href=url(region),
                    count=count,
                    shade=shade(count, most),
                    d=shape["d"] if shape else None,
                    state=state,
                    is_current=region == current,
                )
            )
        groups.append((city, counties))
    # SVG paints in document order: highlighted counties last, so that no neighbour
    # covers their outline.
    drawn = sorted(
        (c for _, counties in groups for c in counties if c.d is not None),
        key=lambda c: c.state == "highlighted",
    )
    # A city's page shows the city, a county's its city with it outlined; both with
    # the names that fit. The province shows them all, a name on pointing at one.
    if current is None:
        city, view, step, names = None, data["viewBox"], 1, ""
    else:
        city = current if current.level == Region.Level.CITY else current.parent
        codes = {c.region.code for g_city, counties in groups if g_city == city for c in counties}
        view, step = _zoom(codes or highlighted, data["viewBox"])
        names = _names([c for _, counties in groups for c in counties], view, step)
    if current is None:
        x, y, _, _ = data["label"]
        # A county's name shows in an empty corner of the map, where nothing covers it.
        label = {"x": x + 6, "y": y + 30}
    else:  # the zoomed view's own top-left corner
        label = {"x": round(view[0] + view[2] * 0.01, 1), "y": round(view[1] + 30 / step, 1)}
    return {
        "view_box": " ".join(str(n) for n in view),
        "zoom": str(step).replace(".", "-"),
        "names": names,
        "city_borders": data["cities"],
        "svg_links": _svg_links(drawn, label),
        "text_list": _text_list(groups, counts, current, url),
        "legend": legend(most),
        "current": current,
        "city": city,
    }
