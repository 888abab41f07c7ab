"""Settings shared by every environment. Values come from the environment."""

import hashlib
import os
import tempfile
from datetime import timedelta
from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()

SECRET_KEY = env("DJANGO_SECRET_KEY", default=None)
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django_filters",
    "nested_admin",
    "simple_history",
    "archive.apps.LoginProtectionConfig",  # django-axes, named in Chinese
    "rest_framework",
    "drf_spectacular",
    "django_tasks",
    "archive.apps.TaskQueueConfig",  # django-tasks' database queue, named in Chinese
    "archive",
]

# Work too long for a request (a rename rewriting thousands of stories' search text)
# is queued in the project's own database and run by `manage.py run_worker`
# (archive/editorial/tasks.py, docs/deploy.md "Background workers"): no other server.
# Queued when the enqueuing transaction commits, so a worker never sees a rolled-back job.
TASKS = {
    "default": {
        "BACKEND": "django_tasks.backends.database.DatabaseBackend",
        "ENQUEUE_ON_COMMIT": True,
    }
}
# A job with no progress for this long lost its worker; the next worker to start re-queues it.
ARCHIVE_JOB_STALE_SECONDS = env.int("ARCHIVE_JOB_STALE_SECONDS", default=600)

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Static files with hashed names and far-future caching, without a separate server.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # 503 at once while this process knows the database is down (archive/health.py).
    "archive.ops.health.breaker",
    # The Content-Security-Policy below, on every public page.
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Records the editing user on every history row an admin request writes.
    "simple_history.middleware.HistoryRequestMiddleware",
    # Turns an axes lockout into the lockout response; axes wants it last.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"

# Public pages load nothing from elsewhere and run no inline code: scripts, styles,
# images and forms come from this site only. The admin (Django's and nested_admin's
# templates use inline styles and scripts) is left out rather than weakening this.
CONTENT_SECURITY_POLICY = {
    "EXCLUDE_URL_PREFIXES": ["/admin/", "/nested_admin/"],
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", *env.list("CSP_EXTRA_IMG_SRC", default=[])],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

# With no DATABASE_URL a newcomer gets an embedded SQLite file; CI and
# production point DATABASE_URL at PostgreSQL (psycopg 3).
# An empty DATABASE_URL counts as unset.
DATABASES = {
    "default": env.db_url_config(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}"
    ),
}


def for_requests(database: dict) -> dict:
    """``database`` (a PostgreSQL one) set up for a web request's queries, which are
    short and many at once, one per core: no JIT compiler (50–250 ms to compile a query
    whose estimate passes jit_above_cost, as a search over the index's function does)
    and no parallel workers (milliseconds to start, on cores other requests use). The
    story page's statements, written by hand, are prepared on the connection (planned
    once, not per page: ``archive.public.story_read``); the ORM's queries never are
    (Django's cursors bind on the client). No transaction-mode pooler may sit between
    (PgBouncer's would lose them)."""
    if database["ENGINE"].endswith("postgresql"):
        options = database.setdefault("OPTIONS", {})
        options["options"] = "-c jit=off -c max_parallel_workers_per_gather=0"
        options["prepare_threshold"] = 0
    return database


DATABASES["default"] = for_requests(DATABASES["default"])
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Login protection (django-axes; docs/security.md). The axes backend goes first: it
# refuses a locked-out login before the password is even checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_VERBOSE = False  # no banner on every start; lockouts are still logged
# A username is locked at one address only: an attacker elsewhere cannot lock an
# editor out, and one office address does not lock out every editor behind it.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
_cooloff_minutes = env.int("AXES_COOLOFF_MINUTES", default=30)
AXES_COOLOFF_TIME = timedelta(minutes=_cooloff_minutes)
# Attempts during a lockout are refused but do not push its end further away.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = True
AXES_COOLOFF_MESSAGE = (
    "登录失败次数过多，此账号在您当前的网络地址已被暂时锁定。"
    f"请 {_cooloff_minutes} 分钟后再试，或请管理员解锁。"
)
# Reverse proxies in front of Django that append the client's address to
# X-Forwarded-For (one nginx: 1). With 0, Django faces clients directly and the
# header is ignored: anyone can send it. ipware's proxy count is the number of
# addresses after the client's *in the header*; the nearest proxy is REMOTE_ADDR.
_reverse_proxies = env.int("DJANGO_REVERSE_PROXIES", default=0)
if _reverse_proxies:
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")
    AXES_IPWARE_PROXY_COUNT = _reverse_proxies - 1
else:
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("REMOTE_ADDR",)
    AXES_IPWARE_PROXY_COUNT = None
# Take the client at its fixed place from the right of X-Forwarded-For even when the
# client sent a header of its own, rather than falling back to the proxy's address.
IPWARE_STRICT = False

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
# Ahead of the apps' own catalogs: the admin's strings that Django's zh-hans leaves in
# English, or says with 你 and ASCII punctuation (locale/zh_Hans, compiled and committed).
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("DJANGO_STATIC_ROOT", default=BASE_DIR / "staticfiles")
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("DJANGO_MEDIA_ROOT", default=BASE_DIR / "media")

# Stories per page on public lists.
ARCHIVE_PAGE_SIZE = 20
# A printed story published with no time of its own goes public at this hour (local
# time) of its print day: when a morning paper reaches its readers.
ARCHIVE_EDITION_HOUR = env.int("ARCHIVE_EDITION_HOUR", default=6)
# How long reader-facing counts (stories per region, total) are kept when no write
# changes them (a write that does remakes them at once: archive/caching/counts.py).
ARCHIVE_COUNT_CACHE_SECONDS = env.int("ARCHIVE_COUNT_CACHE_SECONDS", default=600)
# Public pages are cached whole for anonymous readers, keyed by the content
# version that every write bumps, and never served past a scheduled story's time.
ARCHIVE_PAGE_CACHE_SECONDS = env.int("ARCHIVE_PAGE_CACHE_SECONDS", default=60)
# Uncached pages made at once on this machine, by all its server processes
# (archive/caching/slots.py): one core fewer than it has, so readers of cached pages
# keep one; and requests of one process making or waiting to make one: one thread
# fewer than gunicorn gives it, so cached pages always find a thread.
ARCHIVE_PAGE_REMAKES = env.int("ARCHIVE_PAGE_REMAKES", default=max(1, (os.cpu_count() or 2) - 1))
ARCHIVE_PAGE_REMAKE_THREADS = env.int(
    "ARCHIVE_PAGE_REMAKE_THREADS", default=max(1, env.int("GUNICORN_THREADS", default=4) - 1)
)
_CHECKOUT = hashlib.sha1(str(BASE_DIR).encode()).hexdigest()[:8]  # one set per checkout
ARCHIVE_PAGE_REMAKE_DIR = env.path(
    "ARCHIVE_PAGE_REMAKE_DIR", default=Path(tempfile.gettempdir()) / f"xianzhi-remakes-{_CHECKOUT}"
)
ARCHIVE_PAGE_REMAKE_WAIT = env.float("ARCHIVE_PAGE_REMAKE_WAIT", default=5.0)
# With a read replica (DATABASE_REPLICA_URL): public pages read the primary instead
# while the replica is further behind than this; readers see the archive at most this
# plus one second old (archive/ops/replica.py).
ARCHIVE_REPLICA_MAX_LAG_SECONDS = env.float("ARCHIVE_REPLICA_MAX_LAG_SECONDS", default=5.0)
# Photo uploads (archive/uploads.py): larger files or images are refused with a message.
# Pillow itself refuses images over about 179 megapixels whatever the setting.
ARCHIVE_MAX_UPLOAD_BYTES = env.int("ARCHIVE_MAX_UPLOAD_BYTES", default=15 * 1024 * 1024)
ARCHIVE_MAX_UPLOAD_PIXELS = env.int("ARCHIVE_MAX_UPLOAD_PIXELS", default=40_000_000)
# Page scans (archive/models/page_scans.py, docs/page-images.md): a broadsheet page at
# 300 dpi is about 26 megapixels; a PDF page is rendered within the pixel limit.
ARCHIVE_MAX_PAGE_SCAN_BYTES = env.int("ARCHIVE_MAX_PAGE_SCAN_BYTES", default=40 * 1024 * 1024)
ARCHIVE_MAX_PAGE_SCAN_PIXELS = env.int("ARCHIVE_MAX_PAGE_SCAN_PIXELS", default=60_000_000)

# The read API (archive/api/, README "API"): public, read-only JSON for anonymous
# readers, so no authentication, sessions or CSRF; every client is throttled by address.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_THROTTLE_CLASSES": ["archive.api.throttling.ReaderRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"anon": env("API_ANON_RATE", default="120/min")},
    # The client's address, found as axes finds it (DJANGO_REVERSE_PROXIES above).
    "NUM_PROXIES": _reverse_proxies,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "县志 API",
    "DESCRIPTION": (
        "县志报道档案的只读接口：报道列表（筛选与 /stories/ 相同）、单篇报道和地区树。"
        "列表按游标翻页，不提供总数。"
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_AUTHENTICATION": [],
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
}

# A shared cache (Redis) where REDIS_URL is set, so every server process sees the same
# page cache and counts; otherwise each process keeps its own in memory.
if env("REDIS_URL", default=""):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": env("REDIS_URL"),
            "KEY_PREFIX": "xianzhi",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# The newspaper named in a story's citation line.
ARCHIVE_NEWSPAPER_NAME = env("ARCHIVE_NEWSPAPER_NAME", default="县志")
# The paper's home province (its GB/T 2260 code): the home page, /regions/ and the
# county map lead with it; every other province is one click away.
ARCHIVE_HOME_PROVINCE = env("ARCHIVE_HOME_PROVINCE", default="330000")

# Logs to the console (the process manager keeps them). A 400 a view raised on purpose
# (a malformed cursor) is one line, not a traceback (archive.ops.logs).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "filters": {"one_line_bad_requests": {"()": "archive.ops.logs.OneLineBadRequests"}},
    "loggers": {"django.request": {"filters": ["one_line_bad_requests"]}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
}
