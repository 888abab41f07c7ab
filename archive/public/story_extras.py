"""What a story page shows around the story: its permalink and a citation, its
neighbours in the print edition, more stories from its primary region, and its photos'
renditions. A fixed number of queries whatever the story holds."""

from django.conf import settings
from django.utils import timezone

from archive.models import Article
from archive.public import print_edition, renditions

RELATED_STORIES = 5


def for_story(request, article: Article) -> dict:
    permalink = request.build_absolute_uri(article.get_absolute_url())
    renditions.attach(article.photos.all())
    previous_story, next_story = print_edition.story_neighbours(article)
    region = primary_region(article)
    return {
        "permalink": permalink,
        "citation": citation(article, permalink),
        "previous_story": previous_story,
        "next_story": next_story,
        "related_region": region,
        "related_stories": related_stories(article, region) if region else [],
    }


def primary_region(article: Article):
    """The story's primary region (from its prefetched regions), or None."""
    return next((link.region for link in article.article_regions.all() if link.is_primary), None)


def related_stories(article: Article, region) -> list[Article]:
    """The newest other public stories about ``region``: one scan of the listing index."""
    return list(
        Article.objects.published()
        .in_region(region)
        .exclude(pk=article.pk)
        .order_by("-sort_ts", "-sort_id")
        .only("id", "headline", "published_at")[:RELATED_STORIES]
    )


def citation(article: Article, url: str) -> str:
    """The story as a reader would cite it: newspaper, date, page, headline, bylines, URL —
    《县志》，2025年1月24日，第3版 县域观察，《柯城：…》，张三 李四，https://…"""
    day = article.edition_date or (
        article.published_at and timezone.localdate(article.published_at)
    )
    page = ""
    if article.edition_date and article.page_number is not None:
        page = f"第{article.page_number}版 {article.page_name}".strip()
    parts = [
        f"《{settings.ARCHIVE_NEWSPAPER_NAME}》",
        day and f"{day.year}年{day.month}月{day.day}日",
        page,
        f"《{article.headline}》",
        article.byline_display(),
        url,
    ]
    return "，".join(part for part in parts if part)
