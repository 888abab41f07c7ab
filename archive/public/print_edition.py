"""The print edition as readers browse it, read from the archive: the dates the paper
appeared, a month's dates with their story counts, a date's pages, a story's
neighbours in print.

Every read is of ``Article.objects.published()`` through the edition index
(edition_date, page_number): a date or a page is one range of it, a neighbouring date
one probe.
"""

import datetime
from calendar import monthrange
from dataclasses import dataclass, field

from django.db.models import Count, IntegerField, Q, Value
from django.db.models.functions import Coalesce

from archive.models import Article

# Stories with a date but no page number come after the numbered pages; this sorts
# them there (above any PositiveSmallIntegerField value) on every database.
UNNUMBERED = 32768
MAX_PAGE = UNNUMBERED - 1


def in_print():
    return Article.objects.published().filter(edition_date__isnull=False)


def in_page_order(stories):
    return stories.alias(
        page_order=Coalesce("page_number", Value(UNNUMBERED), output_field=IntegerField())
    ).order_by("page_order", "id")


def _month_end(first: datetime.date) -> datetime.date:
    return first.replace(day=monthrange(first.year, first.month)[1])


def first_after(day: datetime.date) -> datetime.date | None:
    dates = in_print().filter(edition_date__gt=day).order_by("edition_date")
    return dates.values_list("edition_date", flat=True).first()


def last_before(day: datetime.date) -> datetime.date | None:
    dates = in_print().filter(edition_date__lt=day).order_by("-edition_date")
    return dates.values_list("edition_date", flat=True).first()


@dataclass
class Month:
    """One month of the calendar: its dates with their number of public stories, and the
    nearest months before and after it that have any (each as its first day)."""

    first: datetime.date
    days: list[tuple[datetime.date, int]] = field(default_factory=list)
    previous: datetime.date | None = None
    next: datetime.date | None = None


def month_of(first: datetime.date) -> Month:
    last = _month_end(first)
    rows = (
        in_print()
        .filter(edition_date__gte=first, edition_date__lte=last)
        .values("edition_date")
        .annotate(stories=Count("id"))
        .order_by("edition_date")
        .values_list("edition_date", "stories")
    )
    month = Month(first, list(rows))
    if month.days:
        before, after = last_before(first), first_after(last)
        month.previous = before and before.replace(day=1)
        month.next = after and after.replace(day=1)
    return month


def edition_years() -> list[datetime.date]:
    """For each year with editions, the first month that has any: one index probe per
    year (a skip scan), never a pass over the archive."""
    years = []
    day = in_print().order_by("edition_date").values_list("edition_date", flat=True).first()
    while day is not None:
        years.append(day.replace(day=1))
        if day.year == datetime.MAXYEAR:
            break
        day = first_after(datetime.date(day.year, 12, 31))
    return years


def latest_month() -> datetime.date | None:
    dates = in_print().order_by("-edition_date").values_list("edition_date", flat=True)
    latest = dates.first()
    return latest and latest.replace(day=1)


@dataclass
class Page:
    number: int | None
    name: str = ""
    stories: list = field(default_factory=list)


def pages_of(stories) -> list[Page]:
    """Stories (in page order) grouped by page; a page's name is the first one given."""
    pages: list[Page] = []
    for story in stories:
        if not pages or pages[-1].number != story.page_number:
            pages.append(Page(story.page_number))
        pages[-1].stories.append(story)
        pages[-1].name = pages[-1].name or story.page_name
    return pages


# A story's neighbours -----------------------------------------------------------------


def story_neighbours(article: Article) -> tuple[Article | None, Article | None]:
    """The public stories before and after ``article`` in its edition, in page order
    (page number, then id); (None, None) for a story that did not appear in print."""
    if article.edition_date is None:
        return None, None
    order = UNNUMBERED if article.page_number is None else article.page_number
    same_day = in_page_order(in_print().filter(edition_date=article.edition_date)).only(
        "id", "headline", "edition_date", "page_number", "page_name"
    )
    before = Q(page_order__lt=order) | Q(page_order=order, id__lt=article.pk)
    after = Q(page_order__gt=order) | Q(page_order=order, id__gt=article.pk)
    previous = same_day.filter(before).order_by("-page_order", "-id").first()
    following = same_day.filter(after).first()
    return previous, following
