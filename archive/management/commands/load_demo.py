from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand
from django.db import transaction

from archive import demo
from archive.demo import page_image
from archive.editorial import aftermath, services
from archive.models import Article, EditionPage, StoryArea


class Command(BaseCommand):
    help = (
        "通过版面导入载入示例版面的两篇报道并发布，并画出这一版的版面图、标出两篇报道的位置"
        "（已载入则跳过）。"
    )

    @transaction.atomic
    def handle(self, *args, **options):
        text = demo.PAGE.read_text(encoding="utf-8")
        # Parsed once, as the import reads it (the parse reads the whole gazetteer).
        edition = {"edition_date": demo.EDITION_DATE, "page_number": demo.PAGE_NUMBER}
        parsed = services.page_parse(text, **edition)
        headlines = [story.headline for story in parsed.stories]
        if Article.objects.filter(headline__in=headlines).exists():
            message = "示例报道已存在，未重复载入。"
        else:
            record = services.page_import(text=text, parsed=parsed, **edition)
            services.stories_publish(stories=record.articles.all(), at=demo.PUBLISHED_AT)
            message = f"示例报道：经版面导入新建并发布 {record.articles.count()} 篇。"
        drawn = self._page_image(headlines)
        if options["verbosity"]:
            self.stdout.write(message)
            self.stdout.write(drawn)

    def _page_image(self, headlines: list[str]) -> str:
        """The sample page's image with its two stories' areas, unless there is one."""
        stories = list(
            Article.objects.filter(headline__in=headlines, edition_date=demo.EDITION_DATE)
        )
        stories.sort(key=lambda story: headlines.index(story.headline))
        if not stories or EditionPage.objects.filter(edition_date=demo.EDITION_DATE).exists():
            return "示例版面图已存在或无需载入。"
        number = stories[0].page_number or demo.PAGE_NUMBER
        drawn = page_image.draw(
            demo.BANNER,
            tuple(page_image.DrawnStory(s.headline, s.byline, s.body) for s in stories),
            page_label=f"{demo.EDITION_DATE:%Y年%-m月%-d日}　第{number}版",
        )
        if drawn is None:
            return (
                "未生成示例版面图：系统里没有中文字体（Noto CJK）。"
                "安装 fonts-noto-cjk 后重新运行 load_demo 即可。"
            )
        png, areas = drawn
        page = EditionPage(
            edition_date=demo.EDITION_DATE,
            page_number=number,
            scan=ContentFile(png, name="demo-page.png"),
        )
        page.save()
        StoryArea.objects.bulk_create(
            StoryArea(page=page, article=story, x=x, y=y, width=w, height=h, order=n)
            for n, (story, (x, y, w, h)) in enumerate(zip(stories, areas, strict=False))
        )
        aftermath.after_write()
        return f"示例版面图：第{number}版，标出 {len(areas)} 篇报道的位置。"
