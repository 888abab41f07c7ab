"""Back up the whole archive as JSON Lines plus the photo files (``archive.backup``)."""

import shutil
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from archive.bulk import backup


class Command(BaseCommand):
    help = (
        "把整个档案导出到一个新目录：报道、地区、栏目、作者、图片信息与文件、署名、"
        "导入的版面、历史记录、用户与用户组（不含密码）。派生数据（列表索引、检索）不导出。"
        "可随时 Ctrl-C 中断，未完成的目录会被删除。"
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path, help="备份目录（不存在或为空）")
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args, directory, no_progress, **options):
        if directory.exists() and (not directory.is_dir() or any(directory.iterdir())):
            raise CommandError(f"{directory} 已存在且不为空：请指定新目录，不覆盖已有的备份。")
        made = not directory.exists()
        directory.mkdir(parents=True, exist_ok=True)
        try:
            manifest = backup.export_archive(directory, progress=not no_progress)
        except BaseException as error:
            # Everything in the directory is this run's: an unfinished backup is removed.
            if made:
                shutil.rmtree(directory, ignore_errors=True)
            else:
                for child in directory.iterdir():
                    if child.is_dir():
                        shutil.rmtree(child)
                    else:
                        child.unlink()
            if isinstance(error, KeyboardInterrupt):
                raise CommandError("已中断：未完成的备份已删除。", returncode=130) from None
            raise
        media = manifest["media"]
        for name in media["missing"]:
            self.stderr.write(f"图片文件缺失，未能备份：{name}")
        rows = {name: entry["rows"] for name, entry in manifest["tables"].items()}
        self.stdout.write(
            self.style.SUCCESS(
                f"已导出到 {directory}：{rows['articles']} 篇报道，共 {sum(rows.values())} 行；"
                f"图片文件 {media['files']} 个（{media['bytes']} 字节）。"
            )
        )
