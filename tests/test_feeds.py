"""Atom feeds and sitemap.xml: only public stories, read in a fixed number of queries."""

import datetime
from pathlib import Path
from urllib.parse import urlsplit

import feedparser
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from lxml import etree

from archive.editorial.aftermath import after_write
from archive.models import Article, Region
from archive.public import sitemaps
from tests.factories import (
    ArticleFactory,
    BylineFactory,
    ContributorFactory,
    PhotoCreditFactory,
    PhotoFactory,
    SectionFactory,
    full_story,
)
from tests.helpers import HIDDEN

pytestmark = pytest.mark.django_db

SCHEMAS = Path(__file__).parent / "schemas"
SITEMAP_NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}
HOST = "xianzhi.example.cn"


def read_feed(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    return feed


def headlines(feed) -> list[str]:
    return [entry.title for entry in feed.entries]


def region_feed(code: str) -> str:
    return reverse("archive:region_feed", args=[Region.objects.get(code=code).slug])


@pytest.fixture
def author():
    return ContributorFactory(name="柯城记者")


@pytest.fixture
def section():
    return SectionFactory(name="县域观察")


@pytest.fixture
def feed_urls(author, section):
    return {
        "archive": reverse("archive:story_feed"),
        "county": region_feed("330802"),
        "city": region_feed("330800"),
        "province": region_feed("330000"),
        "section": reverse("archive:section_feed", args=[section.slug]),
        "contributor": reverse("archive:contributor_feed", args=[author.slug]),
    }


def credited_story(author, section, **kwargs) -> Article:
    """A 柯城 story in ``section`` with a byline and a photo credit by ``author``."""
    story = full_story(regions=["330802"], section=section, **kwargs)
    BylineFactory(article=story, contributor=author)
    PhotoCreditFactory(photo=story.photos.first(), contributor=author)
    return story


# Feeds


def test_every_feed_parses_as_atom_with_a_chinese_title(client, author, section, feed_urls):
    credited_story(author, section, headline="柯城：产业升级见实效")
    for name, url in feed_urls.items():
        feed = read_feed(client, url)
        assert feed.feed.title.startswith("县志 · "), name
        assert feed.feed.language == "zh-Hans"
        assert headlines(feed) == ["柯城：产业升级见实效"], name


def test_feed_titles_name_their_subject(client, author, section, feed_urls):
    story = full_story(section=section, bylines=0)  # a name is public through a public story
    BylineFactory(article=story, contributor=author)
    after_write([story])
    assert read_feed(client, feed_urls["county"]).feed.title == "县志 · 柯城区的报道"
    assert read_feed(client, feed_urls["section"]).feed.title == "县志 · 栏目：县域观察"
    assert read_feed(client, feed_urls["contributor"]).feed.title == "县志 · 柯城记者的报道与图片"


def test_entry_shows_title_link_dates_authors_summary_and_categories(client, section):
    story = full_story(
        regions=["330802", "330803"],
        section=section,
        bylines=0,
        photos=0,
        kicker="经济大省挑大梁",
        headline="柯城：以数字经济促产业升级",
        lede="记者日前从柯城区获悉，<b>数字经济</b>增加值同比增长 8% & 更多。",
    )
    BylineFactory(article=story, contributor=ContributorFactory(name="王芳"), order=0)
    BylineFactory(article=story, contributor=ContributorFactory(name="李强"), order=1)

    (entry,) = read_feed(client, reverse("archive:story_feed")).entries

    assert entry.title == "经济大省挑大梁 柯城：以数字经济促产业升级"
    assert entry.link == f"http://testserver/stories/{story.pk}/"
    published = datetime.datetime(*entry.published_parsed[:6], tzinfo=datetime.UTC)
    assert abs(published - story.published_at) < datetime.timedelta(seconds=1)
    assert [author.name for author in entry.authors] == ["王芳", "李强"]
    # The lede is text, not markup: its "<b>" reaches the reader as characters.
    assert "<b>" not in entry.summary
    assert "&lt;b&gt;数字经济&lt;/b&gt;" in entry.summary
    assert {tag.term for tag in entry.tags} == {"柯城区", "衢江区", "县域观察"}


def test_summary_without_a_lede_is_the_first_paragraph(client):
    ArticleFactory(lede="", body="## 开篇\n\n柯城区召开数字经济大会。\n\n会议提出三项举措。")
    (entry,) = read_feed(client, reverse("archive:story_feed")).entries
    assert entry.summary == "柯城区召开数字经济大会。"


def test_story_without_credits_is_credited_to_the_paper(client):
    ArticleFactory(byline="")
    feed = read_feed(client, reverse("archive:story_feed"))
    assert feed.feed.author == "县志"
    assert not feed.entries[0].get("authors")


@pytest.mark.parametrize("state", list(HIDDEN), ids=list(HIDDEN))
def test_feeds_list_only_published_stories(client, author, section, feed_urls, state):
    credited_story(author, section, headline="已经公开的柯城报道")
    credited_story(author, section, headline="尚未公开的柯城报道", **HIDDEN[state])
    for name, url in feed_urls.items():
        assert headlines(read_feed(client, url)) == ["已经公开的柯城报道"], name


def test_feed_lists_the_newest_30_stories_newest_first(client):
    now = timezone.now()
    for age in range(32):
        ArticleFactory(
            headline=f"第{age}天前的报道", published_at=now - datetime.timedelta(days=age)
        )
    listed = headlines(read_feed(client, reverse("archive:story_feed")))
    assert listed == [f"第{age}天前的报道" for age in range(30)]


def test_city_feed_includes_its_counties_stories_and_not_other_cities(client):
    ArticleFactory(headline="柯城区的报道", regions=["330802"])
    ArticleFactory(headline="衢州市的报道", regions=["330800"])
    ArticleFactory(headline="建德市的报道", regions=["330182"])  # in 杭州

    assert set(headlines(read_feed(client, region_feed("330800")))) == {
        "柯城区的报道",
        "衢州市的报道",
    }
    assert headlines(read_feed(client, region_feed("330802"))) == ["柯城区的报道"]
    assert set(headlines(read_feed(client, region_feed("330000")))) == {
        "柯城区的报道",
        "衢州市的报道",
        "建德市的报道",
    }


def test_contributor_feed_has_bylines_and_photo_credits_once_each(client, author):
    now = timezone.now()
    written = ArticleFactory(headline="她写的报道", published_at=now - datetime.timedelta(days=3))
    BylineFactory(article=written, contributor=author)
    shot = ArticleFactory(headline="她拍的报道", published_at=now - datetime.timedelta(days=2))
    PhotoCreditFactory(photo=PhotoFactory(article=shot), contributor=author)
    both = ArticleFactory(headline="她写也拍的报道", published_at=now - datetime.timedelta(days=1))
    BylineFactory(article=both, contributor=author)
    PhotoCreditFactory(photo=PhotoFactory(article=both), contributor=author)
    BylineFactory(article=ArticleFactory(headline="别人的报道"))

    feed = read_feed(client, reverse("archive:contributor_feed", args=[author.slug]))

    assert headlines(feed) == ["她写也拍的报道", "她拍的报道", "她写的报道"]


def test_feed_entry_links_open_the_story(client, author, section, feed_urls):
    for _ in range(3):
        credited_story(author, section)
    for url in feed_urls.values():
        for entry in read_feed(client, url).entries:
            assert client.get(urlsplit(entry.link).path).status_code == 200


@pytest.mark.parametrize("name", ["region_feed", "section_feed", "contributor_feed"])
def test_feed_of_an_unknown_slug_is_404(client, name):
    assert client.get(reverse(f"archive:{name}", args=["bu-cun-zai"])).status_code == 404


def feed_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        read_feed(client, url)
    return len(captured)


# The subject (not for the whole archive), the stories (for a contributor: the newest
# ids of each credit list, then the stories), their credits and their regions.
FEED_QUERIES = {
    "archive": 3,
    "county": 4,
    "city": 4,
    "province": 4,
    "section": 4,
    "contributor": 6,
}


def test_feed_queries_do_not_grow_with_the_stories_listed(client, author, section, feed_urls):
    for _ in range(2):
        credited_story(author, section)
    few = {name: feed_queries(client, url) for name, url in feed_urls.items()}
    for _ in range(10):
        credited_story(author, section)
    many = {name: feed_queries(client, url) for name, url in feed_urls.items()}
    assert few == many == FEED_QUERIES


def test_pages_point_readers_to_their_feeds(client, author):
    kecheng = Region.objects.by_code("330802")
    BylineFactory(article=(story := full_story(bylines=0)), contributor=author)
    after_write([story])
    pages = {
        reverse("archive:home"): reverse("archive:story_feed"),
        kecheng.get_absolute_url(): reverse("archive:region_feed", args=[kecheng.slug]),
        author.get_absolute_url(): reverse("archive:contributor_feed", args=[author.slug]),
    }
    for page, feed in pages.items():
        html = client.get(page).content.decode()
        assert '<link rel="alternate" type="application/atom+xml"' in html
        assert f'href="{feed}"' in html
        if page != reverse("archive:home"):
            assert f'<a class="feed" href="{feed}">订阅</a>' in html


# Sitemaps


@pytest.fixture
def small_pages(monkeypatch):
    """Two stories per sitemap page, so a handful of stories spans several pages."""
    monkeypatch.setattr(sitemaps.StorySitemap, "limit", 2)
    return 2


@pytest.fixture
def host(settings):
    settings.ALLOWED_HOSTS = [HOST]
    return HOST


def validated(client, url, schema: str):
    response = client.get(url, HTTP_HOST=HOST)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml"
    document = etree.fromstring(response.content)
    etree.XMLSchema(etree.parse(SCHEMAS / schema)).assertValid(document)
    return document


def sitemap_urls(client) -> list[str]:
    """Every <loc> of every sitemap the index lists, each page validated on the way."""
    index = validated(client, "/sitemap.xml", "siteindex.xsd")
    locations = []
    for sitemap_loc in index.xpath("//sm:sitemap/sm:loc/text()", namespaces=SITEMAP_NS):
        assert sitemap_loc.startswith(f"http://{HOST}/sitemap-")
        page = validated(client, sitemap_loc.removeprefix(f"http://{HOST}"), "sitemap.xsd")
        locations += page.xpath("//sm:url/sm:loc/text()", namespaces=SITEMAP_NS)
    return locations


def story_url(story) -> str:
    return f"http://{HOST}{story.get_absolute_url()}"


def test_sitemap_index_and_pages_validate_and_list_stories_and_regions(client, host, small_pages):
    stories = [ArticleFactory() for _ in range(5)]
    urls = sitemap_urls(client)
    assert {story_url(story) for story in stories} <= set(urls)
    kecheng = Region.objects.by_code("330802")
    assert f"http://{HOST}{kecheng.get_absolute_url()}" in urls
    assert len(urls) == len(set(urls)) == len(stories) + Region.objects.count()


def test_sitemap_story_urls_carry_their_last_change(client, host):
    story = ArticleFactory()
    page = validated(client, "/sitemap-stories.xml", "sitemap.xsd")
    (lastmod,) = page.xpath(
        f"//sm:url[sm:loc='{story_url(story)}']/sm:lastmod/text()", namespaces=SITEMAP_NS
    )
    assert lastmod == timezone.localdate(story.updated_at).isoformat()


@pytest.mark.parametrize("state", list(HIDDEN), ids=list(HIDDEN))
def test_sitemap_lists_no_hidden_story(client, host, small_pages, state):
    public = ArticleFactory()
    hidden = full_story(**HIDDEN[state])
    urls = sitemap_urls(client)
    assert story_url(public) in urls
    assert story_url(hidden) not in urls


def story_pages(client) -> list[str]:
    index = validated(client, "/sitemap.xml", "siteindex.xsd")
    locations = index.xpath("//sm:sitemap/sm:loc/text()", namespaces=SITEMAP_NS)
    return [loc for loc in locations if "/sitemap-stories.xml" in loc]


def test_story_pages_are_id_ranges_and_a_range_of_hidden_stories_is_left_out(
    client, host, small_pages
):
    stories = [ArticleFactory() for _ in range(7)]
    # A page whose whole id range was created here, hidden afterwards.
    ids = {s.pk for s in stories}  # consecutive, wherever the id sequence stands
    page = next(p for p in range(1, max(ids) // 2 + 2) if {2 * p - 1, 2 * p} <= ids)
    Article.objects.filter(pk__in=[2 * page - 1, 2 * page]).update(status=Article.Status.WITHDRAWN)

    listed = story_pages(client)

    base = f"http://{HOST}/sitemap-stories.xml"
    assert (base if page == 1 else f"{base}?p={page}") not in listed
    assert client.get("/sitemap-stories.xml", {"p": page}, HTTP_HOST=HOST).status_code == 404
    shown = [s for s in stories if s.pk not in (2 * page - 1, 2 * page)]
    assert {story_url(s) for s in shown} <= set(sitemap_urls(client))


@pytest.mark.parametrize("page", ["0", "-1", "abc", "1.5", str(10**20)])
def test_sitemap_page_out_of_range_is_404(client, host, page):
    ArticleFactory()
    response = client.get("/sitemap-stories.xml", {"p": page}, HTTP_HOST=HOST)
    assert response.status_code == 404


def test_unknown_sitemap_section_is_404(client, host):
    assert client.get("/sitemap-contributors.xml", HTTP_HOST=HOST).status_code == 404


def test_a_deep_sitemap_page_is_one_range_query_without_offset(client, host, small_pages):
    stories = [ArticleFactory() for _ in range(6)]
    deepest = (max(s.pk for s in stories) - 1) // small_pages + 1
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/sitemap-stories.xml", {"p": deepest}, HTTP_HOST=HOST)
    assert response.status_code == 200
    (query,) = captured
    assert "OFFSET" not in query["sql"].upper()
    assert "COUNT(" not in query["sql"].upper()


def test_sitemap_index_is_read_in_two_queries(client, host, small_pages):
    for _ in range(6):
        ArticleFactory()
    with CaptureQueriesContext(connection) as captured:
        client.get("/sitemap.xml", HTTP_HOST=HOST)
    assert len(captured) == 2  # the stories' pages; the number of regions
