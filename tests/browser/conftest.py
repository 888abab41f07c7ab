"""Real-browser journeys: Debian's Chromium driven by Playwright against a live server.

Skipped, with the reason in the test summary, where Chromium or Playwright is missing
(`.ci/run` installs Chromium, so CI always runs them).
"""

import functools
import os
import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.core import serializers
from django.core.management import call_command
from django.db import transaction
from django.db.backends.base.creation import BaseDatabaseCreation
from django.db.models.constants import OnConflict

from tests.conftest import MIGRATED

CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
DESKTOP = {"viewport": {"width": 1280, "height": 900}}

# Playwright's sync API runs an event loop in this thread; the ORM calls made by the
# tests' own setup are still plain synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist reads the groups
def pytest_collection_modifyitems(items):
    """Under pytest-xdist the browser journeys all run in one worker, one Chromium and one
    live server at a time: on two cores a second browser beside them makes timings flaky."""
    here = Path(__file__).parent
    for item in items:
        if here in item.path.parents:
            item.add_marker(pytest.mark.xdist_group("browser"))


@functools.lru_cache(maxsize=2)
def _deserialized(data: str, alias: str) -> tuple[dict, list]:
    """The serialized rows as unsaved objects by model, and those with many-to-many
    links: read once per process (the string never changes), not before each journey."""
    by_model: dict = {}
    linked = []
    for obj in serializers.deserialize("json", StringIO(data), using=alias):
        by_model.setdefault(type(obj.object), []).append(obj.object)
        if obj.m2m_data:
            linked.append(obj)
    return by_model, linked


def _restore_in_bulk(creation: BaseDatabaseCreation, data: str) -> None:
    """Django's ``deserialize_db_from_string``, the same rows written a table at a time.

    Each journey runs with ``serialized_rollback``: the database as the migrations left
    it (the gazetteer's 17,000 rows, the roles) is written back before it, as a live
    server's test flushes everything after it. Django writes it back one object at a
    time, an UPDATE and then an INSERT each: some 35,000 queries, ten seconds a journey
    and most of the browser tests' time. Here each table's objects go in a few multi-row
    INSERTs with what Django's one-at-a-time ``save(raw=True)`` does: the serialized
    values as they are (raw: no ``auto_now``, no tidying), a row already there under the
    same key updated to them, the many-to-many links set as the serializer has them.
    """
    connection = creation.connection
    if MIGRATED.restore(connection):  # PostgreSQL: a COPY of each table instead
        return
    by_model, linked = _deserialized(data, connection.alias)
    with transaction.atomic(using=connection.alias):
        with connection.constraint_checks_disabled():
            for model, objects in by_model.items():
                meta = model._meta
                fields = [f for f in meta.local_concrete_fields if not f.generated]
                others = [f for f in fields if not f.primary_key]
                conflict = {"on_conflict": OnConflict.IGNORE}
                if others:
                    conflict = {
                        "on_conflict": OnConflict.UPDATE,
                        "update_fields": others,
                        "unique_fields": [meta.pk],
                    }
                size = max(1, connection.ops.bulk_batch_size(fields, objects))
                manager = model._base_manager.using(connection.alias)
                for start in range(0, len(objects), size):
                    manager._insert(objects[start : start + size], fields, raw=True, **conflict)
            for obj in linked:
                for accessor, values in obj.m2m_data.items():
                    getattr(obj.object, accessor).set(values)
        connection.check_constraints(table_names=[m._meta.db_table for m in by_model])


@pytest.fixture(scope="session", autouse=True)
def rollback_restored_in_bulk():
    """The journeys' serialized rollback restores the database a table at a time."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(BaseDatabaseCreation, "deserialize_db_from_string", _restore_in_bulk)
        yield


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"浏览器测试已跳过：没有找到 Chromium（{CHROMIUM}）；apt-get install chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("浏览器测试已跳过：没有安装 playwright（pip install -r requirements-dev.txt）")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield browser
        browser.close()


@pytest.fixture(params=["desktop", "phone"])
def page(request, browser):
    """A fresh browser tab, on a desktop-sized window and on a phone-sized one."""
    context = browser.new_context(
        locale="zh-CN", **(DESKTOP if request.param == "desktop" else PHONE)
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def archive(committed_gazetteer):
    """The demo archive, committed, for the live server's own connections to read."""
    call_command("load_demo", verbosity=0)
