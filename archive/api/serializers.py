"""What the API shows of a story and a region: what readers see on the site, nothing more.

Editors' fields (status, version, created_by, origin, history) are never listed here.
Docstrings of serializers are the OpenAPI document's descriptions, so they are Chinese.
"""

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from archive.models import Article, Credit, Photo, Region


@extend_schema_field(OpenApiTypes.URI)
class PageURLField(serializers.ReadOnlyField):
    """The object's page on the site (its ``get_absolute_url``) as an absolute URL."""

    def __init__(self, **kwargs):
        super().__init__(source="get_absolute_url", **kwargs)

    def to_representation(self, value):
        return self.context["request"].build_absolute_uri(value)


class SectionSerializer(serializers.Serializer):
    """栏目。"""

    name = serializers.CharField()
    slug = serializers.CharField()


class StoryRegionSerializer(serializers.Serializer):
    """报道涉及的地区；主要地区（primary）排在最前。"""

    code = serializers.CharField(source="region.code")
    name = serializers.CharField(source="region.name")
    slug = serializers.CharField(source="region.slug")
    level = serializers.ChoiceField(source="region.level", choices=Region.Level.choices)
    primary = serializers.BooleanField(source="is_primary")


class CreditSerializer(serializers.Serializer):
    """署名：作者或供稿方在报道或图片中的角色；slug 可用于报道列表的 author 筛选。"""

    name = serializers.CharField(source="contributor.name")
    slug = serializers.CharField(source="contributor.slug")
    role = serializers.ChoiceField(choices=Credit.Role.choices)
    role_label = serializers.CharField(source="get_role_display")


class StoryListSerializer(serializers.ModelSerializer):
    """报道列表中的一篇：url 是网站上的页面，api_url 是本接口的全文。"""

    url = PageURLField()
    api_url = serializers.HyperlinkedIdentityField(view_name="api:story-detail")
    published_at = serializers.DateTimeField(help_text="发布时间（北京时间）。")
    byline = serializers.CharField(
        source="byline_display", help_text="署名，按见报写法，如“张三 李四 通讯员 王五”。"
    )
    bylines = CreditSerializer(source="credits", many=True)
    section = SectionSerializer(allow_null=True)
    regions = StoryRegionSerializer(source="article_regions", many=True)

    class Meta:
        model = Article
        fields = [
            "id",
            "url",
            "api_url",
            "kicker",
            "headline",
            "subtitle",
            "byline",
            "bylines",
            "published_at",
            "edition_date",
            "page_number",
            "page_name",
            "section",
            "regions",
        ]
        read_only_fields = fields


class BodyBlockSerializer(serializers.Serializer):
    """正文的一段（paragraph）或一个小标题（subhead），按顺序排列（``archive.body``）。"""

    type = serializers.ChoiceField(
        source="kind", choices=[("paragraph", "段落"), ("subhead", "小标题")]
    )
    text = serializers.CharField()


class PhotoSerializer(serializers.ModelSerializer):
    """报道的图片，按版面顺序。"""

    image = serializers.ImageField(
        allow_null=True, help_text="图片文件；由版面导入的图片只有说明和署名，为 null。"
    )
    credit_line = serializers.CharField(help_text="图片署名，按见报写法，如“许军 摄”。")
    credits = CreditSerializer(many=True)

    class Meta:
        model = Photo
        fields = ["image", "caption", "alt_text", "credit_line", "credits"]
        read_only_fields = fields


class StoryDetailSerializer(StoryListSerializer):
    """一篇报道的全文：列表字段之外，还有导语、正文和图片。"""

    body = BodyBlockSerializer(source="body_blocks", many=True)
    photos = PhotoSerializer(many=True)

    class Meta(StoryListSerializer.Meta):
        fields = [*StoryListSerializer.Meta.fields, "lede", "body", "photos"]
        read_only_fields = fields


class RegionNamesSerializer(serializers.Serializer):
    """一个地区的代码、名称、拼音与级别。"""

    code = serializers.CharField()
    name = serializers.CharField()
    short_name = serializers.CharField()
    slug = serializers.CharField()
    level = serializers.ChoiceField(choices=Region.Level.choices)


class RegionSerializer(RegionNamesSerializer):
    """县级行政区（区、县、县级市）：地区树的末梢。"""

    story_count = serializers.IntegerField(
        help_text="这一地区（含下属地区）公开报道的篇数，定时更新，可能稍有滞后。"
    )
    url = PageURLField()
    stories_url = serializers.SerializerMethodField()

    @extend_schema_field(OpenApiTypes.URI)
    def get_stories_url(self, region) -> str:
        """本接口中这一地区的报道列表。"""
        path = f"{reverse('api:story-list')}?region={region.slug}"
        return self.context["request"].build_absolute_uri(path)


class RegionSuggestionSerializer(RegionNamesSerializer):
    """输入提示中的一个地区。"""

    parent = serializers.CharField(source="parent.name", default="", help_text="上级地区的名称。")


class CitySerializer(RegionSerializer):
    """地级市及其下属县级行政区。"""

    counties = RegionSerializer(source="subregions", many=True)


class ProvinceSerializer(RegionSerializer):
    """省及其下属地级市。"""

    cities = CitySerializer(source="subregions", many=True)
