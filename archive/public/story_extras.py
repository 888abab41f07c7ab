"""What a story page shows around the story: its permalink and a citation, its
neighbours in the print edition, more stories from its primary region, and its photos'
renditions. A fixed number of queries whatever the story holds.

The story is read in four statements (``read``, ``archive.public.story_read``): itself
with its section, the way to its printed page and its neighbours in the print edition,
its regions, its photos, and the credits of both at once. Its region's newest stories
are what every story of that region shares: they are read once per public change
(``archive.caching.fragments``), so a story page made afresh costs those four and the
counts' version.
"""

from django.conf import settings
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from archive.caching import counts, fragments
from archive.models import Article
from archive.public import print_edition, renditions, story_read
from archive.text.dates import chinese_day

RELATED_STORIES = 5


def read(pk: int) -> Article:
    """The public story ``pk`` (else a 404) with all its page shows of it."""
    article = story_read.read(pk)
    if article is None:
        raise Http404("没有这篇报道。")
    return article


def page_area_url(article: Article) -> str | None:
    """The page image with the story's areas marked, as ``read`` found it ("" for none);
    None for a story read otherwise (the preview's)."""
    if "area_page" not in article.__dict__:
        return None
    if article.area_page is None:
        return ""
    page = reverse("archive:edition_page", args=[article.area_day, article.area_page])
    return f"{page}?area={article.pk}"


def for_story(request, article: Article) -> dict:
    permalink = request.build_absolute_uri(article.get_absolute_url())
    renditions.attach(article.photos.all())
    version = counts.version()
    previous_story, next_story = neighbours(article)
    region = primary_region(article)
    return {
        "permalink": permalink,
        "citation": citation(article, permalink),
        "previous_story": previous_story,
        "next_story": next_story,
        "related_region": region,
        "related_stories": related_stories(article, region, version=version) if region else [],
    }


def primary_region(article: Article):
    """The story's primary region (from its prefetched regions), or None."""
    return next((link.region for link in article.article_regions.all() if link.is_primary), None)


def neighbours(article: Article):
    """The public stories before and after ``article`` in its edition, in page order;
    (None, None) for a story that did not appear in print. ``read`` found them with the
    story; a story read otherwise (the preview's) asks for them."""
    if article.edition_date is None:
        return None, None
    if "neighbours" in article.__dict__:
        return article.neighbours
    return print_edition.story_neighbours(article)


def related_stories(article: Article, region, *, version: int | None = None) -> list[Article]:
    """The newest other public stories about ``region``: the region's newest, read once
    per public change (one scan of the listing index), less this one."""

    def newest_of_region():
        rows = (
            Article.objects.published()
            .in_region(region)
            .order_by("-sort_ts", "-sort_id")
            .values_list("id", "headline", "published_at")[: RELATED_STORIES + 1]
        )
        # Each day written here, once per change, not by two date filters per story and
        # page (a quarter of a millisecond of a story page's template).
        return [(pk, headline, timezone.localdate(at)) for pk, headline, at in rows]

    newest = fragments.cached(f"region:{region.pk}:newest-days", newest_of_region, version=version)
    others = []
    for pk, headline, day in newest:
        if pk != article.pk:
            story = Article(pk=pk, headline=headline)
            story.day, story.day_text = day.isoformat(), chinese_day(day)
            others.append(story)
    return others[:RELATED_STORIES]


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
        day and chinese_day(day),
        page,
        f"《{article.headline}》",
        article.byline_display(),
        url,
    ]
    return "，".join(part for part in parts if part)
