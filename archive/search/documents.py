"""Keeping each story's ``SearchDocument`` in step with the story.

``refresh`` serves the write paths (admin, services, importer): a few queries
for any number of stories, then one upsert. ``copy_range`` serves bulk loads
(the generator, ``rebuild_search_index``): the same documents, written by COPY.
"""

from collections import defaultdict
from collections.abc import Iterable, Iterator

from django.db import connection

from archive.bulk import copying, workers
from archive.models import (
    Article,
    ArticleRegion,
    Credit,
    Photo,
    Region,
    SearchDocument,
)
from archive.search import terms
from archive.text import body
from archive.text.folding import fold

TABLE = SearchDocument._meta.db_table
COLUMNS = ("article_id", "document", "title_length", "places")


def _lines(values: Iterable[str]) -> str:
    return "\n".join(line for line in (" ".join((v or "").split()) for v in values) if line)


def compose(*, title: Iterable[str], rest: Iterable[str]) -> tuple[str, int]:
    """The search document of a story's title fields and other text, and its title length.

    One line per field or paragraph, whitespace collapsed, so a phrase never spans two.
    """
    title_text, rest_text = _lines(title), _lines(rest)
    document = "\n".join(part for part in (title_text, rest_text) if part)
    return fold(document), len(fold(title_text))


def _texts(article_ids: list[int]) -> Iterable[tuple[int, str, int, str]]:
    """(article id, document, title length, places) for every story among
    ``article_ids`` (sorted); the places are the tokens of the regions its listing rows
    name: its regions, every region containing them, and the regions that took their
    areas over. With them in its index entries, a search within a region asks the index
    for stories with the term *and* the place: for a term common in the archive but
    rare in one county, the index then yields the county's few matches."""
    regions, names, captions = defaultdict(list), defaultdict(list), defaultdict(list)
    places, placement = defaultdict(set), Region.objects.placement()
    wanted = set(article_ids)
    dense = article_ids[-1] - article_ids[0] < 2 * len(article_ids)

    def among(field: str) -> dict:
        if dense:
            # Bulk loads: a range of ids, two parameters instead of thousands, which cost
            # more to send and look up than the few stories in between to skip.
            return {f"{field}__gte": article_ids[0], f"{field}__lte": article_ids[-1]}
        return {f"{field}__in": article_ids}

    for article_id, region_id, name, short_name in (
        ArticleRegion.objects.filter(**among("article_id"))
        .order_by("article_id", "-is_primary", "region__code")
        .values_list("article_id", "region_id", "region__name", "region__short_name")
    ):
        if article_id in wanted:
            regions[article_id] += [name] if short_name in name else [name, short_name]
            places[article_id].update(r for r, _ in placement.rows([region_id]))
    for article_id, name in (
        Credit.objects.filter(**among("article_id"))
        .order_by("article_id", "order", "pk")
        .values_list("article_id", "contributor__name")
    ):
        names[article_id].append(name)
    for article_id, caption in (
        Photo.objects.filter(**among("article_id"))
        .order_by("article_id", "order", "pk")
        .values_list("article_id", "caption")
    ):
        captions[article_id].append(caption)
    for article_id, name in (
        Credit.objects.filter(**among("photo__article_id"))
        .order_by("photo__article_id", "photo__order", "photo_id", "order", "pk")
        .values_list("photo__article_id", "contributor__name")
    ):
        names[article_id].append(name)
    for pk, kicker, headline, subtitle, lede, text, byline in (
        Article.objects.filter(**among("pk"))
        .order_by("pk")
        .values_list("pk", "kicker", "headline", "subtitle", "lede", "body", "byline")
    ):
        if pk not in wanted:
            continue
        document, title_length = compose(
            title=[kicker, headline, subtitle, *regions[pk]],
            rest=[
                lede,
                *(block.text for block in body.parse(text)),
                *captions[pk],
                byline,
                *names[pk],
            ],
        )
        yield pk, document, title_length, " ".join(terms.place_token(r) for r in sorted(places[pk]))


def _upsert(cursor, table: str, columns: tuple, rows: list) -> None:
    updates = ", ".join(f"{column} = EXCLUDED.{column}" for column in columns[1:])
    placeholders = ", ".join(["%s"] * len(columns))
    cursor.executemany(
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders}) "
        f"ON CONFLICT (article_id) DO UPDATE SET {updates}",
        rows,
    )


def refresh(article_ids: Iterable[int]) -> None:
    """Rewrite the search documents of these stories (on PostgreSQL the index makes
    their tokens); a deleted story's went with it.

    Upserts, so two overlapping refreshes of one story both succeed: the later wins.
    """
    article_ids = sorted(set(article_ids))
    if not article_ids:
        return
    with connection.cursor() as cursor:
        _upsert(cursor, TABLE, COLUMNS, list(_texts(article_ids)))


def copy_range(first_id: int, last_id: int) -> int:
    """Write the documents of stories ``first_id``..``last_id`` that have none; return how many.

    For bulk loads: on PostgreSQL by COPY, elsewhere by plain inserts.
    """
    ids = list(
        Article.objects.filter(pk__range=(first_id, last_id), search_document__isnull=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if not ids:
        return 0
    if connection.vendor != "postgresql":
        refresh(ids)
        return len(ids)
    texts = list(_texts(ids))  # its queries cannot run during a COPY
    copying.copy_rows(TABLE, COLUMNS, texts)
    return len(ids)


def copy_ranges(first_id: int, last_id: int, *, chunk: int, processes: int) -> Iterator[int]:
    """``copy_range`` over stories ``first_id``..``last_id``, ``chunk`` stories a
    transaction, in ``processes`` processes (chunks are disjoint: any number may run at
    once); how many each chunk wrote, as chunks finish."""
    starts = range(first_id, last_id + 1, chunk)
    ranges = [(start, min(start + chunk - 1, last_id)) for start in starts]
    return workers.each_in_transaction(copy_range, ranges, workers=processes)


BATCH = 2_000


def mentioning(
    *,
    contributor_id: int | None = None,
    region_id: int | None = None,
    after: int = 0,
    limit: int = BATCH,
) -> list[int]:
    """The next ``limit`` stories after story id ``after``, in id order, whose documents
    hold this contributor's name (a byline or a photo credit) or this region's: what a
    rename makes stale. In id order so a refresh in batches can stop and go on later."""
    if region_id is not None:
        tagged = ArticleRegion.objects.filter(region_id=region_id, article_id__gt=after)
        return list(
            tagged.order_by("article_id").values_list("article_id", flat=True).distinct()[:limit]
        )
    credits = Credit.objects.filter(contributor_id=contributor_id)
    bylines = credits.filter(article_id__gt=after).order_by("article_id")
    photos = credits.filter(photo__article_id__gt=after).order_by("photo__article_id")
    # The first ``limit`` of each list hold the first ``limit`` of both together.
    return sorted(
        {*bylines.values_list("article_id", flat=True).distinct()[:limit]}
        | {*photos.values_list("photo__article_id", flat=True).distinct()[:limit]}
    )[:limit]


def mentioning_count(*, contributor_id: int | None = None, region_id: int | None = None) -> int:
    """How many stories ``mentioning`` yields in all."""
    if region_id is not None:
        return ArticleRegion.objects.filter(region_id=region_id).count()
    return len(Credit.objects.filter(contributor_id=contributor_id).story_ids())
