"""A region's type as a reader names it (区, 县, 县级市, 自治县, 地级市, 地区, 省, 直辖市…),
never just its level, and its place shown on its page as province → city → county."""

import re

import pytest
from django.urls import reverse

from archive.models import Region
from tests.helpers import visible_text

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_cache")]

REGIONS = reverse("archive:region_list")


def breadcrumbs(response) -> list[tuple[str, str]]:
    """The trail above the page's own region: (link, name) in the order shown, then the
    page's own name with no link."""
    nav = re.search(
        r'<nav class="breadcrumbs" aria-label="上级地区">(.*?)</nav>',
        response.content.decode(),
        re.S,
    )
    assert nav, "no breadcrumbs on the page"
    trail = re.findall(r'<a href="([^"]+)">([^<]+)</a>', nav.group(1))
    here = re.findall(r'<span aria-current="page">([^<]+)</span>', nav.group(1))
    return [*trail, ("", *here)]


def meta_line(response) -> str:
    """The line under the heading: kind, code, years."""
    meta = re.search(r'<p class="meta">(.*?)</p>', response.content.decode(), re.S)
    assert meta, "no line under the heading"
    return re.sub(r"<[^>]+>", "", meta.group(1)).strip()


def kind_shown(response) -> str:
    """What the line under the heading says the region is (before its code)."""
    return meta_line(response).split(" · ")[0]


def region_page(client, region: Region):
    response = client.get(region.get_absolute_url())
    assert response.status_code == 200
    return response


def link(region: Region) -> tuple[str, str]:
    return (region.get_absolute_url(), region.name)


# --- the kind of every division ------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "name", "kind"),
    [
        ("330802", "柯城区", "区"),
        ("330122", "桐庐县", "县"),
        ("330182", "建德市", "县级市"),
        ("331127", "景宁畲族自治县", "自治县"),
        ("150223", "达尔罕茂明安联合旗", "旗"),
        ("150724", "鄂温克族自治旗", "自治旗"),
        ("429021", "神农架林区", "林区"),
        ("520203", "六枝特区", "特区"),
        ("330800", "衢州市", "地级市"),
        ("332500", "丽水地区", "地区"),
        ("222400", "延边朝鲜族自治州", "自治州"),
        ("152500", "锡林郭勒盟", "盟"),
        ("330000", "浙江省", "省"),
        ("150000", "内蒙古自治区", "自治区"),
        ("110000", "北京市", "直辖市"),
        ("500000", "重庆市", "直辖市"),
        ("810000", "香港特别行政区", "特别行政区"),
    ],
)
def test_a_region_is_called_what_it_is(region, code, name, kind):
    found = region(code)
    assert found.name == name
    assert found.kind == kind


@pytest.mark.parametrize(
    ("code", "name", "kind"),
    [
        # Districts whose names end like other kinds.
        ("610103", "碑林区", "区"),
        ("140109", "万柏林区", "区"),
        ("230403", "工农区", "区"),
        ("130107", "井陉矿区", "区"),
        ("310115", "浦东新区", "区"),
        # Kinds of the 1980s, and the islands.
        ("512634", "金口河工农区", "工农区"),
        ("140111", "古交工矿区", "工矿区"),
        ("533126", "畹町镇", "县级镇"),
        ("442100", "海南行政区", "行政区"),
        ("332402", "衢州市", "县级市"),  # under 金华地区, –1985
        ("469031", "西沙群岛", "群岛"),
        ("469033", "中沙群岛的岛礁及其海域", "群岛"),
    ],
)
def test_names_that_end_alike_are_told_apart(region, code, name, kind):
    found = region(code)
    assert found.name == name
    assert found.kind == kind


def test_every_region_of_the_gazetteer_has_a_kind_more_specific_than_its_level():
    regions = list(Region.objects.all())
    assert len(regions) > 6000
    vague = [f"{r.code} {r.name}" for r in regions if r.kind == r.get_level_display()]
    assert vague == []


def test_a_name_of_no_known_ending_is_called_by_its_level():
    assert Region(name="某某办事处", level=Region.Level.COUNTY).kind == "县级"
    assert Region(name="某某", level=Region.Level.CITY).kind == "地级"


def test_the_regions_above_one_cost_no_query_once_fetched(region, django_assert_num_queries):
    kecheng = Region.objects.select_related("parent__parent").get(pk=region("330802").pk)
    with django_assert_num_queries(0):
        assert [r.name for r in kecheng.enclosing] == ["浙江省", "衢州市"]
        assert kecheng.kind == "区"


# --- region pages --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "kind"),
    [
        ("330802", "区"),  # 柯城区
        ("330122", "县"),  # 桐庐县
        ("330182", "县级市"),  # 建德市
        ("331127", "自治县"),  # 景宁畲族自治县
    ],
)
def test_a_county_page_names_its_kind_under_province_and_city(client, region, code, kind):
    county = region(code)
    city, province = county.parent, county.parent.parent
    response = region_page(client, county)
    assert kind_shown(response) == kind
    assert breadcrumbs(response) == [
        (REGIONS, "地区"),
        link(province),
        link(city),
        ("", county.name),
    ]
    assert province.level == Region.Level.PROVINCE and city.level == Region.Level.CITY


def test_an_abolished_county_page_shows_its_last_province_and_city(client, region):
    quxian = region("330821")
    assert (quxian.name, quxian.last_year) == ("衢县", 2001)
    response = region_page(client, quxian)
    assert meta_line(response).startswith("县 · 行政区划代码 330821 · 1985–2001 年，已撤销")
    assert breadcrumbs(response) == [
        (REGIONS, "地区"),
        link(region("330000")),
        link(region("330800")),
        ("", "衢县"),
    ]


def test_a_county_of_an_abolished_prefecture_is_shown_under_it(client, region):
    # The county-level 衢州市 of 1981–1985 lay in 金华地区, abolished with it.
    former = region("332402")
    response = region_page(client, former)
    assert kind_shown(response) == "县级市"
    assert breadcrumbs(response) == [
        (REGIONS, "地区"),
        link(region("330000")),
        link(region("332400")),
        ("", "衢州市"),
    ]
    jinhua = region_page(client, region("332400"))
    assert kind_shown(jinhua) == "地区"


def test_a_county_directly_under_its_province_shows_the_province(client, region):
    xiantao = region("429004")
    response = region_page(client, xiantao)
    assert kind_shown(response) == "县级市"
    assert breadcrumbs(response) == [(REGIONS, "地区"), link(region("420000")), ("", "仙桃市")]


def test_a_district_of_a_municipality_shows_the_municipality(client, region):
    response = region_page(client, region("110101"))
    assert kind_shown(response) == "区"
    assert breadcrumbs(response) == [(REGIONS, "地区"), link(region("110000")), ("", "东城区")]
    beijing = region_page(client, region("110000"))
    assert kind_shown(beijing) == "直辖市"


@pytest.mark.parametrize(
    ("code", "kind", "province"),
    [
        ("330800", "地级市", "330000"),  # 衢州市
        ("222400", "自治州", "220000"),  # 延边朝鲜族自治州
        ("152500", "盟", "150000"),  # 锡林郭勒盟
    ],
)
def test_a_city_page_names_its_kind_under_its_province(client, region, code, kind, province):
    city = region(code)
    response = region_page(client, city)
    assert kind_shown(response) == kind
    assert breadcrumbs(response) == [(REGIONS, "地区"), link(region(province)), ("", city.name)]


@pytest.mark.parametrize(
    ("code", "kind"),
    [("330000", "省"), ("420000", "省"), ("150000", "自治区"), ("810000", "特别行政区")],
)
def test_a_province_page_names_its_kind_at_the_top_of_the_trail(client, region, code, kind):
    province = region(code)
    response = region_page(client, province)
    assert kind_shown(response) == kind
    assert breadcrumbs(response) == [(REGIONS, "地区"), ("", province.name)]


def test_no_region_page_calls_a_county_by_a_list_of_kinds(client, region):
    for code in ["330802", "330800", "330000"]:
        text = visible_text(region_page(client, region(code)))
        assert "区/县/县级市" not in text and "县级 ·" not in text and "地级 ·" not in text
    overview = visible_text(client.get(REGIONS))
    assert "区、县、县级市" not in overview and "区/县/县级市" not in overview


# --- the admin -----------------------------------------------------------------------------


def test_the_admin_lists_and_shows_each_regions_kind(editor_client, region):
    changelist = reverse("admin:archive_region_changelist")
    response = editor_client.get(changelist, {"q": "景宁"})
    assert response.status_code == 200
    row = re.search(r"<tr>.*?景宁畲族自治县.*?</tr>", response.content.decode(), re.S)
    assert row and '<td class="field-kind">自治县</td>' in row.group(0)
    jingning = region("331127")
    form = editor_client.get(reverse("admin:archive_region_change", args=[jingning.pk]))
    assert form.status_code == 200
    assert re.search(r"类型.*?自治县", visible_text(form), re.S)
    # "View on site" leads to the public page, which says the same.
    assert kind_shown(region_page(editor_client, jingning)) == "自治县"
