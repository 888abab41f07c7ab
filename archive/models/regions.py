from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Count
from django.urls import reverse


class RegionQuerySet(models.QuerySet):
    def cities(self):
        return self.filter(level=Region.Level.CITY)

    def counties(self):
        return self.filter(level=Region.Level.COUNTY)

    def gazetteer(self):
        """These regions, with their townships, as the page importer's gazetteer."""
        from archive.ingest.places import Gazetteer

        return Gazetteer.load(self.order_by("code").values_list("code", "name", "short_name"))

    def lookup(self, value: str):
        """The region named by a six-digit code or a slug, or None."""
        value = (value or "").strip().lower()
        if not value:
            return None
        field = "code" if value.isdigit() else "slug"
        return self.filter(**{field: value}).first()

    def story_counts(self) -> dict[str, int]:
        """Public stories per region code; a city or the province counts its counties' too.

        One grouped scan of the listing index: callers cache it (archive.counts).
        """
        from django.utils import timezone

        from .articles import Article
        from .listings import StoryListing

        rows = (
            StoryListing.objects.filter(
                facet=StoryListing.Facet.REGION,
                published_at__lte=timezone.now(),
                article__status=Article.Status.PUBLISHED,
            )
            .values("subject_id")
            .annotate(n=Count("*"))
            .values_list("subject_id", "n")
        )
        codes = dict(self.values_list("pk", "code"))
        return {codes[pk]: n for pk, n in rows if pk in codes}


class Region(models.Model):
    """A division of GB/T 2260: province, prefecture-level city or county-level division."""

    class Level(models.TextChoices):
        PROVINCE = "province", "省"
        CITY = "city", "地级市"
        COUNTY = "county", "区/县/县级市"

    code = models.CharField(
        "行政区划代码",
        max_length=6,
        unique=True,
        validators=[RegexValidator(r"^\d{6}$", "行政区划代码是六位数字。")],
    )
    name = models.CharField("全称", max_length=50)
    short_name = models.CharField("简称", max_length=20)
    level = models.CharField("级别", max_length=10, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name="上级",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    slug = models.SlugField("拼音", max_length=50, unique=True)

    objects = RegionQuerySet.as_manager()

    class Meta:
        verbose_name = "地区"
        verbose_name_plural = "地区"
        ordering = ["code"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("archive:region_detail", args=[self.slug])
