"""Real-browser journeys: Debian's Chromium driven by Playwright against a live server.

Skipped, with the reason in the test summary, where Chromium or Playwright is missing
(`.ci/run` installs Chromium, so CI always runs them).
"""

import os
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command

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
