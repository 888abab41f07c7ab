import datetime
import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from archive.editorial import services
from archive.gazetteer import zhejiang_2024
from archive.ingest import source
from archive.ingest.places import Gazetteer
from archive.models import Region


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--date 应为 YYYY-MM-DD，收到“{value}”。") from None


class Command(BaseCommand):
    help = "把一个版面的 OCR 文本导入为草稿稿件（同一版面只导入一次）。"

    def add_arguments(self, parser):
        parser.add_argument("path", help="OCR 文本文件（UTF-8）；“-”表示从标准输入读取")
        parser.add_argument("--date", type=_date, help="见报日期 YYYY-MM-DD")
        parser.add_argument("--page", type=int, help="版次")
        parser.add_argument("--dry-run", action="store_true", help="只解析，不写入数据库")
        parser.add_argument("--json", action="store_true", help="把解析结果以 JSON 打印到标准输出")

    def handle(self, *args, path, date, page, dry_run, json: bool, **options):
        if page is not None and page < 1:
            raise CommandError("--page 应为正整数。")
        try:
            raw = sys.stdin.buffer.read() if path == "-" else Path(path).read_bytes()
        except OSError as error:
            raise CommandError(f"无法读取 {path}：{error.strerror}") from None
        try:
            text = source.read(raw)
            parsed = services.page_parse(text, self._gazetteer(dry_run), edition_date=date)
        except source.RejectedPage as error:
            raise CommandError(f"{path}：{error}") from None
        if json:
            self.stdout.write(_dumps(parsed.as_dict()))
        else:
            self._summary(parsed, date)
        if dry_run:
            return
        try:
            record = services.page_import(text=text, edition_date=date, page_number=page)
        except services.PageAlreadyImported as error:
            self.stderr.write(str(error))
            return
        ids = ", ".join(str(a.pk) for a in record.articles.order_by("pk"))
        self.stderr.write(self.style.SUCCESS(f"已创建 {record.articles.count()} 篇草稿（{ids}）。"))

    def _gazetteer(self, dry_run: bool):
        """The regions table's gazetteer (of the page's date); for a dry run on a
        database not yet migrated, Zhejiang's divisions of 2024, whatever the date."""
        if Region._meta.db_table in connection.introspection.table_names():
            return None  # page_parse reads the table
        if not dry_run:
            raise CommandError("数据库尚未初始化：请先运行 python manage.py migrate。")
        return Gazetteer.load([row[:3] for row in zhejiang_2024.REGIONS])

    def _summary(self, page, date):
        self.stdout.write(f"版面：{page.banner or '（无栏目名）'}")
        on = f"{date.year} 年" if date else "今年"
        self.stdout.write(f"地区按{on}的行政区划认定。")
        for story in page.stories:
            regions = "、".join(name for _code, name, _primary in story.regions) or "无"
            counts = f"{len(story.body)} 段，{len(story.photos)} 图"
            self.stdout.write(f"· {story.headline}（{counts}，地区：{regions}）")
            for warning in story.warnings:
                self.stdout.write(f"  ! {warning}")
        for text in page.unplaced:
            self.stdout.write(f"未归入：{text}")


def _dumps(data) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)
