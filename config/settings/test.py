"""The test suite: same database choice as dev (DATABASE_URL or SQLite), fast hashing."""

import os
from pathlib import Path

from .base import *

SECRET_KEY = "test-only-insecure-key"
DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
ARCHIVE_COUNT_CACHE_SECONDS = 0  # tests see counts change at once
ARCHIVE_PAGE_CACHE_SECONDS = 0  # tests that need the page cache turn it on
# Axes stays on (tests/test_login_protection.py); only the test client's request-less
# client.login() skips its check, which the production backend would refuse.
AUTHENTICATION_BACKENDS = [
    "tests.axes_backend.AxesBackendAllowingClientLogin",
    "django.contrib.auth.backends.ModelBackend",
]

WHITENOISE_AUTOREFRESH = True  # no collected static files here: whitenoise finds them

# Background jobs run at once, inside the write that queues them, so the tests of other
# behaviours see a rename's or merge's outcome when it returns; tests/test_tasks.py
# switches to the database backend and runs a real worker.
TASKS = {
    "default": {
        "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
        "ENQUEUE_ON_COMMIT": False,
    }
}

# Under pytest-xdist (`make test`) each worker process has its own test database (the
# worker's name appended to its name) and its own slots for making pages: a test that
# holds every slot must not starve another worker's pages. A command a test runs in a
# fresh process inherits PYTEST_XDIST_WORKER, so it uses the same ones.
if _worker := os.environ.get("PYTEST_XDIST_WORKER"):
    ARCHIVE_PAGE_REMAKE_DIR = Path(f"{ARCHIVE_PAGE_REMAKE_DIR}-{_worker}")
