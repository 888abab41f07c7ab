"""The admin's list filters. None lists a big table: each offers only what is chosen,
or a short list (the provinces, the cities of one, the counties of one city)."""

from django import forms
from django.contrib import admin
from django.db.models import Q
from django.utils.functional import cached_property

from archive.admin.contributor_search import credited_only
from archive.admin.widgets import PreloadedAutocompleteSelect
from archive.models import Contributor, Credit, PageImport, Region
from archive.models.regions import home_province_code
from archive.text.folding import fold


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
    """Every story credited to one contributor, as a byline or on a photo, drafts too.

    Chosen in the sidebar with the admin's own contributor autocomplete (select2, as the
    story form's bylines), which goes to ``?contributor=<id>``; without JavaScript a
    text box takes a name or slug (郑晨, zheng-chen; Traditional folded), which stands
    for the one contributor it names. Namesakes, or names containing what was typed,
    are offered to choose from (at most ``OFFERED``), never the 20,000 of the table."""

    title = "作者/供稿方"
    parameter_name = "contributor"
    template = "admin/archive/article/contributor_filter.html"
    OFFERED = 10

    def __init__(self, request, params, model, model_admin):
        self.note = ""  # said under the box when what was typed names no one contributor
        self.admin_site = model_admin.admin_site
        if self.parameter_name in params:  # NUL: no name holds one, and PostgreSQL refuses it
            typed = params[self.parameter_name]
            params[self.parameter_name] = [value.replace("\x00", "") for value in typed]
        super().__init__(request, params, model, model_admin)

    @cached_property
    def found(self) -> tuple[list[Contributor], bool]:
        """The contributors the value names, and whether it names them exactly: by id,
        or by name or slug; if no one has the name, those whose names contain it (one
        more than offered, to tell that there are more)."""
        value = (self.value() or "").strip()
        if not value:
            return [], False
        # isascii: "²".isdigit() is true, and would reach the database as a bad id;
        # 19 digits may pass a bigint.
        if value.isascii() and value.isdigit():
            return (list(Contributor.objects.filter(pk=value)) if len(value) < 19 else []), True
        named = list(Contributor.objects.named(value)[: self.OFFERED + 1])
        if named or not fold(value):
            return named, True
        near = Contributor.objects.filter(name__icontains=fold(value))
        return list(near[: self.OFFERED + 1]), False

    @cached_property
    def contributor(self) -> Contributor | None:
        """The one contributor chosen, or None (none, or several to choose from)."""
        found, exact = self.found
        return found[0] if exact and len(found) == 1 else None

    def lookups(self, request, model_admin):
        value = (self.value() or "").strip()
        if not value:
            return []
        if self.contributor is not None:
            # A typed name stands for the id from here on: the option is highlighted and
            # links carry the id.
            self.used_parameters[self.parameter_name] = str(self.contributor.pk)
            return [(str(self.contributor.pk), str(self.contributor))]
        found, exact = self.found
        shown, more = found[: self.OFFERED], "多" if len(found) > self.OFFERED else ""
        if value.isascii() and value.isdigit():
            self.note = f"没有编号为 {value} 的作者/供稿方。"
        elif not found:
            self.note = f"没有找到名为“{value}”的作者/供稿方。"
        elif exact:
            self.note = f"有{len(shown)}{more}位作者/供稿方名为“{value}”，请选择其一："
        else:
            self.note = f"没有名为“{value}”的作者/供稿方；姓名中含有“{value}”的有："
        return [(str(c.pk), str(c)) for c in shown]

    def has_output(self):
        return True  # the picker is shown whether or not a contributor is chosen

    def chosen(self, value) -> Contributor | None:
        """The contributor ``value`` names among those resolved: the main filtering asks
        with the value typed, the counts beside the options (?_facets) with each id."""
        if self.contributor is not None and value == str(self.contributor.pk):
            return self.contributor
        return next((c for c in self.found[0] if str(c.pk) == value), None)

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        contributor = self.chosen(self.value())
        if contributor is None:  # unknown, or several to choose from: nothing listed
            return queryset.none()
        return credited_only(queryset, [contributor.pk])

    def choices(self, changelist):
        # The box keeps the list's other parameters (search, filters, order), as the
        # admin's search box does; a new choice starts at the first page.
        self.kept = [(k, v) for k, v in changelist.params.items() if k != self.parameter_name]
        self.picker = self.picker_widget().render(
            "",  # no name: submitted through the text box (contributor_filter.js)
            self.contributor.pk if self.contributor else None,
            attrs={"id": "contributor-filter-picker", "aria-label": "选择作者/供稿方"},
        )
        return super().choices(changelist)

    @property
    def typed(self) -> str:
        """What the text box shows: the chosen contributor's name, else what was typed."""
        return self.contributor.name if self.contributor else (self.value() or "")

    def picker_widget(self) -> PreloadedAutocompleteSelect:
        field = forms.ModelChoiceField(
            Contributor.objects.all(),
            required=False,
            widget=contributor_picker(self.admin_site),
        )
        field.widget.choices = field.choices
        field.widget.preloaded = self.contributor
        return field.widget


def contributor_picker(admin_site) -> PreloadedAutocompleteSelect:
    """The story form's contributor autocomplete (it asks ``ContributorAdmin``'s search),
    as wide as the sidebar."""
    return PreloadedAutocompleteSelect(
        Credit._meta.get_field("contributor"),
        admin_site,
        attrs={"style": "width: 100%"},
    )


def contributor_filter_media(admin_site) -> forms.Media:
    """What the contributor filter's picker needs on the story list: select2, shipped
    with the admin (no CDN), and the script that goes to the chosen contributor."""
    # Listed after the admin's autocomplete.js, which the merged media puts after jQuery's.
    ours = forms.Media(js=["admin/js/autocomplete.js", "js/admin-contributor-filter.js"])
    return contributor_picker(admin_site).media + ours


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
