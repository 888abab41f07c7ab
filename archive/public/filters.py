"""FilterSets for the public story lists."""

import datetime

import django_filters
from django import forms
from django.forms.utils import flatatt
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from archive.models import Article, Contributor, Region, Section
from archive.search.terms import MAX_TERMS, Query

MAX_QUERY_LENGTH = 100
# The paper's archive starts in 1949; anything far outside is a typo or a probe.
EARLIEST_DATE = datetime.date(1900, 1, 1)
LATEST_DATE = datetime.date(2100, 12, 31)


class RegionField(forms.CharField):
    """A region given by its six-digit code or its pinyin slug."""

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        region = Region.objects.lookup(value)
        if region is None:
            raise forms.ValidationError("没有找到这个地区，请填写六位行政区划代码或地区拼音。")
        return region


class ContributorField(forms.CharField):
    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        contributor = Contributor.objects.filter(slug=value.strip().lower()).first()
        if contributor is None:
            raise forms.ValidationError("没有找到这位作者。")
        return contributor


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
            '<select name="{}"{}>{}</select>', name, flatatt(widget["attrs"]), options
        )


class StoryFilter(django_filters.FilterSet):
    region = RegionFilter(label="地区", max_length=50)
    section = django_filters.ModelChoiceFilter(
        label="栏目",
        queryset=Section.objects.all(),
        to_field_name="slug",
        empty_label="全部栏目",
        widget=PlainSelect,
    )
    author = ContributorFilter(label="作者", max_length=120)
    q = SearchFilter(label="关键词", max_length=MAX_QUERY_LENGTH)
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
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    date_before = django_filters.DateFilter(
        label="截止日期",
        method="filter_date_before",
        widget=forms.DateInput(attrs={"type": "date"}),
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
