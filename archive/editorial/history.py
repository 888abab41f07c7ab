"""A story's revision history: recording it whole, reading the difference between two
versions, and what changed since an editor opened the form.

django-simple-history keeps a historical row per save of a story, photo, credit and
contributor, with the editing user. A story's row also carries its bylines, photos
and regions as they were (``StorySnapshot``), so one row is the whole story at that
version and two rows can be compared, or one restored, without piecing the other
tables' histories together.
"""

import datetime
import difflib
from dataclasses import dataclass

from django.utils import formats, timezone

from archive.models import Article, Credit
from archive.models.articles import story_history
from archive.text import body
from archive.text.typed import tidy

# What a revert restores: the story's content, not whether or when it is public.
CONTENT_FIELDS = [
    "kicker",
    "headline",
    "subtitle",
    "lede",
    "body",
    "byline",
    "section_id",
    "edition_date",
    "page_number",
    "page_name",
]
COMPARED_FIELDS = [*CONTENT_FIELDS, "status", "published_at"]
_ROLES = dict(Credit.Role.choices)


def snapshot(article: Article) -> dict:
    """The story's bylines, photos and regions now, as the history row keeps them."""
    credits = Credit.objects.select_related("contributor").order_by("order", "pk")
    return {
        "bylines": [
            [c.contributor_id, c.contributor.name, c.role] for c in credits.filter(article=article)
        ],
        "photos": [
            {
                "caption": photo.caption,
                "alt_text": photo.alt_text,
                "image": photo.image.name or "",
                "credits": [
                    [c.contributor_id, c.contributor.name, c.role]
                    for c in credits.filter(photo=photo)
                ],
            }
            for photo in article.photos.order_by("order", "pk")
        ],
        "regions": [
            [link.region.code, link.region.name, link.is_primary]
            for link in article.article_regions.select_related("region").order_by(
                "-is_primary", "region__code"
            )
        ],
    }


def record(article: Article, *, created: bool = False, user=None, reason: str = "") -> None:
    """Write the story's history row now that its bylines and photos are written too;
    none when nothing an editor can compare changed since the last one and no
    ``reason`` says why it was saved (a form saved unchanged): history lists changes,
    not saves; a reason is recorded (核对导入提示 changes no content)."""
    article._snapshot = snapshot(article)  # read once, for the check and the row
    try:
        if not (created or reason) and not _differs(latest(article.pk), article):
            return
        if user is not None:
            article._history_user = user
        if reason:
            article._change_reason = reason
        story_history.create_historical_record(article, "+" if created else "~")
    finally:
        del article._snapshot


def save_without_history(article: Article) -> None:
    """Save a story whose history row ``record`` writes once its related rows are saved."""
    article.skip_history_when_saving = True
    try:
        article.save()
    finally:
        del article.skip_history_when_saving


def fill_snapshot(sender, instance, history_instance, **kwargs) -> None:
    """``pre_create_historical_record`` receiver: every story row gets its snapshot."""
    if isinstance(instance, Article):
        taken = getattr(instance, "_snapshot", None) or snapshot(instance)
        for key, value in taken.items():
            setattr(history_instance, key, value)


def _compared(row, field: str):
    """A field of a story or of its history row as compared: text tidied, so rows from
    before input was tidied (CRLF from browsers) equal the same text tidied."""
    value = getattr(row, field)
    if isinstance(value, datetime.datetime):  # to the minute, as the admin's form keeps it
        return value.replace(second=0, microsecond=0)
    return tidy(value) if isinstance(value, str) else value


def _differs(row, article: Article) -> bool:
    """Whether ``article`` (its ``_snapshot`` taken) differs from history row ``row``."""
    if row is None:
        return True
    if any(_compared(row, field) != _compared(article, field) for field in COMPARED_FIELDS):
        return True
    return any(getattr(row, key) != value for key, value in article._snapshot.items())


@dataclass
class Change:
    label: str
    before: str
    after: str
    lines: list[tuple[str, str]] | None = None  # ("-"|"+"|" ", text) for long text


def _credits(entries) -> str:
    return "、".join(f"{name}（{_ROLES.get(role, role)}）" for _id, name, role in entries) or "无"


def _photos(photos) -> list[str]:
    return [
        f"{p['caption'] or '（无图说）'} —— {_credits(p['credits'])}"
        + (f" [{p['image']}]" if p.get("image") else "")
        for p in photos
    ]


def _regions(regions) -> str:
    return (
        "、".join(f"{name}{'（主要）' if primary else ''}" for _c, name, primary in regions) or "无"
    )


def _value(row, field: str) -> str:
    if field == "section_id":
        return str(row.section or "") if row.section_id else ""
    value = _compared(row, field)
    if isinstance(value, datetime.date):
        return when(value)
    return "" if value is None else str(value)


def when(value: datetime.date) -> str:
    """A time as the public site shows it (the zh-hans locale's formats, which its
    templates spell out), in the site's time zone; a date as a date."""
    if isinstance(value, datetime.datetime):
        return formats.date_format(timezone.localtime(value), "DATETIME_FORMAT")
    return formats.date_format(value, "DATE_FORMAT")


def changes(old, new) -> list[Change]:
    """What differs between two historical rows of a story, for an editor to read."""
    found = []
    for field in COMPARED_FIELDS:
        before, after = _value(old, field), _value(new, field)
        if before == after:
            continue
        label = Article._meta.get_field(field.removesuffix("_id")).verbose_name
        if field == "status":
            before = Article.Status(before).label if before else ""
            after = Article.Status(after).label if after else ""
        lines = None
        if field == "body":
            lines = _line_diff(
                [b.text for b in body.parse(before)], [b.text for b in body.parse(after)]
            )
        found.append(Change(str(label), before, after, lines))
    if old.bylines != new.bylines:
        found.append(Change("署名", _credits(old.bylines), _credits(new.bylines)))
    if old.photos != new.photos:
        found.append(
            Change(
                "图片",
                "\n".join(_photos(old.photos)) or "无",
                "\n".join(_photos(new.photos)) or "无",
                _line_diff(_photos(old.photos), _photos(new.photos)),
            )
        )
    if old.regions != new.regions:
        found.append(Change("地区", _regions(old.regions), _regions(new.regions)))
    return found


def _line_diff(before: list[str], after: list[str]) -> list[tuple[str, str]]:
    return [
        (line[0], line[2:])
        for line in difflib.ndiff(before, after)
        if line[:1] in "+-" and not line.startswith("?")
    ]


def row_at(article_id: int, version: int):
    """The history row of the story at ``version`` (the last one with it), or None."""
    return (
        Article.history.filter(id=article_id, version=version)
        .order_by("-history_date", "-history_id")
        .first()
    )


def latest(article_id: int):
    return Article.history.filter(id=article_id).order_by("-history_date", "-history_id").first()


def current_row(article: Article, *, restored=None):
    """The story as it is now, as an unsaved history row that ``changes`` can compare;
    with ``restored``, as ``services.story_revert`` would leave it: that row's content,
    bylines, photos and regions, the publication state as it is."""
    values = {field: getattr(article, field) for field in COMPARED_FIELDS}
    parts = snapshot(article)
    if restored is not None:
        values.update({field: getattr(restored, field) for field in CONTENT_FIELDS})
        parts = {key: getattr(restored, key) for key in parts}
    return Article.history.model(id=article.pk, version=article.version, **values, **parts)
