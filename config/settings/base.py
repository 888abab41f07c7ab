"""Settings shared by every environment. Values come from the environment."""

import os
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
    "django_filters",
    "nested_admin",
    "simple_history",
    "axes",
    "archive",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
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
# How long reader-facing counts (stories per region, total) may lag behind.
ARCHIVE_COUNT_CACHE_SECONDS = env.int("ARCHIVE_COUNT_CACHE_SECONDS", default=600)
# Public pages are cached whole for anonymous readers, keyed by the content
# version that every write bumps; this bounds only how late a scheduled story shows.
ARCHIVE_PAGE_CACHE_SECONDS = env.int("ARCHIVE_PAGE_CACHE_SECONDS", default=60)
