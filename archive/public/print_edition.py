"""The print edition as readers browse it, read from the archive: the dates the paper
appeared, a month's dates with their number of pages, a date's pages, a story's
neighbours in print.

Every read is of ``Article.objects.published()`` through the print index
(``article_print_idx``: edition_date, page_number, published_at, of published stories
only): a date or a page is one range of it, a neighbouring date one probe, which passes
scheduled stories (published, their time not come) in the index without reading them.
A date's pages list its stories as plain values (``StoryLine``), not model instances:
at a million stories a day holds a hundred or more.
"""

import datetime
from calendar import Calendar, monthrange
from dataclasses import dataclass, field
from typing import NamedTuple

from django.db import connections
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import reverse

from archive.models import Article, Contributor, Credit
from archive.models.articles import credit_line

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


def neighbours(
    first: datetime.date, last: datetime.date | None = None
) -> tuple[datetime.date | None, datetime.date | None]:
    """The nearest edition date before ``first`` and the nearest after ``last`` (by
    default ``first``: a date's neighbours; a month's are its first and last day's), in
    one query: a probe each way along the print index (``article_print_idx``), which
    holds the time the public rule checks, so the scheduled stories after the newest
    edition cost no row read."""
    before = in_print().filter(edition_date__lt=first).order_by("-edition_date")[:1]
    after = in_print().filter(edition_date__gt=last or first).order_by("edition_date")[:1]
    before_sql, before_params = before.values("edition_date").query.sql_with_params()
    after_sql, after_params = after.values("edition_date").query.sql_with_params()
    connection = connections[before.db]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT ({before_sql}), ({after_sql})", [*before_params, *after_params])
        dates = cursor.fetchone()
    return tuple(_as_date(date) for date in dates)


def _as_date(value) -> datetime.date | None:
    """A date as the database driver gives it (SQLite: ISO text)."""
    return datetime.date.fromisoformat(value) if isinstance(value, str) else value


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
        *neighbours(first, last),
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
    return [_as_date(day).replace(day=1) for day in days]


def latest_month() -> datetime.date | None:
    dates = in_print().order_by("-edition_date").values_list("edition_date", flat=True)
    latest = dates.first()
    return latest and latest.replace(day=1)


@dataclass
class Page:
    number: int | None
    name: str = ""
    stories: list = field(default_factory=list)
    url: str = ""  # the page viewer's address (a numbered page's)


@dataclass(frozen=True)
class StoryLine:
    """A story as its day's page lists it, read as plain values: the page shows nothing
    else of it, and a busy day's 200 model instances with their credits' would cost
    more than the rest of the page."""

    pk: int
    kicker: str
    headline: str
    byline: str  # as printed: the story's own byline, else its credits' line
    url: str


def addresses(name: str, *args):
    """``reverse(name, args=[*args, n])`` for many ``n`` at the cost of one: the address
    made once with a marker for ``n``, then filled in (200 reverses: 3 ms)."""
    marker = "32767"  # a valid page number and story id, unlike any date part
    head, tail = reverse(name, args=[*args, int(marker)]).rsplit(marker, 1)
    return lambda n: f"{head}{n}{tail}"


@dataclass
class Edition:
    """A date's edition as its pages show it: the pages in order (numbered ones, then
    the stories without a page number as one more with ``number`` None), each with its
    name (the first its stories give) and stories, and the nearest dates either side."""

    date: datetime.date
    pages: list[Page]
    previous_day: datetime.date | None
    next_day: datetime.date | None

    @property
    def numbered_pages(self) -> list[Page]:
        return [page for page in self.pages if page.number is not None]


def edition_of(day: datetime.date, *, stories: bool = True) -> Edition | None:
    """The edition of ``day``, or None when no public story was printed then: one range
    of the print index for the stories, one query for the credits of those without a
    byline of their own, one for the neighbouring dates (a probe each way). Without
    ``stories``, only the pages' numbers and names (no credits read)."""
    rows = in_page_order(in_print().filter(edition_date=day)).values_list(
        "id", "kicker", "headline", "byline", "page_number", "page_name"
    )
    rows = list(rows if stories else rows.values_list("id", "page_number", "page_name"))
    if not rows:
        return None
    pages: list[Page] = []
    page_url = addresses("archive:edition_page", day)
    if stories:
        credited = _credit_lines([pk for pk, _, _, byline, _, _ in rows if not byline])
        story_url = addresses("archive:story_detail")
        for pk, kicker, headline, byline, number, name in rows:
            line = StoryLine(pk, kicker, headline, byline or credited.get(pk, ""), story_url(pk))
            _page(pages, number, name, page_url).stories.append(line)
    else:
        for _, number, name in rows:
            _page(pages, number, name, page_url)
    return Edition(day, pages, *neighbours(day))


def _page(pages: list[Page], number: int | None, name: str, page_url) -> Page:
    """The last of ``pages`` (rows come in page order), or a new one for a new number;
    a page's name is the first one its stories give."""
    if not pages or pages[-1].number != number:
        pages.append(Page(number, url=page_url(number) if number is not None else ""))
    pages[-1].name = pages[-1].name or name
    return pages[-1]


class _Named(NamedTuple):
    name: str


class _Credit(NamedTuple):
    """What ``credit_line`` reads of a credit, without a model instance."""

    order: int
    pk: int
    role: str
    contributor: _Named


def _credit_lines(story_ids: list[int]) -> dict[int, str]:
    """Each story's credits as the paper prints them (``credit_line``), in one query.
    Each name is a probe of the contributors' key: joined, PostgreSQL hashed all 20,000
    contributors for a busy day's 187 credits (3.7 ms at a million, not 0.9)."""
    name = Contributor.objects.filter(pk=OuterRef("contributor_id")).order_by().values("name")
    credits = (
        Credit.objects.filter(article_id__in=story_ids)
        .order_by()
        .annotate(name=Subquery(name))
        .values_list("article_id", "order", "id", "role", "name")
    )
    lines: dict[int, list[_Credit]] = {}
    for story, order, pk, role, name in credits:
        lines.setdefault(story, []).append(_Credit(order, pk, role, _Named(name)))
    return {story: credit_line(credits) for story, credits in lines.items()}


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
