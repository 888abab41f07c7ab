"""Fill the archive with realistic synthetic stories (``archive.bulk.generate``)."""

from django.core.management.base import BaseCommand, CommandError

from archive.bulk import generate, workers


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
            help="PostgreSQL：先删除再重建二级索引"
            f"（auto：待生成不少于 {generate.DEFER_FROM} 篇时）",
        )

    def handle(
        self, *args, articles, seed, contributors, chunk, no_progress, defer_indexes, **options
    ):
        if articles < 0 or chunk < 1 or contributors < 2:
            raise CommandError("--articles 不能为负数，--chunk 至少为 1，--contributors 至少为 2。")
        if options["workers"] is not None and options["workers"] < 1:
            raise CommandError("--workers 至少为 1。")
        try:
            done, generated = generate.run(
                articles=articles,
                seed=seed,
                contributors=contributors,
                chunk=chunk,
                processes=options["workers"],
                defer_indexes=defer_indexes,
                progress=not no_progress,
                say=self.stdout.write,
            )
        except generate.NoCounties:
            raise CommandError("没有县级地区：请先运行 migrate。") from None
        except generate.Interrupted as interrupted:
            raise CommandError(
                f"已中断：已提交 {interrupted.done} 篇合成报道，再次运行同一命令即可继续。",
                returncode=130,
            ) from None
        if generated:
            self.stdout.write(self.style.SUCCESS(f"合成报道共 {done} 篇。"))
