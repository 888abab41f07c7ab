"""Factories that build realistic Chinese newspaper content."""

import contextlib
import datetime

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory
from faker import Faker

from archive.editorial.aftermath import after_write
from archive.models import Article, ArticleRegion, Contributor, Credit, Photo, Region, Section

fake = Faker("zh_CN")

SECTION_NAMES = ["经济大省挑大梁", "县域观察", "乡村振兴", "民生实事", "文化旅游", "共同富裕"]
HEADLINE_PATTERNS = [
    "{place}：{a}{b}",
    "{place}全力推进{a}",
    "{a} {b}——{place}的新探索",
    "{place}：以{a}促{b}",
]
TOPICS = [
    "产业升级",
    "城乡融合",
    "招商引资",
    "共富工坊",
    "数字经济",
    "康养服务",
    "高标准农田",
    "营商环境",
    "闲置资产盘活",
    "文旅融合",
]


# What follows a write, as every write path does it: after each factory call, or, inside
# ``one_aftermath()``, once for everything its factories wrote.
_deferred: list[list] = []


def _after_write(stories: list, **kwargs) -> None:
    if _deferred:
        _deferred[-1].extend(stories)
    else:
        after_write(stories, **kwargs)


@contextlib.contextmanager
def one_aftermath():
    """The factories called inside refresh their stories' derived rows (listing rows,
    search documents) and bump the content versions once, when the block ends, not
    after each row: fifty stories with their bylines and photos are one refresh rather
    than some three hundred. What the block leaves is what the factories leave one by
    one, since the derived rows are rewritten from the stories' data either way; only
    code inside the block must not read derived rows. Nested blocks join the outer one.
    """
    if _deferred:
        yield
        return
    _deferred.append([])
    try:
        yield
    finally:
        written = _deferred.pop()
    stories: dict[int, Article | int] = {}  # each story once, as an Article where one came
    for story in written:
        pk = story if isinstance(story, int) else story.pk
        if isinstance(story, Article) or pk not in stories:
            stories[pk] = story
    if stories:
        # No history rows: the factories' stories are recorded by their own saves, and
        # a credit's story (known by id) gets none.
        after_write(list(stories.values()), record=False)


def chinese_paragraph() -> str:
    return "".join(fake.sentences(nb=fake.random_int(3, 6)))


def chinese_body(paragraphs: int = 4) -> str:
    lines = [chinese_paragraph() for _ in range(paragraphs)]
    lines.insert(2, f"## {fake.random_element(TOPICS)}见成效")
    return "\n\n".join(lines)


class SectionFactory(DjangoModelFactory):
    class Meta:
        model = Section
        django_get_or_create = ("name",)

    name = factory.Iterator(SECTION_NAMES)


class ContributorFactory(DjangoModelFactory):
    class Meta:
        model = Contributor

    name = factory.Faker("name", locale="zh_CN")
    kind = Contributor.Kind.PERSON


class OrganisationFactory(ContributorFactory):
    name = factory.Iterator(["建德市洋溪街道", "柯城区融媒体中心", "龙港市委宣传部", "乐清市文联"])
    kind = Contributor.Kind.ORGANISATION


class ArticleFactory(DjangoModelFactory):
    """A published story, a day old. Pass ``regions=[region, …]`` to tag it."""

    class Meta:
        model = Article
        skip_postgeneration_save = True

    class Params:
        draft = factory.Trait(status=Article.Status.DRAFT, published_at=None)
        scheduled = factory.Trait(
            published_at=factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=1))
        )

    headline = factory.LazyFunction(
        lambda: fake.random_element(HEADLINE_PATTERNS).format(
            place=fake.random_element(["柯城", "建德", "龙港", "乐清", "临平"]),
            a=fake.random_element(TOPICS),
            b=fake.random_element(TOPICS),
        )
    )
    kicker = ""
    subtitle = ""
    body = factory.LazyFunction(chinese_body)
    section = factory.SubFactory(SectionFactory)
    status = Article.Status.PUBLISHED
    published_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=1))

    @factory.post_generation
    def regions(self, create, extracted, **kwargs):
        for i, region in enumerate(extracted or ()):
            if isinstance(region, str):
                region = Region.objects.by_code(region)
            ArticleRegion.objects.create(article=self, region=region, is_primary=i == 0)
        if create:
            _after_write([self], record=False)  # as every write path does (history: the save's)


class ListedCreditFactory(DjangoModelFactory):
    """A credit whose story's derived rows are refreshed, as every write path does."""

    class Meta:
        model = Credit
        abstract = True
        skip_postgeneration_save = True

    @factory.post_generation
    def refresh_listings(self, create, extracted, **kwargs):
        if create:
            _after_write([self.article_id or self.photo.article_id])


class BylineFactory(ListedCreditFactory):
    class Meta:
        model = Credit

    article = factory.SubFactory(ArticleFactory)
    contributor = factory.SubFactory(ContributorFactory)
    role = Credit.Role.WRITER


class PhotoFactory(DjangoModelFactory):
    class Meta:
        model = Photo

    article = factory.SubFactory(ArticleFactory)
    caption = factory.LazyFunction(lambda: fake.sentence(nb_words=6))
    order = factory.Sequence(int)


class PhotoCreditFactory(ListedCreditFactory):
    class Meta:
        model = Credit

    photo = factory.SubFactory(PhotoFactory)
    contributor = factory.SubFactory(ContributorFactory)
    role = Credit.Role.PHOTOGRAPHER


def full_story(*, regions=("330802",), bylines=2, photos=2, **kwargs) -> Article:
    """A story with everything a list or story page shows: regions, bylines, credited photos
    (its derived rows refreshed once, when it is whole)."""
    with one_aftermath():
        article = ArticleFactory(regions=list(regions), **kwargs)
        for order in range(bylines):
            BylineFactory(article=article, order=order)
        for _ in range(photos):
            PhotoCreditFactory(photo=PhotoFactory(article=article))
    return article
