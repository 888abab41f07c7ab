from django.core.management.base import BaseCommand
from django.db import transaction

from archive import demo
from archive.models import Article
from archive.services import article_create


class Command(BaseCommand):
    help = "载入示例版面的两篇报道（已存在则跳过）。"

    @transaction.atomic
    def handle(self, *args, **options):
        created = 0
        for story in demo.STORIES:
            if Article.objects.filter(headline=story["headline"]).exists():
                continue
            article_create(
                **story,
                section_name=demo.SECTION,
                status=Article.Status.PUBLISHED,
                published_at=demo.PUBLISHED_AT,
                edition_date=demo.EDITION_DATE,
            )
            created += 1
        if options["verbosity"]:
            self.stdout.write(
                f"示例报道：新建 {created} 篇，已有 {len(demo.STORIES) - created} 篇。"
            )
