"""The read API under /api/, as a client program uses it."""

import datetime
import re
from urllib.parse import parse_qs, urlsplit

import hypothesis
import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck
from hypothesis import strategies as st
from openapi_spec_validator import validate
from schemathesis import GenerationMode

from archive.models import Article, Contributor, Section
from tests.factories import (
    ArticleFactory,
    BylineFactory,
    PhotoCreditFactory,
    full_story,
    one_aftermath,
)
from tests.helpers import HIDDEN

# Throttling counts requests in the cache; each test starts with none counted.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_cache")]

STORIES = reverse("api:story-list")
REGIONS = reverse("api:region-list")
TREE = reverse("api:region-tree")
SCHEMA = reverse("api:schema")
SUGGEST = reverse("api:region-suggest")
EDITORS_FIELDS = {"status", "version", "created_by", "origin", "created_at", "updated_at"}


def get(client, url, params=None, status=200) -> dict | list:
    response = client.get(url, params or {})
    assert response.status_code == status, response.content.decode()
    assert response["Content-Type"].startswith("application/json")
    return response.json()


def detail_url(story) -> str:
    return reverse("api:story-detail", args=[story.pk])


def cursor_in(url: str) -> str:
    return parse_qs(urlsplit(url).query)["cursor"][0]


def days_ago(days: float) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=days)


# What a client sees


def test_story_list_item_has_what_the_site_list_shows_and_no_editors_fields(client):
    story = full_story(
        headline="柯城：光电产业再提速",
        kicker="经济大省挑大梁",
        subtitle="一季度产值增长三成",
        regions=["330802", "330803"],
        edition_date=datetime.date(2025, 3, 12),
        page_number=3,
        page_name="县域观察",
    )
    [item] = get(client, STORIES)["results"]
    assert not EDITORS_FIELDS & set(item)
    assert item["id"] == story.pk
    assert item["headline"] == "柯城：光电产业再提速"
    assert item["kicker"] == "经济大省挑大梁"
    assert item["subtitle"] == "一季度产值增长三成"
    assert item["url"] == f"http://testserver{story.get_absolute_url()}"
    assert item["api_url"] == f"http://testserver{detail_url(story)}"
    assert item["edition_date"] == "2025-03-12"
    assert (item["page_number"], item["page_name"]) == (3, "县域观察")
    assert item["published_at"].endswith("+08:00")  # the archive's time zone
    assert item["section"] == {"name": story.section.name, "slug": story.section.slug}
    assert [(r["code"], r["primary"]) for r in item["regions"]] == [
        ("330802", True),
        ("330803", False),
    ]
    assert item["regions"][0]["name"] == "柯城区"
    assert [b["name"] for b in item["bylines"]] == [c.contributor.name for c in story.credits.all()]
    assert {b["role"] for b in item["bylines"]} == {"writer"}
    assert item["byline"] == story.byline_display()
    assert "lede" not in item and "body" not in item


def test_story_detail_adds_lede_body_blocks_and_credited_photos(client):
    story = full_story(
        lede="一季度，柯城光电产业产值同比增长三成。",
        body="第一段正文。\n\n## 项目落地见成效\n\n第二段正文。",
        photos=1,
    )
    photo = story.photos.get()
    data = get(client, detail_url(story))
    assert not EDITORS_FIELDS & set(data)
    assert data["lede"] == "一季度，柯城光电产业产值同比增长三成。"
    assert data["body"] == [
        {"type": "paragraph", "text": "第一段正文。"},
        {"type": "subhead", "text": "项目落地见成效"},
        {"type": "paragraph", "text": "第二段正文。"},
    ]
    [shown] = data["photos"]
    assert shown["caption"] == photo.caption
    assert shown["image"] is None  # imported from a print page: caption and credit only
    assert shown["credit_line"] == photo.credit_line()
    assert [(c["name"], c["role"]) for c in shown["credits"]] == [
        (photo.credits.get().contributor.name, "photographer")
    ]


@pytest.mark.parametrize("state", list(HIDDEN))
def test_unpublished_stories_are_neither_listed_nor_shown(client, state):
    public = ArticleFactory(headline="已经公开的柯城报道", regions=["330802"])
    hidden = ArticleFactory(headline="尚未公开的柯城报道", regions=["330802"], **HIDDEN[state])
    for params in ({}, {"region": "kecheng"}, {"q": "柯城报道"}, {"order": "oldest"}):
        assert [s["id"] for s in get(client, STORIES, params)["results"]] == [public.pk]
    assert get(client, detail_url(hidden), status=404) == {"detail": "未找到。"}
    assert get(client, detail_url(public))["headline"] == "已经公开的柯城报道"


def test_region_tree_lists_province_cities_and_counties_with_public_story_counts(client):
    ArticleFactory(regions=["330802"])
    ArticleFactory(regions=["330802", "330803"])
    ArticleFactory(regions=["330802"], draft=True)
    [province] = get(client, TREE)  # today's divisions of the home province
    assert (province["code"], province["name"], province["slug"]) == (
        "330000",
        "浙江省",
        "zhejiang",
    )
    assert province["story_count"] == 2
    assert len(province["subregions"]) == 11
    quzhou = next(c for c in province["subregions"] if c["slug"] == "quzhou")
    assert (quzhou["code"], quzhou["level"], quzhou["story_count"]) == ("330800", "city", 2)
    counties = {c["slug"]: c for c in quzhou["subregions"]}
    assert counties["kecheng"]["story_count"] == 2
    assert counties["qujiang"]["story_count"] == 1
    assert counties["kecheng"]["url"] == "http://testserver/regions/kecheng/"
    assert counties["kecheng"]["api_url"] == "http://testserver/api/regions/kecheng/"
    assert counties["kecheng"]["stories_url"] == f"http://testserver{STORIES}?region=kecheng"
    every_county = [county for city in province["subregions"] for county in city["subregions"]]
    assert len(every_county) == 90
    assert all(county["subregions"] == [] for county in every_county)


# Same filters, same stories as /stories/


@pytest.fixture
def archive_stories():
    """Stories across counties, sections, authors, days and words, some published at the
    same moment (ties in the sort), plus hidden ones that must never show."""
    economy = Section.objects.create(name="经济大省挑大梁", slug="jingji")
    villages = Section.objects.create(name="乡村振兴", slug="xiangcun")
    zhang = Contributor.objects.create(name="张伟", slug="zhang-wei")
    li = Contributor.objects.create(name="李娜", slug="li-na")
    same_moment = days_ago(3)
    rows = [
        ("柯城：光电产业再提速", "光电企业扩产。", "330802", economy, zhang, days_ago(1)),
        ("衢江：高标准农田建设", "光电与农田结合。", "330803", villages, li, days_ago(2)),
        ("建德：洋溪街道盘活闲置资产", "闲置厂房变身。", "330182", economy, zhang, same_moment),
        ("衢州：全市招商引资大会召开", "引进光电项目。", "330800", economy, li, same_moment),
        ("龙港：共富工坊进社区", "工坊带动就业。", "330383", villages, zhang, days_ago(40)),
        ("柯城光电小镇的第二年", "小镇新貌。", "330802", villages, li, days_ago(400)),
    ]
    with one_aftermath():
        for headline, body, code, section, author, published_at in rows:
            story = ArticleFactory(
                headline=headline,
                body=body,
                regions=[code],
                section=section,
                published_at=published_at,
            )
            BylineFactory(article=story, contributor=author)
        for state in HIDDEN.values():
            ArticleFactory(
                headline="尚未公开的光电报道", body="光电。", regions=["330802"], **state
            )


def site_list_ids(client, params) -> list[int]:
    page = client.get(reverse("archive:story_list"), params).content.decode()
    return [int(pk) for pk in re.findall(r'<h3><a href="/stories/(\d+)/">', page)]


def api_list_ids(client, params) -> list[int]:
    return [story["id"] for story in get(client, STORIES, params)["results"]]


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"order": "oldest"},
        {"region": "kecheng"},
        {"region": "330800"},
        {"region": "zhejiang", "order": "oldest"},
        {"section": "jingji"},
        {"author": "zhang-wei"},
        {"author": "li-na", "section": "jingji"},
        {"date_after": str(days_ago(2.5).date())},
        {"date_before": str(days_ago(2.5).date())},
        {"date_after": str(days_ago(50).date()), "date_before": str(days_ago(1.5).date())},
        {"q": "光电"},
        {"q": "光电", "order": "relevance"},
        {"q": "光电", "order": "oldest"},
        {"q": "光電 柯城"},
        {"q": "光电", "region": "quzhou", "order": "relevance"},
        {"q": "工坊", "author": "zhang-wei"},
    ],
    ids=lambda params: "&".join(f"{k}={v}" for k, v in params.items()) or "all",
)
def test_filters_list_the_same_stories_in_the_same_order_as_the_site(
    client, archive_stories, params
):
    expected = site_list_ids(client, params)
    assert expected, "every case lists some stories"
    assert api_list_ids(client, params) == expected


def test_relevance_puts_title_matches_first(client, archive_stories):
    results = get(client, STORIES, {"q": "光电", "order": "relevance"})["results"]
    in_title = ["光电" in story["headline"] for story in results]
    assert in_title == sorted(in_title, reverse=True)
    assert in_title.count(True) == 2 and in_title.count(False) == 2


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"region": "atlantis"}, "region"),
        ({"region": "9" * 60}, "region"),
        ({"section": "no-such-section"}, "section"),
        ({"author": "nobody-here"}, "author"),
        ({"q": "！？。"}, "q"),
        ({"q": "光电 " * 60}, "q"),
        ({"order": "sideways"}, "order"),
        ({"date_after": "2025-13-01"}, "date_after"),
        ({"date_after": "1800-01-01"}, "date_after"),
        ({"date_after": "2025-03-02", "date_before": "2025-03-01"}, "date_before"),
        ({"region": "kecheng\x00"}, "region"),
    ],
)
def test_invalid_filters_are_a_400_with_the_form_errors_the_site_shows(client, params, field):
    errors = get(client, STORIES, params, status=400)
    assert list(errors) == [field]
    site = client.get(reverse("archive:story_list"), params)
    assert site.status_code == 200
    assert errors[field][0] in site.content.decode()


@pytest.mark.parametrize(
    "cursor", ["garbage", "n123", "x1.2", "p1.2.3.4", "n99999999999999999999.1"]
)
def test_malformed_cursor_is_a_400(client, cursor):
    assert "cursor" in get(client, STORIES, {"cursor": cursor}, status=400)


def test_a_cursor_from_a_search_does_not_page_a_plain_list(client, archive_stories, settings):
    settings.ARCHIVE_PAGE_SIZE = 1
    cursor = cursor_in(get(client, STORIES, {"q": "光电", "order": "relevance"})["next"])
    assert "cursor" in get(client, STORIES, {"cursor": cursor}, status=400)


# Paging


def walk(client, params, direction="next") -> list[list[int]]:
    """Every page from the first, following ``direction`` links (and then back)."""
    pages, url, data = [], STORIES, dict(params)
    while url:
        body = get(client, url, data)
        pages.append([story["id"] for story in body["results"]])
        url, data = body[direction], None
    return pages


@pytest.mark.parametrize(
    "params",
    [{}, {"order": "oldest"}, {"region": "quzhou"}, {"q": "报道", "order": "relevance"}],
    ids=["newest", "oldest", "city", "search-by-relevance"],
)
def test_cursor_walks_every_story_exactly_once_and_back(client, settings, params):
    settings.ARCHIVE_PAGE_SIZE = 4
    moment = days_ago(1)
    with one_aftermath():
        for i in range(23):
            # Groups of three share a publication time: the cursor must break ties by id.
            ArticleFactory(
                headline=f"报道{i}" if i % 2 else f"衢州第{i}篇",
                body="今日报道。",
                regions=["330802" if i % 3 else "330182"],
                published_at=moment - datetime.timedelta(hours=i // 3),
            )
        ArticleFactory(headline="草稿报道", body="今日报道。", regions=["330802"], draft=True)
    pages = walk(client, params)
    ids = [pk for page in pages for pk in page]
    assert len(ids) == len(set(ids))
    assert all(0 < len(page) <= 4 for page in pages)
    settings.ARCHIVE_PAGE_SIZE = 100
    assert ids == api_list_ids(client, params)
    settings.ARCHIVE_PAGE_SIZE = 4
    last = get(client, STORIES, {**params, "cursor": _cursor_of_last_page(client, params)})
    back, url = [], last["previous"]
    while url:
        body = get(client, url)
        back = [story["id"] for story in body["results"]] + back
        url = body["previous"]
    assert back + [story["id"] for story in last["results"]] == ids


def _cursor_of_last_page(client, params) -> str:
    body, cursor = get(client, STORIES, params), None
    while body["next"]:
        cursor = cursor_in(body["next"])
        body = get(client, body["next"])
    return cursor


def test_every_page_link_keeps_the_filters(client, settings, archive_stories):
    settings.ARCHIVE_PAGE_SIZE = 1
    body = get(client, STORIES, {"section": "jingji", "order": "oldest"})
    assert "section=jingji" in body["next"] and "order=oldest" in body["next"]
    assert body["previous"] is None


# Cost


def queries(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as captured:
        get(client, url, params)
    return len(captured)


def add_full_stories(n):
    """Stories that every list below shows, with bylines, regions and credited photos."""
    author, section = Contributor.objects.get(slug="api-author"), Section.objects.get(slug="jingji")
    with one_aftermath():
        for _ in range(n):
            story = full_story(regions=["330802", "330803"], bylines=2, photos=2, section=section)
            BylineFactory(article=story, contributor=author)


@pytest.mark.parametrize(
    ("url", "params", "most"),
    [
        (STORIES, {}, 3),
        (STORIES, {"region": "quzhou", "author": "api-author", "section": "jingji"}, 6),
        (STORIES, {"q": "见成效", "region": "kecheng", "order": "relevance"}, 8),
        (STORIES, {"date_after": "2000-01-01", "order": "oldest"}, 3),
        (TREE, {}, 4),
        (REGIONS, {"province": "zhejiang"}, 6),
    ],
    ids=["list", "list-filtered", "search", "dates", "tree", "regions"],
)
def test_list_queries_do_not_grow_from_3_to_20_stories(
    client, settings, django_assert_max_num_queries, url, params, most
):
    settings.ARCHIVE_PAGE_SIZE = 50
    Contributor.objects.create(name="接口作者", slug="api-author")
    Section.objects.create(name="经济大省挑大梁", slug="jingji")
    add_full_stories(3)
    few = queries(client, url, params)
    add_full_stories(17)
    with django_assert_max_num_queries(few):
        get(client, url, params)
    assert few <= most


def test_story_detail_queries_do_not_grow_with_photos_and_bylines(
    client, django_assert_max_num_queries
):
    small = full_story(bylines=1, photos=1)
    few = queries(client, detail_url(small))
    big = full_story(regions=["330802", "330803", "330881"], bylines=6, photos=8)
    for photo in big.photos.all():
        PhotoCreditFactory(photo=photo)
    with django_assert_max_num_queries(few):
        get(client, detail_url(big))
    assert few <= 5


# Read-only, throttled, JSON only


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_writes_are_refused_with_405(client, method):
    story = ArticleFactory()
    region = reverse("api:region-detail", args=["kecheng"])
    for url in (STORIES, detail_url(story), REGIONS, TREE, region, SUGGEST, SCHEMA):
        response = getattr(client, method)(url, {"headline": "改"}, content_type="application/json")
        assert response.status_code == 405, url
        assert "json" in response["Content-Type"]  # the schema's own type: openapi+json
    story.refresh_from_db()
    assert story.headline != "改"


def test_head_and_options_are_allowed(client):
    assert client.head(STORIES).status_code == 200
    response = client.options(STORIES)
    assert response.status_code == 200
    assert response["Allow"] == "GET, HEAD, OPTIONS"


def test_too_many_requests_are_throttled_with_429(client, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "3/min"},
    }
    for _ in range(3):
        get(client, STORIES)
    response = client.get(REGIONS)
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "detail" in response.json()
    other_client = client.get(STORIES, REMOTE_ADDR="10.0.0.2")
    assert other_client.status_code == 200


def test_other_paths_under_api_are_a_json_404(client):
    assert get(client, "/api/stories/-1/", status=404) == {"detail": "未找到。"}
    assert get(client, "/api/nothing-here/", status=404) == {"detail": "未找到。"}
    assert get(client, "/api/stories/%0A1/", status=404) == {"detail": "未找到。"}
    assert get(client, "/api/", status=404) == {"detail": "未找到。"}
    assert client.get("/api/stories").status_code == 301


# The OpenAPI document


def test_openapi_document_is_valid_and_describes_every_endpoint(client):
    response = client.get(SCHEMA)
    assert response.status_code == 200
    document = response.json()
    validate(document)
    assert document["info"]["title"] == "县志 API"
    assert set(document["paths"]) == {
        STORIES,
        "/api/stories/{id}/",
        REGIONS,
        "/api/regions/{key}/",
        TREE,
        SUGGEST,
    }
    assert [p["name"] for p in document["paths"][SUGGEST]["get"]["parameters"]] == ["q"]
    region_list = {p["name"] for p in document["paths"][REGIONS]["get"]["parameters"]}
    assert region_list == {"province", "level", "current", "name", "cursor"}
    tree = {p["name"] for p in document["paths"][TREE]["get"]["parameters"]}
    assert tree == {"on", "province"}
    region = document["components"]["schemas"]["Region"]["properties"]
    assert {"names", "successors", "predecessors", "first_year", "last_year", "parent"} <= set(
        region
    )
    parameters = {p["name"] for p in document["paths"][STORIES]["get"]["parameters"]}
    assert parameters == {
        "region",
        "section",
        "author",
        "q",
        "date_after",
        "date_before",
        "order",
        "cursor",
    }
    for name in ("StoryList", "StoryDetail"):
        assert not EDITORS_FIELDS & set(document["components"]["schemas"][name]["properties"])


DRAFT_HEADLINE = "尚未公开的草稿报道标题"


@pytest.fixture
def api_schema(settings):
    """The API's own document, loaded through the WSGI app, over an archive with hidden stories."""
    from config.wsgi import application

    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "100000/min"},
    }
    for _ in range(3):
        full_story(headline="柯城：光电产业再提速", photos=1)
    for state in HIDDEN.values():
        full_story(headline=DRAFT_HEADLINE, photos=1, **state)
    config = schemathesis.Config.from_dict(
        # A region, author or section that does not exist is a valid string but a 400.
        {"checks": {"positive_data_acceptance": {"enabled": False}}}
    )
    # As Django's test client does: a request's start and end must not close the
    # connection that holds the test's transaction.
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi(SCHEMA, application, config=config)
    finally:
        for signal in (request_started, request_finished):
            signal.connect(close_old_connections)


def no_hidden_story(ctx, response, case):
    """No response of the API mentions a story that is not public."""
    assert DRAFT_HEADLINE not in response.text, f"{case.path} showed a hidden story"


# Regions to ask for by key: slugs, a code one region had, a code two had (a 400).
REGION_KEYS = ["kecheng", "jianggan", "xiaoshan", "gulou", "330802", "330502", "120110"]


def cases(operation, story_ids):
    """Requests that fit the document and requests that do not; for a story or a region,
    some of them ask for one that exists (hidden or not: random keys seldom do)."""
    generated = st.one_of(*(operation.as_strategy(mode) for mode in GenerationMode))
    for name, known in (("id", story_ids), ("key", REGION_KEYS)):
        if f"{{{name}}}" in operation.path:
            existing = st.sampled_from(known).flatmap(
                lambda value, name=name: operation.as_strategy(path_parameters={name: value})
            )
            return st.one_of(generated, existing)
    return generated


def test_generated_requests_find_no_server_error_and_no_hidden_story(api_schema):
    story_ids = list(Article.objects.values_list("pk", flat=True))
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) == 6

    for operation in operations:

        @hypothesis.given(case=cases(operation, story_ids))
        @hypothesis.settings(
            max_examples=30,
            deadline=None,
            database=None,  # nothing written to .hypothesis/
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        )
        def call(case):
            case.call_and_validate(additional_checks=[no_hidden_story])

        call()
