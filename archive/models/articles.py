import datetime
import functools
import operator
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import connections, models
from django.db.models import Exists, F, OuterRef, Prefetch, Q, Value
from django.db.models.functions import Left, StrIndex
from django.db.models.query import ModelIterable
from django.utils import timezone
from simple_history.models import HistoricalRecords

from archive.reversing import url_for
from archive.text import body, pinyin

from .contributors import Contributor
from .fields import TidyCharField, TidyTextField
from .listings import StoryListing
from .regions import Region
from .rows import any_of, columns, hand_cursor, prefetched, split, table
from .search import indexed_match_count, indexed_matches
from .slugs import unique_slug
from .uploads import normalised_photo, validate_photo
from .visibility import Status, public


class SectionQuerySet(models.QuerySet):
    def public(self) -> "SectionQuerySet":
        """Sections the public may know of: holding at least one public story."""
        return self.filter(Exists(Article.objects.published().filter(section=OuterRef("pk"))))


class Section(models.Model):
    """A column of the paper (栏目), e.g. 经济大省挑大梁."""

    name = TidyCharField("栏目名称", max_length=100, unique=True)
    slug = models.SlugField(
        "拼音标识",
        max_length=200,
        unique=True,
        blank=True,
        help_text="留空则按拼音自动生成。",
    )
    description = TidyTextField("简介", blank=True)

    objects = SectionQuerySet.as_manager()

    class Meta:
        verbose_name = "栏目"
        verbose_name_plural = "栏目"
        ordering = ["slug"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(Section, pinyin.slugify(self.name))
        super().save(*args, **kwargs)


_SEARCH_AT = "search_at_{}"  # where a search term first occurs in the story's document
_TITLE_AT = "title_at_{}"  # where it first occurs in the document's title part


def _listing_prefetches() -> list[Prefetch]:
    return [
        Prefetch("credits", queryset=Credit.objects.select_related("contributor")),
        Prefetch(
            "article_regions",
            queryset=ArticleRegion.objects.select_related("region").order_by(
                "-is_primary", "region__code"
            ),
        ),
    ]


def prefetch_search_results(articles: list) -> None:
    """What a search result shows besides the story's own row (read with its section):
    credits, regions, and the captions snippets quote. Applied once to the page's
    stories, after paging, since a page may be read from several queries."""
    if articles:
        attach_bylines_and_regions(articles, articles[0]._state.db)
    models.prefetch_related_objects(
        articles, Prefetch("photos", queryset=Photo.objects.only("article_id", "caption", "order"))
    )


def attach_bylines_and_regions(stories: list, using: str) -> None:
    """Give each of ``stories`` its bylines (credits with their contributors, in order)
    and its regions, as ``prefetch_related(*_listing_prefetches())`` gives them, in two
    statements written once (``archive.models.rows``): for a list page's 20 stories the
    prefetch's own machinery cost more than its queries (``tests/test_story_list.py``
    holds the two alike)."""
    if not stories:
        return
    connection = connections[using]
    bylines = {story.pk: [] for story in stories}
    with hand_cursor(connection) as cursor:
        where, params = any_of(connection, "c.article_id", list(bylines))
        cursor.execute(_bylines_sql().format(where=where), params)
        for row in cursor.fetchall():
            credit, contributor, _ = split(connection, row, Credit, Contributor)
            credit.contributor = contributor
            bylines[credit.article_id].append(credit)
        attach_regions(stories, connection, cursor)
    for story in stories:
        prefetched(story, "credits", bylines[story.pk])


def attach_regions(stories: list, connection, cursor) -> None:
    """Give each of ``stories`` its regions, the primary first, then by code (as
    ``_listing_prefetches`` orders them), read on ``cursor``."""
    regions = {story.pk: [] for story in stories}
    where, params = any_of(connection, "l.article_id", list(regions))
    cursor.execute(_regions_sql().format(where=where), params)
    for row in cursor.fetchall():
        link, region, _ = split(connection, row, ArticleRegion, Region)
        link.region = region
        regions[link.article_id].append(link)
    for story in stories:
        prefetched(story, "article_regions", regions[story.pk])


@functools.cache
def _bylines_sql() -> str:
    return (
        f"SELECT {columns(Credit, 'c')}, {columns(Contributor, 'k')}"
        f" FROM {table(Credit)} c JOIN {table(Contributor)} k ON k.id = c.contributor_id"
        ' WHERE {where} ORDER BY c."order", c.id'
    )


@functools.cache
def _regions_sql() -> str:
    return (
        f"SELECT {columns(ArticleRegion, 'l')}, {columns(Region, 'r')}"
        f" FROM {table(ArticleRegion)} l JOIN {table(Region)} r ON r.id = l.region_id"
        " WHERE {where} ORDER BY l.is_primary DESC, r.code"
    )


class ListingIterable(ModelIterable):
    """A list's stories, each given its bylines and regions once all are read."""

    def __iter__(self):
        stories = list(super().__iter__())
        attach_bylines_and_regions(stories, self.queryset.db)
        yield from stories


class ArticleQuerySet(models.QuerySet):
    def published(self):
        """The stories the public may see (``archive.models.visibility``)."""
        return self.filter(public())

    def scheduled(self):
        """Published stories whose time has not come yet."""
        return self.filter(status=Status.PUBLISHED, published_at__gt=timezone.now())

    def newest_first(self):
        return self.order_by("-published_at", "-id")

    def for_listing(self):
        """Everything a story list shows, in a fixed number of queries; no body text."""
        listing = self.select_related("section").defer("body", "lede")
        listing._iterable_class = ListingIterable
        return listing

    def for_reading(self):
        """A listing plus body and photos with their credits: what a story page shows."""
        return self.select_related("section").prefetch_related(
            *_listing_prefetches(),
            Prefetch(
                "photos",
                queryset=Photo.objects.prefetch_related(
                    Prefetch("credits", queryset=Credit.objects.select_related("contributor"))
                ),
            ),
        )

    def matching(self, query, *, indexed: bool = True, place: Region | None = None):
        """Stories whose text contains every term of ``query`` (an ``archive.search.terms.Query``).

        The text is the story's ``SearchDocument``: title fields, region names, lede,
        body, captions and contributors' names. The substring check, on every
        database, decides; on PostgreSQL, ``indexed`` adds the bigram index condition
        that lets the planner find rare terms without reading every story. ``place``,
        the region the queryset is already limited to, narrows that index condition
        to the region's stories (it filters nothing the queryset keeps).
        """
        if not query:
            return self
        if indexed and self.index_decides(query):
            # No document is read, where a check reads and decompresses one per story
            # the index offers.
            return self.offered(query, place=place)
        queryset = self
        if _SEARCH_AT.format(0) not in self.query.annotations:
            queryset = self._containing("search_document__document", query, _SEARCH_AT)
        return queryset.offered(query, place=place) if indexed else queryset

    def _containing(self, text, query, names: str):
        """Stories whose ``text`` contains every term of ``query``, where each first
        occurs there aliased as ``names.format(i)``."""
        positions = {
            names.format(i): StrIndex(text, Value(term)) for i, term in enumerate(query.terms)
        }
        return self.alias(**positions).filter(**{f"{n}__gt": 0 for n in positions})

    def index_decides(self, query) -> bool:
        """Whether the stories the index offers for ``query`` all match it, with no
        substring check (``Query.exact``, and the index is PostgreSQL's)."""
        return query.exact and connections[self.db].vendor == "postgresql"

    def offered(self, query, *, title: bool = False, place: Region | None = None):
        """Stories the bigram index offers for ``query`` (on PostgreSQL; elsewhere all):
        every story containing it, and rarely one holding its bigrams apart, so only
        ``matching`` decides. ``title`` asks the index of the title part alone."""
        if not query or connections[self.db].vendor != "postgresql":
            return self
        tsquery = query.tsquery(place=place and place.pk)
        return self.filter(pk__in=indexed_matches(tsquery, title=title))

    def offers_at_least(self, query, n: int, *, title: bool = False) -> bool:
        """Whether the index (its title part, with ``title``) offers ``n`` stories or
        more for ``query`` (on PostgreSQL; elsewhere False), whatever this queryset's
        filters."""
        if connections[self.db].vendor != "postgresql":
            return False
        return indexed_match_count(query.tsquery(), title=title, at_most=n, using=self.db) >= n

    def in_title(self, query, *, indexed: bool = True, place: Region | None = None):
        """Matching stories with every term in the title part: kicker, headline, subtitle
        or the names of the story's regions (the first tier of the relevance order).

        Checked in the title part alone, ``left(document, title_length)``: the document
        is the title part, a line break, then the rest, and no term holds a line break,
        so a term is in the title part exactly when it first occurs there. PostgreSQL
        decompresses a stored document no further than the slice asked for: a walk's
        check costs a third of one over the whole document (8 against 30 µs a story at
        a million)."""
        if not query:
            return self
        if indexed and self.index_decides(query):
            return self.offered(query, title=True, place=place)  # as ``matching``
        title = Left("search_document__document", F("search_document__title_length"))
        queryset = self._containing(title, query, _TITLE_AT)
        return queryset.offered(query, title=True, place=place) if indexed else queryset

    def beyond_title(self, query, *, indexed: bool = True, place: Region | None = None):
        """Matching stories with some term only outside the title part (the second tier)."""
        queryset = self.matching(query, indexed=False)  # the terms' positions, always
        if indexed:
            queryset = queryset.offered(query, place=place)
        title_length = F("search_document__title_length")
        names = [_SEARCH_AT.format(i) for i in range(len(query.terms))]
        return queryset.filter(
            functools.reduce(operator.or_, (Q(**{f"{n}__gt": title_length}) for n in names))
        )

    def in_region(self, region: Region, *, unpublished: bool = False, only_filed: bool = False):
        """Stories about ``region`` or any region inside it (a city includes its counties),
        and those filed under the regions whose area it took over, marked ``via_heir``
        (a 江干区 story on 上城区's list); ``only_filed``: only those filed under it."""
        extra = {"listings__inherited": False} if only_filed else {}
        return self._listed(StoryListing.Facet.REGION, region.pk, unpublished, **extra).annotate(
            via_heir=F("listings__inherited")
        )

    def bylined(self, contributor: Contributor, *, unpublished: bool = False):
        return self._listed(StoryListing.Facet.BYLINE, contributor.pk, unpublished)

    def photographed(self, contributor: Contributor, *, unpublished: bool = False):
        """Stories with a photo credited to ``contributor``."""
        return self._listed(StoryListing.Facet.PHOTO, contributor.pk, unpublished)

    def in_section(self, section: "Section"):
        """The public stories of ``section``, read along article_section_idx (call it on
        the manager, not after ``published()``). The public rule is asked of each row
        by its id: with it on the rows themselves, PostgreSQL may walk
        article_status_newest_idx from now back instead, skipping other sections'
        stories, which for a column that ran only in the 1990s is most of the archive."""
        public = Article.objects.published().filter(pk=OuterRef("pk"))
        return self.filter(section=section, published_at__lte=timezone.now()).filter(Exists(public))

    def _listed(self, facet, subject_id: int, unpublished: bool, **extra):
        # All conditions in one filter() so they share one join of the listing index;
        # the first listing filter also supplies the sort keys, so pages are read in
        # that index's order. Public lists stop at "now" so scheduled rows cost nothing.
        conditions = {"listings__facet": facet, "listings__subject_id": subject_id, **extra}
        if not unpublished:
            conditions["listings__published_at__lte"] = timezone.now()
        queryset = self.filter(**conditions)
        if "sort_ts" in queryset.query.annotations:
            return queryset
        return queryset.annotate(
            sort_ts=F("listings__published_at"), sort_id=F("listings__article_id")
        )


class StorySnapshot(models.Model):
    """Added to each historical row of a story: its bylines, photos and regions as they
    were, since they live in tables of their own (``archive.history`` fills them)."""

    bylines = models.JSONField("署名", default=list)
    photos = models.JSONField("图片", default=list)
    regions = models.JSONField("地区", default=list)

    class Meta:
        abstract = True


# 版次: a header prints at most three digits (第999版), far inside the column's smallint;
# the admin's forms and ``import_page --page`` take the same range.
FIRST_PAGE, LAST_PAGE = 1, 999
PAGE_NUMBER_VALIDATORS = [MinValueValidator(FIRST_PAGE), MaxValueValidator(LAST_PAGE)]

# Admin saves and the services record a story's history themselves, once its
# bylines and photos are written (``archive.history.record``); other saves record
# through the model's signal. The importer's warnings and their check are notes to the
# desk, not the story's content: no two versions differ by them, so history leaves them out.
story_history = HistoricalRecords(
    bases=[StorySnapshot],
    excluded_fields=["origin", "import_warnings", "import_checked_by", "import_checked_at"],
)


class Article(models.Model):
    Status = Status

    class Origin(models.TextChoices):
        EDITOR = "editor", "编辑录入"
        IMPORT = "import", "版面导入"
        SYNTHETIC = "synthetic", "合成数据"

    kicker = TidyCharField("引题", max_length=200, blank=True)
    headline = TidyCharField("主标题", max_length=200)
    subtitle = TidyCharField("副标题", max_length=200, blank=True)
    lede = TidyTextField("导语", blank=True)
    body = TidyTextField(
        "正文",
        help_text="每段一行，段落之间可以空行；小标题单独一行，以“## ”开头。",
    )
    byline = TidyCharField(
        "署名（覆盖）",
        max_length=200,
        blank=True,
        help_text="留空时按署名列表显示；特殊写法如“本报记者 张三 通讯员 李四”写在这里。",
    )
    section = models.ForeignKey(
        Section,
        verbose_name="栏目",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="articles",
        db_index=False,  # article_section_idx leads with section
    )
    regions = models.ManyToManyField(
        Region, verbose_name="地区", through="ArticleRegion", related_name="articles"
    )
    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(
        "发布时间",
        null=True,
        blank=True,
        help_text="晚于现在则为定时发布，到时自动公开。发布时留空：有见报日期的取见报日"
        "早晨（默认 6 点），否则取发布那一刻。",
    )
    edition_date = models.DateField("见报日期", null=True, blank=True)
    page_number = models.PositiveSmallIntegerField(
        "版次", null=True, blank=True, validators=PAGE_NUMBER_VALIDATORS
    )
    page_name = TidyCharField("版名", max_length=100, blank=True)
    origin = models.CharField(
        "来源", max_length=20, choices=Origin.choices, default=Origin.EDITOR, editable=False
    )
    # What the page importer asked the editor to check in this draft; shown on its form
    # until an editor marks them checked. The database default serves the bulk loads'
    # COPY, which names its columns.
    import_warnings = models.JSONField(
        "导入提示", default=list, db_default=[], blank=True, editable=False
    )
    import_checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name="导入提示核对人",
        db_index=False,  # never looked up by who checked
    )
    import_checked_at = models.DateTimeField(
        "导入提示核对时间", null=True, blank=True, editable=False
    )
    # Incremented on every save; the editors' workflow uses it to refuse stale saves.
    version = models.PositiveIntegerField("版本", default=1, editable=False)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("修改时间", auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name="创建人",
        db_index=False,  # article_creator_idx
    )

    objects = ArticleQuerySet.as_manager()
    history = story_history

    class Meta:
        verbose_name = "稿件"
        verbose_name_plural = "稿件"
        permissions = [
            ("publish_article", "可以发布、撤回稿件"),
            ("change_any_article", "可以修改他人的稿件"),
        ]
        ordering = ["-published_at", "-id"]
        indexes = [
            models.Index(
                fields=["status", "-published_at", "-id"],
                name="article_status_newest_idx",
            ),
            models.Index(fields=["section", "-published_at", "-id"], name="article_section_idx"),
            # The editors' unfiltered list: every status, newest first.
            models.Index(fields=["-published_at", "-id"], name="article_newest_idx"),
            models.Index(fields=["edition_date", "page_number"], name="article_edition_idx"),
            # The print edition's public reads (``archive.public.print_edition``): the
            # time checked in the index, so a probe for the next date with a public
            # story passes the scheduled ones without reading them (at a million, the
            # next date after the newest: 10,000 scheduled rows, 7 ms → 0.2 ms).
            models.Index(
                fields=["edition_date", "page_number", "published_at"],
                name="article_print_idx",
                condition=Q(status=Status.PUBLISHED),
            ),
            # A reporter's own stories, newest first.
            models.Index(fields=["created_by", "-published_at", "-id"], name="article_creator_idx"),
            # A story's sort key and state by its id, from the index alone (PostgreSQL's
            # INCLUDE; elsewhere a plain index): the search index offers ids, and a page
            # sorts thousands of them by time (``listing.SearchTier._offered``): 8,000
            # lookups of the table cost 70–130 ms at a million stories, of this index 30.
            models.Index(
                fields=["id"], include=["status", "published_at"], name="article_keys_idx"
            ),
        ]

    def __str__(self):
        return self.headline

    def save(self, *args, **kwargs):
        if self.status == self.Status.PUBLISHED and self.published_at is None:
            self.published_at = self.default_published_at()
        if self.pk:
            self.version += 1
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return url_for("archive:story_detail", self.pk)

    def default_published_at(self) -> datetime.datetime:
        """When the story goes public if published with no time of its own: a printed
        story at ``ARCHIVE_EDITION_HOUR`` of its print day, local time (a day ahead is
        scheduled until then), so lists and feeds place it where the paper did; any
        other story now."""
        if self.edition_date is None:
            return timezone.now().replace(second=0, microsecond=0)  # as forms show it
        hour = datetime.time(settings.ARCHIVE_EDITION_HOUR)
        return timezone.make_aware(datetime.datetime.combine(self.edition_date, hour))

    @classmethod
    def from_db(cls, db, field_names, values):
        story = super().from_db(db, field_names, values)
        # Published as loaded (scheduled included): a write to it may move the public
        # counts even if it leaves the story unpublished (``aftermath.after_write``).
        story.loaded_published = story.__dict__.get("status") == cls.Status.PUBLISHED
        return story

    @property
    def counts_on_it(self) -> bool:
        """Whether public counts may change with a write to this story: it is published
        (or scheduled) now or was when it was loaded."""
        return self.status == self.Status.PUBLISHED or getattr(self, "loaded_published", False)

    @property
    def is_public(self) -> bool:
        """``visibility.public()`` for this one story, without a query."""
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )

    @property
    def published_on_print_day(self) -> bool:
        """Published on the day it was printed (by default, ``default_published_at``):
        readers see its print date alone, not a publication time as well."""
        return bool(
            self.edition_date
            and self.published_at
            and timezone.localdate(self.published_at) == self.edition_date
        )

    def body_blocks(self):
        return body.parse(self.body)

    def region_list(self):
        return [link.region for link in self.article_regions.all()]

    def byline_display(self) -> str:
        return self.byline or credit_line(self.credits.all())

    def byline_groups(self) -> list["CreditGroup"]:
        return credit_groups(self.credits.all())


class ArticleRegion(models.Model):
    """A story is about a region; one of its regions may be the primary one."""

    # No single-column indexes: the unique constraint leads with article and
    # region_articles_idx with region; fewer indexes make bulk loads faster.
    article = models.ForeignKey(
        Article,
        on_delete=models.CASCADE,
        related_name="article_regions",
        verbose_name="稿件",
        db_index=False,
    )
    region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        related_name="article_links",
        verbose_name="地区",
        db_index=False,
    )
    is_primary = models.BooleanField("主要地区", default=False)

    class Meta:
        verbose_name = "稿件地区"
        verbose_name_plural = "稿件地区"
        constraints = [
            models.UniqueConstraint(fields=["article", "region"], name="article_region_once"),
        ]
        indexes = [models.Index(fields=["region", "article"], name="region_articles_idx")]

    def __str__(self):
        return str(self.region)


class Photo(models.Model):
    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="photos", verbose_name="稿件"
    )
    # Imported print pages give a caption and a credit but no file.
    image = models.ImageField(
        "图片文件",
        upload_to="photos/%Y/%m/",
        blank=True,
        validators=[validate_photo],
        help_text="JPEG、PNG 或 WebP；上传时自动转正，并去除拍摄信息（EXIF、GPS 位置）。",
    )
    caption = TidyTextField("图片说明", blank=True)
    alt_text = TidyCharField(
        "替代文字", max_length=200, blank=True, help_text="为看不到图片的读者描述画面。"
    )
    order = models.PositiveSmallIntegerField("顺序", default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "图片"
        verbose_name_plural = "图片"
        ordering = ["order", "id"]

    def __str__(self):
        return self.caption[:40] or f"图片 {self.pk}"

    def save(self, *args, **kwargs):
        if self.image and not self.image._committed:
            # A new upload is stored once, upright and without its camera's metadata.
            self.image = normalised_photo(self.image)
        super().save(*args, **kwargs)

    def credit_line(self) -> str:
        return credit_line(self.credits.all())

    credit_line.short_description = "署名"  # the photo desk's column

    def credit_groups(self) -> list["CreditGroup"]:
        return credit_groups(self.credits.all())


class CreditQuerySet(models.QuerySet):
    def story_ids(self) -> set[int]:
        """The stories these credits belong to, as bylines or on their photos."""
        bylines = self.filter(article__isnull=False).values_list("article_id", flat=True)
        photos = self.filter(photo__isnull=False).values_list("photo__article_id", flat=True)
        return set(bylines) | set(photos)


class Credit(models.Model):
    """A contributor's part in a story (a byline) or in one photo; never both."""

    class Role(models.TextChoices):
        WRITER = "writer", "文字"
        CORRESPONDENT = "correspondent", "通讯员"
        EDITOR = "editor", "编辑"
        TRANSLATOR = "translator", "翻译"
        PHOTOGRAPHER = "photographer", "摄影"
        COURTESY = "courtesy", "图片提供"

    contributor = models.ForeignKey(
        Contributor,
        on_delete=models.PROTECT,
        related_name="credits",
        verbose_name="作者/供稿方",
    )
    article = models.ForeignKey(
        Article,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="credits",
        verbose_name="稿件",
    )
    photo = models.ForeignKey(
        Photo,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="credits",
        verbose_name="图片",
    )
    role = models.CharField("角色", max_length=20, choices=Role.choices, default=Role.WRITER)
    order = models.PositiveSmallIntegerField("顺序", default=0)

    # A story is written (and edited, translated) by its byline; a photo is taken or
    # supplied. A printed byline's "项晨 摄" belongs on the story's photos.
    BYLINE_ROLES = (Role.WRITER, Role.CORRESPONDENT, Role.EDITOR, Role.TRANSLATOR)
    PHOTO_ROLES = (Role.PHOTOGRAPHER, Role.COURTESY)
    NOT_A_BYLINE_ROLE = "稿件署名的角色只能是文字、通讯员、编辑或翻译；摄影和图片提供请署在图片上。"
    NOT_A_PHOTO_ROLE = "图片署名的角色只能是摄影或图片提供。"

    objects = CreditQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "署名"
        verbose_name_plural = "署名"
        ordering = ["order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(article__isnull=False, photo__isnull=True)
                    | models.Q(article__isnull=True, photo__isnull=False)
                ),
                name="credit_on_article_xor_photo",
                violation_error_message="署名必须且只能属于一篇稿件或一张图片。",
            ),
        ]

    def __str__(self):
        return f"{self.contributor.name}（{self.get_role_display()}）"

    def clean(self):
        # A row whose story or photo is not saved yet is checked by its form's choices.
        if self.photo_id is not None and self.role not in self.PHOTO_ROLES:
            raise ValidationError({"role": self.NOT_A_PHOTO_ROLE})
        if self.article_id is not None and self.role not in self.BYLINE_ROLES:
            raise ValidationError({"role": self.NOT_A_BYLINE_ROLE})


# How each role reads in print: "许军 摄", "通讯员 李四", "（图片由…提供）".
_ROLE_FORMATS = {
    Credit.Role.WRITER: ("", ""),
    Credit.Role.CORRESPONDENT: ("通讯员 ", ""),
    Credit.Role.EDITOR: ("编辑 ", ""),
    Credit.Role.TRANSLATOR: ("翻译 ", ""),
    Credit.Role.PHOTOGRAPHER: ("", " 摄"),
    Credit.Role.COURTESY: ("（图片由", "提供）"),
}


@dataclass
class CreditGroup:
    """Contributors sharing a role, with the words print puts around their names."""

    role: str
    prefix: str
    suffix: str
    contributors: list = field(default_factory=list)

    @property
    def separator(self) -> str:
        return "、" if self.role == Credit.Role.COURTESY else " "

    def __str__(self):
        names = self.separator.join(c.name for c in self.contributors)
        return f"{self.prefix}{names}{self.suffix}"


def credit_groups(credits) -> list[CreditGroup]:
    """Credits grouped by role, roles in order of first appearance."""
    groups: dict[str, CreditGroup] = {}
    for credit in sorted(credits, key=lambda c: (c.order, c.pk or 0)):
        if credit.role not in groups:
            groups[credit.role] = CreditGroup(credit.role, *_ROLE_FORMATS[credit.role])
        groups[credit.role].contributors.append(credit.contributor)
    return list(groups.values())


def credit_line(credits) -> str:
    """Credits as the paper prints them: "张三 李四 通讯员 王五", "许军 摄"."""
    return " ".join(str(group) for group in credit_groups(credits))
