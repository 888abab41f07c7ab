"""The editors' admin. Filters never list the big tables; multi-model writes go through services."""

import functools

import nested_admin
from django.contrib import admin, messages
from django.contrib.admin.views.main import ORDER_VAR, ChangeList
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.html import format_html, format_html_join
from nested_admin.formsets import NestedInlineFormSet

from archive import derived, services
from archive.admin_widgets import PreloadedAutocompleteAdmin
from archive.models import (
    Article,
    ArticleRegion,
    ContentVersion,
    Contributor,
    Credit,
    PageImport,
    Photo,
    Region,
    Section,
)
from archive.pagination import SORT_TS, CappedCountPaginator
from archive.search import documents

RECENT_ON_CONTRIBUTOR_PAGE = 50


class BumpsContentVersion:
    """Every admin write readers could see invalidates their cached pages."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        ContentVersion.bump()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        ContentVersion.bump()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        ContentVersion.bump()


class RefreshesSearchOnRename:
    """Stories are found by the names of their contributors and regions: a rename
    rewrites the search documents of every story that names the renamed record."""

    mention = ""  # keyword of documents.refresh_mentioning

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and {"name", "short_name"} & set(form.changed_data):
            # After the rename commits, in batches: a region may be named by a fifth of
            # the archive, and the admin's own transaction should not hold them all.
            transaction.on_commit(
                functools.partial(documents.refresh_mentioning, **{self.mention: obj.pk})
            )


class RegionListFilter(admin.SimpleListFilter):
    """The province and its cities, and the counties of the chosen city: never all 102 at once."""

    title = "地区"
    parameter_name = "region"

    @cached_property
    def region(self):
        region = Region.objects.lookup(self.value() or "")
        if region is not None:  # a slug highlights its option like a code does
            self.used_parameters[self.parameter_name] = region.code
        return region

    def lookups(self, request, model_admin):
        options = [(r.code, r.name) for r in Region.objects.exclude(level=Region.Level.COUNTY)]
        chosen = self.region
        if chosen is not None and chosen.level != Region.Level.PROVINCE:
            city = chosen.code[:4] + "00"
            counties = Region.objects.counties().filter(code__startswith=city[:4])
            at = [code for code, _ in options].index(city) + 1
            options[at:at] = [(c.code, f"└ {c.name}") for c in counties]
        return options

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        if self.region is None:  # an unknown region matches nothing
            return queryset.none()
        return queryset.in_region(self.region, unpublished=True)


class ContributorListFilter(admin.SimpleListFilter):
    """Reached from a contributor's page; lists only the chosen contributor, not 20,000."""

    title = "作者/供稿方"
    parameter_name = "contributor"

    @cached_property
    def contributor(self):
        value = self.value() or ""
        # isascii: "²".isdigit() is true, and would reach the database as a bad id.
        valid = value.isascii() and value.isdigit()
        return Contributor.objects.filter(pk=value).first() if valid else None

    def lookups(self, request, model_admin):
        if self.contributor is not None:
            return [(str(self.contributor.pk), self.contributor.name)]
        # An unknown id still needs an option, or Django would skip the filter entirely.
        return [(self.value(), "（没有这位作者）")] if self.value() else []

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        if self.contributor is None:
            return queryset.none()
        return queryset.bylined(self.contributor, unpublished=True)


class ListingOrderedChangeList(ChangeList):
    """Filtered by region or contributor, the list is read in the listing index's order
    (the same newest-first order) instead of sorting every story of a big county."""

    def get_ordering(self, request, queryset):
        if SORT_TS in queryset.query.annotations and ORDER_VAR not in self.params:
            return ["-sort_ts", "-sort_id"]
        return super().get_ordering(request, queryset)


class ArticleRegionFormSet(NestedInlineFormSet):
    def clean(self):
        super().clean()
        primary = [
            form
            for form in self.forms
            if form.cleaned_data.get("is_primary") and not form.cleaned_data.get("DELETE")
        ]
        if len(primary) > 1:
            raise ValidationError("一篇稿件只能有一个主要地区。")


class ArticleRegionInline(PreloadedAutocompleteAdmin, nested_admin.NestedTabularInline):
    model = ArticleRegion
    formset = ArticleRegionFormSet
    autocomplete_fields = ["region"]
    extra = 0
    min_num = 1
    verbose_name = "地区"
    verbose_name_plural = "地区（至少一个，勾选主要地区）"

    def get_formset(self, request, obj=None, **kwargs):
        # min_num alone only pre-fills a row; validate_min refuses removing the last region.
        return super().get_formset(request, obj, validate_min=True, **kwargs)


class BylineInline(PreloadedAutocompleteAdmin, nested_admin.NestedTabularInline):
    model = Credit
    fk_name = "article"
    fields = ["contributor", "role", "order"]
    autocomplete_fields = ["contributor"]
    sortable_field_name = "order"
    extra = 0
    verbose_name = "署名"
    verbose_name_plural = "署名（文字作者、通讯员、编辑）"


class PhotoCreditInline(PreloadedAutocompleteAdmin, nested_admin.NestedTabularInline):
    model = Credit
    fk_name = "photo"
    fields = ["contributor", "role", "order"]
    autocomplete_fields = ["contributor"]
    sortable_field_name = "order"
    extra = 0
    verbose_name = "图片署名"
    verbose_name_plural = "图片署名（摄影、提供）"


class PhotoInline(nested_admin.NestedStackedInline):
    model = Photo
    fields = ["image", "caption", "alt_text", "order"]
    sortable_field_name = "order"
    inlines = [PhotoCreditInline]
    extra = 0


class PageImportListFilter(admin.SimpleListFilter):
    """The drafts made from one imported page (where the import screen lands)."""

    title = "导入的版面"
    parameter_name = "page_import"
    RECENT = 20

    def lookups(self, request, model_admin):
        recent = list(PageImport.objects.order_by("-pk")[: self.RECENT])
        chosen = self.value()
        if chosen and chosen.isdigit() and all(str(p.pk) != chosen for p in recent):
            recent += list(PageImport.objects.filter(pk=chosen))
        return [(str(p.pk), str(p)) for p in recent]

    def queryset(self, request, queryset):
        value = self.value()
        if value is None:
            return queryset
        if not value.isdigit():
            return queryset.none()
        return queryset.filter(page_imports=value)


@admin.register(Article)
class ArticleAdmin(BumpsContentVersion, PreloadedAutocompleteAdmin, nested_admin.NestedModelAdmin):
    list_display = ["headline", "section", "status", "published_at", "edition_date"]
    list_display_links = ["headline"]
    list_filter = [
        "status",
        "section",
        RegionListFilter,
        ContributorListFilter,
        PageImportListFilter,
    ]
    list_select_related = ["section"]
    search_fields = ["headline", "kicker", "subtitle"]
    search_help_text = "按标题、引题或副标题查找"
    show_full_result_count = False
    paginator = CappedCountPaginator
    list_per_page = 50
    autocomplete_fields = ["section"]
    readonly_fields = ["version", "created_at", "updated_at"]
    fieldsets = [
        (
            None,
            {"fields": ["kicker", "headline", "subtitle", "section", "lede", "body"]},
        ),
        ("署名", {"fields": ["byline"]}),
        ("发布", {"fields": ["status", "published_at"]}),
        ("见报", {"fields": ["edition_date", "page_number", "page_name"]}),
        (
            "记录",
            {
                "fields": ["version", "created_at", "updated_at"],
                "classes": ["collapse"],
            },
        ),
    ]
    inlines = [ArticleRegionInline, BylineInline, PhotoInline]
    actions = ["publish", "unpublish"]

    @admin.action(description="发布所选稿件", permissions=["change"])
    def publish(self, request, queryset):
        count = services.articles_publish(articles=queryset)
        self.message_user(request, f"已发布 {count} 篇稿件。", messages.SUCCESS)

    @admin.action(description="撤下所选稿件（改回草稿）", permissions=["change"])
    def unpublish(self, request, queryset):
        count = services.articles_unpublish(articles=queryset)
        self.message_user(request, f"已撤下 {count} 篇稿件。", messages.SUCCESS)

    def get_changelist(self, request, **kwargs):
        return ListingOrderedChangeList

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # Regions, bylines and photo credits are saved by now: re-derive the listing rows.
        derived.refresh([form.instance.pk])

    def view_on_site(self, obj):
        # Only a public story has a public page; a draft's would be a 404.
        return obj.get_absolute_url() if obj.is_public else None


@admin.register(Contributor)
class ContributorAdmin(RefreshesSearchOnRename, BumpsContentVersion, admin.ModelAdmin):
    mention = "contributor_id"
    list_display = ["name", "kind", "description", "slug"]
    list_filter = ["kind"]
    search_fields = ["name", "slug", "description"]
    ordering = ["sort_key", "pk"]
    show_full_result_count = False
    readonly_fields = ["sort_key", "bylines", "photo_credits"]
    fields = [
        "name",
        "kind",
        "description",
        "slug",
        "sort_key",
        "bylines",
        "photo_credits",
    ]

    @admin.display(description="署名稿件")
    def bylines(self, obj):
        if not obj.pk:
            return "—"
        credits = (
            obj.credits.filter(article__isnull=False)
            .select_related("article")
            .order_by("-article__published_at", "-article_id")[:RECENT_ON_CONTRIBUTOR_PAGE]
        )
        rows = format_html_join(
            "",
            '<li><a href="{}">{}</a>（{}，{}）</li>',
            (
                (
                    reverse("admin:archive_article_change", args=[c.article_id]),
                    c.article.headline,
                    c.get_role_display(),
                    c.article.get_status_display(),
                )
                for c in credits
            ),
        )
        every = reverse("admin:archive_article_changelist") + f"?contributor={obj.pk}"
        return format_html('<ul>{}</ul><a href="{}">查看全部署名稿件</a>', rows, every)

    @admin.display(description="署名图片")
    def photo_credits(self, obj):
        if not obj.pk:
            return "—"
        credits = (
            obj.credits.filter(photo__isnull=False)
            .select_related("photo__article")
            .order_by("-photo__article__published_at", "-photo_id")[:RECENT_ON_CONTRIBUTOR_PAGE]
        )
        rows = format_html_join(
            "",
            '<li>{}（{}）— <a href="{}">{}</a></li>',
            (
                (
                    c.photo.caption or "（无说明）",
                    c.get_role_display(),
                    reverse("admin:archive_article_change", args=[c.photo.article_id]),
                    c.photo.article.headline,
                )
                for c in credits
            ),
        )
        return format_html("<ul>{}</ul>", rows) if credits else "—"


@admin.register(Section)
class SectionAdmin(BumpsContentVersion, admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "slug"]


@admin.register(Region)
class RegionAdmin(RefreshesSearchOnRename, BumpsContentVersion, admin.ModelAdmin):
    mention = "region_id"
    list_display = ["name", "code", "level", "parent", "slug"]
    list_filter = ["level"]
    search_fields = ["name", "short_name", "code", "slug"]
    list_select_related = ["parent"]
    ordering = ["code"]
    list_per_page = 120

    def has_delete_permission(self, request, obj=None):
        # The gazetteer comes from a data migration; stories point at it.
        return False

    def get_readonly_fields(self, request, obj=None):
        # A region's place in the hierarchy (its code) decides which lists include
        # its stories; names and slugs may be corrected, the hierarchy may not.
        return ["code", "level", "parent"] if obj else []


from archive import admin_import  # noqa: E402, F401  (registers the page import screen)
