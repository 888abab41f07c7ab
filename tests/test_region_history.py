"""Reading by place across time: every division of China since 1980, each story filed under
the place as it was when printed, and a region's list holding the stories of the places
whose area it took over, marked with the name they were printed under."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from archive.models import Region, RegionSuccession
from tests.factories import ArticleFactory
from tests.helpers import visible_text

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_cache")]

STORIES = reverse("archive:story_list")


def printed(year: int, month: int = 6, day: int = 1) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(year, month, day, 8))


def story(headline: str, region: Region, year: int):
    return ArticleFactory(
        headline=headline,
        regions=[region],
        published_at=printed(year),
        edition_date=datetime.date(year, 6, 1),
    )


def page_of(client, region: Region, **params) -> str:
    response = client.get(region.get_absolute_url(), params)
    assert response.status_code == 200
    return " ".join(visible_text(response).split())


def listed(client, **params) -> str:
    response = client.get(STORIES, params)
    assert response.status_code == 200
    return " ".join(visible_text(response).split())


@pytest.fixture
def hangzhou():
    by_code = Region.objects.coded(["330104", "330102", "330114", "330109", "330181", "330121"])
    return {
        "jianggan": by_code["330104"],
        "shangcheng": by_code["330102"],
        "qiantang": by_code["330114"],
        "xiaoshan": by_code["330109"],
        "xiaoshan_city": by_code["330181"],
        "xiaoshan_county": by_code["330121"],
    }


def test_the_gazetteer_holds_every_division_since_1980_current_and_abolished():
    assert Region.objects.count() > 6000
    assert Region.objects.current().provinces().count() == 34
    jianggan = Region.objects.get(slug="jianggan")
    assert (jianggan.code, jianggan.first_year, jianggan.last_year) == ("330104", 1983, 2021)
    assert jianggan.parent.name == "杭州市"
    # A code that only changed its name is one region with its names over time.
    dongli = Region.objects.get(code="120110")
    assert [n.name for n in dongli.names.order_by("first_year")] == ["东郊区", "东丽区"]
    # A code reused for another place is two regions.
    assert [r.name for r in Region.objects.filter(code="330502")] == ["城区", "吴兴区"]
    # Slugs stay unique and readable across the country; Zhejiang keeps its own.
    assert Region.objects.get(code="330802", last_year=None).slug == "kecheng"
    gulou = Region.objects.current().filter(name="鼓楼区").values_list("slug", flat=True)
    assert len(set(gulou)) == len(gulou) >= 4 and all(re.fullmatch(r"[a-z-]+", s) for s in gulou)


def test_a_renamed_division_shows_its_names_over_time(client):
    page = page_of(client, Region.objects.get(code="120110"))
    assert "名称：东郊区（–1992） → 东丽区（1992–）" in page


def test_successor_links_carry_their_year_and_document(hangzhou):
    links = RegionSuccession.objects.filter(predecessor=hangzhou["jianggan"], partial=False)
    assert {(link.successor.name, link.year, link.document) for link in links} == {
        ("上城区", 2021, "浙政发〔2021〕7号"),
        ("钱塘区", 2021, "浙政发〔2021〕7号"),
    }
    # 1996: part of 江干区 went to 上城区 while 江干区 lived on.
    assert RegionSuccession.objects.get(predecessor=hangzhou["jianggan"], year=1996).partial


def test_an_abolished_region_has_its_own_page_with_its_successors_and_stories(client, hangzhou):
    story("江干区钱江新城建设提速", hangzhou["jianggan"], 2015)
    page = page_of(client, hangzhou["jianggan"])
    assert "江干区（1983–2021）" in page and "330104" in page and "已撤销" in page
    assert "杭州市" in page
    assert "江干区 1983–2021 → 上城区、钱塘区" in page
    assert (
        "2021 年：撤销江干区，区域划入上城区、钱塘区，依据浙政发〔2021〕7号（2021年3月11日）。"
        in page
    )
    assert "江干区钱江新城建设提速" in page


def test_a_story_of_an_abolished_district_is_on_its_successors_lists_marked(client, hangzhou):
    story("江干区钱江新城建设提速", hangzhou["jianggan"], 2015)
    shangcheng = page_of(client, hangzhou["shangcheng"])
    assert "江干区钱江新城建设提速" in shangcheng
    assert "见报时为 江干区" in shangcheng
    assert "江干区钱江新城建设提速" in page_of(client, hangzhou["qiantang"])
    only = page_of(client, hangzhou["qiantang"], only="1")
    assert "江干区钱江新城建设提速" not in only
    assert "只看以“钱塘区”见报的报道" in only


def test_a_current_region_shows_its_history_and_its_predecessors_stories(client, hangzhou):
    story("萧山县乡镇企业蓬勃发展", hangzhou["xiaoshan_county"], 1985)
    story("萧山市撤市设区前夕", hangzhou["xiaoshan_city"], 1998)
    story("萧山区湘湖开园", hangzhou["xiaoshan"], 2020)
    page = page_of(client, hangzhou["xiaoshan"])
    assert "建置沿革" in page
    assert (
        "2001 年：撤销萧山市（1990–2001），设立萧山区，依据国函〔2001〕13号（2001年2月2日）。"
        in page
    )
    assert "1990 年：萧山市行政区划代码由 339005 改为 330181。" in page
    assert "1987 年：撤销萧山县（–1987），设立萧山市（1987–1990）" in page
    steps = [page.index(f"{year} 年：") for year in (1987, 1990, 2001, 2021)]
    assert steps == sorted(steps)  # oldest first
    for headline in ["萧山县乡镇企业蓬勃发展", "萧山市撤市设区前夕", "萧山区湘湖开园"]:
        assert headline in page
    assert "见报时为 萧山市" in page and "见报时为 萧山县" in page
    only = page_of(client, hangzhou["xiaoshan"], only="1")
    assert "萧山区湘湖开园" in only
    assert "萧山市撤市设区前夕" not in only and "萧山县乡镇企业蓬勃发展" not in only


def test_a_city_lists_the_counties_that_belonged_to_it_when_printed(client):
    quxian = Region.objects.get(code="330821")  # 衢县, under 衢州市 until 2001
    story("衢县柑橘丰收", quxian, 1995)
    quzhou = Region.objects.by_code("330800")
    assert "衢县柑橘丰收" in page_of(client, quzhou)
    assert "衢县柑橘丰收" in page_of(client, Region.objects.by_code("330802"))  # 柯城区, heir


def test_the_region_filter_takes_former_names_and_keeps_to_today_for_a_shared_short_name(
    client, hangzhou
):
    story("江干区钱江新城建设提速", hangzhou["jianggan"], 2015)
    story("萧山市撤市设区前夕", hangzhou["xiaoshan_city"], 1998)
    assert "江干区钱江新城建设提速" in listed(client, region="江干区")
    assert "江干区钱江新城建设提速" in listed(client, region="江幹區")  # Traditional
    assert "萧山市撤市设区前夕" in listed(client, region="萧山市")
    # 萧山 names 萧山区 and the three it took over: it means 萧山区, whose list has them all.
    page = listed(client, region="萧山")
    assert "萧山市撤市设区前夕" in page and "地区：萧山区 ×" in page


@pytest.mark.parametrize(
    "name, expected",
    [
        ("鼓楼区", ["鼓楼区（南京市，1983–）", "鼓楼区（福州市，"]),
        ("郊区", ["郊区（"]),
    ],
)
def test_a_name_many_regions_share_offers_a_choice(client, name, expected):
    response = client.get(STORIES, {"region": name})
    assert response.status_code == 200
    page = " ".join(visible_text(response).split())
    assert f"有不止一个地区叫“{name}”，请选择" in page
    for label in expected:
        assert label in page
    choices = re.search(r'<ul class="choices"[^>]*>(.*?)</ul>', response.content.decode(), re.S)
    assert choices and len(re.findall(r"<a ", choices.group(1))) >= 2


def test_every_province_is_one_click_away_and_the_home_province_leads(client):
    response = client.get(reverse("archive:region_list"))
    page = visible_text(response)
    assert page.index("浙江省") < page.index("全国各省级行政区")
    for province in ["北京市", "安徽省", "新疆维吾尔自治区", "香港特别行政区"]:
        assert province in page
    anhui = Region.objects.current().get(code="340000")
    assert f'href="{anhui.get_absolute_url()}"' in response.content.decode()
    # The home page shows the home province's cities and counties only, not the country.
    home = client.get(reverse("archive:home")).content.decode()
    assert home.count("<a ") < 400
    assert "合肥市" not in visible_text(client.get(reverse("archive:home")))


def test_a_province_page_lists_its_cities_and_counties(client):
    anhui = Region.objects.current().get(code="340000")
    page = page_of(client, anhui)
    assert "合肥市" in page and "肥西县" in page
    assert "已撤销或改隶的地区" in page  # e.g. 巢湖市 (a prefecture until 2011)


def test_the_home_province_is_a_setting(client, settings):
    settings.ARCHIVE_HOME_PROVINCE = "340000"
    page = visible_text(client.get(reverse("archive:region_list")))
    assert page.index("安徽省") < page.index("全国各省级行政区")
    assert "合肥市" in page.split("全国各省级行政区")[0]
    assert "衢州市" not in page.split("全国各省级行政区")[0]


def test_a_region_page_costs_the_same_queries_however_many_predecessors(client, hangzhou):
    story("萧山区湘湖开园", hangzhou["xiaoshan"], 2020)
    story("钱塘区新设", hangzhou["qiantang"], 2022)
    story("上城区湖滨步行街改造", hangzhou["shangcheng"], 2022)
    assert len(hangzhou["xiaoshan"].predecessor_ids()) == 3
    assert len(hangzhou["qiantang"].predecessor_ids()) == 1
    counts = {}
    for key in ["xiaoshan", "qiantang", "shangcheng"]:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(hangzhou[key].get_absolute_url()).status_code == 200
        counts[key] = len(queries)
    assert len(set(counts.values())) == 1, counts


def test_a_name_in_use_today_wins_over_former_namesakes_which_are_offered(client):
    quzhou = Region.objects.current().get(code="330800")
    story("衢州市区新闻", Region.objects.by_code("330802"), 2020)
    response = client.get(STORIES, {"region": "衢州"})
    page = " ".join(visible_text(response).split())
    assert "衢州市区新闻" in page and "地区：衢州市 ×" in page
    assert "也叫这个名字的旧地区：衢州市（金华地区，–1985）" in page
    former = Region.objects.get(code="332402")
    assert f"?region={former.slug}" in response.content.decode()
    assert quzhou.is_current and not former.is_current
