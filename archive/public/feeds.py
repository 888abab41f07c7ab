"""Atom feeds of the newest public stories: the whole archive, a region, a section, a contributor.

Every feed lists what ``Article.objects.published()`` lets the public see, newest
first, and reads its stories with their bylines and regions in a fixed number of
queries, however many it lists. A section's or contributor's feed exists only while
it has a public story (``public()``): a name unpublished work alone carries is a 404.
"""

import datetime
import io
from dataclasses import dataclass, field

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape

from archive.models import Article, ArticleRegion, Contributor, Credit, Region, Section
from archive.public.print_edition import addresses
from archive.text import body

FEED_STORIES = 30
SITE_NAME = "县志"


class BylinedAtomFeed(Atom1Feed):
    """Atom with one ``<author>`` per byline; Django's writes at most one."""

    def write(self, outfile, encoding):
        """The feed written whole, then given to ``outfile`` (the response) at once: the
        response takes each of the XML writer's writes as a chunk of its own, about 1,500
        for 30 entries, a fifth of the feed's time."""
        whole = io.StringIO()
        super().write(whole, encoding)
        outfile.write(whole.getvalue())

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        for name in item["authors"]:
            handler.startElement("author", {})
            handler.addQuickElement("name", name)
            handler.endElement("author")


@dataclass
class Entry:
    """A story as a feed shows it, read as plain values (``entries``)."""

    pk: int
    kicker: str
    headline: str
    lede: str
    body: str
    byline: str
    published_at: datetime.datetime
    updated_at: datetime.datetime
    section: str | None  # its name
    url: str
    regions: list[str] = field(default_factory=list)  # names, the primary first
    credited: list[str] = field(default_factory=list)  # contributors' names, in order

    def get_absolute_url(self) -> str:
        return self.url

    def body_blocks(self):
        return body.parse(self.body)


def entries(stories) -> list[Entry]:
    """The first ``FEED_STORIES`` of ``stories`` as feed entries, with their regions' and
    contributors' names: three queries of plain values. Read as models with their
    credits, contributors, regions and sections (about 250 instances for 30 stories),
    they cost a feed a third of its time."""
    rows = stories.values_list(
        "id", "kicker", "headline", "lede", "body", "byline", "published_at", "updated_at",
        "section__name",
    )[:FEED_STORIES]  # fmt: skip
    url = addresses("archive:story_detail")
    found = {row[0]: Entry(*row, url=url(row[0])) for row in rows}
    links = ArticleRegion.objects.filter(article_id__in=found).order_by(
        "article_id", "-is_primary", "region__code"
    )
    for story, name in links.values_list("article_id", "region__name"):
        found[story].regions.append(name)
    credits = Credit.objects.filter(article_id__in=found).order_by("order", "id")
    for story, name in credits.values_list("article_id", "contributor__name"):
        found[story].credited.append(name)
    return list(found.values())


class StoryFeed(Feed):
    """The whole archive."""

    feed_type = BylinedAtomFeed
    language = "zh-Hans"
    author_name = SITE_NAME
    title = f"{SITE_NAME} · 最新报道"
    subtitle = "县域报道档案的最新公开报道"

    def link(self, obj):
        return reverse("archive:home")

    def stories(self, obj):
        """This feed's public stories, newest first."""
        return Article.objects.published().newest_first()

    def items(self, obj):
        return entries(self.stories(obj))

    def item_title(self, story):
        # Plain text: Atom's <title> is text and the XML writer escapes it.
        return f"{story.kicker} {story.headline}" if story.kicker else story.headline

    def item_description(self, story):
        """The lede, or else the body's first paragraph, as escaped HTML (Atom type="html")."""
        if story.lede.strip():
            return escape(story.lede.strip())
        first = next((b.text for b in story.body_blocks() if not b.is_subhead), "")
        return escape(first)

    def item_pubdate(self, story):
        return story.published_at

    def item_updateddate(self, story):
        # A scheduled story was last saved before it went public.
        return max(story.published_at, story.updated_at)

    def item_categories(self, story):
        return [*story.regions, story.section] if story.section else story.regions

    def item_extra_kwargs(self, story):
        names = list(dict.fromkeys(story.credited))
        if not names and story.byline:
            names = [story.byline]
        return {"authors": names}


class RegionFeed(StoryFeed):
    """A region's stories; a city's or the province's include its counties'."""

    def get_object(self, request, slug):
        return Region.objects.get(slug=slug)

    def title(self, region):
        return f"{SITE_NAME} · {region.name}的报道"

    def subtitle(self, region):
        return f"关于{region.name}的最新公开报道"

    def link(self, region):
        return region.get_absolute_url()

    def stories(self, region):
        stories = Article.objects.published().in_region(region)
        return stories.order_by("-sort_ts", "-sort_id")  # the listing index's order


class SectionFeed(StoryFeed):
    def get_object(self, request, slug):
        return Section.objects.public().get(slug=slug)

    def title(self, section):
        return f"{SITE_NAME} · 栏目：{section.name}"

    def subtitle(self, section):
        return section.description or f"“{section.name}”栏目的最新公开报道"

    def link(self, section):
        return reverse("archive:section_detail", args=[section.slug])

    def stories(self, section):
        return Article.objects.in_section(section).newest_first()


class ContributorFeed(StoryFeed):
    """Stories a contributor wrote (bylines) or took photos for."""

    def get_object(self, request, slug):
        return Contributor.objects.public().get(slug=slug)

    def title(self, contributor):
        return f"{SITE_NAME} · {contributor.name}的报道与图片"

    def subtitle(self, contributor):
        return f"{contributor}署名的最新公开报道和图片"

    def link(self, contributor):
        return contributor.get_absolute_url()

    def items(self, contributor):
        # Each credit list is one range scan of the listing index; merging the two
        # newest-first lists here avoids an OR across them that no index serves.
        keys = set()
        for stories in (
            Article.objects.published().bylined(contributor),
            Article.objects.published().photographed(contributor),
        ):
            newest = stories.order_by("-sort_ts", "-sort_id")
            keys.update(newest.values_list("sort_ts", "sort_id")[:FEED_STORIES])
        ids = [pk for _, pk in sorted(keys, reverse=True)[:FEED_STORIES]]
        return entries(Article.objects.published().filter(pk__in=ids).newest_first())
