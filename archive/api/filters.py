"""The API's query parameters: the /stories/ filters (``archive.public.filters.StoryFilter``)
and their description, and the region list's and tree's, checked by serializers."""

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django_filters.rest_framework import DjangoFilterBackend
from django_filters.utils import translate_validation
from drf_spectacular.contrib.django_filters import DjangoFilterExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import build_parameter_type
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers
from rest_framework.exceptions import ValidationError

from archive.models import Region
from archive.public.filters import (
    LATEST_DATE,
    ContributorFilter,
    NamedField,
    RegionFilter,
    SearchFilter,
)

# What the OpenAPI document says of each filter, after its label.
DESCRIPTIONS = {
    "region": "地区名称、简称（今名或旧名，繁体亦可）、六位行政区划代码或拼音标识，"
    "如 柯城区、柯城、江干区、330802 或 kecheng；市、省包括下属各县（市、区），"
    "今天的地区包括并入它的前身。"
    "多个地区同名时（如 鼓楼区）返回 400，choices.region 列出可选的地区（label 与 value）。",
    "section": "栏目的拼音标识（报道 section 里的 slug）。",
    "author": "作者姓名（繁体亦可）或拼音标识（报道 bylines 里的 slug），如 郑晨 或 zheng-chen；"
    "同名者返回 400，choices.author 列出各人（label 与 value）。",
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
            error = translate_validation(filterset.errors)
            choices = offered_choices(filterset.form)
            if choices:
                error.detail["choices"] = choices
            raise error
        return filterset


def offered_choices(form) -> dict[str, list[dict]]:
    """What a name several records share offers to choose from, by parameter: each
    record's label and the value that names it alone (the form keeps them, ``NamedField``)."""
    found = {}
    for name, field in form.fields.items():
        if isinstance(field, NamedField) and getattr(field, "found", None):
            found[name] = [
                {"label": field.choice_label(obj), "value": field.choice_value(obj)}
                for obj in field.found
            ]
    return found


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


# Regions: the list's and the tree's parameters. An empty (or blank) value means "not
# given", as the story filters treat it (a form sends its unused boxes).


def given(query_params) -> dict[str, str]:
    return {name: value for name, value in query_params.items() if value.strip()}


class BlankMeansUnset(AutoSchema):
    """Says so in the document: every query parameter may be sent empty (``given``)."""

    def _get_parameters(self):
        parameters = super()._get_parameters()
        for parameter in parameters:
            if parameter["in"] == OpenApiParameter.QUERY:
                parameter["allowEmptyValue"] = True
        return parameters


NEWEST_FIRST = (models.F("last_year").desc(nulls_first=True), "code")
BOOLEAN = {"true": True, "false": False}


def province_named(value: str) -> Region:
    """The province ``value`` names: code, slug or name (浙江省, 浙江, Traditional too).
    Called once the field's own checks (length, NUL) have passed."""
    found = list(Region.objects.provinces().named(value).order_by(*NEWEST_FIRST)[:5])
    province = Region.chosen(found)
    if province is None:  # no two provinces share a name: unknown
        raise serializers.ValidationError(
            "没有找到这个省级地区：请填写省级地区的名称（如 浙江省、浙江）、"
            "六位代码（330000）或拼音（zhejiang）。"
        )
    return province


class RegionListParameters(serializers.Serializer):
    province = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=50,
        help_text="只列这个省级地区及其下属地区（今天的和已撤销的）："
        "名称、代码或拼音，如 浙江、330000、zhejiang。",
    )
    level = serializers.ChoiceField(
        required=False,
        allow_blank=True,
        choices=Region.Level.choices,
        help_text="只列这一级：province 省级，city 地级，county 县级。",
    )
    current = serializers.ChoiceField(
        required=False,
        allow_blank=True,
        choices=[("true", "仍在使用"), ("false", "已撤销")],
        help_text="true 只列今天仍在使用的地区，false 只列已撤销的。",
    )
    name = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=50,
        help_text="只列这个名称所指的地区：全称或简称、今名或旧名（繁体亦可）、代码或拼音；"
        "同名的都列出，如 鼓楼区。",
    )

    def validate_province(self, value):
        return province_named(value)

    def regions(self):
        """The regions these parameters select, in code order."""
        data, regions = self.validated_data, Region.objects.all()
        if "name" in data:
            regions = regions.named(data["name"])
        if "province" in data:
            regions = regions.within(data["province"])
        if "level" in data:
            regions = regions.filter(level=data["level"])
        if "current" in data:
            regions = regions.filter(last_year__isnull=BOOLEAN[data["current"]])
        return regions


# The gazetteer's data begins with the code lists of the early 1980s.
GAZETTEER_START = datetime.date(1980, 1, 1)


class RegionTreeParameters(serializers.Serializer):
    on = serializers.DateField(
        required=False,
        help_text="日期（YYYY-MM-DD，1980 年至 2100 年），列出那一年的行政区划及其当时的名称；"
        "默认今天。资料按年份，一年中有变更的，那一年前后两边的地区都列出。",
    )
    province = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=50,
        help_text="哪个省级地区：名称、代码或拼音，如 浙江、330000、zhejiang；默认本报所在省。"
        "all：只列那一年的各省级地区，不含下属。",
    )
    ALL = "all"

    def validate_on(self, day):
        if not GAZETTEER_START <= day <= LATEST_DATE:
            raise serializers.ValidationError(
                f"请填写 {GAZETTEER_START.year} 年至 {LATEST_DATE.year} 年之间的日期"
                f"（行政区划资料始于 {GAZETTEER_START.year} 年）。"
            )
        return day

    def validate_province(self, value):
        if value.strip().lower() == self.ALL:
            return self.ALL
        return province_named(value)

    def validate(self, data):
        data.setdefault("on", timezone.localdate())
        if "province" not in data:
            province = Region.objects.provinces().by_code(settings.ARCHIVE_HOME_PROVINCE)
            if province is None:  # a misconfigured home province: say so, not a 500
                raise ValidationError({"province": ["请指定省级地区。"]})
            data["province"] = province
        province, year = data["province"], data["on"].year
        if province != self.ALL and not province.valid_in_year(year):
            raise ValidationError(
                {"province": [f"{province.name}在 {year} 年不在行政区划中（{province.period}）。"]}
            )
        return data
