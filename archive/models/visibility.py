"""The one visibility rule: what the public may see of a story.

A story is public once it is published and its publication time has come. The rule
is written once, here, as a ``Q`` that reads across relations (``public("article__")``
for rows that point at a story), and every public read uses it: the lists, the
counts, the feeds, the sitemap, the API and the print edition, through
``Article.objects.published()`` or this function. The story's read for its page and
the API (``archive.public.story_read``), written as SQL for speed, takes the same rule
in that form (``public_sql``), held to the ``Q`` by ``tests/test_visibility.py``.
"""

from django.db import models
from django.db.models import Q
from django.utils import timezone


class Status(models.TextChoices):
    DRAFT = "draft", "草稿"
    REVIEW = "review", "待审"
    PUBLISHED = "published", "已发布"
    WITHDRAWN = "withdrawn", "已撤回"


def public(prefix: str = "") -> Q:
    """Stories the public may see now; ``prefix`` names the way to the story from
    another model (``"article__"``)."""
    return Q(**{f"{prefix}status": Status.PUBLISHED, f"{prefix}published_at__lte": timezone.now()})


def public_sql(alias: str, connection) -> tuple[str, list]:
    """The same rule as a condition on the story table aliased ``alias``, with its
    parameters for ``connection``, for a statement written by hand
    (``archive.public.story_read``)."""
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    return f'{alias}."status" = %s AND {alias}."published_at" <= %s', [Status.PUBLISHED.value, now]
