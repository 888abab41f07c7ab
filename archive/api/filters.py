"""The /stories/ filters (``archive.filters.StoryFilter``) behind the API, and their description."""

from django_filters.rest_framework import DjangoFilterBackend
from django_filters.utils import translate_validation
from drf_spectacular.contrib.django_filters import DjangoFilterExtension
from drf_spectacular.plumbing import build_parameter_type
from drf_spectacular.utils import OpenApiParameter

from archive.public.filters import ContributorFilter, RegionFilter, SearchFilter

# What the OpenAPI document says of each filter, after its label.
DESCRIPTIONS = {
    "region": "地区名称、简称（繁体亦可）、六位行政区划代码或拼音，如 柯城区、柯城、330802 或 "
    "kecheng；市、省包括下属各县（市、区）。多个地区同名时返回 400，并列出可选的地区。",
    "section": "栏目的拼音标识（报道 section 里的 slug）。",
    "author": "作者姓名（繁体亦可）或拼音标识（报道 bylines 里的 slug），如 郑晨 或 zheng-chen；"
    "同名者返回 400，并列出各人的拼音标识。",
    "q": "空格分开的每个词都须出现在报道中；繁体、全角输入也能查到。",
    "date_after": "发布日期不早于这一天（YYYY-MM-DD，1900 至 2100 年）。",
    "date_before": "发布日期不晚于这一天（YYYY-MM-DD，1900 至 2100 年）。",
    "order": "newest 最新在前（默认），oldest 最早在前；"
    "relevance 与 q 同用时标题含全部关键词的在前，各自最新在前。",
}


class StoryFilterBackend(DjangoFilterBackend):
    """Validates the view's FilterSet and hands it over whole: a search is paged by its
    cleaned query, not by a filtered queryset alone (``archive.api.pagination``)."""

    def valid_filterset(self, request, queryset, view):
        """The bound FilterSet; invalid values are a 400 carrying the form's errors."""
        filterset = self.get_filterset(request, queryset, view)
        if not filterset.is_valid():
            raise translate_validation(filterset.errors)
        return filterset


class StoryFilterParameters(DjangoFilterExtension):
    """Describes each filter in Chinese; region, author and q are strings that the FilterSet
    looks up or parses, which drf-spectacular cannot tell from their custom classes. An
    empty value of any filter means "not filtered"."""

    target_class = StoryFilterBackend
    priority = 1

    def resolve_filter_field(self, auto_schema, model, filterset_class, field_name, filter_field):
        if isinstance(filter_field, RegionFilter | ContributorFilter | SearchFilter):
            schema = {"type": "string", "maxLength": filter_field.extra["max_length"]}
            parameters = [build_parameter_type(field_name, schema, OpenApiParameter.QUERY)]
        else:
            parameters = super().resolve_filter_field(
                auto_schema, model, filterset_class, field_name, filter_field
            )
        for parameter in parameters:
            parameter["allowEmptyValue"] = True  # as the site's form sends an unused filter
            if field_name in DESCRIPTIONS:
                parameter["description"] = f"{filter_field.label}：{DESCRIPTIONS[field_name]}"
        return parameters
