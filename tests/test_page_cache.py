"""Public pages are cached whole, and every write readers could see invalidates them."""

import datetime
import fcntl
import os
from contextlib import contextmanager

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from archive.caching import pages
from archive.editorial import services
from archive.models import Article
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

LIST = reverse("archive:story_list")
ABSOLUTE_LIST = "http://testserver" + LIST  # cached pages are keyed by absolute URL


@pytest.fixture(autouse=True)
def page_cache(settings, empty_cache):
    settings.ARCHIVE_PAGE_CACHE_SECONDS = 60


def get(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    return response, len(queries)


def test_a_repeated_page_is_served_from_the_cache_with_one_query(client):
    ArticleFactory(headline="柯城：缓存里的报道", regions=["330802"])
    first, first_queries = get(client, LIST)
    second, second_queries = get(client, LIST)
    assert first.content == second.content
    assert "缓存里的报道" in second.content.decode()
    assert first_queries > 1
    assert second_queries == 1  # only the content version


def test_withdrawing_a_story_removes_it_from_cached_pages_at_once(client):
    story = ArticleFactory(headline="柯城：即将撤下的报道", regions=["330802"])
    for url in (LIST, story.get_absolute_url(), reverse("archive:region_detail", args=["kecheng"])):
        assert "即将撤下的报道" in client.get(url).content.decode()
    services.stories_withdraw(stories=Article.objects.filter(pk=story.pk))
    assert "即将撤下的报道" not in client.get(LIST).content.decode()
    assert client.get(story.get_absolute_url()).status_code == 404
    region_page = client.get(reverse("archive:region_detail", args=["kecheng"]))
    assert "即将撤下的报道" not in region_page.content.decode()


def test_publishing_in_the_admin_shows_the_story_at_once(client, editor_client):
    draft = ArticleFactory(draft=True, headline="柯城：刚刚发布的报道", regions=["330802"])
    assert "刚刚发布的报道" not in client.get(LIST).content.decode()
    editor_client.post(
        reverse("admin:archive_article_changelist"),
        {"action": "publish", "_selected_action": [draft.pk]},
    )
    assert "刚刚发布的报道" in client.get(LIST).content.decode()


def test_renaming_a_section_in_the_admin_refreshes_cached_pages(client, editor_client):
    story = ArticleFactory(headline="柯城：栏目改名", regions=["330802"])
    assert story.section.name in client.get(LIST).content.decode()
    editor_client.post(
        reverse("admin:archive_section_change", args=[story.section.pk]),
        {"name": "改过名的栏目", "slug": story.section.slug, "description": ""},
    )
    assert "改过名的栏目" in client.get(LIST).content.decode()


def test_signed_in_editors_always_get_a_fresh_page(editor_client):
    get(editor_client, LIST)
    _, queries = get(editor_client, LIST)
    assert queries > 1


def test_not_found_pages_are_not_cached(client):
    url = reverse("archive:story_detail", args=[424242])
    assert client.get(url).status_code == 404
    story = ArticleFactory.build(pk=424242, section=None)
    story.save()  # no version bump on this path
    assert client.get(url).status_code == 200


def test_an_expired_page_is_remade_by_one_request_while_the_others_get_the_old_one(client):
    ArticleFactory(headline="柯城：第一篇", regions=["330802"])
    # Time stands still from now on (a fixed date would come before the story's).
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        get(client, LIST)  # cached, fresh for 60 s
        traveller.shift(61)
        # Another request is remaking the expired page: this one gets the old page at
        # once, reading only the content version.
        cache.add(f"{pages.page_key(ABSOLUTE_LIST)}:remaking", 1, 30)
        served, queries = get(client, LIST)
        assert queries == 1 and "第一篇" in served.content.decode()
        # Nobody is remaking it: this request does, and the page is fresh again.
        cache.delete(f"{pages.page_key(ABSOLUTE_LIST)}:remaking")
        remade, queries = get(client, LIST)
        assert queries > 1 and "第一篇" in remade.content.decode()
        assert get(client, LIST)[1] == 1


def test_a_feed_is_cached_and_shows_a_new_story_at_once(client):
    ArticleFactory(headline="柯城：订阅里的第一篇", regions=["330802"])
    url = reverse("archive:region_feed", args=["kecheng"])
    first, _ = get(client, url)
    second, queries = get(client, url)
    assert second.content == first.content
    assert second["Content-Type"] == first["Content-Type"]
    assert queries == 1  # only the content version
    ArticleFactory(headline="柯城：订阅里的第二篇", regions=["330802"])
    assert "订阅里的第二篇" in client.get(url).content.decode()


def test_a_sitemap_is_cached_with_its_headers_and_lists_a_new_story_at_once(client):
    story = ArticleFactory(headline="柯城：站点地图里的第一篇", regions=["330802"])
    url = reverse("sitemap_section", args=["stories"])
    first, _ = get(client, url)
    second, queries = get(client, url)
    assert queries == 1  # only the content version
    assert second.content == first.content and story.get_absolute_url() in first.content.decode()
    assert second["Content-Type"] == first["Content-Type"] == "application/xml"
    assert second["X-Robots-Tag"] == first["X-Robots-Tag"]
    newer = ArticleFactory(headline="柯城：站点地图里的第二篇", regions=["330802"])
    assert newer.get_absolute_url() in client.get(url).content.decode()


def test_each_host_gets_its_own_links_from_a_cached_feed(client, settings):
    settings.ALLOWED_HOSTS = ["testserver", "archive.example.cn"]
    ArticleFactory(headline="柯城：两个域名", regions=["330802"])
    url = reverse("archive:story_feed")
    assert "http://testserver/" in client.get(url).content.decode()
    other = client.get(url, headers={"host": "archive.example.cn"}).content.decode()
    assert "http://archive.example.cn/" in other and "testserver" not in other


@pytest.mark.parametrize("url", [LIST, "/sitemap-stories.xml", "/regions/kecheng/", "/"])
def test_a_query_parameter_the_page_does_not_read_is_served_from_the_same_entry(client, url):
    ArticleFactory(headline="柯城：同一份缓存", regions=["330802"])
    first, _ = get(client, url)
    for bust in ("1", "2", "碎"):
        busted, queries = get(client, f"{url}?bust={bust}&utm_source=x")
        assert busted.content == first.content
        assert queries == 1  # only the content version: nothing was made again


def test_a_parameter_the_page_does_not_read_never_reaches_its_links(client):
    ArticleFactory.create_batch(25, regions=["330802"])  # more than one page
    page = client.get(LIST, {"region": "柯城区", "bust": "7"}).content.decode()
    assert "cursor=" in page
    assert "bust" not in page


def test_a_page_made_before_a_scheduled_story_is_not_served_past_its_time(client):
    start = timezone.now()
    ArticleFactory(headline="柯城：已发布", regions=["330802"])
    ArticleFactory(
        headline="柯城：定时发布的报道",
        regions=["330802"],
        published_at=start + datetime.timedelta(seconds=20),
    )
    with time_machine.travel(start, tick=False):
        assert "定时发布的报道" not in client.get(LIST).content.decode()
    # Well inside the page's 60 seconds, with no write in between.
    with time_machine.travel(start + datetime.timedelta(seconds=21), tick=False):
        assert "定时发布的报道" in client.get(LIST).content.decode()


@contextmanager
def every_slot_busy():
    """Every remake slot of the machine held, as other processes making pages hold them."""
    holders = [os.open(path, os.O_RDONLY) for path in pages.remake_slots().paths]
    for fd in holders:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    try:
        yield
    finally:
        for fd in holders:
            os.close(fd)  # releases its lock


def test_with_every_remake_slot_busy_a_cached_page_is_served_and_a_new_one_told_to_retry(
    client, settings
):
    ArticleFactory(headline="柯城：缓存里的报道", regions=["330802"])
    assert client.get(LIST).status_code == 200  # cached
    settings.ARCHIVE_PAGE_REMAKE_WAIT = 0.05
    with every_slot_busy():
        assert "缓存里的报道" in client.get(LIST).content.decode()
        refused = client.get(LIST, {"q": "柯城"})
        assert refused.status_code == 503 and refused["Retry-After"]
    assert client.get(LIST, {"q": "柯城"}).status_code == 200


def test_with_every_remake_slot_busy_a_story_page_is_still_made(client, settings):
    # A story costs a few lookups by key: readers arriving from links are not turned away.
    story = ArticleFactory(headline="柯城：从搜索引擎来的读者", regions=["330802"])
    settings.ARCHIVE_PAGE_REMAKE_WAIT = 0.05
    with every_slot_busy():
        response = client.get(story.get_absolute_url())
        assert response.status_code == 200
        assert "从搜索引擎来的读者" in response.content.decode()
        assert client.get(LIST, {"q": "柯城"}).status_code == 503  # a search waits its turn


def test_a_story_page_made_afresh_reads_the_content_versions_once(client, settings):
    settings.ARCHIVE_COUNT_CACHE_SECONDS = 600  # the fragments cached, as in production
    day = timezone.localdate()
    first = ArticleFactory(regions=["330802"], edition_date=day, page_number=1)
    second = ArticleFactory(regions=["330802"], edition_date=day, page_number=2)
    client.get(first.get_absolute_url())  # the day's and the region's fragments made
    with CaptureQueriesContext(connection) as queries:
        assert client.get(second.get_absolute_url()).status_code == 200
    versions = [q for q in queries if "archive_contentversion" in q["sql"]]
    # Both versions in one query, then the story, its regions, photos and credits.
    assert len(versions) == 1 and len(queries) == 5


# The API's anonymous GETs, cached as the pages are -----------------------------------------

API_STORIES = reverse("api:story-list")


@pytest.mark.parametrize(
    "url",
    [
        API_STORIES,
        API_STORIES + "?region=kecheng",
        reverse("api:region-list") + "?province=zhejiang",
        reverse("api:region-tree") + "?province=zhejiang",
        reverse("api:region-suggest") + "?q=ke",
        reverse("api:region-detail", args=["kecheng"]),
    ],
)
def test_a_repeated_api_request_is_served_from_the_cache(client, url):
    story = ArticleFactory(headline="柯城：接口缓存", regions=["330802"])
    first, first_queries = get(client, url)
    again, queries = get(client, url + ("&" if "?" in url else "?") + "utm_source=x")
    assert first.status_code == again.status_code == 200
    assert again.content == first.content and again["Content-Type"] == "application/json"
    assert first_queries > 1 and queries == 1
    if url.startswith(API_STORIES):
        services.stories_withdraw(stories=Article.objects.filter(pk=story.pk))
        assert "接口缓存" not in client.get(url).content.decode()  # gone at once


def test_an_api_story_withdrawn_is_gone_from_the_cache_at_once(client):
    story = ArticleFactory(headline="柯城：接口里的单篇")
    url = reverse("api:story-detail", args=[story.pk])
    assert client.get(url).json()["headline"] == "柯城：接口里的单篇"
    services.stories_withdraw(stories=Article.objects.filter(pk=story.pk))
    assert client.get(url).status_code == 404


def test_an_api_error_is_not_cached_and_a_dropped_parameter_never_reaches_the_links(client):
    ArticleFactory.create_batch(25, regions=["330802"])  # more than one page
    assert client.get(API_STORIES, {"date_after": "昨天"}).status_code == 400
    _, queries = get(client, API_STORIES + "?date_after=昨天")
    assert queries > 1  # made again, not served from the cache
    page = client.get(API_STORIES, {"region": "kecheng", "bust": "7"}).json()
    assert "cursor=" in page["next"] and "region=kecheng" in page["next"]
    assert "bust" not in page["next"]
