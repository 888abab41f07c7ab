"""Fill the archive with realistic synthetic stories, chunk by chunk, resumable.

The stories themselves come from ``synthetic.generator`` (pure Python, seeded); this
module writes them: COPY on PostgreSQL, bulk inserts elsewhere, each chunk one
transaction, with secondary indexes and foreign keys deferred for big loads
(``loading``) and search documents built by worker processes beside the writing
(``workers``). ``manage.py generate_archive`` parses its arguments and calls ``run``.
"""

from collections import deque
from collections.abc import Callable

from django.conf import settings
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Max, Min
from django.db.models.functions import Coalesce, Least, Now
from django.utils import timezone
from tqdm import tqdm

from archive.bulk import copying, loading, workers
from archive.bulk.synthetic import corpus
from archive.bulk.synthetic import generator as gen
from archive.editorial import listings
from archive.editorial.aftermath import after_write
from archive.models import (
    Article,
    ArticleRegion,
    ContentVersion,
    Contributor,
    Credit,
    Photo,
    Region,
    SearchDocument,
    Section,
    StoryListing,
    TalliedStory,
)
from archive.models.slugs import first_free
from archive.search import documents

# Tables whose secondary indexes and foreign keys are worth building once after a big
# load rather than maintaining and checking row by row.
INDEXED = [Article, ArticleRegion, Photo, Credit, StoryListing, SearchDocument]
DEFER_FROM = 100_000
# Tables vacuumed beside the deferred index builds (none of theirs is built then), and
# after them: the search documents, whose GIN indexes take longest, and the small tables.
BESIDE = [Article, ArticleRegion, Photo, Credit, StoryListing]
AFTER = [SearchDocument, Contributor, Section, ContentVersion]

TABLES = [
    (Article, "articles", gen.ARTICLE_COLUMNS),
    (ArticleRegion, "article_regions", gen.ARTICLE_REGION_COLUMNS),
    (Photo, "photos", gen.PHOTO_COLUMNS),
    (Credit, "credits", gen.CREDIT_COLUMNS),
    (StoryListing, "listings", gen.LISTING_COLUMNS),
]


# Other provinces the synthetic paper writes about now and then: 上海, 安徽, 江西.
AWAY_PROVINCES = ["310000", "340000", "360000"]


def home_prefix() -> str:
    return settings.ARCHIVE_HOME_PROVINCE[:2]


class NoCounties(Exception):
    """The gazetteer is empty: the database is not migrated."""


class Interrupted(Exception):
    """Ctrl-C: the chunks committed so far (``done`` stories) are kept."""

    def __init__(self, done: int):
        super().__init__(done)
        self.done = done


def run(
    *,
    articles: int,
    seed: int = 1,
    contributors: int = 20_000,
    chunk: int = 5_000,
    processes: int | None = None,
    defer_indexes: str = "auto",
    progress: bool = True,
    say: Callable[[str], None] = print,
) -> tuple[int, bool]:
    """Generate synthetic stories until there are ``articles``; return how many there
    are, and whether any were needed. ``defer_indexes``: "yes", "no" or "auto" (from
    ``DEFER_FROM`` stories)."""
    if connection.vendor == "postgresql":
        loading.restore_indexes(INDEXED)  # after a run that was killed outright
    done = Article.objects.filter(origin=Article.Origin.SYNTHETIC).count()
    if done >= articles:
        reset_sequences()  # a run killed after its last chunk left them behind
        fill_search_documents(processes or 1, chunk)
        say(f"已有 {done} 篇合成报道，无需生成。")
        return done, False
    synthetic_world = world(seed, contributors)
    bar = tqdm(total=articles, initial=done, unit="篇", disable=not progress, desc="生成报道")
    defer = defer_indexes == "yes" or (defer_indexes == "auto" and articles - done >= DEFER_FROM)
    processes = processes or (workers.default_count() if defer else 1)
    # Interrupted chunks roll back whole; a run resumes inside the chunk it stopped
    # in (a smaller earlier run may have ended mid-chunk), so the content only
    # depends on the seed and the size.
    try:
        with (
            loading.deferred_indexes(INDEXED, enabled=defer, then=vacuum(BESIDE)),
            workers.pool(processes) as pool,
        ):
            # With a pool, each chunk's search documents are built by a worker once
            # the chunk has committed, while this process generates the next one:
            # both are Python's work, one core each.
            pending = deque()
            while done < articles:
                index, skip = divmod(done, chunk)
                size = min(chunk, articles - index * chunk)
                with transaction.atomic():
                    first = write_chunk(synthetic_world, seed, index, size, skip, pool is None)
                if pool is not None:
                    last = first + size - skip - 1
                    pending.append(workers.submit(pool, documents.copy_range, first, last))
                    while pending and pending[0].ready():
                        pending.popleft().get()  # a worker's error stops the run
                done += size - skip
                bar.update(size - skip)
            bar.close()
            for result in tqdm(pending, unit="块", disable=not progress, desc="建立检索"):
                result.get()
            if defer:
                say("重建索引……")
    except KeyboardInterrupt:
        bar.close()
        reset_sequences()
        raise Interrupted(done) from None
    bar.close()
    reset_sequences()
    fill_search_documents(processes, chunk)
    if connection.vendor == "postgresql":
        loading.run(vacuum(AFTER if defer else [*BESIDE, *AFTER]))
    return done, True


def world(seed: int, count: int) -> gen.World:
    for name in corpus.SECTIONS:
        Section.objects.get_or_create(name=name)
    synthetic = Contributor.objects.filter(description=gen.SYNTHETIC_MARK)
    if synthetic.count() < count:
        create_contributors(seed, count, synthetic)
    home = Region.objects.current().filter(code=f"{home_prefix()}0000").first()
    if home is None:
        raise NoCounties
    provinces = [home, *Region.objects.current().provinces().filter(code__in=AWAY_PROVINCES)]
    counties = [
        {
            "id": r.pk,
            "name": r.name,
            "short_name": r.short_name,
            "first_year": r.first_year,
            "last_year": r.last_year,
            "home": r.code[:2] == home.code[:2],
            "city": {"name": r.parent.name, "short_name": r.parent.short_name},
        }
        for province in provinces
        for r in Region.objects.counties().within(province).select_related("parent")
    ]
    if not counties:
        raise NoCounties
    kinds = synthetic.order_by("pk").values_list("pk", "kind")
    return gen.World(
        counties=counties,
        placement=Region.objects.placement(),
        section_ids=list(
            Section.objects.filter(name__in=corpus.SECTIONS)
            .order_by("pk")
            .values_list("pk", flat=True)
        ),
        people=[pk for pk, kind in kinds if kind == Contributor.Kind.PERSON],
        organisations=[pk for pk, kind in kinds if kind == Contributor.Kind.ORGANISATION],
        now=timezone.now().replace(microsecond=0),
        zone=timezone.get_default_timezone(),
    )


def create_contributors(seed: int, count: int, synthetic) -> None:
    """Add the synthetic contributors this database lacks (the list is prefix-stable)."""
    existing = synthetic.count()
    taken = set(Contributor.objects.values_list("slug", flat=True))
    counties = [
        (r.name, r.short_name)
        for r in Region.objects.counties().current().filter(code__startswith=home_prefix())
    ]
    rows = [
        Contributor(
            **row | {"slug": first_free(row["slug"], taken)}, description=gen.SYNTHETIC_MARK
        )
        for row in gen.contributors(seed, count, counties)[existing:]
    ]
    Contributor.objects.bulk_create(rows, batch_size=2000)


def fill_search_documents(processes: int, chunk: int) -> None:
    """Search documents for synthetic stories that lack them: those whose chunk
    committed before an interrupted run's workers had built them."""
    missing = Article.objects.filter(
        origin=Article.Origin.SYNTHETIC, search_document__isnull=True
    ).aggregate(first=Min("pk"), last=Max("pk"))
    if missing["first"] is not None:
        for _ in documents.copy_ranges(
            missing["first"], missing["last"], chunk=chunk, processes=processes
        ):
            pass


def write_chunk(
    world: gen.World, seed: int, index: int, size: int, skip: int, with_documents: bool = True
) -> int:
    """Write chunk ``index`` but its first ``skip`` stories (already written), with
    their search documents unless told otherwise; return its first story's id."""
    next_article = (Article.objects.aggregate(m=Max("pk"))["m"] or 0) + 1
    next_photo = (Photo.objects.aggregate(m=Max("pk"))["m"] or 0) + 1
    rows, _ = gen.chunk(
        world,
        seed,
        index,
        first_article_id=next_article - skip,  # the skipped stories' ids are never used
        first_photo_id=next_photo,
        size=size,
    )
    if skip:
        rows = gen.without_articles_before(rows, next_article)
    for model, attribute, columns in TABLES:
        write_rows(model, columns, getattr(rows, attribute))
    tally_chunk(rows)
    # Search documents are read back from the rows just written: one code path for
    # every way a story enters the archive.
    if with_documents:
        documents.copy_range(next_article, next_article + size - skip - 1)
    if connection.vendor != "postgresql":
        # bulk_create stamps auto_now fields with the insert time; restore the story's own.
        Article.objects.filter(pk__gte=next_article).update(
            created_at=Coalesce(Least("published_at", Now()), Now()),
            updated_at=Coalesce(Least("published_at", Now()), Now()),
        )
    # The chunk's listing rows are written above, as the generator made them.
    after_write()
    return next_article


# What the tally needs of a generated story, in ``listings.tallied_for``'s order.
TALLY_COLUMNS = [
    gen.ARTICLE_COLUMNS.index(c) for c in ("id", "status", "published_at", "section_id")
]


def tally_chunk(rows: gen.Chunk) -> None:
    """Add the chunk's stories to the public tally, from the rows as generated (the
    listing table's indexes may be deferred: reading it back would scan it whole)."""
    stories = [tuple(row[i] for i in TALLY_COLUMNS) for row in rows.articles]
    tallied = listings.tallied_for(stories, timezone.now())
    write_rows(
        TalliedStory,
        ("article_id", "month", "day", "section"),
        [(pk, *periods) for pk, periods in tallied.items()],
    )
    listings.add_to_tally(listings.counted(tallied, rows.listings))


def write_rows(model, columns, rows) -> None:
    """COPY on PostgreSQL; elsewhere bulk inserts (``columns`` are attnames, such as
    "section_id", which the model's constructor accepts)."""
    if connection.vendor == "postgresql":
        copying.copy_rows(model._meta.db_table, columns, rows)
    else:
        model.objects.bulk_create(
            (model(**dict(zip(columns, row, strict=True))) for row in rows), batch_size=500
        )


def vacuum(models) -> list[str]:
    """Statistics for the planner, and a visibility map for index-only scans.
    (VACUUM cannot run inside a transaction, as in tests; ANALYZE can.)"""
    # A partitioned table's partitions, each on its own: the planner reads their
    # statistics, and ANALYZE of the whole would sample every row twice.
    command = "ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE"
    return [f"{command} {table}" for model in models for table in loading.tables(model)]


def reset_sequences() -> None:
    statements = connection.ops.sequence_reset_sql(no_style(), [Article, Photo])
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)
