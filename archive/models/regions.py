"""The gazetteer: every division of China since 1980, its names over time, its
parents and its successors (``archive/gazetteer/``, loaded by migration 0017)."""

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import connection, models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from archive.reversing import url_for
from archive.text.folding import fold


def _ascii_field(typed: str) -> str:
    """What a reader's ASCII input names: digits a code, letters a pinyin slug."""
    return "code" if typed.isdigit() else "slug"


# The first yearly list of codes: a division in it may be much older, and stories printed
# earlier are filed under the divisions of that list.
FIRST_LIST = 1981


def in_list_of(year: int, first: int, last: int | None) -> bool:
    """Whether a division listed ``first``–``last`` is in the list of ``year`` (the
    first list's, for a year before it)."""
    year = max(year, FIRST_LIST)
    return first <= year and (last is None or year <= last)


def home_province_code() -> str:
    return settings.ARCHIVE_HOME_PROVINCE


class RegionQuerySet(models.QuerySet):
    def cities(self):
        return self.filter(level=Region.Level.CITY)

    def counties(self):
        return self.filter(level=Region.Level.COUNTY)

    def provinces(self):
        return self.filter(level=Region.Level.PROVINCE)

    def current(self):
        """Divisions in use today."""
        return self.filter(last_year__isnull=True)

    def valid_in(self, year: int):
        """Divisions whose code and name were in the lists of ``year`` (a division is
        valid for part of its first and last year: the data has years, not days); before
        1981, those of the first list."""
        year = max(year, FIRST_LIST)
        return self.filter(Q(last_year__isnull=True) | Q(last_year__gte=year), first_year__lte=year)

    def within(self, province: "Region"):
        """``province`` and the divisions under it, at any time (their codes begin with
        its two digits; the few that moved province are under their last one)."""
        return self.filter(code__startswith=province.code[:2])

    def home_province(self) -> "Region | None":
        return self.current().filter(code=home_province_code()).first()

    def by_code(self, code: str, *, year: int | None = None) -> "Region | None":
        """The division ``code`` names in ``year`` (``coded``)."""
        return self.coded([code], year=year).get(code)

    def coded(self, codes, *, year: int | None = None) -> dict[str, "Region"]:
        """The division each code names in ``year``, in one query: a code reused for
        another place (330502: 城区 1983–1988, 吴兴区 since 2003) names the one valid
        then, else the newest."""
        found: dict[str, Region] = {}
        for region in self.filter(code__in=list(codes)).order_by("code", "-first_year"):
            held = found.get(region.code)
            if held is None or (
                year is not None and region.valid_in_year(year) and not held.valid_in_year(year)
            ):
                found[region.code] = region
        return found

    def named(self, value: str) -> "RegionQuerySet":
        """The regions a reader means by ``value``: a six-digit code, a pinyin slug, or
        a full or short Chinese name, today's or a former one (柯城区, 柯城, 江干区,
        萧山市; Traditional or full-width input folded, 柯城區). Full names win over
        short ones. Several when regions share the name, none when nothing fits."""
        value = (value or "").strip()
        folded = fold(value)
        if not folded:
            return self.none()
        if folded.isascii():
            return self.filter(**{_ascii_field(folded): folded})
        names = {value, folded}
        full = RegionName.objects.filter(region=OuterRef("pk"), name__in=names)
        short = RegionName.objects.filter(region=OuterRef("pk"), short_name__in=names)
        by_full = self.filter(Exists(full))
        return by_full if by_full.exists() else self.filter(Exists(short))

    def suggested(self, value: str) -> "RegionQuerySet":
        """Regions whose name (today's or a former one), short name, pinyin slug or code
        begins with what the reader has typed so far (folded as ``named`` folds it):
        today's divisions first, then in code order."""
        folded = fold((value or "").strip())
        if not folded:
            return self.none()
        if folded.isascii():
            found = self.filter(**{f"{_ascii_field(folded)}__startswith": folded})
        else:
            names = RegionName.objects.filter(
                Q(name__startswith=folded) | Q(short_name__startswith=folded),
                region=OuterRef("pk"),
            )
            found = self.filter(Exists(names))
        return found.order_by(models.F("last_year").desc(nulls_first=True), "code", "first_year")

    def lookup(self, value: str):
        """The one region ``value`` names (``named`` and ``Region.chosen``), or None:
        unknown or ambiguous."""
        return Region.chosen(list(self.named(value)[:20]))

    def tree(self) -> list["Region"]:
        """These regions as a tree, in code order, in one query: those whose parent is
        not among them, each region with its ``subregions`` (a list)."""
        regions = list(self.order_by("code", "first_year"))
        below: dict[int | None, list[Region]] = {region.pk: [] for region in regions}
        roots = []
        for region in regions:
            region.subregions = below[region.pk]
            below.get(region.parent_id, roots).append(region)
        return roots

    def ancestors(self) -> dict[int, list[int]]:
        """Each region's id with the ids of itself and every region containing it, by
        its parent (the one it had last: a county under a 地区 stays under it)."""
        parents = dict(self.model.objects.values_list("id", "parent_id"))
        found = {}
        for pk in parents:
            above, at = [], pk
            while at is not None and at not in above:
                above.append(at)
                at = parents.get(at)
            found[pk] = sorted(above)
        return found

    def placement(self) -> "Placement":
        """Where a story filed under each region is listed, for any number of stories.
        Kept per process while the gazetteer's rows are the same ones (two small
        aggregate queries tell): every write needs it, and reading 6,491 regions and
        4,050 links for each was most of a story save's time."""
        stamp = (
            tuple(Region.objects.aggregate(n=models.Count("id"), top=models.Max("id")).values()),
            tuple(
                RegionSuccession.objects.aggregate(
                    n=models.Count("id"), top=models.Max("id")
                ).values()
            ),
        )
        if _PLACEMENT.get("stamp") != stamp:
            _PLACEMENT.update(stamp=stamp, placement=Placement(self.ancestors(), self.heirs()))
        return _PLACEMENT["placement"]

    def heirs(self) -> dict[int, set[int]]:
        """Each region that ended with its area taken over whole, with the regions that
        took it over, directly or down a chain (萧山县 → 萧山市 → 萧山市 → 萧山区); a
        part of the area moving while the region lived on is not a takeover."""
        direct: dict[int, set[int]] = {}
        for before, after in RegionSuccession.objects.filter(partial=False).values_list(
            "predecessor_id", "successor_id"
        ):
            direct.setdefault(before, set()).add(after)
        found = {}
        for start in direct:
            seen, pending = set(), list(direct[start])
            while pending:
                at = pending.pop()
                if at not in seen and at != start:
                    seen.add(at)
                    pending.extend(direct.get(at, ()))
            found[start] = seen
        return found


_PLACEMENT: dict = {}  # the last stamp and its Placement (``RegionQuerySet.placement``)


class Placement:
    """Where a story filed under a region is listed: under the region and every region
    containing it (``filed``), and under the regions that later took its area over,
    with theirs (``inherited``: a 2015 江干区 story is on 上城区's and 钱塘区's lists,
    marked as printed under 江干区)."""

    def __init__(self, ancestors: dict[int, list[int]], heirs: dict[int, set[int]]):
        self.ancestors, self.heirs = ancestors, heirs

    def filed(self, region_id: int) -> list[int]:
        return self.ancestors[region_id]

    def inherited(self, region_id: int) -> set[int]:
        found = set()
        for heir in self.heirs.get(region_id, ()):
            found.update(self.ancestors[heir])
        return found - set(self.ancestors[region_id])

    def rows(self, region_ids) -> list[tuple[int, bool]]:
        """(region id, inherited) for a story filed under ``region_ids``: a region it
        is filed under is never also inherited."""
        filed = {a for r in region_ids for a in self.filed(r)}
        inherited = {a for r in region_ids for a in self.inherited(r)} - filed
        return sorted([(r, False) for r in filed] + [(r, True) for r in inherited])


# ``%s`` and the regions whose area it took over, whole, directly or down a chain: one
# query however long the chain (a recursive CTE, on PostgreSQL and SQLite alike).
PREDECESSORS_OR_SELF_SQL = """
WITH RECURSIVE before(id) AS (
    SELECT CAST(%s AS BIGINT)
    UNION
    SELECT s.predecessor_id FROM archive_regionsuccession s JOIN before b ON s.successor_id = b.id
     WHERE NOT s.partial
)
SELECT id FROM before
"""


class Region(models.Model):
    """A division of GB/T 2260 (province, prefecture-level or county-level), with the
    years its code was in use. A code that only changed its name is one region with
    its names over time (``names``); a code later reused for another place is two."""

    class Level(models.TextChoices):
        PROVINCE = "province", "省级"
        CITY = "city", "地级"
        COUNTY = "county", "县级"

    code = models.CharField(
        "行政区划代码",
        max_length=6,
        validators=[RegexValidator(r"^\d{6}$", "行政区划代码是六位数字。")],
    )
    name = models.CharField("全称", max_length=50, help_text="今名，或撤销前最后的名称。")
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
    slug = models.SlugField("拼音", max_length=80, unique=True)
    first_year = models.PositiveSmallIntegerField("启用年份", default=1980)
    last_year = models.PositiveSmallIntegerField(
        "撤销年份", null=True, blank=True, help_text="留空表示仍在使用。"
    )

    objects = RegionQuerySet.as_manager()

    class Meta:
        verbose_name = "地区"
        verbose_name_plural = "地区"
        ordering = ["code", "first_year"]
        constraints = [
            models.UniqueConstraint(fields=["code", "first_year"], name="region_code_once_a_year"),
        ]
        indexes = [
            models.Index(fields=["parent", "code"], name="region_parent_idx"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return url_for("archive:region_detail", self.slug)

    @property
    def is_current(self) -> bool:
        return self.last_year is None

    @property
    def period(self) -> str:
        """1983–2021, 1983– while in use; a division already in the first list of 1981
        may be older: –1987, or nothing while in use."""
        if self.first_year <= FIRST_LIST:
            return f"–{self.last_year}" if self.last_year else ""
        return f"{self.first_year}–{self.last_year or ''}"

    @property
    def kind(self) -> str:
        """The division's type as a reader names it (区, 县, 县级市, 自治县, 旗, 地级市, 地区,
        自治州, 盟, 省, 自治区, 直辖市…), told by its level and the end of its name; the
        level (县级) for a name that ends otherwise."""
        if self.name in _KIND_BY_NAME:
            return _KIND_BY_NAME[self.name]
        for ending, kind in _KIND_BY_ENDING.get(self.level, ()):
            # A name that is only the ending names a district (工农区 of 鹤岗, 矿区, 郊区).
            if self.name.endswith(ending) and len(self.name) > len(ending):
                return kind
        return self.get_level_display()

    @property
    def enclosing(self) -> list["Region"]:
        """The regions containing this one, the province first (浙江省, 衢州市 for 柯城区;
        湖北省 for 仙桃市, which no city stands between): from the parents already
        fetched (``select_related("parent__parent")``), else a query each."""
        found, at = [], self
        while at.parent_id is not None:
            at = at.parent
            found.append(at)
        return found[::-1]

    @property
    def label(self) -> str:
        """The name with its parent and period, as editors and readers choose it:
        江干区（杭州市，1983–2021）, 柯城区（衢州市，1985–）, 萧山县（杭州市，–1987）,
        东城区（北京市）."""
        within = [self.parent.name] if self.parent_id and self.parent else []
        if self.period:
            within.append(self.period)
        return f"{self.name}（{'，'.join(within)}）" if within else self.name

    def valid_in_year(self, year: int) -> bool:
        return in_list_of(year, self.first_year, self.last_year)

    def valid_on(self, day) -> bool:
        return self.valid_in_year((day or timezone.localdate()).year)

    def predecessor_ids(self) -> list[int]:
        """The regions whose area this one took over whole (``heirs`` turned round)."""
        with connection.cursor() as cursor:
            cursor.execute(PREDECESSORS_OR_SELF_SQL, [self.pk])
            return [pk for (pk,) in cursor.fetchall() if pk != self.pk]

    @staticmethod
    def chosen(found: list["Region"]) -> "Region | None":
        """The one region meant among ``found`` (what a name matched), or None for the
        reader to choose: the only one; else the one that took over all the others'
        areas (萧山 names 萧山区, whose list shows 萧山市's and 萧山县's stories too);
        else the only one in use today among former namesakes (衢州: 衢州市, not the
        county-level 衢州市 of 1981–1985, which the page offers beside it). Several in
        use today (鼓楼区, 朝阳区, 郊区) are always a choice."""
        if len(found) == 1:
            return found[0]
        others = {r.pk for r in found}
        for region in sorted(found, key=lambda r: (not r.is_current, -r.first_year)):
            if others - {region.pk} <= set(region.predecessor_ids()):
                return region
        current = [r for r in found if r.is_current]
        return current[0] if len(current) == 1 else None


# Every ending of the gazetteer's names (1980–2025) at each level, an ending before
# those it ends with (自治县 before 县). A county-level 市 is a 县级市 under a 地区 too
# (邯郸市 of 邯郸地区, –1983), or directly under its province (仙桃市).
_KIND_BY_ENDING = {
    Region.Level.PROVINCE: [
        ("特别行政区", "特别行政区"),
        ("自治区", "自治区"),
        ("省", "省"),
        ("市", "直辖市"),
    ],
    Region.Level.CITY: [
        ("自治州", "自治州"),
        ("行政区", "行政区"),  # 海南行政区 (–1988)
        ("地区", "地区"),
        ("盟", "盟"),
        ("市", "地级市"),
    ],
    Region.Level.COUNTY: [
        ("自治县", "自治县"),
        ("县", "县"),
        ("自治旗", "自治旗"),
        ("旗", "旗"),
        ("市", "县级市"),
        ("特区", "特区"),  # 六枝特区, 盘县特区, 万山特区
        ("工农区", "工农区"),  # 金口河工农区 and two more in 四川 (–1993)
        ("工矿区", "工矿区"),  # 古交工矿区 (–1988)
        ("区", "区"),  # 市辖区, and the districts named 矿区 (井陉矿区) or 新区 (浦东新区)
        ("镇", "县级镇"),  # 畹町镇 (–1985)
        ("群岛", "群岛"),  # 西沙群岛, 南沙群岛
        ("海域", "群岛"),  # 中沙群岛的岛礁及其海域
    ],
}
# The one 林区: 碑林区, 万柏林区, 西林区, 金林区 and 北林区 are districts.
_KIND_BY_NAME = {"神农架林区": "林区"}


class RegionName(models.Model):
    """One name of a region and the years it was in use, with the parent it had then."""

    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="names")
    name = models.CharField("名称", max_length=50, db_index=True)
    short_name = models.CharField("简称", max_length=20, db_index=True)
    first_year = models.PositiveSmallIntegerField("启用年份")
    last_year = models.PositiveSmallIntegerField("停用年份", null=True, blank=True)
    parent = models.ForeignKey(
        Region,
        verbose_name="上级",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )

    class Meta:
        verbose_name = "地区名称"
        verbose_name_plural = "地区名称"
        ordering = ["region", "first_year"]

    def __str__(self):
        return f"{self.name}（{self.period}）" if self.period else self.name

    period = Region.period


class RegionSuccession(models.Model):
    """Part or all of ``predecessor``'s area went to ``successor`` in ``year``, by the
    approval document where known. ``partial``: the predecessor lived on."""

    predecessor = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="successions")
    successor = models.ForeignKey(
        Region, on_delete=models.CASCADE, related_name="precessions", db_index=False
    )
    year = models.PositiveSmallIntegerField("年份")
    partial = models.BooleanField("部分划出", default=False)
    document = models.CharField("批准文号", max_length=60, blank=True)
    document_date = models.CharField("批准日期", max_length=30, blank=True)

    class Meta:
        verbose_name = "沿革"
        verbose_name_plural = "沿革"
        ordering = ["year", "successor__code"]
        indexes = [models.Index(fields=["successor", "year"], name="succession_successor_idx")]

    def __str__(self):
        return f"{self.predecessor} → {self.successor}（{self.year}）"

    @property
    def document_text(self) -> str:
        """（浙政发〔2021〕7号，2021年3月11日）, or nothing where unknown."""
        parts = [p for p in (self.document, self.document_date) if p]
        return f"（{'，'.join(parts)}）" if parts else ""

    @property
    def document_clause(self) -> str:
        """，依据浙政发〔2021〕7号（2021年3月11日）: the document as a sentence's end,
        which needs no brackets round numbers that have their own ((83)国函字243号)."""
        number = f"依据{self.document}" if self.document else ""
        date = f"（{self.document_date}）" if self.document_date else ""
        return f"，{number}{date}" if number or date else ""
