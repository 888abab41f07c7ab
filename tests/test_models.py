import pytest
from django.db import IntegrityError, transaction

from archive.models import Article, Contributor, Credit, Section
from archive.text import body
from tests.factories import ArticleFactory, ContributorFactory, PhotoFactory

pytestmark = pytest.mark.django_db


def test_a_credit_belongs_to_an_article_or_a_photo_never_both_never_neither():
    article = ArticleFactory()
    photo = PhotoFactory(article=article)
    person = ContributorFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Credit.objects.create(contributor=person, article=article, photo=photo)
    with pytest.raises(IntegrityError), transaction.atomic():
        Credit.objects.create(contributor=person)
    Credit.objects.create(contributor=person, article=article)
    Credit.objects.create(contributor=person, photo=photo, role=Credit.Role.PHOTOGRAPHER)
    assert Credit.objects.count() == 2


def test_namesakes_are_two_contributors_with_distinct_slugs():
    first = Contributor.objects.create(name="张伟")
    second = Contributor.objects.create(name="张伟", description="龙港市融媒体中心记者")
    assert first.slug == "zhang-wei"
    assert second.slug == "zhang-wei-2"
    assert str(second) == "张伟（龙港市融媒体中心记者）"


def test_contributors_list_in_pinyin_order():
    for name in ["郑晨", "安吉县融媒体中心", "曾小贤", "白云"]:
        kind = Contributor.Kind.ORGANISATION if "中心" in name else Contributor.Kind.PERSON
        Contributor.objects.create(name=name, kind=kind)
    assert list(Contributor.objects.by_pinyin().values_list("name", flat=True)) == [
        "安吉县融媒体中心",
        "白云",
        "曾小贤",
        "郑晨",
    ]


def test_section_slug_comes_from_pinyin():
    assert Section.objects.create(name="经济大省挑大梁").slug == "jing-ji-da-sheng-tiao-da-liang"


def test_each_save_bumps_the_version():
    article = ArticleFactory()
    assert article.version == 1
    article.headline = "柯城：改过的标题"
    article.save()
    article.refresh_from_db()
    assert article.version == 2


def test_publishing_without_a_time_publishes_now():
    article = ArticleFactory(draft=True)
    article.status = Article.Status.PUBLISHED
    article.save()
    assert article.published_at is not None
    assert Article.objects.published().filter(pk=article.pk).exists()


def test_body_text_round_trips_through_blocks():
    blocks = [
        ("paragraph", "春华秋实又一年。"),
        ("subhead", "筑牢扩大投资“压舱石”"),
        ("paragraph", "临近春节。"),
    ]
    text = body.compose(blocks)
    assert text == "春华秋实又一年。\n\n## 筑牢扩大投资“压舱石”\n\n临近春节。"
    assert [(b.kind, b.text) for b in body.parse(text)] == blocks


def test_body_ignores_blank_lines_and_keeps_markup_as_text():
    parsed = body.parse("\n  <b>粗体</b>  \n\n##\n##小标题\n")
    assert [(b.kind, b.text) for b in parsed] == [
        ("paragraph", "<b>粗体</b>"),
        ("subhead", "小标题"),
    ]


def test_bylines_read_as_the_paper_prints_them():
    article = ArticleFactory()
    for order, (name, role) in enumerate(
        [("张三", "writer"), ("李四", "writer"), ("王五", "correspondent")]
    ):
        Credit.objects.create(
            article=article,
            contributor=Contributor.objects.create(name=name),
            role=role,
            order=order,
        )
    assert article.byline_display() == "张三 李四 通讯员 王五"
    article.byline = "本报记者 张三 通讯员 李四 王五"
    assert article.byline_display() == "本报记者 张三 通讯员 李四 王五"


def test_photo_credits_read_as_the_paper_prints_them():
    photo = PhotoFactory()
    org = Contributor.objects.create(name="建德市洋溪街道", kind=Contributor.Kind.ORGANISATION)
    Credit.objects.create(photo=photo, contributor=org, role=Credit.Role.COURTESY)
    assert photo.credit_line() == "（图片由建德市洋溪街道提供）"
    other = PhotoFactory()
    Credit.objects.create(
        photo=other, contributor=Contributor.objects.create(name="许军"), role="photographer"
    )
    assert other.credit_line() == "许军 摄"
