"""Rebuild every story's search document and the search indexes, in bulk."""

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.models import Max, Min
from tqdm import tqdm

from archive.bulk import loading, workers
from archive.models import Article, SearchDocument
from archive.search import documents

TABLES = [SearchDocument]


class Command(BaseCommand):
    help = (
        "重建全文检索：为每篇报道重新生成检索文档，然后一次性建立索引。"
        "可随时 Ctrl-C 中断；用 --missing 继续，只补齐缺少检索文档的报道。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--missing", action="store_true", help="只为缺少检索文档的报道生成，不删除已有的"
        )
        parser.add_argument("--chunk", type=int, default=5_000, help="每个事务处理的报道数")
        parser.add_argument(
            "--workers",
            type=int,
            default=None,
            help=f"并行的进程数（默认：大批量时每核一个，最多 {workers.MAX_WORKERS} 个）",
        )
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args, missing, chunk, no_progress, **options):
        if chunk < 1:
            raise CommandError("--chunk 至少为 1。")
        if options["workers"] is not None and options["workers"] < 1:
            raise CommandError("--workers 至少为 1。")
        if connection.vendor == "postgresql":  # after a run that was killed outright
            loading.restore_indexes(TABLES)
        bounds = Article.objects.aggregate(first=Min("pk"), last=Max("pk"))
        if bounds["first"] is None:
            self.clear()
            self.stdout.write("没有报道，无需建立检索。")
            return
        if not missing:
            self.clear()
        total = Article.objects.count()
        have = SearchDocument.objects.count()
        if have >= total:
            self.stdout.write(f"{have} 篇报道均已有检索文档。")
            return
        bar = tqdm(total=total, initial=have, unit="篇", disable=no_progress, desc="建立检索")
        written = 0
        # A big load builds the GIN indexes once at the end, not entry by entry.
        defer = total - have >= documents.BATCH
        processes = options["workers"] or (workers.default_count() if defer else 1)
        try:
            with loading.deferred_indexes(TABLES, enabled=defer):
                for count in documents.copy_ranges(
                    bounds["first"], bounds["last"], chunk=chunk, processes=processes
                ):
                    written += count
                    bar.update(count)
                bar.close()
                if defer and connection.vendor == "postgresql":
                    self.stdout.write("建立索引……")
        except KeyboardInterrupt:
            bar.close()
            raise CommandError(
                f"已中断：本次写入 {written} 篇。运行 rebuild_search_index --missing 即可继续。",
                returncode=130,
            ) from None
        if connection.vendor == "postgresql":
            loading.run([f"ANALYZE {table}" for m in TABLES for table in loading.tables(m)])
        self.stdout.write(self.style.SUCCESS(f"已为 {written} 篇报道建立检索文档。"))

    def clear(self) -> None:
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                if connection.in_atomic_block:
                    # Inside one transaction (tests), pending deferred foreign-key
                    # checks would forbid TRUNCATE: run them now.
                    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                    cursor.execute("SET CONSTRAINTS ALL DEFERRED")
                cursor.execute(f"TRUNCATE {documents.TABLE}")
        else:
            SearchDocument.objects.all().delete()
