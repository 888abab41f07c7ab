import datetime
from collections import Counter

from django.db import models
from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from .visibility import Status


class StoryListingQuerySet(models.QuerySet):
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


# The tally's month for a story counted before the month it was tallied in: any date
# before every month the site will read counts in.
PAST = datetime.date.min


def month_start(moment: datetime.datetime) -> datetime.datetime:
    """The first instant of ``moment``'s month, in UTC (the tally's periods are UTC's)."""
    moment = moment.astimezone(datetime.UTC)
    return moment.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def tally_periods(
    published_at: datetime.datetime, now: datetime.datetime
) -> tuple[datetime.date, datetime.date | None]:
    """The month and the day (UTC) a story published at ``published_at`` is tallied
    under at ``now``. Before this month: ``PAST`` and no day, so past months fold into
    one row per subject and a read sums a few rows per subject, not one per month of
    the archive (at a million stories, 520 regions × 885 months: 400,000 rows). This
    month or later (it may be scheduled): its month, and its day, so that a read
    counts from the stories themselves only today's (a month's, 2,000 at a million,
    took 209 ms with cold caches: one listing probe each)."""
    start = month_start(published_at)
    if start < month_start(now):
        return PAST, None
    return start.date(), published_at.astimezone(datetime.UTC).date()


class PublicTallyQuerySet(models.QuerySet):
    def public_counts(self, facet) -> dict[int, int]:
        """Public stories per subject of ``facet`` (a ``PublicTally.Facet``), exactly:
        the tally's months before this one and its days of this month before today
        (the stories in them are published and their time has passed), plus today's
        public stories, counted from the stories themselves (a short range of
        ``article_status_newest_idx``); later periods hold scheduled stories, not yet
        public. One query, so all parts read one snapshot. Subjects with no public
        story are left out."""
        # The story model through the listing's key: models/articles imports this module.
        Article = StoryListing._meta.get_field("article").related_model

        now = timezone.now()
        start = month_start(now)
        today = now.astimezone(datetime.UTC).replace(hour=0, minute=0, second=0, microsecond=0)
        tallied = (
            self.filter(
                Q(daily=False, period__lt=start.date())
                | Q(daily=True, period__gte=start.date(), period__lt=today.date()),
                facet=facet,
            )
            .values("subject_id")
            .annotate(total=Sum("n"))
            .values_list("subject_id", "total")
            .order_by()
        )
        recent = {"status": Status.PUBLISHED, "published_at__gte": today, "published_at__lte": now}
        if facet == PublicTally.Facet.SECTION:
            exact = (
                Article.objects.filter(**recent)
                .values("section_id")
                .annotate(total=Count("*"))
                .values_list(Coalesce("section_id", 0), "total")
                .order_by()
            )
        else:
            exact = (
                StoryListing.objects.filter(
                    facet=facet, **{f"article__{name}": value for name, value in recent.items()}
                )
                .values("subject_id")
                .annotate(total=Count("*"))
                .values_list("subject_id", "total")
                .order_by()
            )
        counts = Counter()
        for subject_id, n in tallied.union(exact, all=True):
            counts[subject_id] += n
        return {subject_id: n for subject_id, n in counts.items() if n}


class PublicTally(models.Model):
    """How many listing rows of published stories each subject has, by month and, for
    this month on, by day: the public counts without a scan of the archive
    (``PublicTally.objects.public_counts``).

    ``n`` counts the ``StoryListing`` rows of ``facet`` and ``subject_id`` whose story
    is published (scheduled ones too) and tallied in ``period`` (``tally_periods``;
    ``daily``: a day, else a month), and, for ``SECTION``, the stories themselves by
    section (subject 0: no section; all sections together are every story). A story
    tallied with a day is in both its month's row and its day's; day rows of months
    gone by are no longer read. Which stories are in it and where is
    ``TalliedStory``. Never edited by hand: ``archive.editorial.listings`` moves it
    with every listing row it writes or deletes, in the same transaction, and
    ``listings.rebuild_tally`` builds it whole.
    """

    class Facet(models.IntegerChoices):
        # The listing facets' own numbers, so listing rows copy straight in.
        REGION = 1, "地区"
        SECTION = 4, "栏目"

    facet = models.PositiveSmallIntegerField(choices=Facet.choices)
    subject_id = models.BigIntegerField(help_text="Region id, or section id (0: none).")
    daily = models.BooleanField(default=False)
    period = models.DateField(help_text="The day, or the month's first (UTC), or PAST.")
    n = models.IntegerField(default=0)

    objects = PublicTallyQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "公开计数"
        constraints = [
            # In this order, each part of a read is one range of it.
            models.UniqueConstraint(
                fields=["facet", "daily", "period", "subject_id"], name="tally_once_per_period"
            ),
        ]

    def __str__(self):
        return f"{self.get_facet_display()} {self.subject_id} {self.period}: {self.n}"


class TalliedStory(models.Model):
    """A story ``PublicTally`` counts, and where: its month, day and section as tallied,
    so the rows taken out when it changes or goes are exactly the rows put in (its
    listing rows of the tallied facets, and itself under its section)."""

    article = models.OneToOneField(
        "archive.Article", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    month = models.DateField()
    day = models.DateField(null=True)
    section = models.BigIntegerField(help_text="Section id, 0: none.")

    class Meta:
        verbose_name = verbose_name_plural = "已计数报道"

    def __str__(self):
        return f"{self.article_id} {self.month}"
