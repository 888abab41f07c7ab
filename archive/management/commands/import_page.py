import argparse
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
from archive.models.articles import FIRST_PAGE, LAST_PAGE


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"“{value}”不是有效的日期：应为 YYYY-MM-DD，如 2025-01-24。"
        ) from None


def _page(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        number = None
    if number is None or not FIRST_PAGE <= number <= LAST_PAGE:
        raise argparse.ArgumentTypeError(
            f"版次应为 {FIRST_PAGE} 到 {LAST_PAGE} 之间的整数，收到“{value}”。"
        )
    return number


class Command(BaseCommand):
    help = "把一个版面的 OCR 文本导入为草稿稿件（同一版面只导入一次）。"

    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        if parser.called_from_command_line:
            # A bad option is one line on stderr and status 2: argparse would print the
            # whole usage first, a dozen lines with Django's own options.
            parser.print_usage = lambda file=None: None
        return parser

    def add_arguments(self, parser):
        parser.add_argument("path", help="OCR 文本文件（UTF-8）；“-”表示从标准输入读取")
        parser.add_argument(
            "--date", type=_date, help="见报日期 YYYY-MM-DD（不填则按版面所印的日期）"
        )
        parser.add_argument(
            "--page",
            type=_page,
            help=f"版次 {FIRST_PAGE}–{LAST_PAGE}（不填则按版面所印的版次）",
        )
        parser.add_argument("--dry-run", action="store_true", help="只解析，不写入数据库")
        parser.add_argument("--json", action="store_true", help="把解析结果以 JSON 打印到标准输出")

    def handle(self, *args, path, date, page, dry_run, json: bool, **options):
        try:
            raw = sys.stdin.buffer.read() if path == "-" else Path(path).read_bytes()
        except OSError as error:
            raise CommandError(f"无法读取 {path}：{error.strerror}") from None
        try:
            text = source.read(raw)
            given = {"edition_date": date, "page_number": page}
            parsed = services.page_parse(text, self._gazetteer(dry_run), **given)
        except source.RejectedPage as error:
            raise CommandError(f"{path}：{error}") from None
        if json:
            self.stdout.write(_dumps(parsed.as_dict()))
        else:
            self._summary(parsed, services.page_edition(text, **given))
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

    def _summary(self, page, edition: services.Edition):
        self.stdout.write(f"版面：{page.banner or '（无栏目名）'}")
        date, number = edition.date, edition.page_number
        day = f"{date:%Y-%m-%d}" if date else "无"
        page_label = f"第{number}版" if number else "无"
        self.stdout.write(
            f"见报日期：{day}{'（版面所印）' if edition.date_printed else ''}；"
            f"版次：{page_label}{'（版面所印）' if edition.page_printed else ''}"
        )
        on = f" {date.year} 年" if date else "今年"
        self.stdout.write(f"地区按{on}的行政区划认定。")
        for warning in page.warnings:
            self.stdout.write(f"! {warning}")
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
