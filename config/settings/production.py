"""Production: every secret and host from the environment; refuses to start without them.

docs/deploy.md lists the variables; `python manage.py check --deploy` with these
settings reports no issue.
"""

from django.core.exceptions import ImproperlyConfigured

from .base import *
from .base import env

DEBUG = False
# No defaults: a missing or empty key or host list stops the process at start, rather
# than every request failing later (an empty key 500s, empty hosts 400 everything).
SECRET_KEY = env("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = [host for host in env.list("DJANGO_ALLOWED_HOSTS") if host.strip()]
for _name, _value in (
    ("DJANGO_SECRET_KEY", SECRET_KEY.strip()),
    ("DJANGO_ALLOWED_HOSTS", ALLOWED_HOSTS),
):
    if not _value:
        raise ImproperlyConfigured(f"Set the {_name} environment variable (it is empty).")
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

# PostgreSQL through a pool of connections per process (psycopg_pool); a connection
# is checked before it is lent, so after a database restart the pool reconnects by itself.
if not env("DATABASE_URL"):  # no default: refuses to start without it (or with it empty)
    raise ImproperlyConfigured("Set the DATABASE_URL environment variable.")
DATABASES = {"default": for_requests(env.db("DATABASE_URL"))}
_POOL = {
    "min_size": env.int("DJANGO_DB_POOL_MIN", default=2),
    "max_size": env.int("DJANGO_DB_POOL_MAX", default=8),
    "timeout": env.float("DJANGO_DB_POOL_TIMEOUT", default=5.0),
    # How long the pool keeps retrying, with growing pauses (1 s, 2 s, 4 s …), to
    # replace the connections a database restart broke, before it gives up on them.
    # psycopg_pool's default (5 min) let those pauses outlast a short outage: requests
    # waited for a retry seconds after PostgreSQL was back. Given up, the pool opens
    # a connection as soon as a request asks for one.
    "reconnect_timeout": env.float("DJANGO_DB_POOL_RECONNECT_TIMEOUT", default=2.0),
}
DATABASES["default"].setdefault("OPTIONS", {})["pool"] = _POOL
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True  # the pool checks each connection it lends
# An optional read replica: anonymous readers' pages read it while it is up and at most
# ARCHIVE_REPLICA_MAX_LAG_SECONDS behind; editors, writes and transactions use the
# primary (archive/ops/replica.py, docs/deploy.md "Read replica").
if env("DATABASE_REPLICA_URL", default=""):
    DATABASES["replica"] = for_requests(env.db("DATABASE_REPLICA_URL"))
    DATABASES["replica"].setdefault("OPTIONS", {})["pool"] = dict(_POOL)
    DATABASES["replica"]["CONN_HEALTH_CHECKS"] = True
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["archive.ops.routers.ReplicaRouter"]
    # Decides per request which database it reads: it needs to know who is signed in.
    _AUTH = MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware")
    MIDDLEWARE = [
        *MIDDLEWARE[: _AUTH + 1],
        "archive.ops.replica.ReadReplica",
        *MIDDLEWARE[_AUTH + 1 :],
    ]

# HTTPS only. Behind a TLS-terminating proxy that sets X-Forwarded-Proto, set
# DJANGO_SECURE_PROXY_SSL_HEADER=1 (only then: a client could otherwise claim HTTPS).
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
# A load balancer checks health over plain HTTP, straight at gunicorn.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
if env.bool("DJANGO_SECURE_PROXY_SSL_HEADER", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("DJANGO_HSTS_PRELOAD", default=True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
X_FRAME_OPTIONS = "DENY"

# Static files: hashed names, compressed, served by whitenoise (collectstatic first).
# Media: the filesystem (DJANGO_MEDIA_ROOT), or S3-compatible storage when a bucket
# is configured (django-storages; AWS_S3_ENDPOINT_URL for MinIO and the like).
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
if env("AWS_STORAGE_BUCKET_NAME", default=""):
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env("AWS_STORAGE_BUCKET_NAME"),
            "endpoint_url": env("AWS_S3_ENDPOINT_URL", default=None),
            "region_name": env("AWS_S3_REGION_NAME", default=None),
            "custom_domain": env("AWS_S3_CUSTOM_DOMAIN", default=None),
            "querystring_auth": False,  # photos of published stories are public
            "file_overwrite": False,
        },
    }
