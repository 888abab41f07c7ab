"""Keeping ``StoryListing`` rows, and the ``PublicTally`` counted from them, in step
with the stories they index.

The tally moves only here, with the rows it counts: ``refresh`` takes out what the
stories' old rows and ``TalliedStory`` entries added and puts in what their new ones
add, ``forget`` takes a story out before it is deleted, ``rebuild_tally`` builds the
whole from the listing rows and the stories, and the synthetic generator adds each
chunk it writes (``tallied_for`` and ``counted``, on its own rows).
"""

import datetime
from collections import Counter, defaultdict
from collections.abc import Iterable

from django.db import connection, transaction
from django.utils import timezone

from archive.models import (
    Article,
    ArticleRegion,
    Credit,
    PublicTally,
    Region,
    StoryListing,
    TalliedStory,
)
from archive.models.listings import PAST, month_start, tally_periods
from archive.models.visibility import Status

Facet = StoryListing.Facet
# The listing facets the tally counts: those whose public counts are read whole (the
# region lists, map and tree). Contributors' counts merge bylines and photos, one
# story once (``public_credit_counts``), which per-facet sums cannot give.
TALLIED_FACETS = (PublicTally.Facet.REGION,)

# story id -> (month, day or None, section id or 0), as ``tally_periods`` gives them
Tallied = dict[int, tuple[datetime.date, datetime.date | None, int]]


def rows_for(article_ids: Iterable[int]) -> list[StoryListing]:
    """The listing rows the given stories should have, from their current data."""
    article_ids = list(article_ids)
    published = dict(Article.objects.filter(pk__in=article_ids).values_list("pk", "published_at"))
    placement = Region.objects.placement()
    wanted: set[tuple[int, int, int]] = set()
    inherited: set[tuple[int, int]] = set()
    filed = defaultdict(list)
    for article_id, region_id in ArticleRegion.objects.filter(
        article_id__in=article_ids
    ).values_list("article_id", "region_id"):
        filed[article_id].append(region_id)
    for article_id, region_ids in filed.items():
        for region_id, heir in placement.rows(region_ids):
            wanted.add((article_id, Facet.REGION, region_id))
            if heir:
                inherited.add((article_id, region_id))
    for article_id, contributor_id in Credit.objects.filter(article_id__in=article_ids).values_list(
        "article_id", "contributor_id"
    ):
        wanted.add((article_id, Facet.BYLINE, contributor_id))
    for article_id, contributor_id in Credit.objects.filter(
        photo__article_id__in=article_ids
    ).values_list("photo__article_id", "contributor_id"):
        wanted.add((article_id, Facet.PHOTO, contributor_id))
    return [
        StoryListing(
            article_id=article_id,
            facet=facet,
            subject_id=subject,
            published_at=published[article_id],
            inherited=facet == Facet.REGION and (article_id, subject) in inherited,
        )
        for article_id, facet, subject in sorted(wanted)
    ]


def tallied_for(stories: Iterable[tuple], now: datetime.datetime) -> Tallied:
    """Where the tally counts each of ``stories`` ((id, status, published_at,
    section_id) each): the published ones with a time, in their periods at ``now``."""
    return {
        article_id: (*tally_periods(published_at, now), section_id or 0)
        for article_id, status, published_at, section_id in stories
        if status == Status.PUBLISHED and published_at is not None
    }


def counted(tallied: Tallied, listing_rows: Iterable[tuple]) -> Counter:
    """What the ``tallied`` stories add to the tally, by (facet, subject, daily,
    period), with their listing rows ``listing_rows`` ((facet, subject_id,
    article_id, ...) each)."""
    deltas = Counter()

    def add(facet, subject, month, day):
        deltas[facet, subject, False, month] += 1
        if day is not None:
            deltas[facet, subject, True, day] += 1

    for month, day, section in tallied.values():
        add(PublicTally.Facet.SECTION, section, month, day)
    for facet, subject_id, article_id, *_ in listing_rows:
        if facet in TALLIED_FACETS and article_id in tallied:
            add(facet, subject_id, *tallied[article_id][:2])
    return deltas


def _stored(article_ids: list[int]) -> tuple[Tallied, Counter]:
    """The tally entries of these stories as stored, and what they added."""
    tallied = {
        article_id: (month, day, section)
        for article_id, month, day, section in TalliedStory.objects.filter(
            article_id__in=article_ids
        ).values_list("article_id", "month", "day", "section")
    }
    rows = StoryListing.objects.filter(
        article_id__in=list(tallied), facet__in=TALLIED_FACETS
    ).values_list("facet", "subject_id", "article_id")
    return tallied, counted(tallied, rows)


@transaction.atomic
def refresh(article_ids: Iterable[int]) -> None:
    """Rewrite the listing rows of these stories from their regions, credits, photos
    and publication time (``aftermath.after_write`` does, after every write), and
    move the public tally with them."""
    article_ids = list(article_ids)
    deltas = Counter()
    deltas.subtract(_stored(article_ids)[1])
    StoryListing.objects.filter(article_id__in=article_ids).delete()
    TalliedStory.objects.filter(article_id__in=article_ids).delete()
    rows = rows_for(article_ids)
    StoryListing.objects.bulk_create(rows, batch_size=2000)
    stories = Article.objects.filter(pk__in=article_ids).values_list(
        "pk", "status", "published_at", "section_id"
    )
    tallied = tallied_for(stories, timezone.now())
    TalliedStory.objects.bulk_create(
        (
            TalliedStory(article_id=pk, month=month, day=day, section=section)
            for pk, (month, day, section) in tallied.items()
        ),
        batch_size=2000,
    )
    deltas.update(counted(tallied, ((r.facet, r.subject_id, r.article_id) for r in rows)))
    add_to_tally(deltas)


@transaction.atomic
def forget(article_ids: Iterable[int]) -> None:
    """Take these stories out of the public tally: call it before deleting them (their
    listing rows and tally entries go with them, the counts they added would not)."""
    deltas = Counter()
    deltas.subtract(_stored(list(article_ids))[1])
    TalliedStory.objects.filter(article_id__in=list(article_ids)).delete()
    add_to_tally(deltas)


UPSERT_BATCH = 150  # rows per statement: 750 parameters, under SQLite's old limit


def add_to_tally(deltas: Counter) -> None:
    """Add ``deltas`` ((facet, subject, daily, period) -> n) to the tally: one upsert per
    batch, in key order, so two writers lock shared rows in one order. Rows that
    reach 0 stay (a few per subject; ``rebuild_tally`` drops them)."""
    items = sorted((key, n) for key, n in deltas.items() if n)
    if not items:
        return
    table = connection.ops.quote_name(PublicTally._meta.db_table)
    adapt = connection.ops.adapt_datefield_value
    with connection.cursor() as cursor:
        for start in range(0, len(items), UPSERT_BATCH):
            batch = items[start : start + UPSERT_BATCH]
            values = ", ".join(["(%s, %s, %s, %s, %s)"] * len(batch))
            params = [
                p
                for (facet, subject, daily, period), n in batch
                for p in (facet, subject, daily, adapt(period), n)
            ]
            cursor.execute(
                f"INSERT INTO {table} (facet, subject_id, daily, period, n) VALUES {values} "
                f"ON CONFLICT (facet, daily, period, subject_id) "
                f"DO UPDATE SET n = {table}.n + excluded.n",
                params,
            )


def _month_sql(column: str) -> str:
    """SQL for the first day (UTC) of the month of timestamp ``column``."""
    if connection.vendor == "postgresql":
        return f"(date_trunc('month', {column} AT TIME ZONE 'UTC'))::date"
    return f"date({column}, 'start of month')"  # SQLite stores UTC text


def _day_sql(column: str) -> str:
    """SQL for the day (UTC) of timestamp ``column``."""
    if connection.vendor == "postgresql":
        return f"({column} AT TIME ZONE 'UTC')::date"
    return f"date({column})"


@transaction.atomic
def rebuild_tally() -> None:
    """Build the public tally whole from the stories and their listing rows, in
    set-based statements (``rebuild_listings`` ends with it, the data migration
    runs the same): the stories published with a time go in their periods as of
    now, which also folds the months that have passed into ``PAST``."""
    quote = connection.ops.quote_name
    tally, tallied = quote(PublicTally._meta.db_table), quote(TalliedStory._meta.db_table)
    articles, listing = quote(Article._meta.db_table), quote(StoryListing._meta.db_table)
    start = connection.ops.adapt_datetimefield_value(month_start(timezone.now()))
    facets = ", ".join(str(int(facet)) for facet in TALLIED_FACETS)
    section = int(PublicTally.Facet.SECTION)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {tally}")
        cursor.execute(f"DELETE FROM {tallied}")
        cursor.execute(
            f"INSERT INTO {tallied} (article_id, month, day, section) "
            f"SELECT id, CASE WHEN published_at < %s THEN %s "
            f"ELSE {_month_sql('published_at')} END, "
            f"CASE WHEN published_at < %s THEN NULL ELSE {_day_sql('published_at')} END, "
            f"COALESCE(section_id, 0) "
            f"FROM {articles} WHERE status = %s AND published_at IS NOT NULL",
            [start, connection.ops.adapt_datefield_value(PAST), start, Status.PUBLISHED],
        )
        for daily, period in ((False, "month"), (True, "day")):
            cursor.execute(
                f"INSERT INTO {tally} (facet, subject_id, daily, period, n) "
                f"SELECT l.facet, l.subject_id, %s, t.{period}, COUNT(*) FROM {listing} l "
                f"JOIN {tallied} t ON t.article_id = l.article_id "
                f"WHERE l.facet IN ({facets}) AND t.{period} IS NOT NULL "
                f"GROUP BY l.facet, l.subject_id, t.{period}",
                [daily],
            )
            cursor.execute(
                f"INSERT INTO {tally} (facet, subject_id, daily, period, n) "
                f"SELECT %s, section, %s, {period}, COUNT(*) FROM {tallied} "
                f"WHERE {period} IS NOT NULL GROUP BY section, {period}",
                [section, daily],
            )
