"""A newcomer's laptop: debug on, an insecure key that is never used in production."""

from .base import *
from .base import env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
SECRET_KEY = env("DJANGO_SECRET_KEY", default="dev-only-insecure-key-not-for-production")

WHITENOISE_AUTOREFRESH = True  # serve static files from the source tree as they change
