"""Keeping ``StoryListing`` rows in step with the stories they index."""

from collections import defaultdict
from collections.abc import Iterable

from django.db import transaction

from archive.models import Article, ArticleRegion, Credit, Region, StoryListing

Facet = StoryListing.Facet


def rows_for(article_ids: Iterable[int]) -> list[StoryListing]:
    """The listing rows the given stories should have, from their current data."""
    article_ids = list(article_ids)
    published = dict(Article.objects.filter(pk__in=article_ids).values_list("pk", "published_at"))
    placement = Region.objects.placement()
    wanted: set[tuple[int, int, int]] = set()
    inherited: set[tuple[int, int]] = set()
    filed = defaultdict(list)
    for article_id, region_id in ArticleRegion.objects.filter(
        article_id__in=article_ids
    ).values_list("article_id", "region_id"):
        filed[article_id].append(region_id)
    for article_id, region_ids in filed.items():
        for region_id, heir in placement.rows(region_ids):
            wanted.add((article_id, Facet.REGION, region_id))
            if heir:
                inherited.add((article_id, region_id))
    for article_id, contributor_id in Credit.objects.filter(article_id__in=article_ids).values_list(
        "article_id", "contributor_id"
    ):
        wanted.add((article_id, Facet.BYLINE, contributor_id))
    for article_id, contributor_id in Credit.objects.filter(
        photo__article_id__in=article_ids
    ).values_list("photo__article_id", "contributor_id"):
        wanted.add((article_id, Facet.PHOTO, contributor_id))
    return [
        StoryListing(
            article_id=article_id,
            facet=facet,
            subject_id=subject,
            published_at=published[article_id],
            inherited=facet == Facet.REGION and (article_id, subject) in inherited,
        )
        for article_id, facet, subject in sorted(wanted)
    ]


@transaction.atomic
def refresh(article_ids: Iterable[int]) -> None:
    """Rewrite the listing rows of these stories from their regions, credits, photos
    and publication time (``aftermath.after_write`` does, after every write)."""
    article_ids = list(article_ids)
    StoryListing.objects.filter(article_id__in=article_ids).delete()
    StoryListing.objects.bulk_create(rows_for(article_ids), batch_size=2000)
