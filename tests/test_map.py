"""The county map on the home page, /regions/ and each region's page."""

import json
import re
from itertools import pairwise

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from archive.models import Region
from archive.public import maps
from tests.factories import full_story

pytestmark = pytest.mark.django_db


def zhejiang_today():
    """The divisions of Zhejiang in use today: what the county map draws."""
    return Region.objects.current().filter(code__startswith="33")


COUNTY_LINK = re.compile(
    r'<a class="county (?P<classes>[^"]+)" href="(?P<href>[^"]+)"[^>]*'
    r'data-code="(?P<code>\d{6})"(?P<current>[^>]*)>\s*<title>(?P<title>[^<]*)</title>'
)


def map_links(html: str) -> dict[str, dict]:
    """The map's county links by code: href, CSS classes, title, whether aria-current."""
    svg = html[html.index('<svg class="county-map-svg') : html.index("</svg>")]
    return {
        m["code"]: {
            "href": m["href"],
            "classes": m["classes"].split(),
            "title": m["title"],
            "current": 'aria-current="page"' in m["current"],
        }
        for m in COUNTY_LINK.finditer(svg)
    }


def text_list(html: str) -> str:
    return html[html.index('<details class="county-map-list"') : html.index("</details>")]


def shade_of(link: dict) -> int:
    return next(int(c.removeprefix("shade-")) for c in link["classes"] if c.startswith("shade-"))


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("url", [reverse("archive:home"), reverse("archive:region_list")])
def test_map_links_every_county_by_name(client, url):
    links = map_links(page(client, url))
    counties = {r.code: r for r in zhejiang_today().counties()}
    assert set(links) == set(counties) and len(links) == 90
    for code, link in links.items():
        assert link["href"] == counties[code].get_absolute_url()
        assert link["title"].startswith(f"{counties[code].name}：")


def test_every_county_link_on_the_map_opens_its_county_page(client):
    for code, link in map_links(page(client, reverse("archive:home"))).items():
        response = client.get(link["href"])
        assert response.status_code == 200, code
        assert response.context["region"].code == code


def test_counties_with_stories_are_shaded_darker(client):
    for _ in range(3):
        full_story(regions=["330802"])  # 柯城区
    full_story(regions=["330383"])  # 龙港市
    links = map_links(page(client, reverse("archive:region_list")))
    assert "3 篇" in links["330802"]["title"]
    assert shade_of(links["330802"]) == maps.SHADES  # the busiest county
    assert 0 < shade_of(links["330383"]) < shade_of(links["330802"])
    assert shade_of(links["330803"]) == 0  # 衢江区: none
    assert "0 篇" in links["330803"]["title"]


def test_city_page_highlights_its_counties_and_dims_the_others(client):
    links = map_links(page(client, reverse("archive:region_detail", args=["quzhou"])))
    quzhou = {r.code for r in Region.objects.by_code("330800").children.current()}
    assert len(quzhou) == 6
    for code, link in links.items():
        expected = "is-highlighted" if code in quzhou else "is-dimmed"
        assert expected in link["classes"], code
        assert not link["current"]


def test_county_page_highlights_itself(client):
    links = map_links(page(client, reverse("archive:region_detail", args=["longgang"])))
    assert links["330383"]["current"] and "is-highlighted" in links["330383"]["classes"]
    others = [link for code, link in links.items() if code != "330383"]
    assert all("is-dimmed" in link["classes"] and not link["current"] for link in others)


def test_province_page_shows_the_map_without_highlighting(client):
    links = map_links(page(client, reverse("archive:region_detail", args=["zhejiang"])))
    assert len(links) == 90
    assert not any(
        {"is-highlighted", "is-dimmed"} & set(link["classes"]) for link in links.values()
    )


def test_text_version_lists_all_90_counties_by_city_with_counts(client):
    full_story(regions=["330802"])
    listing = text_list(page(client, reverse("archive:home")))
    for region in zhejiang_today().exclude(level=Region.Level.PROVINCE):
        assert f'href="{region.get_absolute_url()}"' in listing
        assert f">{region.name}</a>" in listing
    assert listing.count('class="city"') == 11
    assert '柯城区</a> <span class="count">1 篇</span>' in listing
    assert '衢江区</a> <span class="count">0 篇</span>' in listing


def test_a_county_newer_than_the_map_is_listed_but_not_drawn(client):
    hangzhou = Region.objects.by_code("330100")
    Region.objects.create(
        code="330199",
        name="新设区",
        short_name="新设",
        slug="xinshe",
        level="county",
        parent=hangzhou,
    )
    html = page(client, reverse("archive:home"))
    assert len(map_links(html)) == 90
    assert ">新设区</a>" in text_list(html)


def test_map_data_covers_exactly_the_gazetteer_and_is_small():
    assert maps.DATA.stat().st_size < 150 * 1024
    data = json.loads(maps.DATA.read_text(encoding="utf-8"))
    gazetteer = dict(zhejiang_today().counties().values_list("code", "name"))
    assert {code: c["name"] for code, c in data["counties"].items()} == gazetteer
    for code in ("330113", "330114", "330383"):  # 临平区, 钱塘区 (2021); 龙港市 (2019)
        assert data["counties"][code]["d"].startswith("M")
    _, _, width, height = data["viewBox"]
    x, y, label_width, label_height = data["label"]  # where the hovered county's name shows
    assert 0 <= x < x + label_width < width and 0 <= y < y + label_height < height


def test_map_data_is_read_once_not_per_request(client):
    assert maps.shapes() is maps.shapes()
    page(client, reverse("archive:home"))
    misses = maps.shapes.cache_info().misses
    page(client, reverse("archive:home"))
    page(client, reverse("archive:region_detail", args=["quzhou"]))
    assert maps.shapes.cache_info().misses == misses


def queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        page(client, url)
    return len(captured)


@pytest.mark.parametrize(
    ("url", "extra"),
    [
        (reverse("archive:home"), 0),
        (reverse("archive:region_list"), 0),
        (reverse("archive:region_detail", args=["quzhou"]), 1),
        (reverse("archive:region_detail", args=["kecheng"]), 1),
    ],
)
def test_map_reuses_the_pages_regions_and_counts(client, monkeypatch, url, extra):
    """No query per county: the map takes the page's city tree and story counts, and a
    region page reads the counties in one query."""
    full_story(regions=["330802"])
    with_map = queries(client, url)
    monkeypatch.setattr(maps, "county_map", lambda *args, **kwargs: {})
    assert with_map == queries(client, url) + extra


@pytest.mark.parametrize(
    ("most", "count", "expected"),
    [(0, 0, 0), (1, 1, 5), (1000, 0, 0), (1000, 1, 1), (1000, 1000, 5)],
)
def test_shade_is_a_log_scale_up_to_the_busiest_county(most, count, expected):
    assert maps.shade(count, most) == expected


@pytest.mark.parametrize("most", [1, 2, 7, 50, 1000, 54321])
def test_legend_bands_cover_every_count_once(most):
    bands = maps.legend(most)
    assert bands[0] == {"shade": 0, "low": 0, "high": 0}
    assert bands[1]["low"] == 1 and bands[-1]["high"] == most
    for before, after in pairwise(bands[1:]):
        assert after["low"] == before["high"] + 1 and after["shade"] > before["shade"]
    for band in bands:
        assert maps.shade(band["low"], most) == maps.shade(band["high"], most) == band["shade"]


def test_names_from_the_database_are_escaped_on_the_map_and_in_the_list(client):
    Region.objects.filter(code="330802").update(name='柯城<script>alert("x")</script>区')
    html = page(client, reverse("archive:home"))
    assert "<script>alert" not in html
    assert map_links(html)["330802"]["title"].startswith("柯城&lt;script&gt;")
    assert "柯城&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;区</a>" in text_list(html)


# --- zoomed to the city ------------------------------------------------------------------


def view_box(html: str) -> list[float]:
    return [
        float(n)
        for n in re.search(r'<svg class="county-map-svg[^"]*" viewBox="([^"]+)"', html)[1].split()
    ]


def written_names(html: str) -> list[str]:
    names = re.search(r'<g class="names" aria-hidden="true">(.*?)</g>', html, re.S)
    return re.findall(r"<text [^>]*>([^<]+)</text>", names[1]) if names else []


def inside(outer: list[float], outline: maps.Outline) -> bool:
    left, top, width, height = outer
    return (
        left <= outline.left
        and top <= outline.top
        and outline.right <= left + width
        and outline.bottom <= top + height
    )


@pytest.mark.parametrize("city", ["330100", "330800", "331100"])
def test_a_city_page_zooms_to_its_counties_and_names_them(client, city):
    region = Region.objects.by_code(city)
    html = page(client, region.get_absolute_url())
    view, whole = view_box(html), maps.shapes()["viewBox"]
    counties = [c for c in region.children.current() if c.code in maps.outlines()]
    assert all(inside(view, maps.outlines()[c.code]) for c in counties)
    assert view[2] * view[3] < whole[2] * whole[3] / 2  # at least twice as close
    names = written_names(html)
    assert names and len(names) == len(set(names))
    # Its own counties that are not tiny are named on the map; a name never overflows.
    big = [c for c in counties if maps.outlines()[c.code].width > view[2] / 5]
    assert {c.name for c in big} <= set(names)
    assert f"{region.name}及周边" in html


def test_a_county_page_shows_its_city_around_it(client):
    html = page(client, reverse("archive:region_detail", args=["kecheng"]))
    city = page(client, reverse("archive:region_detail", args=["quzhou"]))
    assert view_box(html) == view_box(city)
    assert map_links(html)["330802"]["current"]


def test_the_province_map_is_whole_with_no_names_written(client):
    for url in (
        reverse("archive:region_list"),
        reverse("archive:region_detail", args=["zhejiang"]),
    ):
        html = page(client, url)
        assert view_box(html) == [float(n) for n in maps.shapes()["viewBox"]]
        assert written_names(html) == []


def test_outlines_read_the_drawn_paths():
    # 330102 (上城区) is drawn as "M399 177l0 5-2 0…": its box holds that first point.
    outline = maps.outlines()["330102"]
    assert outline.left <= 399 <= outline.right and outline.top <= 177 <= outline.bottom
    assert 0 < outline.width < 60 and 0 < outline.height < 60
    assert outline.left <= outline.x <= outline.right
