"""What many public pages share is made once per public change (``archive.caching.fragments``):
the county map and city tree, a region's newest stories, a print day's stories. A publish,
a withdrawal or a scheduled story's time shows on them at once; a draft never does."""

import datetime
import re
import threading

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from archive.caching import remaking
from archive.editorial import services
from archive.models import Article
from tests.factories import ArticleFactory, SectionFactory, full_story

pytestmark = pytest.mark.django_db

HOME = reverse("archive:home")
KECHENG = reverse("archive:region_detail", args=["kecheng"])
QUZHOU = reverse("archive:region_detail", args=["quzhou"])
LIST = reverse("archive:story_list")


@pytest.fixture(autouse=True)
def fragments_cached(settings, empty_cache):
    """Fragments cached as in production; whole pages not, so each request makes its page."""
    settings.ARCHIVE_COUNT_CACHE_SECONDS = 600
    settings.ARCHIVE_PAGE_CACHE_SECONDS = 0


def page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def kecheng_count(html: str) -> str:
    """柯城区's count in the map's list and title (the text version shows every county)."""
    listed = re.search(r'>柯城区</a> <span class="count">(\d+) 篇</span>', html).group(1)
    titled = re.search(r"<title>柯城区：(\d+) 篇报道</title>", html).group(1)
    assert listed == titled
    return listed


def related(html: str) -> list[str]:
    section = re.search(r'<section class="related".*?</section>', html, re.S)
    return re.findall(r"<a href=\"/stories/\d+/\">([^<]+)</a>", section.group()) if section else []


def test_a_publish_shows_in_the_home_pages_county_map_at_once(client):
    ArticleFactory(regions=["330802"])
    assert kecheng_count(page(client, HOME)) == "1"
    assert kecheng_count(page(client, HOME)) == "1"  # from the fragment
    draft = ArticleFactory(draft=True, regions=["330802"])
    assert kecheng_count(page(client, HOME)) == "1"  # a draft counts nowhere
    services.stories_publish(stories=Article.objects.filter(pk=draft.pk))
    assert kecheng_count(page(client, HOME)) == "2"
    services.stories_withdraw(stories=Article.objects.filter(pk=draft.pk))
    assert kecheng_count(page(client, HOME)) == "1"


def test_a_publish_shows_in_the_region_pages_maps_and_counts_at_once(client):
    ArticleFactory(regions=["330802"])
    for url in (KECHENG, QUZHOU):
        assert kecheng_count(page(client, url)) == "1"
    assert '<a href="/regions/kecheng/">柯城区</a> <span class="count">1 篇</span>' in page(
        client, QUZHOU
    )  # the city's own list of its counties
    draft = ArticleFactory(draft=True, regions=["330802"])
    services.stories_publish(stories=Article.objects.filter(pk=draft.pk))
    for url in (KECHENG, QUZHOU):
        assert kecheng_count(page(client, url)) == "2"
    assert '<a href="/regions/kecheng/">柯城区</a> <span class="count">2 篇</span>' in page(
        client, QUZHOU
    )


def test_a_scheduled_story_shows_in_the_map_when_its_time_comes(client):
    start = timezone.now()
    ArticleFactory(regions=["330802"])
    ArticleFactory(regions=["330802"], published_at=start + datetime.timedelta(seconds=20))
    with time_machine.travel(start, tick=False):
        assert kecheng_count(page(client, HOME)) == "1"
    # Well inside the fragment's ten minutes, with no write in between.
    with time_machine.travel(start + datetime.timedelta(seconds=21), tick=False):
        assert kecheng_count(page(client, HOME)) == "2"


def test_a_published_story_joins_its_regions_related_stories_at_once(client):
    now = timezone.now()
    story = ArticleFactory(regions=["330802"], headline="柯城：本篇")
    ArticleFactory(
        regions=["330802"], headline="柯城旧闻", published_at=now - datetime.timedelta(9)
    )
    assert related(page(client, story.get_absolute_url())) == ["柯城旧闻"]
    draft = ArticleFactory(regions=["330802"], headline="柯城新闻", draft=True)
    assert related(page(client, story.get_absolute_url())) == ["柯城旧闻"]
    services.stories_publish(stories=Article.objects.filter(pk=draft.pk), at=now)
    assert related(page(client, story.get_absolute_url())) == ["柯城新闻", "柯城旧闻"]
    # The new story's own page leaves itself out of the same shared list.
    assert related(page(client, draft.get_absolute_url())) == ["柯城：本篇", "柯城旧闻"]


def test_a_published_story_joins_its_print_days_neighbours_at_once(client):
    day = timezone.localdate() - datetime.timedelta(days=3)
    first = ArticleFactory(headline="一版头条", edition_date=day, page_number=1)
    third = ArticleFactory(headline="三版报道", edition_date=day, page_number=3)
    html = page(client, first.get_absolute_url())
    assert "下一篇：三版报道（第3版）" in html
    second = ArticleFactory(headline="二版报道", edition_date=day, page_number=2, draft=True)
    assert "下一篇：三版报道" in page(client, first.get_absolute_url())
    services.stories_publish(stories=Article.objects.filter(pk=second.pk))
    assert "下一篇：二版报道（第2版）" in page(client, first.get_absolute_url())
    assert "← 上一篇：二版报道（第2版）" in page(client, third.get_absolute_url())
    second.refresh_from_db()
    services.stories_withdraw(stories=Article.objects.filter(pk=second.pk))
    assert "下一篇：三版报道" in page(client, first.get_absolute_url())


def test_a_sections_first_public_story_puts_it_in_the_story_lists_form_at_once(client):
    ArticleFactory(regions=["330802"])
    new = SectionFactory(name="新开的栏目")
    draft = ArticleFactory(draft=True, section=new)
    searched = f"{LIST}?q=报道"  # a bound form: its choices, not the whole form, shared
    for url in (LIST, searched):
        assert "新开的栏目" not in page(client, url)
        assert "新开的栏目" not in page(client, url)  # from the fragment
    services.stories_publish(stories=Article.objects.filter(pk=draft.pk))
    assert ">新开的栏目</option>" in page(client, LIST)
    assert ">新开的栏目</option>" in page(client, searched)
    chosen = page(client, f"{searched}&section={new.slug}")
    assert f'<option value="{new.slug}" selected>新开的栏目</option>' in chosen
    assert '?q=%E6%8A%A5%E9%81%93"' in chosen  # the active filter's removal link


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_with_its_fragments_made_a_story_page_costs_five_queries(client):
    story = full_story(bylines=3, photos=2, edition_date=timezone.localdate(), page_number=2)
    ArticleFactory(regions=["330802"], edition_date=story.edition_date, page_number=1)
    queries(client, story.get_absolute_url())
    # The story, its regions, its photos, the credits of both, the counts' version.
    assert queries(client, story.get_absolute_url()) == 5


def test_with_its_fragments_made_the_home_page_costs_four_queries(client):
    ArticleFactory.create_batch(3, regions=["330802"])
    queries(client, HOME)
    # The counts' version, the stories, their credits, their regions.
    assert queries(client, HOME) == 4


def test_a_value_made_while_making_another_takes_no_second_lock(settings):
    """A fragment that reads the counts while it is made: with one lock per bucket of
    keys, the inner value's bucket may be the outer's own."""
    keys = ["outer", *(f"inner-{i}" for i in range(1000))]
    outer = keys[0]
    inner = next(k for k in keys[1:] if hash(k) % 16 == hash(outer) % 16)
    made = []

    def make_outer():
        return remaking.cached(inner, lambda: "inner", 60) + "+outer"

    worker = threading.Thread(
        target=lambda: made.append(remaking.cached(outer, make_outer, 60)), daemon=True
    )
    worker.start()
    worker.join(timeout=5)
    assert made == ["inner+outer"]


def test_a_filtered_list_reads_the_counts_version_once_for_its_count_and_its_form(client):
    # The region's count and the form's section choices are both kept under the counts'
    # version: the page reads it once, with its caches cold as after any public change.
    ArticleFactory(regions=["330802"])
    with CaptureQueriesContext(connection) as captured:
        assert client.get(f"{LIST}?region=kecheng").status_code == 200
    versions = [q["sql"] for q in captured if "archive_contentversion" in q["sql"]]
    assert len(versions) == 1, versions
