"""Malformed and hostile query strings: a form error, an empty list or a 4xx; never a 5xx."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

MARKUP = '<script>alert("x")</script>'

HOSTILE_QUERIES = [
    {"page": "-1"},
    {"page": "0"},
    {"page": "abc"},
    {"page": "9" * 30},
    {"page": "9" * 5000},
    {"page": "1\x00"},
    {"page": "1.5"},
    {"region": "atlantis"},
    {"region": "999999"},
    {"region": "\x00"},
    {"region": MARKUP},
    {"region": "k" * 10_000},
    {"section": "no-such-section"},
    {"section": MARKUP},
    {"author": MARKUP},
    {"author": "a\x00b"},
    {"q": MARKUP},
    {"q": "柯城\x00"},
    {"q": "柯" * 10_000},
    {"q": "%"},
    {"q": "_"},
    {"q": "' OR 1=1 --"},
    {"date_after": "2025-02-30"},
    {"date_after": "2025-13-01"},
    {"date_after": "0001-01-01"},
    {"date_before": "9999-12-31"},
    {"date_before": "99999-01-01"},
    {"date_after": "yesterday"},
    {"date_after": "2025-01-01\x00"},
    {"date_after": MARKUP},
    {"order": MARKUP},
    {"order": "sideways"},
]

PAGES = [
    reverse("archive:home"),
    reverse("archive:story_list"),
    reverse("archive:region_list"),
    reverse("archive:region_detail", args=["kecheng"]),
    reverse("archive:region_detail", args=["hangzhou"]),
    reverse("archive:section_list"),
    reverse("archive:contributor_list"),
]
# The lists that read a cursor (and need nothing loaded to answer).
CURSOR_PAGES = [PAGES[1], *PAGES[3:5], reverse("archive:contributor_list")]

# The indexes' own parameters, hostile: a form error or an empty list.
INDEX_QUERIES = [
    {"letter": "ab"},
    {"letter": "9" * 5000},
    {"letter": "\x00"},
    {"letter": MARKUP},
    {"letter": "#", "q": MARKUP},
    {"q": "郑\x00"},
    {"q": "z" * 5000},
    {"q": "xian" * 10},
    {"q": "ｚｈｅｎｇ"},
]


@pytest.mark.parametrize("query", HOSTILE_QUERIES, ids=lambda q: repr(q)[:40])
@pytest.mark.parametrize("url", PAGES)
def test_hostile_query_never_breaks_a_page_or_echoes_markup(client, demo, url, query):
    response = client.get(url, query)
    assert response.status_code < 500
    assert response.status_code in (200, 400, 404)
    assert MARKUP not in response.content.decode()


@pytest.mark.parametrize("query", INDEX_QUERIES, ids=lambda q: repr(q)[:40])
def test_hostile_index_query_is_a_form_error_or_an_empty_list(client, demo, query):
    response = client.get(reverse("archive:contributor_list"), query)
    assert response.status_code == 200
    assert MARKUP not in response.content.decode()


@pytest.mark.parametrize("query", HOSTILE_QUERIES, ids=lambda q: repr(q)[:40])
def test_hostile_query_on_story_and_contributor_pages(client, demo, query):
    from archive.models import Article, Contributor

    story = Article.objects.first()
    for url in (
        story.get_absolute_url(),
        Contributor.objects.get(name="许军").get_absolute_url(),
        reverse("archive:section_detail", args=[story.section.slug]),
    ):
        response = client.get(url, query)
        assert response.status_code == 200
        assert MARKUP not in response.content.decode()


def test_markup_in_the_query_is_shown_escaped(client):
    page = client.get(reverse("archive:story_list"), {"q": MARKUP}).content.decode()
    assert "&lt;script&gt;" in page


def test_overlong_query_is_a_form_error(client):
    page = client.get(reverse("archive:story_list"), {"q": "柯" * 101}).content.decode()
    assert "不超过 100 字符" in page
    assert "没有符合条件的报道" in page


def test_impossible_date_is_a_form_error(client):
    page = client.get(reverse("archive:story_list"), {"date_after": "2025-02-30"}).content.decode()
    assert "输入一个有效的日期" in page


def test_out_of_range_date_is_a_form_error(client):
    page = client.get(reverse("archive:story_list"), {"date_after": "0001-01-01"}).content.decode()
    assert "1900 年至 2100 年之间" in page


def test_page_numbers_are_ignored_lists_are_read_by_cursor(client, demo):
    for page in ("-1", "abc", "9" * 30):
        response = client.get(reverse("archive:story_list"), {"page": page})
        assert response.status_code == 200
        assert "约 2 篇" in response.content.decode()


@pytest.mark.parametrize(
    "cursor",
    [
        "abc",
        "n",
        "x1.2",
        "n1.",
        "n.5",
        "n1.-2",
        "n" + "9" * 40 + ".1",
        "p-" + "9" * 30 + ".1",
        "n1\x00.2",
        MARKUP,
    ],
)
@pytest.mark.parametrize("url", CURSOR_PAGES)
def test_malformed_cursor_is_a_400_that_echoes_nothing(client, url, cursor):
    response = client.get(url, {"cursor": cursor})
    assert response.status_code == 400
    assert MARKUP not in response.content.decode()


@pytest.mark.parametrize(
    "url",
    [
        "/stories/999999999/",
        "/stories/99999999999999999999999/",
        f"/stories/{2**63}/",  # one past the largest id
        "/api/stories/999999999/",
        "/api/stories/99999999999999999999999/",
        f"/api/stories/{2**63}/",
        "/regions/atlantis/",
        "/contributors/nobody/",
        "/sections/nothing/",
        "/stories/abc/",
    ],
)
def test_unknown_objects_are_404(client, url):
    assert client.get(url).status_code == 404


def test_error_pages_speak_chinese_and_lead_back_to_the_archive(client):
    missing = client.get("/stories/999999999/")
    assert "找不到这个页面" in missing.content.decode()
    bad = client.get(reverse("archive:story_list"), {"cursor": "zzz"})
    assert bad.status_code == 400
    assert "请求有误" in bad.content.decode()
    assert 'href="/stories/"' in bad.content.decode()
