"""The admin's list filters. None lists a big table: each offers only what is chosen,
or a short list (the provinces, the cities of one, the counties of one city)."""

from django.contrib import admin
from django.db.models import Q
from django.utils.functional import cached_property

from archive.models import Contributor, PageImport, Region
from archive.models.regions import home_province_code


class RegionListFilter(admin.SimpleListFilter):
    """Today's provinces, the chosen region's province (else the home province) opened
    to its cities and the chosen region's city to its counties: some sixty rows, never
    the gazetteer's 6,500. Options name regions by slug (codes were reused: 330502);
    a name, code or slug typed into the URL highlights its option."""

    title = "地区"
    parameter_name = "region"

    def __init__(self, *args, **kwargs):
        self.offered: dict[str, Region] = {}  # slug → region, filled by lookups
        super().__init__(*args, **kwargs)

    @cached_property
    def region(self):
        region = Region.objects.select_related("parent__parent").lookup(self.value() or "")
        if region is not None:
            self.used_parameters[self.parameter_name] = region.slug
        return region

    def lookups(self, request, model_admin):
        # One query: today's provinces and today's regions under the opened ones.
        chain = self.chain()
        if chain:
            opened = Q(parent__in=[r.pk for r in chain if r.level != Region.Level.COUNTY])
        else:
            opened = Q(parent__code=home_province_code(), parent__last_year__isnull=True)
        found = list(Region.objects.current().filter(Q(level=Region.Level.PROVINCE) | opened))
        found += [r for r in chain if r not in found]  # an abolished region on the way
        below: dict[int | None, list[Region]] = {}
        for region in sorted(found, key=lambda r: (r.code, r.first_year)):
            below.setdefault(region.parent_id, []).append(region)
        ids = {r.pk for r in found}
        options = []

        def offer(regions, depth):
            for region in regions:
                self.offered[region.slug] = region
                options.append((region.slug, self.indent(depth) + self.label(region)))
                offer(below.get(region.pk, ()), depth + 1)

        offer([r for parent, rs in below.items() if parent not in ids for r in rs], 0)
        return options

    def chain(self) -> list[Region]:
        """The chosen region and those containing it, the province first (fetched with it)."""
        if self.region is None:
            return []
        chain = [self.region]
        while chain[-1].parent_id and len(chain) < 3:
            chain.append(chain[-1].parent)
        return chain[::-1]

    @staticmethod
    def indent(depth: int) -> str:
        return "　" * (depth - 1) + "└ " if depth else ""

    @staticmethod
    def label(region: Region) -> str:
        return region.name if region.is_current else f"{region.name}（{region.period}）"

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        # With counts beside the options, Django asks once per offered option.
        region = self.offered.get(self.value()) or self.region
        if region is None:  # an unknown or ambiguous region matches nothing
            return queryset.none()
        return queryset.in_region(region, unpublished=True)


class RegionInUseFilter(admin.SimpleListFilter):
    """The gazetteer's list: divisions in use today, or those abolished."""

    title = "状态"
    parameter_name = "in_use"

    def lookups(self, request, model_admin):
        return [("yes", "仍在使用"), ("no", "已撤销")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.current()
        if self.value() == "no":
            return queryset.filter(last_year__isnull=False)
        return queryset


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
