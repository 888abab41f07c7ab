import factory.random
import pytest
from django.core.cache import cache
from django.core.management import call_command

from archive.gazetteer import national
from archive.models import Region, RegionName, RegionSuccession
from archive.ops import health
from tests import commands
from tests.replica import replica_database, standby  # noqa: F401 (fixtures)


@pytest.fixture(autouse=True)
def reproducible_factories(request):
    """Each test draws the same "random" Chinese text on every run."""
    factory.random.reseed_random(request.node.nodeid)


@pytest.fixture(autouse=True)
def closed_breaker():
    """A test that lost the database leaves the next test a working site."""
    yield
    health.breaker.reset()


@pytest.fixture
def empty_cache():
    """The cache emptied before and after the test: cached pages and counts, API throttles."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def region():
    """Look up a region of the gazetteer (loaded by a data migration) by code: the one
    in use today where a code was reused."""
    return lambda code: Region.objects.by_code(code)


@pytest.fixture
def committed_gazetteer(transactional_db):
    """The regions of the data migration, committed, for tests whose other threads or
    processes (a live server, bulk-load workers) read the database.

    A transactional test starts from a flushed database when an earlier test ran
    inside a transaction (pytest-django then has nothing serialized to restore), so
    the gazetteer is loaded again where it is missing.
    """
    if not Region.objects.exists():
        national.load(Region, RegionName, RegionSuccession)


@pytest.fixture
def demo(db):
    call_command("load_demo", verbosity=0)


@pytest.fixture
def editor(db, django_user_model):
    from django.contrib.auth.models import Permission

    user = django_user_model.objects.create_user("bianji", password="a-long-test-passphrase")
    user.is_staff = True
    user.save()
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="archive"))
    return user


@pytest.fixture
def member(db, django_user_model):
    """A staff user in one of the roles the data migration created, with a signed-in
    client: ``user, client = member("zhang", "编辑")``."""
    from django.contrib.auth.models import Group
    from django.test import Client

    def make(username: str, role: str):
        user = django_user_model.objects.create_user(username, password="a-long-test-passphrase")
        user.is_staff = True
        user.save()
        user.groups.add(Group.objects.get(name=role))
        client = Client()
        client.force_login(user)
        return user, client

    return make


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def manage(committed_gazetteer):
    """Run a management command in a fresh process against the test database, as an
    operator would: its worker processes are forked from a process with no other
    threads (this one has the live server's and the browser's)."""
    from django.db import connection

    db = connection.settings_dict
    user = f"{db['USER']}:{db['PASSWORD']}" if db["PASSWORD"] else db["USER"]
    url = f"postgres://{user}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    env = {"DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "config.settings.test"}

    def run(*args: str) -> str:
        done = commands.manage(*args, "--no-progress", env=env)
        assert done.returncode == 0, done.stderr
        return done.stdout

    return run
