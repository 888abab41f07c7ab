import factory.random
import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection, transaction
from pytest_django.fixtures import validate_django_db

from archive.gazetteer import national
from archive.models import Region, RegionName, RegionSuccession
from archive.ops import health
from tests import commands
from tests.replica import replica_database, standby  # noqa: F401 (fixtures)

# A second database's run (.ci/run: SQLite after PostgreSQL) ----------------------------

DATABASE_FIXTURES = {
    "db",
    "transactional_db",
    "django_db_reset_sequences",
    "django_db_serialized_rollback",
    "live_server",
}


def pytest_addoption(parser):
    parser.addoption(
        "--database-tests-only",
        action="store_true",
        help="run only the tests that use a database (a second database's run: the "
        "others, parsing and text, have nothing of the database to cover)",
    )


def uses_database(item: pytest.Item) -> bool:
    return item.get_closest_marker("django_db") is not None or bool(
        DATABASE_FIXTURES & set(getattr(item, "fixturenames", ()))
    )


def pytest_collection_modifyitems(config, items):
    if config.getoption("--database-tests-only"):
        kept, dropped = [], []
        for item in items:
            (kept if uses_database(item) else dropped).append(item)
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept
    items[:] = _demo_tests_together(items)


def _demo_tests_together(items: list) -> list:
    """Each module's tests that share the demo first, in their order, then its others:
    one load of the demo for them (``demo_run``), not one per stretch between the
    module's other tests (test_admin.py had eleven)."""
    ordered, module = [], []
    for item in [*items, None]:
        if module and (item is None or item.parent is not module[0].parent):
            ordered += sorted(module, key=lambda test: not _shares_the_demo(test))
            module = []
        if item is not None:
            module.append(item)
    return ordered


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


class MigratedRows:
    """The rows the migrations left in the test database (the gazetteer's 17,000, the
    roles, the permissions), copied out once per run on PostgreSQL and copied back in
    where a transactional test's flush took them: a COPY of each table, a tenth of a
    second, where loading the gazetteer again took three or four and Django's
    serialized rollback, one object at a time, ten."""

    GAZETTEER = (Region, RegionName, RegionSuccession)

    def __init__(self):
        self.tables: dict[str, bytes] = {}

    def take(self, connection) -> None:
        if connection.vendor != "postgresql":
            return
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT relname FROM pg_class WHERE relkind IN ('r', 'p') "
                "AND NOT relispartition AND relnamespace = current_schema()::regnamespace "
                "AND relname <> 'django_migrations'"
            )
            for (table,) in cursor.fetchall():
                with cursor.copy(f'COPY (SELECT * FROM "{table}") TO STDOUT') as copy:
                    data = b"".join(bytes(block) for block in copy)
                if data:
                    self.tables[table] = data

    def restore(self, connection, models=None) -> bool:
        """Write the tables of ``models`` (None: every table) back as the migrations left
        them, emptying them first; False where there is no copy (SQLite)."""
        if not self.tables or connection.vendor != "postgresql":
            return False
        wanted = self.tables
        if models is not None:
            wanted = {m._meta.db_table: self.tables.get(m._meta.db_table, b"") for m in models}
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            quoted = ", ".join(f'"{table}"' for table in wanted)
            # Rows of other tables that point at them can only be a test's leftovers,
            # which the flush after a transactional test removes anyway. The ids are
            # the original ones: the sequences (never reset) are already past them.
            cursor.execute(f"TRUNCATE {quoted} CASCADE")
            for table, data in wanted.items():
                if data:
                    with cursor.copy(f'COPY "{table}" FROM STDIN') as copy:
                        copy.write(data)
        return True


MIGRATED = MigratedRows()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test databases, as migrated, with a copy of what the migrations wrote."""
    with django_db_blocker.unblock():
        MIGRATED.take(connection)


@pytest.fixture
def committed_gazetteer(transactional_db):
    """The regions of the data migration, committed, for tests whose other threads or
    processes (a live server, bulk-load workers) read the database.

    A transactional test starts from a flushed database when an earlier test ran
    inside a transaction (pytest-django then has nothing serialized to restore), so
    the gazetteer is written back where it is missing.
    """
    if not Region.objects.exists() and not MIGRATED.restore(connection, MIGRATED.GAZETTEER):
        national.load(Region, RegionName, RegionSuccession)


# The demo, loaded once for a run of tests that read it --------------------------------
#
# Loading it costs a second or two (the importer reads the sample page against the
# whole gazetteer, the page image is drawn and tiled), and some 400 tests ask for it:
# about half of the suite's time while each test loaded its own. Consecutive tests of
# one module that ask for it in their own rolled-back transaction share one load
# instead, as Django's setUpTestData shares a class's data: the demo is loaded in an
# outer transaction, each test's own transaction is a savepoint inside it (rolled back
# after the test as before), and the outer one is rolled back after the run's last
# test, so no other test ever sees it.

NEXT_TEST = pytest.StashKey[pytest.Item | None]()
_demo_run: list[transaction.Atomic] = []  # the outer transaction while a run is open


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_teardown(item, nextitem):
    """Which test this process runs next (under xdist too): ``demo_run`` ends its
    transaction after the last test of a run."""
    item.stash[NEXT_TEST] = nextitem


def _shares_the_demo(item: pytest.Item | None) -> bool:
    """A test function of a module (not of a class) that asks for the demo and runs in a
    transaction of its own that is rolled back: not a transactional test."""
    if not isinstance(item, pytest.Function) or item.cls is not None:
        return False
    if "demo" not in item.fixturenames:
        return False
    marker = item.get_closest_marker("django_db")
    if marker:
        transactional, reset_sequences, databases, *_ = validate_django_db(marker)
        if transactional or reset_sequences or databases not in (None, ["default"]):
            return False
    own_transaction = {
        "transactional_db",
        "live_server",
        "django_db_reset_sequences",
        "django_db_serialized_rollback",
    }
    return not own_transaction & set(item.fixturenames)


# Class scope: for a test function outside a class pytest makes it a fixture of that one
# test, set up before pytest-django's transaction for the test and torn down after it.
@pytest.fixture(scope="class")
def demo_run(request, django_db_setup, django_db_blocker) -> bool:
    """Whether the demo is loaded in an outer transaction for this test and its neighbours."""
    item = request.node
    if not _shares_the_demo(item):
        yield False
        return
    if not _demo_run:
        with django_db_blocker.unblock():
            outer = transaction.atomic()
            outer.__enter__()
            _demo_run.append(outer)
            try:
                call_command("load_demo", verbosity=0)
            except BaseException:
                _end_demo_run(django_db_blocker)
                raise
    yield True
    following = item.stash.get(NEXT_TEST, None)
    if not (_shares_the_demo(following) and following.parent is item.parent):
        _end_demo_run(django_db_blocker)


def _end_demo_run(django_db_blocker) -> None:
    outer = _demo_run.pop()
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


@pytest.fixture
def demo(demo_run, db):
    """The demo archive: the sample page's two stories, published, and its page image."""
    if not demo_run:
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
    db = connection.settings_dict
    user = f"{db['USER']}:{db['PASSWORD']}" if db["PASSWORD"] else db["USER"]
    url = f"postgres://{user}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    env = {"DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "config.settings.test"}

    def run(*args: str) -> str:
        done = commands.manage(*args, "--no-progress", env=env)
        assert done.returncode == 0, done.stderr
        return done.stdout

    return run
