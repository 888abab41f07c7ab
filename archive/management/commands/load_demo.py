from django.core.management.base import BaseCommand
from django.db import transaction

from archive import demo
from archive.editorial import services
from archive.models import Article


class Command(BaseCommand):
    help = "通过版面导入载入示例版面的两篇报道并发布（已载入则跳过）。"

    @transaction.atomic
    def handle(self, *args, **options):
        text = demo.PAGE.read_text(encoding="utf-8")
        headlines = [story.headline for story in services.page_parse(text).stories]
        if Article.objects.filter(headline__in=headlines).exists():
            message = "示例报道已存在，未重复载入。"
        else:
            record = services.page_import(text=text, edition_date=demo.EDITION_DATE)
            services.stories_publish(stories=record.articles.all(), at=demo.PUBLISHED_AT)
            message = f"示例报道：经版面导入新建并发布 {record.articles.count()} 篇。"
        if options["verbosity"]:
            self.stdout.write(message)
