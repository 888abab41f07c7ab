"""The print edition, browsed as Chinese papers' digital editions are: a calendar of the
dates the paper appeared → that date's pages (版次, 版名) with their stories → one page,
with the previous and next page and date (the reads are in ``print_edition``).

The calendar shows one month at a time; its day counts are cached under the
archive's ``ContentVersion``, so a withdrawn story's day disappears at once and a
scheduled one appears within ``ARCHIVE_COUNT_CACHE_SECONDS``.
"""

import datetime

from django.conf import settings
from django.http import Http404
from django.shortcuts import render

from archive.caching import remaking
from archive.caching.pages import cached_page
from archive.models import ContentVersion
from archive.public.page_images import page_image
from archive.public.print_edition import (
    MAX_PAGE,
    Page,
    edition_years,
    first_after,
    in_page_order,
    in_print,
    last_before,
    latest_month,
    month_of,
    pages_of,
)


def _cached(version: int, name: str, compute):
    """Cached like the counts, under the content version: a write shows at once."""
    key = f"archive:editions:{version}:{name}"
    return remaking.cached(key, compute, settings.ARCHIVE_COUNT_CACHE_SECONDS)


@cached_page
def edition_calendar(request, month: datetime.date | None = None):
    """``/editions/`` (the newest month) and ``/editions/<YYYY-MM>/``."""
    version = ContentVersion.current()
    if month is None:
        month = _cached(version, "latest", latest_month)
    shown = month and _cached(
        version, f"{month.year:04d}-{month.month:02d}", lambda: month_of(month)
    )
    if month is not None and not shown.days:
        raise Http404("这个月没有见报的报道。")
    return render(
        request,
        "archive/edition_calendar.html",
        {"month": shown, "years": _cached(version, "years", edition_years)},
    )


@cached_page
def edition_day(request, day: datetime.date):
    stories = list(in_page_order(in_print().filter(edition_date=day)).for_listing())
    if not stories:
        raise Http404("这一天没有见报的报道。")
    return render(
        request,
        "archive/edition_day.html",
        {
            "day": day,
            "pages": pages_of(stories),
            "previous_day": last_before(day),
            "next_day": first_after(day),
        },
    )


@cached_page
def edition_page(request, day: datetime.date, page: int):
    if page > MAX_PAGE:
        raise Http404("没有这一版。")
    same_day = in_print().filter(edition_date=day, page_number__isnull=False)
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
            "image": page_image(day, page),
            "pages": pages,
            "stories": stories,
            "previous_page": pages[at - 1] if at > 0 else None,
            "next_page": pages[at + 1] if at + 1 < len(pages) else None,
            "previous_day": last_before(day),
            "next_day": first_after(day),
        },
    )
