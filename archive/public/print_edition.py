"""The print edition as readers browse it, read from the archive: the dates the paper
appeared, a month's dates with their number of pages, a date's pages, a story's
neighbours in print.

Every read is of ``Article.objects.published()`` through the edition index
(edition_date, page_number): a date or a page is one range of it, a neighbouring date
one probe.
"""

import datetime
from calendar import Calendar, monthrange
from dataclasses import dataclass, field

from django.db import connections
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


@dataclass(frozen=True)
class EditionDay:
    """A date the paper appeared: its number of pages (distinct page numbers among its
    public stories) and whether some of those stories carry no page number."""

    date: datetime.date
    pages: int
    unnumbered: bool


@dataclass
class Month:
    """One month of the calendar: its editions, and the nearest editions before and
    after it (whatever months lie between)."""

    first: datetime.date
    editions: dict[datetime.date, EditionDay] = field(default_factory=dict)
    previous_day: datetime.date | None = None
    next_day: datetime.date | None = None

    @property
    def previous(self) -> datetime.date | None:
        """The nearest earlier month with an edition, as its first day."""
        return self.previous_day and self.previous_day.replace(day=1)

    @property
    def next(self) -> datetime.date | None:
        return self.next_day and self.next_day.replace(day=1)

    @property
    def weeks(self) -> list[list[tuple[datetime.date, EditionDay | None] | None]]:
        """The month's grid, Monday first: a row per week, each of seven cells, a date
        with its edition (None where the paper did not appear), or None outside the
        month. Built from day numbers, so 9999-12's last week does not overflow."""
        return [
            [
                (self.first.replace(day=n), self.editions.get(self.first.replace(day=n)))
                if n
                else None
                for n in week
            ]
            for week in Calendar(firstweekday=0).monthdayscalendar(
                self.first.year, self.first.month
            )
        ]


def month_of(first: datetime.date) -> Month:
    """The month starting on ``first``: one aggregate over its range of the edition
    index (about 1,500 rows at a million stories), and a probe each way."""
    last = _month_end(first)
    rows = (
        in_print()
        .filter(edition_date__gte=first, edition_date__lte=last)
        .values("edition_date")
        .annotate(
            pages=Count("page_number", distinct=True),
            unnumbered=Count("id", filter=Q(page_number__isnull=True)),
        )
        .order_by("edition_date")
        .values_list("edition_date", "pages", "unnumbered")
    )
    return Month(
        first,
        {day: EditionDay(day, pages, bool(unnumbered)) for day, pages, unnumbered in rows},
        previous_day=last_before(first),
        next_day=first_after(last),
    )


def first_month_in(year: int) -> datetime.date | None:
    """The first month of ``year`` with an edition (one probe), or None."""
    dates = in_print().filter(
        edition_date__gte=datetime.date(year, 1, 1), edition_date__lte=datetime.date(year, 12, 31)
    )
    day = dates.order_by("edition_date").values_list("edition_date", flat=True).first()
    return day and day.replace(day=1)


# The last day of the year of ``years.day``, in each database's words.
_YEAR_END = {
    "postgresql": "make_date(EXTRACT(YEAR FROM years.day)::int, 12, 31)",
    "sqlite": "strftime('%%Y', years.day) || '-12-31'",  # dates are ISO text there
}


def edition_years() -> list[datetime.date]:
    """For each year with editions, the first month that has any: a skip scan of the
    edition index, one probe per year, all in one recursive query. At a million
    stories over 78 years it takes about 10 ms; the same probes sent one by one took
    79 round trips and 300 ms on a cold start. The probes read the public stories
    through ``in_print()``'s own SQL, so the visibility rule is not spelled twice."""
    printed = in_print().order_by().values("edition_date")
    printed_sql, params = printed.query.sql_with_params()
    connection = connections[printed.db]
    sql = f"""
        WITH RECURSIVE years(day) AS (
            SELECT MIN(p.edition_date) FROM ({printed_sql}) p
            UNION ALL
            SELECT (
                SELECT MIN(p.edition_date) FROM ({printed_sql}) p
                WHERE p.edition_date > {_YEAR_END[connection.vendor]}
            )
            FROM years WHERE years.day IS NOT NULL
        )
        SELECT day FROM years WHERE day IS NOT NULL
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *params])
        days = [day for (day,) in cursor.fetchall()]
    return [
        (datetime.date.fromisoformat(day) if isinstance(day, str) else day).replace(day=1)
        for day in days
    ]


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
