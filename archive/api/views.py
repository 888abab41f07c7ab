"""Read-only JSON views. Only published stories whose time has come, as on the site."""

from django.conf import settings
from django.http import Http404, JsonResponse
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import exceptions, generics, serializers
from rest_framework.response import Response

from archive.caching import counts
from archive.models import Article, Region
from archive.public.filters import StoryFilter
from archive.public.regions import counted_tree

from .filters import StoryFilterBackend
from .pagination import StoryCursorPagination
from .serializers import ProvinceSerializer, StoryDetailSerializer, StoryListSerializer

DETAIL = inline_serializer("Detail", fields={"detail": serializers.CharField()})
THROTTLED = OpenApiResponse(DETAIL, description="请求过于频繁；Retry-After 头给出需等待的秒数。")
INVALID_FILTERS = OpenApiResponse(
    {
        "type": "object",
        "additionalProperties": {"type": "array", "items": {"type": "string"}},
    },
    description="参数无效：每个出错的参数（含 cursor）及其错误说明，与 /stories/ 的提示相同。",
)


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


def not_found(request, *args, **kwargs):
    """Any other path under /api/: a JSON 404 like the API's own, not the site's HTML page."""
    return JsonResponse(
        {"detail": str(exceptions.NotFound.default_detail)},
        status=404,
        json_dumps_params={"ensure_ascii": False},
    )
