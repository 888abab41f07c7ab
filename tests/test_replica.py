"""The read replica, against a real streaming standby of the test database
(tests/replica.py): who reads where, an editor reading their own save, a replica that
goes away and comes back, and how long a lagging replica may show a withdrawn story.

Every test commits (the standby sees only committed data) and runs the router and
middleware production runs when DATABASE_REPLICA_URL is set.
"""

import ast
import re
import time

import pytest
from django.db import connections
from django.test import Client
from django.test.utils import CaptureQueriesContext

from archive.editorial import services
from archive.models import Article
from archive.ops import health, replica
from tests.commands import manage
from tests.factories import ArticleFactory
from tests.helpers import change_url, form_data, page
from tests.test_production import PRODUCTION

# Under pytest-xdist these tests all run in one worker: one standby for the run, not one
# per worker (tests/replica.py).
pytestmark = pytest.mark.xdist_group("replica")


def replicated(test):
    """A test against the standby, with production's routing; it commits."""
    test = pytest.mark.usefixtures("replica_database", "production_routing")(test)
    return pytest.mark.django_db(transaction=True, databases=["default", "replica"])(test)


ROUTER = "archive.ops.routers.ReplicaRouter"
AUTH = "django.contrib.auth.middleware.AuthenticationMiddleware"
MIDDLEWARE = "archive.ops.replica.ReadReplica"


@pytest.fixture
def production_routing(settings):
    """The router, and the middleware right after authentication, as in production."""
    settings.DATABASE_ROUTERS = [ROUTER]
    after_auth = settings.MIDDLEWARE.index(AUTH) + 1
    settings.MIDDLEWARE = [
        *settings.MIDDLEWARE[:after_auth],
        MIDDLEWARE,
        *settings.MIDDLEWARE[after_auth:],
    ]
    replica.health.reset()
    yield
    replica.health.reset()


def caught_up(standby) -> None:
    """Wait until the standby shows everything committed on the primary so far."""
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()::text")
        standby.catch_up(cursor.fetchone()[0])


def replica_usable(timeout: float = 60) -> None:
    """Wait until this process has measured the replica close enough behind to read it
    (a process's first measurement only notes where the primary is)."""
    deadline = time.monotonic() + timeout
    while not replica.health.ok():
        assert time.monotonic() < deadline, "the replica never came close enough behind"
        time.sleep(0.1)


def listed_headlines(response) -> list[str]:
    """The headlines in the admin change list's table (not its "changed" message)."""
    return re.findall(r'<th class="field-headline"><a href="[^"]*">([^<]*)</a>', page(response))


def read_stories(queries) -> bool:
    return any('FROM "archive_article"' in query["sql"] for query in queries)


def test_production_settings_route_reads_through_the_replica_middleware():
    shown = manage(
        "shell",
        "-c",
        "from django.conf import settings; "
        "print(settings.DATABASE_ROUTERS); print(settings.MIDDLEWARE)",
        env=PRODUCTION | {"DATABASE_REPLICA_URL": "postgres://postgres@127.0.0.1:5433/postgres"},
    )
    assert shown.returncode == 0, shown.stderr
    routers, middleware = shown.stdout.splitlines()[-2:]
    assert routers == str([ROUTER])
    middleware = ast.literal_eval(middleware)
    assert middleware[middleware.index(AUTH) + 1] == MIDDLEWARE


@replicated
def test_anonymous_readers_pages_are_read_from_the_replica(client, replica_database):
    story = ArticleFactory(headline="柯城：数字经济见成效")
    caught_up(replica_database)
    replica_usable()

    for url in (story.get_absolute_url(), "/stories/", "/"):
        with (
            CaptureQueriesContext(connections["replica"]) as on_replica,
            CaptureQueriesContext(connections["default"]) as on_primary,
        ):
            response = client.get(url)
        assert response.status_code == 200, url
        assert read_stories(on_replica), url
        assert not read_stories(on_primary), url
    assert "柯城：数字经济见成效" in page(response)


@replicated
def test_an_editor_reads_their_own_save_while_the_replica_is_behind(
    editor_client, committed_gazetteer, replica_database, settings
):
    reader = Client()
    settings.ARCHIVE_REPLICA_MAX_LAG_SECONDS = 600  # the routing is under test, not the bound
    story = ArticleFactory(headline="建德：共富工坊开到家门口", regions=["330182"])
    caught_up(replica_database)
    replica_usable()
    data = form_data(editor_client.get(change_url(story)))

    replica_database.pause_replay()
    try:
        data["headline"] = "建德：共富工坊开到村民家门口"
        saved = editor_client.post(change_url(story), {**data, "_save": "保存"}, follow=True)

        # The change list the save leads to, and the story's form, show the new headline…
        assert listed_headlines(saved) == ["建德：共富工坊开到村民家门口"]
        assert "建德：共富工坊开到村民家门口" in page(editor_client.get(change_url(story)))
        # … which the replica does not have yet: an anonymous reader still gets the old one.
        assert Article.objects.using("replica").get(pk=story.pk).headline == story.headline
        public = page(reader.get(story.get_absolute_url()))
        assert "建德：共富工坊开到家门口" in public
        assert "村民家门口" not in public
    finally:
        replica_database.resume_replay()

    caught_up(replica_database)
    assert "建德：共富工坊开到村民家门口" in page(reader.get(story.get_absolute_url()))


@replicated
def test_the_site_reads_the_primary_while_the_replica_is_stopped_then_returns_to_it(
    client, replica_database, monkeypatch
):
    monkeypatch.setattr(replica.health, "down_seconds", 0.5)
    story = ArticleFactory(headline="龙港：营商环境再优化")
    caught_up(replica_database)
    replica_usable()
    client.get(story.get_absolute_url())  # the replica connection is open

    replica_database.stop()
    try:
        # A request that set out to read the replica finds it gone on its first query:
        # it is answered from the primary, and the site is not taken for down.
        replica.health.usable, replica.health.next_check = True, time.monotonic() + 60
        with CaptureQueriesContext(connections["default"]) as on_primary:
            response = client.get(story.get_absolute_url())
        assert response.status_code == 200
        assert "龙港：营商环境再优化" in page(response)
        assert read_stories(on_primary)
        assert health.breaker.open_until is None
        assert not replica.health.usable

        # Measured again after the pause, the replica still does not answer: the
        # primary it is, with no error either.
        time.sleep(0.6)
        for url in ("/stories/", story.get_absolute_url()):
            response = client.get(url)
            assert response.status_code == 200, url
            assert "龙港：营商环境再优化" in page(response)
        assert not replica.health.usable
    finally:
        replica_database.start()

    # Back: the next measurement finds it, and readers read it again.
    time.sleep(0.6)
    replica_usable()
    with CaptureQueriesContext(connections["replica"]) as on_replica:
        response = client.get(story.get_absolute_url())
    assert response.status_code == 200
    assert read_stories(on_replica)


@replicated
def test_a_withdrawn_story_leaves_public_pages_within_the_lag_bound(
    client, replica_database, settings, empty_cache
):
    settings.ARCHIVE_REPLICA_MAX_LAG_SECONDS = 2
    settings.ARCHIVE_PAGE_CACHE_SECONDS = 60  # pages cached from the replica, too
    bound = settings.ARCHIVE_REPLICA_MAX_LAG_SECONDS + replica.CHECK_SECONDS
    story = ArticleFactory(headline="乐清：文旅融合添活力")
    caught_up(replica_database)
    replica_usable()
    assert client.get(story.get_absolute_url()).status_code == 200  # cached, too

    replica_database.pause_replay()
    try:
        services.stories_withdraw(stories=Article.objects.filter(pk=story.pk))
        withdrawn = time.monotonic()
        assert Article.objects.using("replica").get(pk=story.pk).status == Article.Status.PUBLISHED

        while client.get(story.get_absolute_url()).status_code == 200:
            # Shown only while the replica may still be read (and its pages served).
            assert time.monotonic() - withdrawn < bound + 0.5
            time.sleep(0.1)
        # Gone from every public page, while the replica still has it published.
        assert "乐清：文旅融合添活力" not in page(client.get("/stories/"))
        assert client.get(story.get_absolute_url()).status_code == 404
        assert Article.objects.using("replica").get(pk=story.pk).status == Article.Status.PUBLISHED
    finally:
        replica_database.resume_replay()

    caught_up(replica_database)
    replica_usable()
    with CaptureQueriesContext(connections["replica"]) as on_replica:
        assert client.get(story.get_absolute_url()).status_code == 404
    assert on_replica.captured_queries  # the replica, caught up, is read again
