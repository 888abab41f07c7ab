"""Read-only JSON views. Only published stories whose time has come, as on the site."""

from django.conf import settings
from django.http import Http404, JsonResponse
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    inline_serializer,
)
from rest_framework import exceptions, generics, serializers
from rest_framework.response import Response

from archive.caching import counts
from archive.models import Article, Region
from archive.public.filters import StoryFilter
from archive.public.regions import counted_tree

from .filters import StoryFilterBackend
from .pagination import StoryCursorPagination
from .serializers import (
    ProvinceSerializer,
    RegionSuggestionSerializer,
    StoryDetailSerializer,
    StoryListSerializer,
)

DETAIL = inline_serializer("Detail", fields={"detail": serializers.CharField()})
THROTTLED = OpenApiResponse(DETAIL, description="请求过于频繁；Retry-After 头给出需等待的秒数。")
ERRORS_BY_PARAMETER = {
    "type": "object",
    "additionalProperties": {"type": "array", "items": {"type": "string"}},
}
INVALID_FILTERS = OpenApiResponse(
    ERRORS_BY_PARAMETER,
    description="参数无效：每个出错的参数（含 cursor）及其错误说明，与 /stories/ 的提示相同。",
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

    def get_queryset(self):
        return Article.objects.published().for_reading()

    def get_object(self):
        # Django's message names the model, in English; a reader gets DRF's, in Chinese.
        try:
            return super().get_object()
        except Http404:
            raise exceptions.NotFound() from None

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


class RegionTree(generics.GenericAPIView):
    """The gazetteer as a tree, province → cities → counties, each with its story count.

    The counts are the site's cached ones (``archive.counts``) and may lag a little.
    """

    serializer_class = ProvinceSerializer
    pagination_class = None

    def get_queryset(self):
        return Region.objects.order_by("code")

    @extend_schema(
        summary="地区树",
        description="省、地级市、县级行政区三级，各带公开报道篇数（定时统计，可能稍有滞后）。",
        responses={200: ProvinceSerializer(many=True), 429: THROTTLED},
    )
    def get(self, request, *args, **kwargs):
        provinces = counted_tree(counts.region_story_counts(), self.get_queryset())
        return Response(self.get_serializer(provinces, many=True).data)


class RegionSuggestions(generics.GenericAPIView):
    """Regions for the region box as the reader types: those whose name, short name,
    pinyin or code begins with ``q`` (Traditional and full-width input folded)."""

    serializer_class = RegionSuggestionSerializer
    pagination_class = None
    LIMIT = 10

    class Typed(serializers.Serializer):
        # DRF's CharField also refuses NUL and lone surrogates, which the database would.
        q = serializers.CharField(required=False, allow_blank=True, max_length=50)

    @extend_schema(
        summary="地区输入提示",
        description="名称、简称、拼音或代码以 q 开头的地区，最多 10 个，按代码排列。",
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
        regions = found.select_related("parent")[: self.LIMIT]
        return Response(self.get_serializer(regions, many=True).data)


def not_found(request, *args, **kwargs):
    """Any other path under /api/: a JSON 404 like the API's own, not the site's HTML page."""
    return JsonResponse(
        {"detail": str(exceptions.NotFound.default_detail)},
        status=404,
        json_dumps_params={"ensure_ascii": False},
    )
