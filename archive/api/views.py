"""Read-only JSON views. Only published stories whose time has come, as on the site."""

import re

from django.conf import settings
from django.db.models import Prefetch, Q
from django.http import JsonResponse
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    inline_serializer,
)
from rest_framework import exceptions, generics, serializers
from rest_framework.response import Response

from archive.caching import counts
from archive.models import Article, Region, RegionName, RegionSuccession
from archive.public import story_read
from archive.public.filters import StoryFilter
from archive.text.folding import fold

from .filters import (
    BlankMeansUnset,
    RegionListParameters,
    RegionTreeParameters,
    StoryFilterBackend,
    given,
)
from .pagination import RegionCursorPagination, StoryCursorPagination
from .serializers import (
    RegionSerializer,
    RegionSuggestionSerializer,
    RegionTreeNodeSerializer,
    StoryDetailSerializer,
    StoryListSerializer,
)

DETAIL = inline_serializer("Detail", fields={"detail": serializers.CharField()})
THROTTLED = OpenApiResponse(DETAIL, description="请求过于频繁；Retry-After 头给出需等待的秒数。")
ERRORS_BY_PARAMETER = {
    "type": "object",
    "additionalProperties": {"type": "array", "items": {"type": "string"}},
}
CHOICES = {
    "type": "array",
    "items": {
        "type": "object",
        "required": ["label", "value"],
        "properties": {
            "label": {"type": "string", "description": "供显示，如“鼓楼区（南京市，1981–）”。"},
            "value": {"type": "string", "description": "只指这一个的值（拼音标识），可再次提交。"},
        },
    },
}
# A name several records share: the reasons, and for each such parameter what to choose from.
ERRORS_WITH_CHOICES = {
    **ERRORS_BY_PARAMETER,
    "properties": {
        "choices": {
            "type": "object",
            "description": "同名的地区或作者：按参数列出可选的各个，value 是可再次提交的值。",
            "additionalProperties": CHOICES,
        }
    },
}
CHOOSE = {
    "type": "object",
    "required": ["detail", "choices"],
    "properties": {"detail": {"type": "array", "items": {"type": "string"}}, "choices": CHOICES},
}
SLUG = re.compile(r"[a-z0-9-]+")
CODE = re.compile(r"\d{6}")
INVALID_FILTERS = OpenApiResponse(
    ERRORS_WITH_CHOICES,
    description="参数无效：每个出错的参数（含 cursor）及其错误说明，与 /stories/ 的提示相同；"
    "名称不止指一个地区或作者时，choices 列出可选的。",
)
INVALID_QUERY = OpenApiResponse(ERRORS_BY_PARAMETER, description="参数无效：q 及其错误说明。")


class StoryList(generics.ListAPIView):
    """Published stories, newest first, with the filters of /stories/.

    ``order=oldest`` reverses the list; with ``q``, ``order=relevance`` lists stories
    with every term in the title first. Pages follow the ``next`` link.
    """

    serializer_class = StoryListSerializer
    pagination_class = StoryCursorPagination
    filter_backends = [StoryFilterBackend]
    filterset_class = StoryFilter

    def get_queryset(self):
        return Article.objects.published()

    @extend_schema(
        summary="报道列表",
        description=(
            "已发布的报道，筛选与网站的 /stories/ 相同，结果也相同。"
            f"每页 {settings.ARCHIVE_PAGE_SIZE} 篇，"
            "按 next、previous 链接翻页；不提供总数。"
        ),
        responses={
            200: StoryListSerializer(many=True),
            400: INVALID_FILTERS,
            429: THROTTLED,
        },
    )
    def get(self, request, *args, **kwargs):
        filterset = StoryFilterBackend().valid_filterset(request, self.get_queryset(), self)
        stories = self.paginator.paginate_stories(filterset, request)
        serializer = self.get_serializer(stories, many=True)
        return self.paginator.get_paginated_response(serializer.data)


class StoryDetail(generics.RetrieveAPIView):
    """One published story: the list's fields plus lede, body blocks and photos."""

    serializer_class = StoryDetailSerializer

    def get_queryset(self):  # what the schema describes; the story is read below
        return Article.objects.published().for_reading()

    def get_object(self):
        # The story page's read (four fixed statements, no querysets built): what
        # ``for_reading`` prefetches. A story that is not public is DRF's 404, in Chinese.
        article = story_read.read(self.kwargs["pk"])
        if article is None:
            raise exceptions.NotFound()
        self.check_object_permissions(self.request, article)
        return article

    @extend_schema(
        summary="单篇报道",
        description="一篇已发布报道的全文：列表字段之外，还有导语、正文段落和图片。",
        responses={
            200: StoryDetailSerializer,
            404: OpenApiResponse(
                DETAIL, description="没有这篇公开报道（草稿、待审、已撤回、定时发布的都没有）。"
            ),
            429: THROTTLED,
        },
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


REGION_INVALID = OpenApiResponse(
    ERRORS_BY_PARAMETER, description="参数无效：每个出错的参数（含 cursor）及其错误说明。"
)


def with_history(regions):
    """What a region's entry shows besides its own row: parent, names (each with its
    parent then) and the links into and out of it with the regions at their other ends.
    Four queries for any number of regions."""
    links = RegionSuccession.objects.order_by("year", "pk")
    return regions.select_related("parent").prefetch_related(
        Prefetch("names", RegionName.objects.select_related("parent").order_by("first_year")),
        Prefetch("successions", links.select_related("successor")),
        Prefetch("precessions", links.select_related("predecessor")),
    )


class RegionList(generics.ListAPIView):
    """Every division since 1980, in code order, a page at a time; filtered by province,
    level, in use or not, and by the name a reader gives."""

    schema = BlankMeansUnset()
    serializer_class = RegionSerializer
    pagination_class = RegionCursorPagination

    def get_queryset(self):
        parameters = RegionListParameters(data=given(self.request.query_params))
        parameters.is_valid(raise_exception=True)
        return with_history(parameters.regions())

    @extend_schema(
        summary="地区列表",
        description=(
            "1980 年以来的全部行政区划（省级、地级、县级，今天的和已撤销的），按代码排列，"
            f"每页 {RegionCursorPagination.page_size} 个，按 next、previous 链接翻页；"
            "每个地区带名称沿革、上级、前身和后继。可按省、级别、是否仍在使用和名称筛选。"
        ),
        parameters=[RegionListParameters],
        responses={
            200: RegionSerializer(many=True),
            400: REGION_INVALID,
            429: THROTTLED,
        },
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class RegionDetail(generics.RetrieveAPIView):
    """One division by its slug, or by its code where only one division ever had it."""

    queryset = Region.objects.all()
    serializer_class = RegionSerializer

    def get_object(self):
        key = self.kwargs["key"]
        # Slugs and codes are ASCII letters, digits and hyphens: anything else (a NUL,
        # which PostgreSQL refuses in a query) names no region.
        if len(key) > Region._meta.get_field("slug").max_length or not SLUG.fullmatch(key):
            raise exceptions.NotFound()
        field = "code" if CODE.fullmatch(key) else "slug"
        found = list(with_history(Region.objects.filter(**{field: key})).order_by("first_year"))
        if not found:
            raise exceptions.NotFound()
        if len(found) > 1:  # a reused code: which one is the client's to say
            raise exceptions.ValidationError(
                {
                    "detail": [f"代码 {key} 先后用于几个地区，请用拼音标识指明。"],
                    "choices": [{"label": r.label, "value": r.slug} for r in found],
                }
            )
        return found[0]

    @extend_schema(
        summary="单个地区",
        description=(
            "一个行政区划：名称沿革、上级、前身和后继（各带年份、是否部分划出和批准文号）。"
            "key 是拼音标识（slug），或六位代码；一个代码先后用于几个地区时（如 330502）返回 400，"
            "choices 列出各个地区的 label 与拼音标识（value）。"
        ),
        parameters=[
            OpenApiParameter(
                "key",
                str,
                OpenApiParameter.PATH,
                description="地区的拼音标识（如 kecheng、jianggan）或六位代码（如 330802）。",
            )
        ],
        responses={
            200: RegionSerializer,
            400: OpenApiResponse(
                CHOOSE, description="这个代码先后用于几个地区：choices 列出可选的地区。"
            ),
            404: OpenApiResponse(DETAIL, description="没有这个地区。"),
            429: THROTTLED,
        },
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class RegionTree(generics.GenericAPIView):
    """The divisions of one province valid in a year, as a tree, each with its story count
    under the name and parent it had then; or, for ``province=all``, the provinces.

    The counts are the site's cached ones (``archive.caching.counts``) and may lag a little.
    """

    schema = BlankMeansUnset()
    serializer_class = RegionTreeNodeSerializer
    pagination_class = None

    @extend_schema(
        summary="地区树",
        description=(
            "某一天（on，默认今天）某个省级地区（province，默认本报所在省）的行政区划："
            "省、地级、县级逐级嵌套在 subregions 中，名称和上级是那一年的，"
            "各带公开报道篇数（发布、撤回后即时更新）。province=all 只列那一年的各省级地区。"
        ),
        parameters=[RegionTreeParameters],
        responses={
            200: RegionTreeNodeSerializer(many=True),
            400: REGION_INVALID,
            429: THROTTLED,
        },
    )
    def get(self, request, *args, **kwargs):
        parameters = RegionTreeParameters(data=given(request.query_params))
        parameters.is_valid(raise_exception=True)
        province, year = parameters.validated_data["province"], parameters.validated_data["on"].year
        if province == RegionTreeParameters.ALL:
            regions = Region.objects.provinces().valid_in(year)
        else:
            regions = Region.objects.valid_in(year).within(province)
        roots = tree_in(year, regions, counts.region_story_counts())
        return Response(self.get_serializer(roots, many=True).data)


def tree_in(year: int, regions, story_counts: dict[int, int]) -> list[Region]:
    """``regions`` as a tree under the names and parents they had in ``year`` (two
    queries): each region with its ``subregions`` and ``story_count``."""
    names = RegionName.objects.filter(region__in=regions.values("pk")).filter(
        Q(last_year__isnull=True) | Q(last_year__gte=year), first_year__lte=year
    )
    regions = list(regions.order_by("code", "first_year"))
    then = {}
    for name in names.order_by("first_year"):  # renamed that year: the new name
        then[name.region_id] = name
    below: dict[int, list[Region]] = {region.pk: [] for region in regions}
    roots = []
    for region in regions:
        name = then.get(region.pk)
        if name is not None:
            region.name, region.short_name = name.name, name.short_name
        parent_id = name.parent_id if name is not None and name.parent_id in below else None
        region.subregions = below[region.pk]
        region.story_count = story_counts.get(region.pk, 0)
        below.get(parent_id or region.parent_id, roots).append(region)
    return roots


class RegionSuggestions(generics.GenericAPIView):
    """Regions for the region box as the reader types: those whose name (today's or a
    former one), short name, pinyin or code begins with ``q`` (Traditional and full-width
    input folded), today's first. Each carries its label (parent and period) and the value
    to put in the box: its name where the name means it alone, else its slug."""

    serializer_class = RegionSuggestionSerializer
    pagination_class = None
    LIMIT = 10

    class Typed(serializers.Serializer):
        # DRF's CharField also refuses NUL and lone surrogates, which the database would.
        q = serializers.CharField(required=False, allow_blank=True, max_length=50)

    @extend_schema(
        summary="地区输入提示",
        description=(
            "名称（今名或旧名）、简称、拼音或代码以 q 开头的地区，最多 10 个，"
            "仍在使用的在前，各按代码排列。label 带上级和年份供显示；"
            "value 是填入报道列表 region 筛选的值：名称只指这一个地区时是名称，否则是拼音标识。"
        ),
        parameters=[
            OpenApiParameter(
                "q", str, description="已输入的文字，如 柯、ke 或 3308（最多 50 个字）。"
            )
        ],
        responses={
            200: RegionSuggestionSerializer(many=True),
            400: INVALID_QUERY,
            429: THROTTLED,
        },
    )
    def get(self, request, *args, **kwargs):
        typed = self.Typed(data=request.query_params)
        typed.is_valid(raise_exception=True)
        found = Region.objects.suggested(typed.validated_data.get("q", ""))
        regions = list(found.select_related("parent")[: self.LIMIT])
        # Which regions bear each name, today or once: a name only one bears is the value.
        bearers: dict[str, set[int]] = {}
        names = RegionName.objects.filter(name__in={r.name for r in regions})
        for name, region_id in names.values_list("name", "region_id"):
            bearers.setdefault(name, set()).add(region_id)
        for region in regions:
            region.value = region.name if bearers.get(region.name) == {region.pk} else region.slug
        _former_names(regions, typed.validated_data.get("q", ""))
        return Response(self.get_serializer(regions, many=True).data)


def _former_names(regions: list[Region], typed: str) -> None:
    """Give each region found by a former name (郊 → 赛罕区, once 郊区) that name as
    ``matched``: one query, only when some region needs it."""
    folded = fold(typed.strip())
    for region in regions:
        region.matched = ""
    if not folded or folded.isascii():
        return
    found_by_old = {
        r.pk: r
        for r in regions
        if not (r.name.startswith(folded) or r.short_name.startswith(folded))
    }
    if not found_by_old:
        return
    names = RegionName.objects.filter(
        Q(name__startswith=folded) | Q(short_name__startswith=folded),
        region__in=list(found_by_old),
    ).order_by("-first_year")
    for region_id, name in names.values_list("region_id", "name"):
        found_by_old[region_id].matched = found_by_old[region_id].matched or name


def not_found(request, *args, **kwargs):
    """Any other path under /api/: a JSON 404 like the API's own, not the site's HTML page."""
    return JsonResponse(
        {"detail": str(exceptions.NotFound.default_detail)},
        status=404,
        json_dumps_params={"ensure_ascii": False},
    )
