"""Production-like settings for measuring: no debug, cached templates, the same middleware."""

from config.settings.base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "bench-only-insecure-key"
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
ROOT_URLCONF = "bench.urls"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
DATABASES["default"]["CONN_MAX_AGE"] = None  # noqa: F405  (one persistent connection)
