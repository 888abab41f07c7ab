"""Fill the archive with realistic synthetic stories: COPY on PostgreSQL, bulk inserts elsewhere."""

from collections import deque

from django.core.management.base import BaseCommand, CommandError
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Max, Min
from django.db.models.functions import Coalesce, Least, Now
from django.utils import timezone
from tqdm import tqdm

from archive import bulkload, listings, workers
from archive.models import (
    Article,
    ArticleRegion,
    ContentVersion,
    Contributor,
    Credit,
    Photo,
    Region,
    SearchDocument,
    SearchTokens,
    Section,
    StoryListing,
)
from archive.search import documents
from archive.synthetic import corpus
from archive.synthetic import generator as gen

# Tables whose secondary indexes and foreign keys are worth building once after a big
# load rather than maintaining and checking row by row.
INDEXED = [Article, ArticleRegion, Photo, Credit, StoryListing, SearchDocument, SearchTokens]
DEFER_FROM = 100_000
# Tables vacuumed beside the deferred index builds (none of theirs is built then), and
# after them: the search tokens, whose GIN index takes longest, and the small tables.
BESIDE = [Article, ArticleRegion, Photo, Credit, StoryListing, SearchDocument]
AFTER = [SearchTokens, Contributor, Section, ContentVersion]

TABLES = [
    (Article, "articles", gen.ARTICLE_COLUMNS),
    (ArticleRegion, "article_regions", gen.ARTICLE_REGION_COLUMNS),
    (Photo, "photos", gen.PHOTO_COLUMNS),
    (Credit, "credits", gen.CREDIT_COLUMNS),
    (StoryListing, "listings", gen.LISTING_COLUMNS),
]


class Command(BaseCommand):
    help = (
        "生成合成报道用于性能测试：按县分布不均、1949 年至今、含草稿与定时稿。"
        "可随时 Ctrl-C 中断，再次运行同一命令即从中断处继续。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--articles", type=int, required=True, help="目标合成报道总数")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--contributors", type=int, default=20_000)
        parser.add_argument("--chunk", type=int, default=5_000, help="每个事务写入的报道数")
        parser.add_argument(
            "--workers",
            type=int,
            default=None,
            help="PostgreSQL：另用几个进程建立检索文档（默认：大批量时每核一个，最多 "
            f"{workers.MAX_WORKERS} 个；1 则在同一事务中建立）",
        )
        parser.add_argument("--no-progress", action="store_true")
        parser.add_argument(
            "--defer-indexes",
            choices=["auto", "yes", "no"],
            default="auto",
            help=f"PostgreSQL：先删除再重建二级索引（auto：待生成不少于 {DEFER_FROM} 篇时）",
        )

    def handle(
        self, *args, articles, seed, contributors, chunk, no_progress, defer_indexes, **options
    ):
        if articles < 0 or chunk < 1 or contributors < 2:
            raise CommandError("--articles 不能为负数，--chunk 至少为 1，--contributors 至少为 2。")
        if options["workers"] is not None and options["workers"] < 1:
            raise CommandError("--workers 至少为 1。")
        if connection.vendor == "postgresql":
            bulkload.restore_indexes(INDEXED)  # after a run that was killed outright
        done = Article.objects.filter(origin=Article.Origin.SYNTHETIC).count()
        if done >= articles:
            self.reset_sequences()  # a run killed after its last chunk left them behind
            self.fill_search_documents(options["workers"] or 1, chunk)
            self.stdout.write(f"已有 {done} 篇合成报道，无需生成。")
            return
        world = self.world(seed, contributors)
        bar = tqdm(total=articles, initial=done, unit="篇", disable=no_progress, desc="生成报道")
        defer = defer_indexes == "yes" or (
            defer_indexes == "auto" and articles - done >= DEFER_FROM
        )
        processes = options["workers"] or (workers.default_count() if defer else 1)
        # Interrupted chunks roll back whole; a run resumes inside the chunk it stopped
        # in (a smaller earlier run may have ended mid-chunk), so the content only
        # depends on the seed and the size.
        try:
            with (
                bulkload.deferred_indexes(INDEXED, enabled=defer, then=self.vacuum(BESIDE)),
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
                        first = self.write_chunk(world, seed, index, size, skip, pool is None)
                    if pool is not None:
                        last = first + size - skip - 1
                        pending.append(workers.submit(pool, documents.copy_range, first, last))
                        while pending and pending[0].ready():
                            pending.popleft().get()  # a worker's error stops the run
                    done += size - skip
                    bar.update(size - skip)
                bar.close()
                for result in tqdm(pending, unit="块", disable=no_progress, desc="建立检索"):
                    result.get()
                if defer:
                    self.stdout.write("重建索引……")
        except KeyboardInterrupt:
            bar.close()
            self.reset_sequences()
            raise CommandError(
                f"已中断：已提交 {done} 篇合成报道，再次运行同一命令即可继续。", returncode=130
            ) from None
        bar.close()
        self.reset_sequences()
        self.fill_search_documents(processes, chunk)
        if connection.vendor == "postgresql":
            bulkload.run(self.vacuum(AFTER if defer else [*BESIDE, *AFTER]))
        self.stdout.write(self.style.SUCCESS(f"合成报道共 {done} 篇。"))

    def world(self, seed: int, count: int) -> gen.World:
        Section.objects.bulk_create(
            [Section(name=name, slug="") for name in corpus.SECTIONS if False],
            ignore_conflicts=True,
        )
        for name in corpus.SECTIONS:
            Section.objects.get_or_create(name=name)
        synthetic = Contributor.objects.filter(description=gen.SYNTHETIC_MARK)
        if synthetic.count() < count:
            self.create_contributors(seed, count, synthetic)
        counties = [
            {
                "id": r.pk,
                "name": r.name,
                "short_name": r.short_name,
                "city": {"name": r.parent.name, "short_name": r.parent.short_name},
            }
            for r in Region.objects.counties().select_related("parent").order_by("code")
        ]
        if not counties:
            raise CommandError("没有县级地区：请先运行 migrate。")
        kinds = synthetic.order_by("pk").values_list("pk", "kind")
        return gen.World(
            counties=counties,
            ancestors=listings.region_ancestors(),
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

    def create_contributors(self, seed: int, count: int, synthetic) -> None:
        """Add the synthetic contributors this database lacks (the list is prefix-stable)."""
        existing = synthetic.count()
        taken = set(Contributor.objects.values_list("slug", flat=True))
        rows = []
        counties = [(r.name, r.short_name) for r in Region.objects.counties()]
        for row in gen.contributors(seed, count, counties)[existing:]:
            slug, n = row["slug"], 1
            while slug in taken:
                n += 1
                slug = f"{row['slug']}-{n}"
            taken.add(slug)
            rows.append(Contributor(**row | {"slug": slug}, description=gen.SYNTHETIC_MARK))
        Contributor.objects.bulk_create(rows, batch_size=2000)

    def fill_search_documents(self, processes: int, chunk: int) -> None:
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
        self,
        world: gen.World,
        seed: int,
        index: int,
        size: int,
        skip: int,
        with_documents: bool = True,
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
            write = copy_rows if connection.vendor == "postgresql" else insert_rows
            write(model, columns, getattr(rows, attribute))
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
        ContentVersion.bump()
        return next_article

    @staticmethod
    def vacuum(models) -> list[str]:
        """Statistics for the planner, and a visibility map for index-only scans.
        (VACUUM cannot run inside a transaction, as in tests; ANALYZE can.)"""
        # A partitioned table's partitions, each on its own: the planner reads their
        # statistics, and ANALYZE of the whole would sample every row twice.
        command = "ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE"
        return [f"{command} {table}" for model in models for table in bulkload.tables(model)]

    def reset_sequences(self) -> None:
        statements = connection.ops.sequence_reset_sql(no_style(), [Article, Photo])
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


def copy_rows(model, columns, rows) -> None:
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row(row)


def insert_rows(model, columns, rows) -> None:
    # Field names: "section_id" and friends are attnames the constructor accepts.
    model.objects.bulk_create(
        (model(**dict(zip(columns, row, strict=True))) for row in rows), batch_size=500
    )
