"""The print edition, browsed as Chinese papers' digital editions are: a calendar of the
dates the paper appeared → that date's pages (版次, 版名) with their stories → one page,
with the previous and next page and date.

Every read is of ``Article.objects.published()`` through the edition index
(edition_date, page_number): a date or a page is one range of it, a neighbouring date
one probe. The calendar shows one month at a time; its day counts are cached under the
archive's ``ContentVersion``, so a withdrawn story's day disappears at once and a
scheduled one appears within ``ARCHIVE_COUNT_CACHE_SECONDS``.
"""

import datetime
from calendar import monthrange
from dataclasses import dataclass, field

from django.db.models import Count, IntegerField, Q, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import render

from archive import counts
from archive.models import Article, ContentVersion
from archive.pagecache import cached_page

# Stories with a date but no page number come after the numbered pages; this sorts
# them there (above any PositiveSmallIntegerField value) on every database.
UNNUMBERED = 32768
MAX_PAGE = UNNUMBERED - 1


class DayConverter:
    """``2025-01-24`` in a URL; an impossible date (2025-02-30) matches no route: a 404."""

    regex = r"\d{4}-\d{2}-\d{2}"

    def to_python(self, value: str) -> datetime.date:
        return datetime.date.fromisoformat(value)  # ValueError: no match

    def to_url(self, value) -> str:
        return value.isoformat() if isinstance(value, datetime.date) else str(value)


class MonthConverter:
    """``2025-01`` in a URL, as the month's first day."""

    regex = r"\d{4}-\d{2}"

    def to_python(self, value: str) -> datetime.date:
        year, month = value.split("-")
        return datetime.date(int(year), int(month), 1)  # ValueError: no match

    def to_url(self, value) -> str:
        if isinstance(value, datetime.date):
            return f"{value.year:04d}-{value.month:02d}"
        return str(value)


def _editions():
    return Article.objects.published().filter(edition_date__isnull=False)


def _in_page_order(stories):
    return stories.alias(
        page_order=Coalesce("page_number", Value(UNNUMBERED), output_field=IntegerField())
    ).order_by("page_order", "id")


def _month_end(first: datetime.date) -> datetime.date:
    return first.replace(day=monthrange(first.year, first.month)[1])


def _first_after(day: datetime.date) -> datetime.date | None:
    dates = _editions().filter(edition_date__gt=day).order_by("edition_date")
    return dates.values_list("edition_date", flat=True).first()


def _last_before(day: datetime.date) -> datetime.date | None:
    dates = _editions().filter(edition_date__lt=day).order_by("-edition_date")
    return dates.values_list("edition_date", flat=True).first()


# The calendar -------------------------------------------------------------------------


@dataclass
class Month:
    """One month of the calendar: its dates with their number of public stories, and the
    nearest months before and after it that have any (each as its first day)."""

    first: datetime.date
    days: list[tuple[datetime.date, int]] = field(default_factory=list)
    previous: datetime.date | None = None
    next: datetime.date | None = None


def _month(first: datetime.date) -> Month:
    last = _month_end(first)
    rows = (
        _editions()
        .filter(edition_date__gte=first, edition_date__lte=last)
        .values("edition_date")
        .annotate(stories=Count("id"))
        .order_by("edition_date")
        .values_list("edition_date", "stories")
    )
    month = Month(first, list(rows))
    if month.days:
        before, after = _last_before(first), _first_after(last)
        month.previous = before and before.replace(day=1)
        month.next = after and after.replace(day=1)
    return month


def _years() -> list[datetime.date]:
    """For each year with editions, the first month that has any: one index probe per
    year (a skip scan), never a pass over the archive."""
    years = []
    day = _editions().order_by("edition_date").values_list("edition_date", flat=True).first()
    while day is not None:
        years.append(day.replace(day=1))
        if day.year == datetime.MAXYEAR:
            break
        day = _first_after(datetime.date(day.year, 12, 31))
    return years


def _latest_month() -> datetime.date | None:
    dates = _editions().order_by("-edition_date").values_list("edition_date", flat=True)
    latest = dates.first()
    return latest and latest.replace(day=1)


def _cached(version: int, name: str, compute):
    return counts.cached(f"editions:{version}:{name}", compute)


@cached_page
def edition_calendar(request, month: datetime.date | None = None):
    """``/editions/`` (the newest month) and ``/editions/<YYYY-MM>/``."""
    version = ContentVersion.current()
    if month is None:
        month = _cached(version, "latest", _latest_month)
    shown = month and _cached(version, f"{month.year:04d}-{month.month:02d}", lambda: _month(month))
    if month is not None and not shown.days:
        raise Http404("这个月没有见报的报道。")
    return render(
        request,
        "archive/edition_calendar.html",
        {"month": shown, "years": _cached(version, "years", _years)},
    )


# A date and its pages -----------------------------------------------------------------


@dataclass
class Page:
    number: int | None
    name: str = ""
    stories: list = field(default_factory=list)


def _pages(stories) -> list[Page]:
    """Stories (in page order) grouped by page; a page's name is the first one given."""
    pages: list[Page] = []
    for story in stories:
        if not pages or pages[-1].number != story.page_number:
            pages.append(Page(story.page_number))
        pages[-1].stories.append(story)
        pages[-1].name = pages[-1].name or story.page_name
    return pages


@cached_page
def edition_day(request, day: datetime.date):
    stories = list(_in_page_order(_editions().filter(edition_date=day)).for_listing())
    if not stories:
        raise Http404("这一天没有见报的报道。")
    return render(
        request,
        "archive/edition_day.html",
        {
            "day": day,
            "pages": _pages(stories),
            "previous_day": _last_before(day),
            "next_day": _first_after(day),
        },
    )


@cached_page
def edition_page(request, day: datetime.date, page: int):
    if page > MAX_PAGE:
        raise Http404("没有这一版。")
    same_day = _editions().filter(edition_date=day, page_number__isnull=False)
    pages: list[Page] = []
    for number, name in (
        same_day.order_by("page_number", "page_name")
        .values_list("page_number", "page_name")
        .distinct()
    ):
        if not pages or pages[-1].number != number:
            pages.append(Page(number))
        pages[-1].name = pages[-1].name or name
    numbers = [p.number for p in pages]
    if page not in numbers:
        raise Http404("这一天没有这一版。")
    at = numbers.index(page)
    stories = same_day.filter(page_number=page).order_by("id").for_listing()
    return render(
        request,
        "archive/edition_page.html",
        {
            "day": day,
            "page": pages[at],
            "pages": pages,
            "stories": stories,
            "previous_page": pages[at - 1] if at > 0 else None,
            "next_page": pages[at + 1] if at + 1 < len(pages) else None,
            "previous_day": _last_before(day),
            "next_day": _first_after(day),
        },
    )


# A story's neighbours -----------------------------------------------------------------


def story_neighbours(article: Article) -> tuple[Article | None, Article | None]:
    """The public stories before and after ``article`` in its edition, in page order
    (page number, then id); (None, None) for a story that did not appear in print."""
    if article.edition_date is None:
        return None, None
    order = UNNUMBERED if article.page_number is None else article.page_number
    same_day = _in_page_order(_editions().filter(edition_date=article.edition_date)).only(
        "id", "headline", "edition_date", "page_number", "page_name"
    )
    before = Q(page_order__lt=order) | Q(page_order=order, id__lt=article.pk)
    after = Q(page_order__gt=order) | Q(page_order=order, id__gt=article.pk)
    previous = same_day.filter(before).order_by("-page_order", "-id").first()
    following = same_day.filter(after).first()
    return previous, following
