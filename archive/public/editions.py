"""The print edition, browsed as Chinese papers' digital editions are: a calendar of the
dates the paper appeared → that date's pages (版次, 版名) with their stories → one page,
with the previous and next page and date (the reads are in ``print_edition``).

The calendar shows one month at a time, as a grid of weeks with each edition's number
of pages; its counts are cached under the archive's ``ContentVersion``, so a withdrawn
story's day disappears at once and a scheduled one appears within
``ARCHIVE_COUNT_CACHE_SECONDS``. A date's edition (its pages, their stories, the
neighbouring dates) and its day page's list are cached under the counts' version until
the next scheduled story's time: a withdrawn or a scheduled story shows at once.
"""

import datetime
import functools
import re

from django.conf import settings
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string

from archive.caching import counts, remaking
from archive.caching.pages import cached_page
from archive.models import ContentVersion
from archive.public.page_images import page_image
from archive.public.print_edition import (
    MAX_PAGE,
    Edition,
    edition_of,
    edition_years,
    first_month_in,
    in_print,
    latest_month,
    month_of,
)

# The calendar's column headers, Monday first as Chinese calendars print them.
WEEKDAYS = ["星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日"]


def _cached(version: int, name: str, compute):
    """Cached like the counts, under the content version: a write shows at once."""
    key = f"archive:editions:{version}:{name}"
    return remaking.cached(key, compute, settings.ARCHIVE_COUNT_CACHE_SECONDS)


# The pickers' parameters: ``?year=2025&month=1``, or ``?month=2025-01`` alone. ASCII
# digits only (``\d`` would take ２０２５), and at most four for a year.
_YEAR_MONTH = re.compile(r"([0-9]{1,4})-([0-9]{1,2})")
_YEAR = re.compile(r"[0-9]{1,4}")
_MONTH = re.compile(r"[0-9]{1,2}")


def _picked(query, shown: datetime.date | None) -> tuple[int, int | None]:
    """The year and month (None: the year's first month with editions) the pickers ask
    for, a month alone in the year ``shown``; ValueError, with the reason for the
    reader, when there is no such month."""
    year, month = query.get("year", "").strip(), query.get("month", "").strip()
    if both := _YEAR_MONTH.fullmatch(month):
        year, month = both.groups()
    if not year and shown:
        year = str(shown.year)
    if not year:
        raise ValueError("请选年份。")
    if not _YEAR.fullmatch(year) or not 1 <= int(year) <= datetime.MAXYEAR:
        raise ValueError(f"没有这个年份：请选 1 到 {datetime.MAXYEAR} 年之间的年份。")
    if month and (not _MONTH.fullmatch(month) or not 1 <= int(month) <= 12):
        raise ValueError("没有这个月份：请选 1 到 12 月。")
    return int(year), int(month) if month else None


@cached_page(reads=("year", "month"))
def edition_calendar(request, month: datetime.date | None = None):
    """``/editions/`` (the newest month with an edition) and ``/editions/<YYYY-MM>/``;
    the pickers' ``?year=…&month=…`` redirect to the month's own URL, so a month has
    one address (and one cache entry) however it was reached."""
    if "year" in request.GET or "month" in request.GET:
        try:
            year, number = _picked(request.GET, month)
        except ValueError as error:
            return _calendar(request, month, error=str(error))
        if number is None:
            picked = first_month_in(year) or datetime.date(year, 1, 1)
        else:
            picked = datetime.date(year, number, 1)
        return redirect("archive:edition_month", picked)
    return _calendar(request, month)


def _calendar(request, month: datetime.date | None, *, error: str = ""):
    """The month's grid (the newest month's by default). A month without editions is a
    404 that says so, with the pickers and the nearest editions either side."""
    version = ContentVersion.current()
    if month is None:
        month = _cached(version, "latest", latest_month)
    # "grid:": a new name for the new shape of ``Month``, never an older one unpickled.
    shown = month and _cached(
        version, f"grid:{month.year:04d}-{month.month:02d}", lambda: month_of(month)
    )
    years = [first.year for first in _cached(version, "years", edition_years)]
    if month and month.year not in years:  # the pickers show the month on the page
        years = sorted([*years, month.year])
    status = 400 if error else 404 if shown and not shown.editions else 200
    return render(
        request,
        "archive/edition_calendar.html",
        {
            "month": shown,
            "years": years,
            "months": range(1, 13),
            "weekdays": WEEKDAYS,
            "error": error,
        },
        status=status,
    )


def _of_the_day(day: datetime.date, name: str, compute, *, version: int, until):
    """``compute()`` for ``day``, cached under the counts' version (``version``): what a
    date's pages show changes only with what is public (a draft saved leaves it be),
    and past ``until()`` (the next scheduled story's time) it is made anew. So a day is
    read and rendered once per public change, not per request, whatever its number of
    stories."""
    return remaking.cached(
        f"archive:editions:{version}:{name}:{day.isoformat()}",
        compute,
        settings.ARCHIVE_COUNT_CACHE_SECONDS,
        valid_until=until,
    )


def _versions():
    """The counts' version and the next scheduled time, each asked once a request."""
    version = counts.version()
    return version, functools.cache(functools.partial(counts.next_scheduled_time, version=version))


def _day_listing(day: datetime.date) -> str | None:
    """The day page's body below its title, rendered: the neighbouring dates, the pages
    and their stories; None without an edition. Cached as HTML: rendering a busy day's
    story lines costs more than the rest of the page (94 stories: 2.6 ms; the rest of
    the page, served with them cached: about 1 ms)."""
    edition = edition_of(day)
    if edition is None:
        return None
    return render_to_string("archive/includes/edition_day_pages.html", {"edition": edition})


@cached_page
def edition_day(request, day: datetime.date):
    version, until = _versions()
    listing = _of_the_day(day, "listing", lambda: _day_listing(day), version=version, until=until)
    if listing is None:
        raise Http404("这一天没有见报的报道。")
    return render(request, "archive/edition_day.html", {"day": day, "listing": listing})


def _page_stories(day: datetime.date, page: int) -> str:
    """The page's stories as its viewer lists them below the image, rendered and cached
    like the day's list: each story costs about 0.45 ms to render, so a busy page's nine
    cost 4 ms of its 14."""
    stories = in_print().filter(edition_date=day, page_number=page).order_by("id").for_listing()
    return render_to_string("archive/includes/edition_page_stories.html", {"stories": stories})


@cached_page
def edition_page(request, day: datetime.date, page: int):
    if page > MAX_PAGE:
        raise Http404("没有这一版。")
    version, until = _versions()
    cached = functools.partial(_of_the_day, day, version=version, until=until)
    edition: Edition | None = cached("pages", lambda: edition_of(day, stories=False))
    pages = edition.numbered_pages if edition else []
    numbers = [p.number for p in pages]
    if page not in numbers:  # asked before anything is cached for the page's number
        raise Http404("这一天没有这一版。")
    at = numbers.index(page)
    return render(
        request,
        "archive/edition_page.html",
        {
            "day": day,
            "page": pages[at],
            # Its areas are public stories' (the admin's save of a page bumps the version).
            "image": cached(f"image:{page}", lambda: page_image(day, page)),
            "pages": pages,
            "page_stories": cached(f"page:{page}", lambda: _page_stories(day, page)),
            "previous_page": pages[at - 1] if at > 0 else None,
            "next_page": pages[at + 1] if at + 1 < len(pages) else None,
            "previous_day": edition.previous_day,
            "next_day": edition.next_day,
        },
    )
