"""The sample page's two stories, as `make run` loads them."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from archive.demo import oracle
from archive.models import Article, Contributor, Credit, PageImport, Photo
from archive.text import body
from tests.helpers import visible_text

pytestmark = pytest.mark.django_db

KECHENG = "柯城：进入新赛道 扛起新担当"
JIANDE = "建德：以担当之“为”换高质量发展之“能”"


def story_url(headline):
    return Article.objects.get(headline=headline).get_absolute_url()


def test_demo_loads_two_published_stories_in_their_section(demo):
    stories = Article.objects.published()
    assert set(stories.values_list("headline", flat=True)) == {KECHENG, JIANDE}
    assert {a.section.name for a in stories} == {"经济大省挑大梁"}
    assert Article.objects.get(headline=JIANDE).kicker == "提升服务能力 挖掘存量价值"


def test_the_demo_is_the_sample_page_through_the_importer_exactly_as_structured_by_hand(demo):
    record = PageImport.objects.get()
    assert record.banner == oracle.BANNER and record.unplaced == []
    articles = record.articles.order_by("pk")
    assert len(articles) == len(oracle.STORIES)
    for article, expected in zip(articles, oracle.STORIES, strict=True):
        assert (article.kicker, article.headline, article.subtitle) == (
            expected["kicker"],
            expected["headline"],
            expected["subtitle"],
        )
        assert [(b.kind, b.text) for b in body.parse(article.body)] == expected["body"]
        assert [
            (r.region.code, r.is_primary) for r in article.article_regions.order_by("region__code")
        ] == expected["regions"]
        bylines = article.credits.order_by("order")
        assert [(c.contributor.name, c.role) for c in bylines] == expected["bylines"]
        photos = [
            (
                p.caption,
                [
                    (c.contributor.name, c.contributor.kind, c.role)
                    for c in p.credits.order_by("order")
                ],
            )
            for p in article.photos.order_by("order")
        ]
        assert photos == [(p["caption"], p["credits"]) for p in expected["photos"]]
        assert article.status == Article.Status.PUBLISHED


def test_loading_the_demo_twice_changes_nothing(demo):
    counts = (Article.objects.count(), Contributor.objects.count(), Photo.objects.count())
    call_command("load_demo", verbosity=0)
    assert (Article.objects.count(), Contributor.objects.count(), Photo.objects.count()) == counts


def test_demo_credits_every_byline_and_photo(demo):
    jiande = Article.objects.get(headline=JIANDE)
    assert [c.contributor.name for c in jiande.credits.all()] == [
        "张卉卉",
        "吴国军",
        "邵国强",
        "朱秋燕",
    ]
    photos = Photo.objects.order_by("article_id", "order")  # Kecheng was loaded first
    assert [(p.caption, p.credit_line()) for p in photos] == [
        ("元森AI智能产业园即将投产。", "许军 摄"),
        ("顺丰丰泰智慧物流产业基地（一期）开园运营。", "许军 摄"),
        ("洋溪街道全景", "（图片由建德市洋溪街道提供）"),
    ]
    # One 许军 credited twice, one organisation.
    assert Contributor.objects.filter(name="许军").count() == 1
    xujun_credits = Credit.objects.filter(contributor__name="许军", role=Credit.Role.PHOTOGRAPHER)
    assert xujun_credits.count() == 2
    assert Contributor.objects.get(name="建德市洋溪街道").kind == Contributor.Kind.ORGANISATION


@pytest.mark.parametrize(
    "joined",
    [
        "一体引育高能级项目和高层次人才，发挥平台招商",
        "收回低效用地土地1076亩",
        "省级科技企业孵化器1家，辉博电力上榜",
        "越来越多的人在城区安居乐业",
        "围绕重大项目建设，建立健全",
        "去年柯城新增“千项万亿”工程项目8个",
        "洋安新城犹如主城区东部璀璨之星",
        "这里还没有康养结合的高端养老产业",
        "亦是该街道以干部之干",
    ],
)
def test_fragments_split_across_columns_are_joined(demo, joined):
    assert any(joined in a.body for a in Article.objects.all())


def test_kecheng_paragraphs_and_subheads_read_in_order(client, demo):
    page = visible_text(client.get(story_url(KECHENG)))
    landmarks = [
        "春华秋实又一年。",
        "筑牢扩大投资“压舱石”",
        "临近春节，柯城区寺桥水库项目",
        "一边稳存量，一边拓增量。",
        "迸发产业发展新动能",
        "走进柯城生态工业园",
        "蹚出城乡融合新路径",
        "日前，柯城区华墅乡三官岭村民周耀良",
        "草木蔓发，春山可望。",
    ]
    positions = [page.index(text) for text in landmarks]
    assert positions == sorted(positions)


def test_every_demo_paragraph_appears_once_on_its_story_page(client, demo):
    for story in oracle.STORIES:
        page = visible_text(client.get(story_url(story["headline"])))
        for _kind, text in story["body"]:
            assert page.count(text) == 1, text[:20]


def test_story_pages_show_bylines_captions_and_credits(client, demo):
    kecheng = visible_text(client.get(story_url(KECHENG)))
    assert "郑晨" in kecheng
    assert kecheng.count("许军 摄") == 2
    assert "元森AI智能产业园即将投产。" in kecheng
    jiande = visible_text(client.get(story_url(JIANDE)))
    assert "提升服务能力 挖掘存量价值" in jiande
    assert "张卉卉 吴国军 邵国强 朱秋燕" in jiande
    assert "洋溪街道全景" in jiande
    assert "（图片由建德市洋溪街道提供）" in jiande


@pytest.mark.parametrize("region", ["330802", "kecheng"])
def test_kecheng_by_code_or_slug_lists_only_the_kecheng_story(client, demo, region):
    page = client.get(reverse("archive:story_list"), {"region": region}).content.decode()
    assert KECHENG in page
    assert "以担当之" not in page


def test_hangzhou_a_city_lists_the_jiande_story(client, demo):
    page = client.get(reverse("archive:story_list"), {"region": "330100"}).content.decode()
    assert "以担当之" in page
    assert KECHENG not in page


def test_regions_page_shows_all_eleven_cities_with_counts(client, demo):
    page = visible_text(client.get(reverse("archive:region_list")))
    for city in [
        "杭州市",
        "宁波市",
        "温州市",
        "嘉兴市",
        "湖州市",
        "绍兴市",
        "金华市",
        "衢州市",
        "舟山市",
        "台州市",
        "丽水市",
    ]:
        assert city in page
    assert "柯城区 1 篇" in page
    assert "衢州市 1 篇" in page
    assert "龙港市 0 篇" in page
