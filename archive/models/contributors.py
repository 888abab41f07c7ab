from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from archive.text import pinyin
from archive.text.folding import fold

from .fields import TidyCharField
from .listings import StoryListing
from .slugs import unique_slug
from .visibility import public


class ContributorQuerySet(models.QuerySet):
    def public(self) -> "ContributorQuerySet":
        """Contributors the public may know of: credited (byline or photo) on at least
        one public story. A name on drafts, withdrawn or scheduled stories only is
        nowhere public: no page, feed, filter or suggestion (``visibility``).

        The listing rows are asked to be up to now too, as the lists ask them
        (``Article.objects.bylined``): a probe then starts at the newest public credit
        instead of stepping through drafts and scheduled stories (a letter of the
        contributors' index at a million stories: 20 ms, not 210)."""
        credited = StoryListing.objects.filter(
            public("article__"),
            facet__in=[StoryListing.Facet.BYLINE, StoryListing.Facet.PHOTO],
            subject_id=OuterRef("pk"),
            published_at__lte=timezone.now(),
        )
        return self.filter(Exists(credited))

    def by_pinyin(self):
        return self.order_by("sort_key", "pk")

    def named(self, value: str) -> "ContributorQuerySet":
        """The contributors a reader means by ``value``: a slug (zheng-chen) or a name
        (郑晨; Traditional or full-width input folded), oldest record first. Several
        when namesakes share it."""
        value = (value or "").strip()
        folded = fold(value)
        if not folded:
            return self.none()
        return self.filter(Q(slug=folded) | Q(name__in={value, folded})).order_by("pk")


class Contributor(models.Model):
    """A person or an organisation credited for text or photos.

    Names are not unique: two reporters may share one. The slug tells them apart.
    """

    class Kind(models.TextChoices):
        PERSON = "person", "个人"
        ORGANISATION = "organisation", "机构"

    name = TidyCharField("姓名/名称", max_length=100)
    kind = models.CharField("类型", max_length=20, choices=Kind.choices, default=Kind.PERSON)
    description = TidyCharField(
        "说明",
        max_length=200,
        blank=True,
        help_text="用于区分同名者，例如“衢州日报记者”。",
    )
    slug = models.SlugField("拼音标识", max_length=120, unique=True, blank=True)
    sort_key = models.CharField("拼音排序键", max_length=300, blank=True, editable=False)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("修改时间", auto_now=True)

    objects = ContributorQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "作者/供稿方"
        verbose_name_plural = "作者/供稿方"
        ordering = ["sort_key", "pk"]
        indexes = [
            models.Index(fields=["sort_key", "id"], name="contributor_pinyin_idx"),
            # Readers name authors: /stories/?author=郑晨, and the importer's namesakes.
            models.Index(fields=["name", "id"], name="contributor_name_idx"),
        ]

    def __str__(self):
        return f"{self.name}（{self.description}）" if self.description else self.name

    def save(self, *args, **kwargs):
        self.sort_key = pinyin.sort_key(self.name, person=self.is_person)
        if not self.slug:
            self.slug = unique_slug(Contributor, pinyin.slugify(self.name, person=self.is_person))
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("archive:contributor_detail", args=[self.slug])

    @property
    def is_person(self) -> bool:
        return self.kind == self.Kind.PERSON
