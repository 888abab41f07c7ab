"""Restore a backup made by ``export_archive`` into an empty database (``archive.backup``)."""

from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from archive.bulk import backup
from archive.editorial.aftermath import after_write


class Command(BaseCommand):
    help = (
        "把 export_archive 导出的备份恢复到空数据库（migrate 之后、尚无报道与作者）："
        "一个事务写入全部数据并保留编号，复制图片文件，然后重建列表索引与检索。"
        "数据写入阶段可随时 Ctrl-C 中断，事务回滚，不留任何数据。"
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path, help="export_archive 写出的备份目录")
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args, directory, no_progress, **options):
        try:
            result = backup.import_archive(directory, progress=not no_progress)
        except backup.BackupError as error:
            raise CommandError(f"{error}未写入任何数据。") from None
        except KeyboardInterrupt:
            raise CommandError("已中断：事务已回滚，未写入任何数据。", returncode=130) from None
        for warning in result["warnings"]:
            self.stderr.write(warning)
        tables = result["manifest"]["tables"]
        self.stdout.write(
            self.style.SUCCESS(
                f"已恢复 {tables['articles']['rows']} 篇报道，"
                f"共 {sum(entry['rows'] for entry in tables.values())} 行。"
            )
        )
        # Committed: the derived data is rebuilt by the commands that also resume it.
        try:
            call_command("rebuild_listings", no_progress=no_progress, stdout=self.stdout)
            call_command("rebuild_search_index", no_progress=no_progress, stdout=self.stdout)
        except (CommandError, KeyboardInterrupt) as error:
            raise CommandError(
                "档案已恢复，但列表索引或检索尚未重建完：请运行 rebuild_listings 与 "
                "rebuild_search_index --missing。",
                returncode=getattr(error, "returncode", 130),
            ) from None
        after_write()
