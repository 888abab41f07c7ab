"""Cached counts (region story counts on the map and the region list, the archive's
total, the edition calendar): they may lag by their cache time, and each is made by
one request at a time."""

import datetime
import re
import threading

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from archive.caching import counts
from tests.factories import ArticleFactory
from tests.helpers import visible_text

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def counts_cached(settings, empty_cache):
    settings.ARCHIVE_COUNT_CACHE_SECONDS = 600


def kecheng_count(client) -> int:
    """The number of stories the regions page gives for 柯城区."""
    text = visible_text(client.get(reverse("archive:region_list")))
    return int(re.search(r"柯城区\D*?(\d+) 篇", text).group(1))


def test_a_region_count_lags_until_its_time_then_shows_the_new_story(client, region):
    kecheng = region("330802")
    start = timezone.now()
    ArticleFactory(regions=[kecheng])
    with time_machine.travel(start, tick=False):
        assert kecheng_count(client) == 1
        ArticleFactory(regions=[kecheng], published_at=start - datetime.timedelta(hours=1))
        assert kecheng_count(client) == 1  # cached: readers see "about"
    with time_machine.travel(start + datetime.timedelta(seconds=601), tick=False):
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
