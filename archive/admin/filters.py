"""The admin's list filters. None lists a big table: each offers only what is chosen,
or a short list (the province and its cities, the counties of one city)."""

from django.contrib import admin
from django.utils.functional import cached_property

from archive.models import Contributor, PageImport, Region


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


class PageImportListFilter(admin.SimpleListFilter):
    """The drafts made from one imported page, where the import screen lands; like the
    contributor filter it lists only the chosen import."""

    title = "导入的版面"
    parameter_name = "page_import"

    @cached_property
    def page_import(self):
        value = self.value() or ""
        valid = value.isascii() and value.isdigit()
        return PageImport.objects.filter(pk=value).first() if valid else None

    def lookups(self, request, model_admin):
        if self.page_import is not None:
            return [(str(self.page_import.pk), str(self.page_import))]
        return [(self.value(), "（没有这次导入）")] if self.value() else []

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        if self.page_import is None:
            return queryset.none()
        return queryset.filter(page_imports=self.page_import)
