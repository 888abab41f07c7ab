"""What the API shows of a story and a region: what readers see on the site, nothing more.

Editors' fields (status, version, created_by, origin, history) are never listed here.
Docstrings of serializers are the OpenAPI document's descriptions, so they are Chinese.
"""

from django.urls import reverse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from archive.models import Article, Credit, Photo, Region
from archive.reversing import url_for


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

    def to_representation(self, story):
        """The fields above, as DRF would give them, without its field machinery: a
        page of twenty stories cost about 12 ms through it (each value looked up by
        ``get_attribute``, each method's signature inspected, each link reversed), half
        of the list's work. ``tests/test_api_story_json.py`` holds the two to the same output."""
        absolute = self.context["request"].build_absolute_uri
        section = story.section
        return {
            "id": story.pk,
            "url": absolute(_story_path(story.pk)),
            "api_url": absolute(_story_path(story.pk, api=True)),
            "kicker": story.kicker,
            "headline": story.headline,
            "subtitle": story.subtitle,
            "byline": story.byline_display(),
            "bylines": [_credit(credit) for credit in story.credits.all()],
            "published_at": _iso_datetime(story.published_at),
            "edition_date": story.edition_date.isoformat() if story.edition_date else None,
            "page_number": story.page_number,
            "page_name": story.page_name,
            "section": {"name": section.name, "slug": section.slug} if section else None,
            "regions": [
                {
                    "code": link.region.code,
                    "name": link.region.name,
                    "slug": link.region.slug,
                    "level": link.region.level,
                    "primary": link.is_primary,
                }
                for link in story.article_regions.all()
            ],
        }


def _story_path(pk: int, *, api: bool = False) -> str:
    return url_for("api:story-detail" if api else "archive:story_detail", pk)


def _credit(credit) -> dict:
    return {
        "name": credit.contributor.name,
        "slug": credit.contributor.slug,
        "role": credit.role,
        "role_label": credit.get_role_display(),
    }


def _iso_datetime(moment) -> str | None:
    """As DRF's ``DateTimeField`` gives it: ISO 8601 in the current time zone."""
    if not moment:
        return None
    text = timezone.localtime(moment).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


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

    def to_representation(self, story):
        data = super().to_representation(story)
        data["lede"] = story.lede
        data["body"] = self.fields["body"].to_representation(story.body_blocks())
        data["photos"] = self.fields["photos"].to_representation(story.photos.all())
        return data


class RegionRefSerializer(serializers.Serializer):
    """一个地区的代码、名称和拼音标识（slug 可用于 /api/regions/{key}/ 和报道的 region 筛选）。"""

    code = serializers.CharField()
    name = serializers.CharField()
    slug = serializers.CharField()


class RegionNamesSerializer(RegionRefSerializer):
    """一个地区的代码、名称、拼音、级别与类型。"""

    short_name = serializers.CharField()
    level = serializers.ChoiceField(choices=Region.Level.choices)
    kind = serializers.CharField(
        help_text="类型，读者的叫法：区、县、县级市、自治县、地级市、地区、自治州、省、直辖市等。"
    )


class RegionPeriodSerializer(RegionNamesSerializer):
    """一个地区及其代码的使用年份。"""

    first_year = serializers.IntegerField(help_text="启用年份。")
    last_year = serializers.IntegerField(allow_null=True, help_text="撤销年份；仍在使用为 null。")
    label = serializers.CharField(help_text="名称、上级与年份，如“江干区（杭州市，1983–2021）”。")


class RegionNameSerializer(serializers.Serializer):
    """地区在一段时期内的名称，及那时的上级。"""

    name = serializers.CharField()
    short_name = serializers.CharField()
    first_year = serializers.IntegerField()
    last_year = serializers.IntegerField(allow_null=True, help_text="仍在使用为 null。")
    parent = RegionRefSerializer(allow_null=True)


class SuccessionSerializer(serializers.Serializer):
    """一次区划变更：所列地区、年份、是否只划出部分区域（partial），及批准文号和日期（不详为空）。"""

    year = serializers.IntegerField()
    partial = serializers.BooleanField(help_text="true：只划出部分区域，原地区继续存在。")
    document = serializers.CharField(help_text="批准文号，如“浙政发〔2021〕7号”；不详为空。")
    document_date = serializers.CharField(help_text="批准日期；不详为空。")


class SuccessorSerializer(SuccessionSerializer, RegionRefSerializer):
    """承接这一地区（全部或部分）区域的地区。"""

    code = serializers.CharField(source="successor.code")
    name = serializers.CharField(source="successor.name")
    slug = serializers.CharField(source="successor.slug")


class PredecessorSerializer(SuccessionSerializer, RegionRefSerializer):
    """区域（全部或部分）并入这一地区的地区。"""

    code = serializers.CharField(source="predecessor.code")
    name = serializers.CharField(source="predecessor.name")
    slug = serializers.CharField(source="predecessor.slug")


class RegionLinksSerializer(serializers.Serializer):
    """url：网站上的页面；api_url：本接口的这一地区；stories_url：本接口中这一地区的报道。"""

    url = PageURLField()
    api_url = serializers.HyperlinkedIdentityField(
        view_name="api:region-detail", lookup_field="slug", lookup_url_kwarg="key"
    )
    stories_url = serializers.SerializerMethodField()

    @extend_schema_field(OpenApiTypes.URI)
    def get_stories_url(self, region) -> str:
        """本接口中这一地区的报道列表。"""
        path = f"{reverse('api:story-list')}?region={region.slug}"
        return self.context["request"].build_absolute_uri(path)


class RegionSerializer(RegionPeriodSerializer, RegionLinksSerializer):
    """一个行政区划（省级、地级或县级，今天的或已撤销的）：名称沿革、上级、前身和后继。"""

    is_current = serializers.BooleanField(help_text="今天是否仍在使用。")
    parent = RegionRefSerializer(allow_null=True, help_text="上级（最后所属的）；省级为 null。")
    names = RegionNameSerializer(many=True, help_text="历年名称，按启用年份排列。")
    successors = SuccessorSerializer(
        source="successions", many=True, help_text="区域划给了哪些地区（撤销、合并或部分划出）。"
    )
    predecessors = PredecessorSerializer(
        source="precessions", many=True, help_text="哪些地区的区域（全部或部分）划入了这一地区。"
    )


class RegionTreeNodeSerializer(RegionNamesSerializer, RegionLinksSerializer):
    """地区树中的一个地区，名称和上级取所查那一年的；subregions 是下属地区。"""

    first_year = serializers.IntegerField(help_text="启用年份。")
    last_year = serializers.IntegerField(allow_null=True, help_text="撤销年份；仍在使用为 null。")
    story_count = serializers.IntegerField(
        help_text="这一地区（含下属地区和并入的前身）公开报道的篇数，发布、撤回后即时更新。"
    )
    subregions = serializers.SerializerMethodField()

    # Self-referencing: the component by name, as drf-spectacular emits it for this class.
    @extend_schema_field(
        {"type": "array", "items": {"$ref": "#/components/schemas/RegionTreeNode"}}
    )
    def get_subregions(self, region) -> list:
        """下属地区（同样的结构）；province=all 时为空。"""
        return type(self)(region.subregions, many=True, context=self.context).data


class RegionSuggestionSerializer(RegionPeriodSerializer):
    """输入提示中的一个地区：label 供显示，value 是填入地区框的值。"""

    parent = serializers.CharField(source="parent.name", default="", help_text="上级地区的名称。")
    period = serializers.CharField(help_text="使用年份，如“1983–2021”，仍在使用的如“1985–”。")
    value = serializers.CharField(
        help_text="填入报道列表 region 筛选的值：名称只指这一个地区时是名称，否则是拼音标识。"
    )
    matched = serializers.CharField(
        help_text="按旧名找到时，那个旧名（如输入“郊”找到赛罕区：“郊区”）；否则为空。"
    )
