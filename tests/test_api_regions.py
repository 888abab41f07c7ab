"""The read API's regions: the national gazetteer paged, one region with its 沿革, the
tree as of a date, the suggestions, and the stories' region filter by name."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from archive.models import Contributor, Region
from tests.factories import ArticleFactory, BylineFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_cache")]

REGIONS = reverse("api:region-list")
TREE = reverse("api:region-tree")
SUGGEST = reverse("api:region-suggest")
STORIES = reverse("api:story-list")
PAGE_SIZE = 100  # RegionCursorPagination.page_size


def get(client, url, params=None, status=200):
    response = client.get(url, params or {})
    assert response.status_code == status, response.content.decode()
    assert response["Content-Type"].startswith("application/json")
    return response.json()


def region_url(key: str) -> str:
    return reverse("api:region-detail", args=[key])


def walk(client, params, direction="next") -> list[list[dict]]:
    pages, url, data = [], REGIONS, dict(params)
    while url:
        body = get(client, url, data)
        pages.append(body["results"])
        url, data = body[direction], None
    return pages


def queries(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as captured:
        get(client, url, params)
    return len(captured)


# The list


def test_the_national_list_is_paged_never_whole(client):
    body = get(client, REGIONS)
    assert len(body["results"]) == PAGE_SIZE < Region.objects.count()
    assert body["previous"] is None and "cursor=" in body["next"]
    codes = [(r["code"], r["first_year"]) for r in body["results"]]
    assert codes == sorted(codes) and codes[0] == ("110000", 1981)


def test_a_province_walks_every_region_once_forward_and_back(client):
    pages = walk(client, {"province": "浙江"})
    slugs = [r["slug"] for page in pages for r in page]
    zhejiang = Region.objects.filter(code__startswith="33")
    assert len(pages) > 1 and all(len(page) == PAGE_SIZE for page in pages[:-1])
    assert sorted(slugs) == sorted(zhejiang.values_list("slug", flat=True))
    assert len(slugs) == len(set(slugs))
    last = get(client, REGIONS, {"province": "zhejiang"})
    while last["next"]:
        last = get(client, last["next"])
    back, url = [], last["previous"]
    while url:
        body = get(client, url)
        back = [r["slug"] for r in body["results"]] + back
        url = body["previous"]
    assert back + [r["slug"] for r in last["results"]] == slugs


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"level": "province"}, 34),
        ({"level": "province", "current": "true"}, 34),
        ({"province": "330000", "level": "city", "current": "true"}, 11),
        ({"province": "zhejiang", "level": "county", "current": "true"}, 90),
        ({"name": "鼓楼区"}, 4),
        ({"name": "江干区"}, 1),
        ({"name": "柯城區"}, 1),
        ({"name": "330502"}, 2),  # a code used twice: both
    ],
)
def test_filters_select_regions(client, params, expected):
    [page] = walk(client, params)
    assert len(page) == expected


def test_abolished_regions_are_listed_with_their_periods(client):
    found = {
        r["slug"]: r
        for page in walk(client, {"province": "浙江省", "current": "false"})
        for r in page
    }
    assert (found["jianggan"]["first_year"], found["jianggan"]["last_year"]) == (1983, 2021)
    assert found["jianggan"]["is_current"] is False
    assert "kecheng" not in found and "xiaoshanshi" in found


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"province": "atlantis"}, "province"),
        ({"province": "柯城区"}, "province"),  # a county is not a province
        ({"province": "浙" * 60}, "province"),
        ({"province": "zhejiang\x00"}, "province"),
        ({"level": "town"}, "level"),
        ({"current": "maybe"}, "current"),
        ({"name": "鼓" * 60}, "name"),
        ({"name": "鼓楼区\x00"}, "name"),
        ({"cursor": "garbage"}, "cursor"),
        ({"cursor": "n33.1"}, "cursor"),
    ],
)
def test_bad_list_parameters_are_a_400_with_the_reason(client, params, field):
    errors = get(client, REGIONS, params, status=400)
    assert list(errors) == [field]
    assert errors[field][0]


def test_empty_parameters_mean_not_given(client):
    body = get(client, REGIONS, {"province": "", "level": "", "current": "", "name": ""})
    assert len(body["results"]) == PAGE_SIZE


def test_list_pages_cost_the_same_queries_anywhere(client, django_assert_num_queries):
    # A page of 34 plain rows, then pages of a hundred with names over time and successions.
    few = queries(client, REGIONS, {"level": "province"})
    for params in ({"level": "county"}, {"current": "false"}, {"cursor": "n330000.1981"}):
        with django_assert_num_queries(few):
            get(client, REGIONS, params)
    assert few <= 4
    # Naming a province or a region adds its lookup, the same for any.
    by_province = queries(client, REGIONS, {"province": "海南"})
    with django_assert_num_queries(by_province):
        get(client, REGIONS, {"province": "浙江", "current": "false"})
    by_name = queries(client, REGIONS, {"name": "柯城区"})
    with django_assert_num_queries(by_name):
        get(client, REGIONS, {"name": "鼓楼区"})
    assert by_province <= few + 2 and by_name <= few + 1


# One region


def test_a_region_has_its_names_parent_successors_and_predecessors(client):
    jianggan = get(client, region_url("jianggan"))
    assert {k: jianggan[k] for k in ("code", "name", "short_name", "level", "kind", "slug")} == {
        "code": "330104",
        "name": "江干区",
        "short_name": "江干",
        "level": "county",
        "kind": "区",
        "slug": "jianggan",
    }
    assert (jianggan["first_year"], jianggan["last_year"]) == (1983, 2021)
    assert jianggan["label"] == "江干区（杭州市，1983–2021）"
    assert jianggan["parent"] == {"code": "330100", "name": "杭州市", "slug": "hangzhou"}
    assert jianggan["url"] == "http://testserver/regions/jianggan/"
    assert jianggan["api_url"] == "http://testserver/api/regions/jianggan/"
    assert jianggan["stories_url"] == f"http://testserver{STORIES}?region=jianggan"
    whole = [s for s in jianggan["successors"] if not s["partial"]]
    assert {s["slug"] for s in whole} == {"shangcheng", "qiantang"}
    assert {(s["year"], s["document"], s["document_date"]) for s in whole} == {
        (2021, "浙政发〔2021〕7号", "2021年3月11日")
    }
    assert {"code", "name", "slug", "year", "partial", "document", "document_date"} == set(whole[0])
    xiaoshan = get(client, region_url("xiaoshan"))
    assert xiaoshan["last_year"] is None and xiaoshan["is_current"] is True
    [before] = xiaoshan["predecessors"]
    assert (before["slug"], before["name"], before["year"], before["partial"]) == (
        "xiaoshanshi",
        "萧山市",
        2001,
        False,
    )
    assert before["document"] == "国函〔2001〕13号"
    # One identity, two names: 东郊区 until 1992, 东丽区 since.
    dongli = get(client, region_url("120110"))
    assert [(n["name"], n["first_year"], n["last_year"]) for n in dongli["names"]] == [
        ("东郊区", 1981, 1992),
        ("东丽区", 1992, None),
    ]
    assert dongli["names"][0]["parent"]["slug"] == "tianjin"


def test_a_region_is_found_by_slug_or_by_a_code_only_it_had(client):
    assert get(client, region_url("330802"))["slug"] == "kecheng"
    reused = get(client, region_url("330502"), status=400)
    assert reused["choices"] == [
        {"label": "城区（湖州市，1983–1988）", "value": "huzhou-chengqu"},
        {"label": "吴兴区（湖州市，2003–）", "value": "wuxing"},
    ]
    assert "330502" in reused["detail"][0]
    for key in ("atlantis", "999999", "kecheng-" + "x" * 100, "柯城区"):
        assert get(client, region_url(key), status=404) == {"detail": "未找到。"}


def test_a_region_costs_the_same_queries_however_long_its_history(
    client, django_assert_num_queries
):
    few = queries(client, region_url("kecheng"))
    with django_assert_num_queries(few):
        get(client, region_url("jianggan"))
    with django_assert_num_queries(few):
        get(client, region_url("shangcheng"))
    assert few <= 5


# The tree as of a date


def nodes(tree) -> dict[str, dict]:
    found, pending = {}, list(tree)
    while pending:
        node = pending.pop()
        found[node["slug"]] = node
        pending.extend(node["subregions"])
    return found


def test_the_tree_as_of_a_date_has_the_divisions_of_that_year(client):
    [zhejiang_2015] = get(client, TREE, {"on": "2015-06-01"})
    then = nodes([zhejiang_2015])
    hangzhou = then["hangzhou"]
    assert "jianggan" in {c["slug"] for c in hangzhou["subregions"]}
    assert "qiantang" not in then and "linping" not in then
    today = nodes(get(client, TREE))
    assert "jianggan" not in today and "qiantang" in today
    assert today["qiantang"]["last_year"] is None
    [zhejiang_1995] = get(client, TREE, {"on": "1995-01-01", "province": "zhejiang"})
    assert then["xiaoshan"]["name"] == "萧山区"
    assert "xiaoshanshi" in {c["slug"] for c in nodes([zhejiang_1995])["hangzhou"]["subregions"]}
    # Each division says what kind it is: the county-level city, then the district.
    assert nodes([zhejiang_1995])["xiaoshanshi"]["kind"] == "县级市"
    assert (then["xiaoshan"]["kind"], then["hangzhou"]["kind"]) == ("区", "地级市")


def test_the_tree_names_each_region_as_it_was_named_then(client):
    [tianjin_1990] = get(client, TREE, {"on": "1990-05-01", "province": "天津"})
    assert nodes([tianjin_1990])["dongli"]["name"] == "东郊区"
    [tianjin_today] = get(client, TREE, {"province": "120000"})
    assert nodes([tianjin_today])["dongli"]["name"] == "东丽区"


def test_province_all_lists_the_provinces_of_that_year_only(client):
    today = get(client, TREE, {"province": "all"})
    assert len(today) == 34 and all(p["subregions"] == [] for p in today)
    in_1990 = {p["slug"] for p in get(client, TREE, {"province": "all", "on": "1990-01-01"})}
    assert "hainan" in in_1990 and "chongqing" not in in_1990 and "xianggang" not in in_1990


def test_tree_counts_public_stories(client):
    jianggan = Region.objects.get(slug="jianggan")
    ArticleFactory(regions=[jianggan])
    ArticleFactory(regions=[jianggan], draft=True)
    [province] = get(client, TREE, {"on": "2015-01-01"})
    assert nodes([province])["jianggan"]["story_count"] == 1
    assert nodes([province])["hangzhou"]["story_count"] == 1


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"on": "2025-13-01"}, "on"),
        ({"on": "yesterday"}, "on"),
        ({"on": "1850-01-01"}, "on"),
        ({"on": "2015-06-01\x00"}, "on"),
        ({"province": "atlantis"}, "province"),
        ({"province": "kecheng"}, "province"),
        ({"province": "省" * 60}, "province"),
        ({"province": "\x00"}, "province"),
        ({"province": "chongqing", "on": "1990-01-01"}, "province"),
    ],
)
def test_bad_tree_parameters_are_a_400_with_the_reason(client, params, field):
    errors = get(client, TREE, params, status=400)
    assert list(errors) == [field] and errors[field][0]


def test_tree_queries_do_not_grow_with_the_province_or_stories(client, django_assert_num_queries):
    get(client, TREE)  # the cached counts, made once
    few = queries(client, TREE)
    for slug in ("jianggan", "kecheng", "xiaoshanshi"):
        ArticleFactory(regions=[Region.objects.get(slug=slug)])
    for params in ({"province": "440000"}, {"on": "1990-01-01"}):
        with django_assert_num_queries(few):
            get(client, TREE, params)
    with django_assert_num_queries(few - 1):  # no province to look up
        get(client, TREE, {"province": "all"})
    assert few <= 4


# Suggestions


def test_suggestions_carry_label_period_and_a_value_naming_one_region(client):
    [kecheng] = get(client, SUGGEST, {"q": "柯城"})
    assert kecheng["label"] == "柯城区（衢州市，1985–）"
    assert (kecheng["period"], kecheng["first_year"], kecheng["last_year"]) == ("1985–", 1985, None)
    assert kecheng["value"] == "柯城区"  # a name only it bears: the name itself
    assert kecheng["kind"] == "区"
    [jianggan] = get(client, SUGGEST, {"q": "江干"})
    assert (jianggan["value"], jianggan["label"]) == ("江干区", "江干区（杭州市，1983–2021）")
    gulou = get(client, SUGGEST, {"q": "鼓楼"})
    assert len(gulou) == 4
    assert {s["value"] for s in gulou} == {s["slug"] for s in gulou}  # a shared name: slugs
    for suggestion in gulou + [kecheng, jianggan]:
        get(client, STORIES, {"region": suggestion["value"]})  # each names one region


def test_suggestions_refuse_overlong_or_nul_input(client):
    assert "q" in get(client, SUGGEST, {"q": "柯" * 51}, status=400)
    assert "q" in get(client, SUGGEST, {"q": "柯\x00"}, status=400)


# The stories' region filter by name


@pytest.fixture
def stories():
    return {
        "kecheng": ArticleFactory(headline="柯城：光电产业再提速", regions=["330802"]),
        "jianggan": ArticleFactory(
            headline="江干：钱江新城建设", regions=[Region.objects.get(slug="jianggan")]
        ),
        "xiaoshanshi": ArticleFactory(
            headline="萧山市：撤市设区前夕", regions=[Region.objects.get(slug="xiaoshanshi")]
        ),
    }


def listed(client, region) -> list[int]:
    return [s["id"] for s in get(client, STORIES, {"region": region})["results"]]


@pytest.mark.parametrize("value", ["柯城区", "柯城", "柯城區", "kecheng", "330802", " 柯城区 "])
def test_a_region_by_any_of_its_names(client, stories, value):
    assert listed(client, value) == [stories["kecheng"].pk]


def test_former_names_list_the_stories_filed_under_them(client, stories):
    assert listed(client, "江干区") == [stories["jianggan"].pk]
    assert listed(client, "萧山市") == [stories["xiaoshanshi"].pk]
    # 萧山区 took 萧山市 over: its list holds the older story too.
    assert stories["xiaoshanshi"].pk in listed(client, "萧山区")


def test_an_ambiguous_name_is_a_400_listing_labels_and_slugs(client, stories):
    errors = get(client, STORIES, {"region": "鼓楼区"}, status=400)
    assert set(errors) == {"region", "choices"}
    choices = errors["choices"]["region"]
    assert {c["value"] for c in choices} == {
        "gulou",
        "xuzhou-gulou",
        "fuzhou-gulou",
        "kaifeng-gulou",
    }
    assert {"label": "鼓楼区（南京市，1983–）", "value": "gulou"} in choices
    for choice in choices:
        assert choice["label"] in errors["region"][0]
        assert listed(client, choice["value"]) == []
    assert len(get(client, STORIES, {"region": "郊区"}, status=400)["choices"]["region"]) == 20


def test_namesake_authors_are_a_400_listing_each(client, stories):
    for slug, description in (("zheng-chen", "衢州日报记者"), ("zheng-chen-2", "")):
        author = Contributor.objects.create(name="郑晨", slug=slug, description=description)
        BylineFactory(article=stories["kecheng"], contributor=author)
    errors = get(client, STORIES, {"author": "郑晨"}, status=400)
    assert [c["value"] for c in errors["choices"]["author"]] == ["zheng-chen", "zheng-chen-2"]


@pytest.mark.parametrize(
    "value",
    ["atlantis", "火星区", "柯" * 51, "柯城区\x00", "\x00", "<script>alert(1)</script>"],
)
def test_unknown_overlong_or_malformed_regions_are_a_400_never_a_5xx(client, value):
    errors = get(client, STORIES, {"region": value}, status=400)
    assert list(errors) == ["region"]
    assert "<script>" not in errors["region"][0]
