"""The sections (栏目) and contributors (作者) indexes and a section's page, as a reader
uses them: only what has public stories, counted right, in order, a page at a time."""

import datetime
import html
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from archive.caching import counts
from archive.models import Article, Contributor, StoryListing
from archive.public import contributors as index
from archive.text.pinyin import typed_readings
from tests.factories import (
    ArticleFactory,
    BylineFactory,
    ContributorFactory,
    OrganisationFactory,
    PhotoCreditFactory,
    PhotoFactory,
    SectionFactory,
    full_story,
    one_aftermath,
)
from tests.helpers import HIDDEN, visible_text

pytestmark = pytest.mark.django_db

SECTIONS = reverse("archive:section_list")
CONTRIBUTORS = reverse("archive:contributor_list")
MAX_QUERIES = 10


def section_url(section) -> str:
    return reverse("archive:section_detail", args=[section.slug])


def text(client, url, params=None) -> str:
    response = client.get(url, params or {})
    assert response.status_code == 200, (url, params, response.status_code)
    return visible_text(response)


def names_listed(client, params=None) -> list[str]:
    """The contributors' names the index shows, in its order."""
    response = client.get(CONTRIBUTORS, params or {})
    assert response.status_code == 200
    listing = re.search(r'<ul class="contributor-list">(.*?)</ul>', response.content.decode(), re.S)
    if listing is None:
        return []
    return [html.unescape(n) for n in re.findall(r'<a href="[^"]+">([^<]+)</a>', listing[1])]


def story(section, *, hours_ago: float = 24, **kwargs) -> Article:
    at = timezone.now() - datetime.timedelta(hours=hours_ago)
    return ArticleFactory(section=section, published_at=at, **kwargs)


def byline(name: str, *stories, kind=None) -> Contributor:
    factory = OrganisationFactory if kind == "organisation" else ContributorFactory
    contributor = factory(name=name)
    for article in stories:
        BylineFactory(article=article, contributor=contributor)
    return contributor


# ---------------------------------------------------------------------------- sections


@pytest.fixture
def sections():
    """县域观察 with three public stories, 乡村振兴 with one; 民生实事 with only a
    draft and a scheduled story; each public section with one hidden story too."""
    watch, village, hidden = (SectionFactory(name=n) for n in ("县域观察", "乡村振兴", "民生实事"))
    for hours, headline in (
        (30, "县域观察：最早一篇"),
        (20, "县域观察：中间一篇"),
        (10, "县域观察：最新一篇"),
    ):
        story(watch, hours_ago=hours, headline=headline)
    story(village, headline="乡村振兴：共富工坊")
    for section in (watch, village, hidden):
        ArticleFactory(section=section, draft=True, headline=f"{section.name}：草稿")
        ArticleFactory(section=section, scheduled=True, headline=f"{section.name}：定时")
    return watch, village, hidden


def test_sections_index_lists_sections_with_public_stories_and_their_counts(client, sections):
    page = text(client, SECTIONS)
    assert re.search(r"县域观察\s*3 篇", page)
    assert re.search(r"乡村振兴\s*1 篇", page)
    assert "民生实事" not in page
    response = client.get(SECTIONS)
    for section in sections[:2]:
        assert f'href="{section_url(section)}"' in response.content.decode()


def test_section_page_lists_its_public_stories_newest_first(client, sections):
    watch = sections[0]
    page = text(client, section_url(watch))
    found = re.findall(r"县域观察：(最早|中间|最新)一篇", page)
    assert found == ["最新", "中间", "最早"]
    assert "约 3 篇" in page
    assert "草稿" not in page and "定时" not in page
    assert "共富工坊" not in page


@pytest.mark.parametrize("state", list(HIDDEN), ids=list(HIDDEN))
def test_section_with_no_public_story_is_404_like_its_feed(client, state):
    section = SectionFactory(name="未公开栏目")
    ArticleFactory(section=section, **HIDDEN[state])
    assert client.get(section_url(section)).status_code == 404
    assert client.get(reverse("archive:section_feed", args=[section.slug])).status_code == 404
    assert "未公开栏目" not in text(client, SECTIONS)


def test_unknown_section_is_404(client):
    assert client.get("/sections/no-such-section/").status_code == 404


def test_section_page_pages_by_keyset_through_every_story(client, settings):
    settings.ARCHIVE_PAGE_SIZE = 2
    section = SectionFactory(name="县域观察")
    made = [story(section, hours_ago=h, headline=f"第{h}篇") for h in range(1, 6)]
    seen, cursor = [], None
    for _ in range(3):
        response = client.get(section_url(section), {"cursor": cursor} if cursor else {})
        page = response.context["page"]
        seen += [a.pk for a in page]
        cursor = page.next_cursor
    assert seen == [a.pk for a in made]  # newest first, each once
    assert cursor is None
    back = client.get(section_url(section), {"cursor": page.previous_cursor}).context["page"]
    assert [a.pk for a in back] == [a.pk for a in made[2:4]]


def test_section_page_links_its_feed_and_the_feed_links_back(client, sections):
    watch = sections[0]
    feed = reverse("archive:section_feed", args=[watch.slug])
    page = client.get(section_url(watch)).content.decode()
    assert (
        f'<link rel="alternate" type="application/atom+xml" title="栏目：县域观察" href="{feed}">'
        in page
    )
    assert f'href="{feed}"' in page.split("</head>", 1)[1]
    assert f'href="http://testserver{section_url(watch)}"' in client.get(feed).content.decode()


def test_malformed_cursor_on_a_section_page_is_a_400(client, sections):
    assert client.get(section_url(sections[0]), {"cursor": "x1.2"}).status_code == 400


def test_a_storys_section_links_to_its_page_from_the_story_and_from_lists(client, sections):
    watch = sections[0]
    article = Article.objects.get(headline="县域观察：最新一篇")
    link = f'<a href="{section_url(watch)}">县域观察</a>'
    assert link in client.get(article.get_absolute_url()).content.decode()
    assert link in client.get(reverse("archive:story_list")).content.decode()
    assert link in client.get(reverse("archive:home")).content.decode()


def test_the_header_leads_to_sections_and_contributors(client):
    header = client.get(reverse("archive:home")).content.decode().split("</header>")[0]
    assert f'<a href="{SECTIONS}">栏目</a>' in header
    assert f'<a href="{CONTRIBUTORS}">作者</a>' in header


def test_section_counts_are_one_grouped_query_and_cached_by_content_version(settings, sections):
    settings.ARCHIVE_COUNT_CACHE_SECONDS = 600
    watch = sections[0]
    with CaptureQueriesContext(connection) as first:
        assert counts.section_story_counts()[watch.pk] == 3
    with CaptureQueriesContext(connection) as again:
        assert counts.section_story_counts()[watch.pk] == 3
    grouped = [q for q in first.captured_queries if "GROUP BY" in q["sql"]]
    assert len(grouped) == 1
    assert not [q for q in again.captured_queries if "GROUP BY" in q["sql"]]
    story(watch, headline="县域观察：又一篇")  # a public write moves the counts' version
    assert counts.section_story_counts()[watch.pk] == 4


# ---------------------------------------------------------------------------- contributors


@pytest.fixture
def people():
    """Contributors with public stories under several letters; 曾 reads zeng as a surname."""
    section = SectionFactory(name="县域观察")
    made = {}
    with one_aftermath():
        for name in ("张三", "郑晨", "曾明", "赵四", "艾米", "周刚"):
            made[name] = byline(name, story(section))
        made["衢州日报社"] = byline("衢州日报社", story(section), kind="organisation")
        made["3D打印社"] = byline("3D打印社", story(section), kind="organisation")
    return made


def test_index_opens_on_the_first_letter_and_lists_a_letter_in_pinyin_order(client, people):
    assert names_listed(client) == ["艾米"]
    assert names_listed(client, {"letter": "z"}) == ["曾明", "张三", "赵四", "郑晨", "周刚"]
    assert names_listed(client, {"letter": "Z"}) == names_listed(client, {"letter": "z"})
    assert names_listed(client, {"letter": "q"}) == ["衢州日报社"]
    assert names_listed(client, {"letter": "#"}) == ["3D打印社"]


def test_letters_with_contributors_are_links_and_the_others_are_not(client, people):
    page = client.get(CONTRIBUTORS, {"letter": "z"}).content.decode()
    nav = page.split('class="letter-nav"', 1)[1].split("</nav>", 1)[0]
    linked = re.findall(r'<a href="\?letter=([^"]+)"', nav)
    assert linked == ["a", "q", "z", "%23"]
    assert 'href="?letter=z" aria-current="page">Z</a>' in nav
    assert '<span class="empty"' in nav and ">B</span>" in nav


def test_each_contributor_shows_public_stories_counted_once_not_hidden_ones(client):
    section = SectionFactory(name="县域观察")
    writer = byline("郑晨", story(section), story(section))
    both = story(section)  # written and photographed by her: one story
    BylineFactory(article=both, contributor=writer)
    PhotoCreditFactory(photo=PhotoFactory(article=both), contributor=writer)
    PhotoCreditFactory(photo=PhotoFactory(article=story(section)), contributor=writer)
    for state in HIDDEN.values():
        BylineFactory(article=ArticleFactory(section=section, **state), contributor=writer)
    assert re.search(r"郑晨\s*4 篇", text(client, CONTRIBUTORS, {"letter": "z"}))


def test_credit_counts_match_the_visibility_rule_even_over_stale_listing_rows():
    """The counts read the listing index less the stories that are not public; a row
    left behind by a write that skipped the refresh still cannot count a hidden story."""
    section = SectionFactory(name="县域观察")
    writer = ContributorFactory(name="郑晨")
    stories = [story(section) for _ in range(4)]
    for article in stories:
        BylineFactory(article=article, contributor=writer)
    for state in HIDDEN.values():
        BylineFactory(article=ArticleFactory(section=section, **state), contributor=writer)
    # Behind the listing's back: one rescheduled, one withdrawn.
    later = timezone.now() + datetime.timedelta(days=2)
    Article.objects.filter(pk=stories[0].pk).update(published_at=later)
    Article.objects.filter(pk=stories[1].pk).update(status=Article.Status.WITHDRAWN)
    expected = Article.objects.published().filter(credits__contributor=writer).distinct().count()
    assert expected == 2
    assert StoryListing.objects.public_credit_counts([writer.pk]) == {writer.pk: 2}


@pytest.mark.parametrize(
    "typed",
    [
        "郑",
        "郑晨",
        "鄭晨",
        "zheng",
        "zhengchen",
        "zheng chen",
        "Zhèng Chén",
        "ZHENG",
        "chen",
        "zheng-chen",
    ],
)
def test_search_finds_a_name_by_chinese_traditional_or_pinyin(client, people, typed):
    assert names_listed(client, {"q": typed}) == ["郑晨"]


def test_search_by_pinyin_takes_surname_readings_and_unfinished_syllables(client, people):
    assert names_listed(client, {"q": "zeng"}) == ["曾明"]  # 曾 as a surname
    # Any syllable's start: 衢州 (qu-zhou) has one too.
    assert names_listed(client, {"q": "zh"}) == ["衢州日报社", "张三", "赵四", "郑晨", "周刚"]
    assert names_listed(client, {"q": "zhang san"}) == ["张三"]
    assert names_listed(client, {"q": "quzhou"}) == ["衢州日报社"]


def test_search_spans_every_letter_and_says_when_nothing_is_found(client, people):
    assert names_listed(client, {"q": "日报", "letter": "a"}) == ["衢州日报社"]
    page = text(client, CONTRIBUTORS, {"q": "欧阳"})
    assert "没有找到名字或拼音含“欧阳”的作者" in page


def test_typed_pinyin_splits_every_way_it_reads():
    assert typed_readings("zhengchen") == ["zheng-chen"]
    assert typed_readings("xian") == ["xian", "xi-an"]
    assert typed_readings("xi'an") == ["xi-an"]
    assert typed_readings("lü jun") == typed_readings("lu:jun") == ["lv-jun"]
    assert typed_readings("zheng ch") == ["zheng-ch"]
    assert typed_readings("123") == typed_readings("郑") == typed_readings("qqq") == []
    assert len(typed_readings("a" * 5000)) == 0  # longer than any name: not split at all


@pytest.mark.parametrize(
    "params",
    [
        {"letter": "ab"},
        {"letter": "å"},
        {"letter": "<x>"},
        {"letter": "\x00"},
        {"q": "郑" * 41},
        {"q": "a\x00b"},
        {"q": "%"},
        {"q": "_"},
        {"q": "' OR 1=1 --"},
        {"q": "<script>x()</script>"},
    ],
)
def test_odd_index_input_is_a_form_error_or_an_empty_list_never_a_500(client, people, params):
    response = client.get(CONTRIBUTORS, params)
    assert response.status_code == 200
    assert "<script>x()</script>" not in response.content.decode()
    assert "<x>" not in response.content.decode()


def test_a_bad_letter_says_so(client, people):
    assert "请选择 A 至 Z 中的一个字母" in text(client, CONTRIBUTORS, {"letter": "ab"})
    assert "不超过 40 个字符" in text(client, CONTRIBUTORS, {"q": "郑" * 41})


@pytest.mark.parametrize("cursor", ["x1", "n", "n1.2", "n-1", "n²", "n" + "9" * 19, "p<x>"])
def test_malformed_index_cursor_is_a_400(client, people, cursor):
    assert client.get(CONTRIBUTORS, {"letter": "z", "cursor": cursor}).status_code == 400


def test_index_pages_by_keyset_within_a_letter(client, people, monkeypatch):
    monkeypatch.setattr(index, "PER_PAGE", 2)
    seen, cursor, pages = [], None, []
    while True:
        params = {"letter": "z", **({"cursor": cursor} if cursor else {})}
        response = client.get(CONTRIBUTORS, params)
        page = response.context["page"]
        pages.append(page)
        seen += [c.name for c in page]
        cursor = page.next_cursor
        if not cursor:
            break
    assert seen == ["曾明", "张三", "赵四", "郑晨", "周刚"]
    assert len(pages) == 3
    back = client.get(CONTRIBUTORS, {"letter": "z", "cursor": pages[-1].previous_cursor})
    assert [c.name for c in back.context["page"]] == ["赵四", "郑晨"]
    # The links keep the letter.
    assert (
        f"?letter=z&amp;cursor={pages[0].next_cursor}"
        in client.get(CONTRIBUTORS, {"letter": "z"}).content.decode()
    )


def test_namesakes_are_told_apart_by_their_description(client, people):
    section = SectionFactory(name="县域观察")
    other = ContributorFactory(name="郑晨", description="衢州日报记者")
    BylineFactory(article=story(section), contributor=other)
    page = text(client, CONTRIBUTORS, {"q": "郑晨"})
    assert page.count("郑晨") >= 3  # the box's echo, the heading, two names
    assert "衢州日报记者" in page
    assert names_listed(client, {"q": "郑晨"}) == ["郑晨", "郑晨"]


@pytest.mark.parametrize("state", list(HIDDEN), ids=list(HIDDEN))
def test_a_name_only_hidden_stories_carry_is_not_in_the_index(client, people, state):
    hidden = byline("隐名记者", ArticleFactory(**HIDDEN[state]))
    assert hidden.pk
    pages = [
        text(client, CONTRIBUTORS, {"letter": "y"}),
        text(client, CONTRIBUTORS, {"q": "隐名"}),
        text(client, CONTRIBUTORS, {"q": "yin"}),
    ]
    assert all("隐名记者" not in page for page in pages)
    nav = client.get(CONTRIBUTORS).content.decode().split('class="letter-nav"', 1)[1]
    assert 'href="?letter=y"' not in nav.split("</nav>", 1)[0]


# ---------------------------------------------------------------------------- cost


def queries_for(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(captured)


def make_stories(n, section, authors):
    with one_aftermath():  # the derived rows refreshed once for the n stories
        for i in range(n):
            article = full_story(section=section, bylines=0, photos=1)
            BylineFactory(article=article, contributor=authors[i % len(authors)])
            PhotoCreditFactory(photo=article.photos.first(), contributor=authors[-1])


@pytest.mark.parametrize("page", ["sections", "section", "contributors", "search", "deep"])
def test_page_queries_do_not_grow_from_5_to_50_stories(client, settings, monkeypatch, page):
    settings.ARCHIVE_PAGE_SIZE = 50
    monkeypatch.setattr(index, "PER_PAGE", 3)
    section = SectionFactory(name="县域观察")
    authors = [ContributorFactory(name=n) for n in ("张三", "赵四", "郑晨", "周刚")]
    make_stories(5, section, authors)
    url, params = {
        "sections": (SECTIONS, {}),
        "section": (section_url(section), {}),
        "contributors": (CONTRIBUTORS, {"letter": "z"}),
        "search": (CONTRIBUTORS, {"q": "zh"}),
        "deep": (CONTRIBUTORS, {"letter": "z", "cursor": f"n{authors[0].pk}"}),
    }[page]
    few = queries_for(client, url, params)
    make_stories(45, section, authors)
    assert Article.objects.published().count() == 50
    assert queries_for(client, url, params) == few <= MAX_QUERIES
