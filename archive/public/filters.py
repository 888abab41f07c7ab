"""FilterSets for the public story lists."""

import datetime

import django_filters
from django import forms
from django.db import models
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.choices import BaseChoiceIterator
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django_filters.fields import ModelChoiceField

from archive.caching import fragments
from archive.models import Article, Contributor, Region, Section
from archive.search.terms import MAX_TERMS, Query
from archive.text.folding import fold

MAX_QUERY_LENGTH = 100
# The paper's archive starts in 1949; anything far outside is a typo or a probe.
EARLIEST_DATE = datetime.date(1900, 1, 1)
LATEST_DATE = datetime.date(2100, 12, 31)


class NamedField(forms.CharField):
    """A record a reader names in words. A name several records share is an error that
    lists them, and ``found`` keeps them so the page can offer each as a link
    (``choice_value`` is what picking one puts in the field); never a guess."""

    noun = ""
    unknown = ""
    MAX_CHOICES = 20

    def candidates(self, value: str):
        raise NotImplementedError

    def choice_label(self, obj) -> str:
        raise NotImplementedError

    def choice_value(self, obj) -> str:
        raise NotImplementedError

    def chosen(self, found: list):
        """The one record ``found`` means, or None for the reader to choose."""
        return found[0] if len(found) == 1 else None

    def clean(self, value):
        value = super().clean(value)
        self.found, self.namesakes = [], []
        if not value or not value.strip():
            return None
        found = list(self.candidates(value)[: self.MAX_CHOICES + 1])
        if not found:
            raise forms.ValidationError(self.unknown, code="unknown")
        if (one := self.chosen(found)) is not None:
            self.namesakes = [obj for obj in found if obj != one][: self.MAX_CHOICES]
            return one
        self.found = found[: self.MAX_CHOICES]
        self.prompt = f"有不止一个{self.noun}叫“{value.strip()}”，请选择："
        more = "等" if len(found) > self.MAX_CHOICES else ""
        listed = "、".join(self.choice_label(obj) for obj in self.found)
        raise forms.ValidationError(f"{self.prompt}{listed}{more}。", code="ambiguous")


def _attributes(attrs: dict) -> str:
    """``attrs`` as Django's widget template writes them, in their order (``flatatt``
    sorts them): a true one by its name alone, a false one left out."""
    return mark_safe(
        "".join(
            format_html(" {}", name) if value is True else format_html(' {}="{}"', name, value)
            for name, value in attrs.items()
            if value is not False and value is not None
        )
    )


class PlainInput:
    """An ``<input>`` built in Python, as Django's template writes it: the template costs
    about half a millisecond a field on every page whose form is bound (every search)."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        shown = "" if widget["value"] is None else format_html(' value="{}"', widget["value"])
        attrs = _attributes(widget["attrs"])
        return format_html('<input type="{}" name="{}"{}{}>', widget["type"], name, shown, attrs)


class PlainTextInput(PlainInput, forms.TextInput):
    pass


class PlainDateInput(PlainInput, forms.DateInput):
    pass


class SuggestedInput(PlainTextInput):
    """A text box whose suggestions the page fills as the reader types
    (``static/js/suggest.js``, from ``suggest_url``)."""

    def __init__(self, suggest_url: str, attrs=None):
        super().__init__(attrs)
        self.suggest_url = suggest_url

    def render(self, name, value, attrs=None, renderer=None):
        options = f"{name}-suggestions"
        attrs = {**(attrs or {}), "list": options, "data-suggest": self.suggest_url}
        attrs["autocomplete"] = "off"
        box = super().render(name, value, attrs, renderer)
        return format_html('{}<datalist id="{}"></datalist>', box, options)


class RegionField(NamedField):
    """A region given by its name (全称 or 简称, today's or a former one, Traditional
    too), code or pinyin slug. A name that also names the regions whose area it took
    over means it (萧山: 萧山区, whose list holds 萧山市's and 萧山县's stories too)."""

    noun = "地区"
    unknown = "没有找到这个地区：请填写地区名称（如 柯城区、柯城）、六位行政区划代码或拼音。"

    def candidates(self, value):
        return (
            Region.objects.named(value)
            .select_related("parent")
            .order_by(models.F("last_year").desc(nulls_first=True), "code")
        )

    def chosen(self, found):
        return Region.chosen(found)

    def clean(self, value):
        self.typed = fold((value or "").strip())
        return super().clean(value)

    def choice_label(self, region) -> str:
        """Its name, parent and years, and the name the reader typed where that was a
        former one (赛罕区（呼和浩特市，1983–），原名郊区)."""
        typed = getattr(self, "typed", "")
        if typed and not typed.isascii() and typed not in (region.name, region.short_name):
            return f"{region.label}，原名{typed}"
        return region.label

    def choice_value(self, region) -> str:
        return region.slug


class ContributorField(NamedField):
    """A contributor given by name (namesakes: a choice) or by slug."""

    noun = "作者"
    unknown = "没有找到这位作者：请填写作者姓名或拼音标识。"

    def candidates(self, value):
        return Contributor.objects.public().named(value)

    def choice_label(self, contributor) -> str:
        return f"{contributor.name}（{contributor.description or contributor.slug}）"

    def choice_value(self, contributor) -> str:
        return contributor.slug


class SearchField(forms.CharField):
    """The reader's query, parsed; text with no letter or digit in it is an error."""

    def clean(self, value):
        value = super().clean(value)
        if not value or not value.strip():
            return Query()
        query = Query.parse(value)
        if not query:
            raise forms.ValidationError("请输入要查找的文字、字母或数字。")
        if len(query.terms) > MAX_TERMS:
            raise forms.ValidationError(f"关键词最多 {MAX_TERMS} 个，请减少一些再查找。")
        return query


class StoryFilterForm(forms.Form):
    def clean(self):
        data = super().clean()
        for name in ("date_after", "date_before"):
            day = data.get(name)
            if day and not EARLIEST_DATE <= day <= LATEST_DATE:
                self.add_error(
                    name,
                    f"请填写 {EARLIEST_DATE.year} 年至 {LATEST_DATE.year} 年之间的日期。",
                )
        after, before = data.get("date_after"), data.get("date_before")
        if after and before and after > before:
            self.add_error("date_before", "截止日期不能早于起始日期。")
        return data


def start_of_day(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


class RegionFilter(django_filters.Filter):
    field_class = RegionField

    def filter(self, qs, value):
        return qs.in_region(value) if value else qs


class ContributorFilter(django_filters.Filter):
    field_class = ContributorField

    def filter(self, qs, value):
        return qs.bylined(value) if value else qs


class SearchFilter(django_filters.Filter):
    """Validates ``q``; the view pages the search itself (``archive.search.listing``)."""

    field_class = SearchField

    def filter(self, qs, value):
        return qs


class PlainSelect(forms.Select):
    """A ``<select>`` built in Python. Django's renders a template per option: 8 ms of
    every story list page for the fifty sections."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (
                    option["value"],
                    mark_safe(" selected") if option["selected"] else "",
                    option["label"],
                )
                for _, group, _ in widget["optgroups"]
                for option in group
            ),
        )
        return format_html(
            '<select name="{}"{}>{}</select>', name, _attributes(widget["attrs"]), options
        )


def _public_sections() -> list[tuple[str, str]]:
    return list(Section.objects.public().values_list("slug", "name"))


class PublicSectionChoices(BaseChoiceIterator):
    """The public sections as (slug, name), read once per public change (a fragment):
    Django's iterator asks the database and builds fifty sections on every page that
    shows the form bound, every search among them."""

    def __init__(self, field):
        self.field = field

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        yield from fragments.cached("section-choices", _public_sections, version=self.field.version)


class SectionField(ModelChoiceField):
    """A section by slug, checked against the database; its choices from the fragment.
    ``version``: where the page has read the counts' version, a callable giving it
    (``counts.version``, read once a request), so the choices do not read it again."""

    iterator = PublicSectionChoices
    version = None


class SectionFilter(django_filters.ModelChoiceFilter):
    field_class = SectionField


class StoryFilter(django_filters.FilterSet):
    region = RegionFilter(
        label="地区",
        max_length=50,
        widget=SuggestedInput(reverse_lazy("api:region-suggest"), {"placeholder": "如 柯城区"}),
    )
    section = SectionFilter(
        label="栏目",
        # Asked per request: only sections with a public story are named publicly.
        queryset=lambda request: Section.objects.public(),
        to_field_name="slug",
        empty_label="全部栏目",
        widget=PlainSelect,
    )
    author = ContributorFilter(label="作者", max_length=120, widget=PlainTextInput)
    q = SearchFilter(label="关键词", max_length=MAX_QUERY_LENGTH, widget=PlainTextInput)
    order = django_filters.ChoiceFilter(
        label="排序",
        choices=[("newest", "最新在前"), ("oldest", "最早在前"), ("relevance", "相关度")],
        empty_label=None,
        method="keep",  # the view pages in this order
        widget=PlainSelect,
    )
    date_after = django_filters.DateFilter(
        label="起始日期",
        method="filter_date_after",
        widget=PlainDateInput(attrs={"type": "date"}),
    )
    date_before = django_filters.DateFilter(
        label="截止日期",
        method="filter_date_before",
        widget=PlainDateInput(attrs={"type": "date"}),
    )

    class Meta:
        model = Article
        fields: list[str] = []
        form = StoryFilterForm

    OLDEST, RELEVANCE = "oldest", "relevance"

    def keep(self, queryset, name, value):
        return queryset

    # Whole days in the archive's time zone, compared as datetimes so that the
    # published_at index serves the range.
    def filter_date_after(self, queryset, name, value):
        return queryset.filter(published_at__gte=start_of_day(value))

    def filter_date_before(self, queryset, name, value):
        return queryset.filter(published_at__lt=start_of_day(value + datetime.timedelta(days=1)))
