"""Cached counts (region story counts on the map and the region list, the archive's
total, the edition calendar): never stale after a write that changes them, kept
through writes that do not, and each made by one request at a time."""

import datetime
import re
import threading

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from archive.caching import counts
from archive.editorial import services
from archive.models import Article, ArticleRegion
from tests.factories import ArticleFactory, full_story
from tests.helpers import visible_text

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def counts_cached(settings, empty_cache):
    settings.ARCHIVE_COUNT_CACHE_SECONDS = 600


def kecheng_count(client) -> int:
    """The number of stories the regions page gives for 柯城区."""
    text = visible_text(client.get(reverse("archive:region_list")))
    return int(re.search(r"柯城区\D*?(\d+) 篇", text).group(1))


def api_count(client) -> int:
    """The count the regions API gives for 柯城区 (in 衢州市, in 浙江省)."""
    [zhejiang] = client.get(reverse("api:region-tree")).json()
    quzhou = next(city for city in zhejiang["subregions"] if city["code"] == "330800")
    return next(c for c in quzhou["subregions"] if c["code"] == "330802")["story_count"]


def _publish(story):
    services.stories_publish(stories=Article.objects.filter(pk=story.pk))


def _withdraw(story):
    services.stories_withdraw(stories=Article.objects.filter(pk=story.pk))


def _delete(story):
    services.stories_delete(stories=Article.objects.filter(pk=story.pk))


def _unpublish_by_saving_as_draft(story):
    story.status = Article.Status.DRAFT
    services.story_save(story=story)


@pytest.mark.parametrize(
    ("write", "before", "after"),
    [
        (_publish, Article.Status.DRAFT, 2),
        (_withdraw, Article.Status.PUBLISHED, 1),
        (_delete, Article.Status.PUBLISHED, 1),
        (_unpublish_by_saving_as_draft, Article.Status.PUBLISHED, 1),
    ],
    ids=["publish", "withdraw", "delete", "saved-as-draft"],
)
def test_a_count_is_right_on_every_page_as_soon_as_a_write_changes_it(
    client, region, write, before, after
):
    kecheng = region("330802")
    ArticleFactory(regions=[kecheng])
    story = ArticleFactory(regions=[kecheng], status=before)
    shown = 1 if before == Article.Status.DRAFT else 2
    # Cached for ten minutes by these reads, before the write.
    assert kecheng_count(client) == shown
    assert api_count(client) == shown
    write(Article.objects.get(pk=story.pk))
    assert kecheng_count(client) == after
    assert api_count(client) == after
    assert counts.published_total() == after


def test_a_draft_saved_leaves_the_counts_cached(region):
    kecheng = region("330802")
    ArticleFactory(regions=[kecheng])
    assert counts.region_story_counts()[kecheng.pk] == 1
    draft = Article.objects.get(pk=ArticleFactory(status=Article.Status.DRAFT).pk)
    draft.headline = "改过的草稿"
    services.story_save(story=draft)
    # Not recounted: a million stories are counted again only when a write makes a
    # difference to them.
    with CaptureQueriesContext(connection) as queries:
        assert counts.region_story_counts()[kecheng.pk] == 1
    assert not [q for q in queries if "archive_storylisting" in q["sql"]]


def test_a_scheduled_story_counts_from_its_time_with_no_write_in_between(client, region):
    kecheng = region("330802")
    start = timezone.now()
    ArticleFactory(regions=[kecheng])
    ArticleFactory(regions=[kecheng], published_at=start + datetime.timedelta(minutes=5))
    with time_machine.travel(start, tick=False):
        assert kecheng_count(client) == 1
    with time_machine.travel(start + datetime.timedelta(minutes=5, seconds=1), tick=False):
        assert kecheng_count(client) == 2  # well inside the ten minutes counts are kept


def test_a_story_rescheduled_earlier_counts_from_its_new_time(client, region):
    # The next scheduled time is cached too: moving a story's time must move it.
    kecheng = region("330802")
    start = timezone.now()
    ArticleFactory(regions=[kecheng])
    story = ArticleFactory(regions=[kecheng], published_at=start + datetime.timedelta(days=1))
    with time_machine.travel(start, tick=False):
        assert kecheng_count(client) == 1
        story.published_at = start + datetime.timedelta(minutes=5)
        services.story_save(story=story)
        assert kecheng_count(client) == 1
    with time_machine.travel(start + datetime.timedelta(minutes=5, seconds=1), tick=False):
        assert kecheng_count(client) == 2


def test_a_missing_count_is_made_once_while_the_other_threads_wait_for_it():
    made = []
    start = threading.Barrier(4)
    results = []

    def compute():
        made.append(1)
        threading.Event().wait(0.2)  # a slow count: the others arrive meanwhile
        return 42

    def reader():
        start.wait()
        results.append(counts.cached("slow", compute))

    threads = [threading.Thread(target=reader) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert results == [42, 42, 42, 42]
    assert len(made) == 1


def test_past_its_time_a_count_is_served_as_it_was_while_one_request_remakes_it():
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        assert counts.cached("total", lambda: 1) == 1
    remaking, release = threading.Event(), threading.Event()
    remade = []

    def slow_new_count():
        remaking.set()
        release.wait(10)
        return 2

    with time_machine.travel(start + datetime.timedelta(seconds=601), tick=False):
        remaker = threading.Thread(
            target=lambda: remade.append(counts.cached("total", slow_new_count))
        )
        remaker.start()
        assert remaking.wait(10)
        # Meanwhile another request gets the old count at once, computing nothing.
        assert counts.cached("total", lambda: pytest.fail("counted twice")) == 1
        release.set()
        remaker.join()
        assert remade == [2]
        assert counts.cached("total", lambda: pytest.fail("not cached")) == 2


def test_a_count_that_failed_is_made_by_the_next_request():
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        counts.cached("total", lambda: 1)

    def database_gone():
        raise ConnectionError("the database went away")

    with time_machine.travel(start + datetime.timedelta(seconds=601), tick=False):
        with pytest.raises(ConnectionError):
            counts.cached("total", database_gone)
        assert counts.cached("total", lambda: 3) == 3


def test_reverting_a_public_story_to_its_old_county_counts_it_there_at_once(client, region):
    jiande = region("330182")
    story = full_story(regions=("330802",), bylines=0, photos=0)
    services.story_save(story=Article.objects.get(pk=story.pk))  # a history row with its county
    first = story.history.latest("history_date")
    assert kecheng_count(client) == 1
    story = Article.objects.get(pk=story.pk)
    services.story_save(
        story=story,
        save_related=lambda: ArticleRegion.objects.filter(article=story).update(region=jiande),
    )
    assert kecheng_count(client) == 0
    services.story_revert(story=Article.objects.get(pk=story.pk), row=first)
    assert kecheng_count(client) == 1
    assert counts.region_story_counts().get(jiande.pk, 0) == 0
