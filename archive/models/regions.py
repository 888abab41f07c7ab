from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse

from archive.text.folding import fold


def _ascii_field(typed: str) -> str:
    """What a reader's ASCII input names: digits a code, letters a pinyin slug."""
    return "code" if typed.isdigit() else "slug"


class RegionQuerySet(models.QuerySet):
    def cities(self):
        return self.filter(level=Region.Level.CITY)

    def counties(self):
        return self.filter(level=Region.Level.COUNTY)

    def named(self, value: str) -> "RegionQuerySet":
        """The regions a reader means by ``value``: a six-digit code, a pinyin slug, or
        a full or short Chinese name (柯城区, 柯城; Traditional or full-width input
        folded, 柯城區). Several when regions share the name, none when nothing fits."""
        value = (value or "").strip()
        folded = fold(value)
        if not folded:
            return self.none()
        if folded.isascii():
            return self.filter(**{_ascii_field(folded): folded})
        names = {value, folded}
        return self.filter(Q(name__in=names) | Q(short_name__in=names))

    def suggested(self, value: str) -> "RegionQuerySet":
        """Regions whose name, short name, pinyin slug or code begins with what the
        reader has typed so far (folded as ``named`` folds it), in code order."""
        folded = fold((value or "").strip())
        if not folded:
            return self.none()
        if folded.isascii():
            return self.filter(**{f"{_ascii_field(folded)}__startswith": folded}).order_by("code")
        return self.filter(Q(name__startswith=folded) | Q(short_name__startswith=folded)).order_by(
            "code"
        )

    def lookup(self, value: str):
        """The one region ``value`` names (``named``), or None: unknown or ambiguous."""
        found = list(self.named(value)[:2])
        return found[0] if len(found) == 1 else None

    def tree(self) -> list["Region"]:
        """These regions as a tree, in code order, in one query: those whose parent is
        not among them, each region with its ``subregions`` (a list)."""
        regions = list(self.order_by("code"))
        below: dict[int | None, list[Region]] = {region.pk: [] for region in regions}
        roots = []
        for region in regions:
            region.subregions = below[region.pk]
            below.get(region.parent_id, roots).append(region)
        return roots

    def ancestors(self) -> dict[int, list[int]]:
        """Each region's id with the ids of itself and every region containing it, as
        its code says (a county's city and province share its leading digits)."""
        regions = list(self.model.objects.values_list("id", "code", "level"))
        by_code = {code: pk for pk, code, _ in regions}
        prefixes = {
            Region.Level.PROVINCE: (2,),
            Region.Level.CITY: (2, 4),
            Region.Level.COUNTY: (2, 4),
        }
        found = {}
        for pk, code, level in regions:
            above = {pk}
            for length in prefixes[level]:
                parent = by_code.get(code[:length].ljust(6, "0"))
                if parent:
                    above.add(parent)
            found[pk] = sorted(above)
        return found


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
