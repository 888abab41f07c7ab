"""The gazetteer: each division with its names over time and its 沿革. Names and slugs
may be corrected; the hierarchy and the years come from the data and may not.

The region pickers of the story form ask ``RegionAutocompleteView`` (this admin's
``autocomplete/``), which labels each region with its parent and period: names repeat
across the country and over time (330502 was 城区, then 吴兴区)."""

from django.contrib import admin
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.db.models import F
from django.urls import path, reverse
from django.utils.html import format_html

from archive.admin.display import yes_no
from archive.admin.filters import RegionInUseFilter
from archive.admin.writes import FollowsWrites
from archive.models import Region, RegionName, RegionSuccession

# Today's divisions first: an editor picking 萧山 most often means 萧山区.
CURRENT_FIRST = [F("last_year").desc(nulls_first=True), "code", "first_year"]


class RegionAutocompleteView(AutocompleteJsonView):
    """Django's autocomplete (20 a page, the admin's permission checks), each result
    labelled 江干区（杭州市，1983–2021）: two queries, the count and the page."""

    def get_queryset(self):
        return super().get_queryset().select_related("parent")

    def serialize_result(self, obj, to_field_name):
        return {**super().serialize_result(obj, to_field_name), "text": obj.label}


def region_link(region: Region) -> str:
    url = reverse("admin:archive_region_change", args=[region.pk])
    return format_html('<a href="{}">{}</a>', url, region.label)


class ReadOnlyInline(admin.TabularInline):
    """Shown to whoever may see the region; the data migration writes these rows."""

    extra = 0
    can_delete = False
    partial_shown = yes_no("partial", "部分划出")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        # The roles grant rights on regions, not on these rows of the data.
        return request.user.has_perm("archive.view_region") or request.user.has_perm(
            "archive.change_region"
        )


class RegionNameInline(ReadOnlyInline):
    model = RegionName
    fk_name = "region"
    fields = ["name", "short_name", "first_year", "last_year", "parent"]
    verbose_name = "名称"
    verbose_name_plural = "历年名称"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("parent")


class SuccessionInline(ReadOnlyInline):
    """Where this region's area went (to its heirs)."""

    model = RegionSuccession
    fk_name = "predecessor"
    fields = ["year", "successor_link", "partial_shown", "document", "document_date"]
    readonly_fields = ["successor_link", "partial_shown"]
    verbose_name = "沿革"
    verbose_name_plural = "沿革：辖区划归"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("successor__parent")

    @admin.display(description="划归")
    def successor_link(self, obj):
        return region_link(obj.successor)


class PrecessionInline(ReadOnlyInline):
    """Where this region's area came from."""

    model = RegionSuccession
    fk_name = "successor"
    fields = ["year", "predecessor_link", "partial_shown", "document", "document_date"]
    readonly_fields = ["predecessor_link", "partial_shown"]
    verbose_name = "沿革"
    verbose_name_plural = "沿革：辖区来自"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("predecessor__parent")

    @admin.display(description="来自")
    def predecessor_link(self, obj):
        return region_link(obj.predecessor)


@admin.register(Region)
class RegionAdmin(FollowsWrites, admin.ModelAdmin):
    renamed = "region"
    list_display = ["code", "name", "kind", "years", "parent"]
    list_display_links = ["code", "name"]
    # Two short lists: never one row per region (6,500) or per parent.
    list_filter = [RegionInUseFilter, "level"]
    # Searched by get_search_results (names over time); Django's autocomplete needs it set.
    search_fields = ["name"]
    search_help_text = "按名称（含曾用名、简称，繁体亦可）、拼音或行政区划代码的开头查找"
    list_select_related = ["parent"]
    ordering = ["code", "first_year"]
    list_per_page = 120
    inlines = [RegionNameInline, PrecessionInline, SuccessionInline]

    @admin.display(description="使用年份", ordering="first_year")
    def years(self, obj):
        return obj.period

    @admin.display(description="类型")
    def kind(self, obj):
        return obj.kind

    def get_urls(self):
        view = self.admin_site.admin_view(
            RegionAutocompleteView.as_view(admin_site=self.admin_site)
        )
        return [
            path("autocomplete/", view, name="archive_region_autocomplete"),
            *super().get_urls(),
        ]

    def get_search_results(self, request, queryset, search_term):
        """Regions whose name (today's or a former one), short name, pinyin or code
        begins with the term, Traditional folded (``RegionQuerySet.suggested``), today's
        divisions first; the changelist orders them by its own ordering."""
        if not search_term.strip():
            return queryset.order_by(*CURRENT_FIRST), False
        return queryset.suggested(search_term), False

    def has_delete_permission(self, request, obj=None):
        # The gazetteer comes from a data migration; stories point at it.
        return False

    def get_readonly_fields(self, request, obj=None):
        # A region's place in the hierarchy (its code) and its years decide which lists
        # include its stories and which stories may name it; names and slugs may be
        # corrected, the rest may not.
        return ["code", "level", "kind", "parent", "first_year", "last_year"] if obj else []
