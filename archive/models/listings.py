from django.db import models
from django.db.models import Count
from django.utils import timezone

from .visibility import Status, public


class StoryListingQuerySet(models.QuerySet):
    def public_counts(self, facet) -> dict[int, int]:
        """Public stories per subject of ``facet`` (a region counts the stories of the
        regions inside it too, since they are listed under it): one grouped scan of
        the listing index. Callers cache it (``archive.caching.counts``)."""
        rows = (
            self.filter(public("article__"), facet=facet)
            .values("subject_id")
            .annotate(n=Count("*"))
            .values_list("subject_id", "n")
        )
        return dict(rows)

    def public_credit_counts(self, contributor_ids) -> dict[int, int]:
        """Public stories per contributor among ``contributor_ids``, bylines and photo
        credits together (a story counted once), for a page of the contributors' index.

        Read from the listing index alone: its rows up to now, less those of the stories
        that are not public (``visibility.public``'s complement, as three index ranges of
        ``article_status_newest_idx`` that PostgreSQL hashes once). Asking each row's
        story whether it is public instead fetches a story per credit: 350 ms for a page
        of 120 names at a million stories, against 55 ms. Callers cache it
        (``archive.caching.counts``)."""
        article = self.model._meta.get_field("article").related_model
        now = timezone.now()
        hidden = [
            # IN, not <>, so that it is an index range.
            article.objects.filter(status__in=set(Status) - {Status.PUBLISHED}),
            article.objects.filter(status=Status.PUBLISHED, published_at__gt=now),
            article.objects.filter(status=Status.PUBLISHED, published_at=None),
        ]
        rows = self.filter(
            facet__in=[StoryListing.Facet.BYLINE, StoryListing.Facet.PHOTO],
            subject_id__in=list(contributor_ids),
            published_at__lte=now,
        )
        for stories in hidden:
            rows = rows.exclude(article_id__in=stories.values("pk"))
        rows = rows.values("subject_id").annotate(n=Count("article_id", distinct=True))
        return dict(rows.values_list("subject_id", "n"))


class StoryListing(models.Model):
    """Derived rows that make every region, byline and photo-credit list one index scan.

    One row per story and per region it is about (with that region's city and
    province, and the regions that later took its area over, ``inherited``), per
    byline contributor and per photo contributor, carrying the
    story's publication time. "Newest stories of 柯城区" is then a range scan of
    one index, whatever the size of the archive. Never edited by hand: rebuilt
    from the story by ``archive.editorial.listings.refresh`` on every write path, or in
    full by ``manage.py rebuild_listings``. Public queries still check the
    story's own status, so a stale row can hide a story but never leak one.
    """

    class Facet(models.IntegerChoices):
        REGION = 1, "地区"
        BYLINE = 2, "署名"
        PHOTO = 3, "图片署名"

    facet = models.PositiveSmallIntegerField(choices=Facet.choices)
    subject_id = models.BigIntegerField(help_text="Region id or contributor id, by facet.")
    article = models.ForeignKey(
        "archive.Article", on_delete=models.CASCADE, related_name="listings", db_index=False
    )
    published_at = models.DateTimeField(null=True)
    # A region row the story has because its region's area was taken over by this one
    # (a 江干区 story on 上城区's list), not because it was filed under it.
    inherited = models.BooleanField(default=False)

    objects = StoryListingQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "列表索引"
        constraints = [
            models.UniqueConstraint(
                fields=["article", "facet", "subject_id"], name="listing_once_per_subject"
            ),
        ]
        indexes = [
            models.Index(
                fields=["facet", "subject_id", "-published_at", "-article"],
                name="listing_newest_idx",
            ),
        ]

    def __str__(self):
        return f"{self.get_facet_display()} {self.subject_id}: {self.article_id}"
