"""Searching the archive: every story that contains the reader's words, and only those.

Stories here set every text field explicitly: the factories' random Chinese text
could contain a searched character by chance and make a test pass or fail by luck.
"""

import datetime
import html
import io
import random
import re

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from archive import demo
from archive.bulk.synthetic.corpus import demo_sentences
from archive.editorial import derived, services
from archive.models import Article, Region, SearchDocument, Section
from archive.models.search import TITLE_VECTOR, VECTOR
from archive.search import documents
from archive.search import listing as search_listing
from archive.search.terms import Query, document_tokens
from archive.text.body import parse as parse_body
from archive.text.folding import fold
from tests.factories import (
    ArticleFactory,
    BylineFactory,
    ContributorFactory,
    PhotoCreditFactory,
    PhotoFactory,
    SectionFactory,
    full_story,
)
from tests.helpers import form_data

LIST = reverse("archive:story_list")
SAMPLE = demo.PAGE  # the sample page as OCR gave it, kept in the repository
POSTGRES_ONLY = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the bigram index is PostgreSQL's"
)
pytestmark = pytest.mark.django_db

DEFAULT_WINDOW = search_listing.WINDOW
EMPTY_QUERY = "请输入要查找的文字、字母或数字"
NO_RESULTS = "没有符合条件的报道"


@pytest.fixture(autouse=True)
def through_the_index(monkeypatch):
    """Pages read matches through the bigram index (on PostgreSQL) only once a window
    of the newest stories fails to fill them, which no test archive is big enough for:
    a window of one story sends searches through the index, where PostgreSQL's
    bugs would hide, as for a rare term on the real archive."""
    monkeypatch.setattr(search_listing, "WINDOW", 1)


def story(headline: str, body: str = "（正文略）", **fields) -> Article:
    """A published story whose every searchable text field is given, none random."""
    fields = {"kicker": "", "subtitle": "", "lede": "", "byline": "", **fields}
    return ArticleFactory(headline=headline, body=body, **fields)


def days_ago(days: float) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=days)


def search_page(client, **params) -> str:
    response = client.get(LIST, params)
    assert response.status_code == 200
    return response.content.decode()


def headlines_in(page: str) -> list[str]:
    """The headlines of the listed stories, top to bottom, as a reader reads them."""
    found = re.findall(r'<h3><a href="[^"]*">(.*?)</a></h3>', page, re.S)
    return [html.unescape(re.sub(r"</?mark>", "", text)) for text in found]


def found(client, q: str, **params) -> set[str]:
    headlines = headlines_in(search_page(client, q=q, **params))
    assert len(headlines) == len(set(headlines)), "a story listed twice"
    return set(headlines)


def next_link(page: str) -> str | None:
    match = re.search(r'<a rel="next" href="\?([^"]*)"', page)
    return html.unescape(match.group(1)) if match else None


def prev_link(page: str) -> str | None:
    match = re.search(r'<a rel="prev" href="\?([^"]*)"', page)
    return html.unescape(match.group(1)) if match else None


# --- what a query finds ---------------------------------------------------------------------


def test_one_character_finds_it_anywhere_even_as_the_last_of_a_line(client):
    # The index keeps each run's last character as a token of its own; without it
    # a character that ends a field or a line could not be found.
    story("访老篾匠阿柯")
    story("一位老人", body="村里有位老人名叫柯")
    story("两段正文", body="第一段说到老柯\n\n第二段讲别的事。")
    story("开头就是", body="柯氏宗祠修缮完工。")
    story("不相干的报道", body="衢江区举办农民丰收节。")
    assert found(client, "柯") == {"访老篾匠阿柯", "一位老人", "两段正文", "开头就是"}


@pytest.mark.parametrize(
    ("q", "containing"),
    [
        ("柯城", ["柯城：光电产业再提速", "走进柯城生态工业园。", "本报讯 记者走访柯城"]),
        ("高标准农田", ["高标准农田建设提速", "今年新建高标准农田两万亩。", "完成高标准农田"]),
        ("洋溪街道", ["建德市洋溪街道盘活闲置资产", "洋溪街道的共富工坊开张。", "来自洋溪街道"]),
    ],
)
def test_every_story_containing_the_string_is_found(client, q, containing):
    # The string in a headline, mid-body, and at the very end of a body.
    headline, middle, end = containing
    story(headline)
    story("正文中间提到", body=f"据悉，{middle}记者了解到更多。")
    story("正文末尾提到", body=end)
    story("毫不相干", body="龙港市举办渔民节。")
    assert found(client, q) == {headline, "正文中间提到", "正文末尾提到"}


def test_bigrams_of_the_query_found_apart_are_no_match(client):
    # Every bigram of 柯城区 and of 高标准农田 occurs here, never the string itself:
    # the index alone would let these through, the substring check must not.
    story("柯城区的报道", body="柯城区召开大会。")
    story("字都在却不相连", body="柯城的发展很快。" + "这是无关的一句话。" * 20 + "老城区在改造。")
    story("高标准农田", body="高标准农田建成。")
    story("词都在却不成串", body="高标准要求。精准农业。农田水利。")
    assert found(client, "柯城区") == {"柯城区的报道"}
    assert found(client, "高标准农田") == {"高标准农田"}


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("AI", {"元森AI智能产业园", "发展AI产业"}),
        ("ai", {"元森AI智能产业园", "发展AI产业"}),
        ("Ａｉ", {"元森AI智能产业园", "发展AI产业"}),  # full-width, as Chinese input methods type
        ("5G", {"5G基站建设"}),
        ("５ｇ", {"5G基站建设"}),
        ("2025", {"2025年目标"}),
        ("5G基站", {"5G基站建设"}),
        ("AI产业", {"发展AI产业"}),
    ],
)
def test_latin_letters_and_digits_ignore_case_and_width(client, q, expected):
    story("元森AI智能产业园")
    story("5G基站建设", body="今年新建基站一百个。")
    story("2025年目标", body="力争一季度开门红。")
    story("发展AI产业", body="人工智能。")
    story("2024年回顾", body="5号线通车，G60科创走廊。")
    assert found(client, q) == expected


def test_ten_words_must_all_occur_and_an_eleventh_is_refused_not_ignored(client):
    story("十个词", body="甲 乙 丙 丁 戊 己 庚 辛 壬 癸")
    assert found(client, "甲 乙 丙 丁 戊 己 庚 辛 壬 癸") == {"十个词"}
    response = client.get(LIST, {"q": "甲 乙 丙 丁 戊 己 庚 辛 壬 癸 子"})
    assert response.status_code == 200
    assert "关键词最多 10 个" in response.content.decode()
    assert headlines_in(response.content.decode()) == []


def test_every_word_must_occur_in_any_order_and_any_field(client):
    story("光电产业再提速", body="新建高标准农田。")
    story("只有光电", body="光电显示产业链。")
    story("只有农田", body="高标准农田。")
    story("标题里没有", kicker="光电", lede="农田", regions=["330802"])
    both = {"光电产业再提速", "标题里没有"}
    assert found(client, "光电 农田") == both
    assert found(client, "农田 光电") == both
    assert found(client, "农田　光电") == both  # an ideographic space separates words too
    # A region name counts as one of the words.
    assert found(client, "柯城 农田") == {"标题里没有"}


def test_a_quoted_phrase_matches_exactly_as_written(client):
    story("带空格", body="发展光电 产业。")
    story("不带空格", body="发展光电产业。")
    story("两词分开", body="光电行业与数字产业。")
    assert found(client, "光电 产业") == {"带空格", "不带空格", "两词分开"}
    assert found(client, '"光电 产业"') == {"带空格"}
    assert found(client, "“光电 产业”") == {"带空格"}
    assert found(client, '"光电产业"') == {"不带空格"}


def test_traditional_input_finds_simplified_text(client):
    story("柯城区光电产业园", body="园区招商。")
    story("建德的报道", body="建德市新安江。")
    assert found(client, "柯城區") == {"柯城区光电产业园"}
    assert found(client, "產業") == {"柯城区光电产业园"}


@pytest.mark.parametrize("q", ["柯城", "柯城区", "柯城區"])
def test_a_story_is_found_by_the_name_of_its_region(client, q):
    story("一则乡村新闻", body="村里新修了一条路。", regions=["330802"])
    story("建德的乡村新闻", body="村里新修了一座桥。", regions=["330182"])
    assert found(client, q) == {"一则乡村新闻"}


FIELDS = {
    "headline": lambda: story("晒秋节开幕"),
    "kicker": lambda: story("本期主题", kicker="晒秋节"),
    "subtitle": lambda: story("本期主题", subtitle="晒秋节"),
    "lede": lambda: story("本期主题", lede="晒秋节今天开幕。"),
    "body": lambda: story("本期主题", body="第一段。\n\n游客来看晒秋节。"),
    "subhead": lambda: story("本期主题", body="第一段。\n\n## 晒秋节见成效\n\n第二段。"),
    "caption": lambda: PhotoCreditFactory(
        photo=PhotoFactory(article=story("本期主题"), caption="村民在晒秋节上晒辣椒。"),
        contributor=ContributorFactory(name="许军"),
    ),
    "byline": lambda: BylineFactory(
        article=story("本期主题"), contributor=ContributorFactory(name="晒秋节")
    ),
    "photo credit": lambda: PhotoCreditFactory(
        photo=PhotoFactory(article=story("本期主题"), caption="村民晒辣椒。"),
        contributor=ContributorFactory(name="晒秋节"),
    ),
    "byline text": lambda: story("本期主题", byline="本报记者 晒秋节"),
}


@pytest.mark.parametrize("field", FIELDS)
def test_every_text_a_reader_sees_is_searched(client, field):
    FIELDS[field]()
    story("对照报道", body="游客来看丰收节。")
    assert found(client, "晒秋节") == {"本期主题" if field != "headline" else "晒秋节开幕"}


def test_contributor_names_are_searched(client):
    story("没有署名的报道", body="丰收节。")
    byline = BylineFactory(article=story("有文字署名"), contributor=ContributorFactory(name="郑晨"))
    PhotoCreditFactory(
        photo=PhotoFactory(article=story("有图片署名"), caption="丰收。"),
        contributor=ContributorFactory(name="许军"),
    )
    assert found(client, "郑晨") == {byline.article.headline}
    assert found(client, "许军") == {"有图片署名"}


def test_an_edit_in_the_admin_replaces_the_old_text_in_search(client, editor_client):
    article = story("青梅酒节开幕", body="今年的青梅酒格外香。", regions=["330802"])
    url = reverse("admin:archive_article_change", args=[article.pk])
    data = form_data(editor_client.get(url))
    data.update(headline="杨梅节开幕", body="今年的杨梅干格外甜。")
    response = editor_client.post(url, {**data, "_save": "保存"})
    assert response.status_code == 302
    assert found(client, "青梅酒") == set()
    assert found(client, "杨梅干") == {"杨梅节开幕"}


def test_a_write_path_refresh_replaces_the_old_text_in_search(client):
    article = story("渔民节", body="石斑鱼上市。")
    Article.objects.filter(pk=article.pk).update(body="带鱼上市。")
    derived.refresh([article.pk])
    assert found(client, "石斑鱼") == set()
    assert found(client, "带鱼") == {"渔民节"}


def test_renaming_a_contributor_in_the_admin_renames_them_in_search(
    client, editor_client, django_capture_on_commit_callbacks
):
    contributor = ContributorFactory(name="王晓明")
    BylineFactory(article=story("乡村振兴见闻", regions=["330802"]), contributor=contributor)
    url = reverse("admin:archive_contributor_change", args=[contributor.pk])
    data = form_data(editor_client.get(url), "contributor_form")
    data["name"] = "王小明"
    # The stories naming it are refreshed once the rename commits.
    with django_capture_on_commit_callbacks(execute=True):
        assert editor_client.post(url, {**data, "_save": "保存"}).status_code == 302
    assert found(client, "王晓明") == set()
    assert found(client, "王小明") == {"乡村振兴见闻"}


def test_renaming_a_region_in_the_admin_renames_it_in_search(
    client, editor_client, region, django_capture_on_commit_callbacks
):
    qujiang = region("330803")
    story("一则乡村新闻", body="村里新修了一条路。", regions=["330803"])
    url = reverse("admin:archive_region_change", args=[qujiang.pk])
    data = form_data(editor_client.get(url), "region_form")
    data.update(name="衢江新区", short_name="衢江新")
    # The stories naming it are refreshed once the rename commits.
    with django_capture_on_commit_callbacks(execute=True):
        assert editor_client.post(url, {**data, "_save": "保存"}).status_code == 302
    assert found(client, "衢江新区") == {"一则乡村新闻"}
    assert found(client, "衢江区") == set()


def test_demo_stories_are_found_by_caption_and_photographer(client, demo):
    kecheng = "柯城：进入新赛道 扛起新担当"
    assert kecheng in found(client, "元森AI智能产业园")
    assert kecheng in found(client, "许军 光电")


def test_generated_stories_have_the_same_search_documents_as_edited_ones(client):
    # The generator writes documents in bulk (COPY on PostgreSQL); the admin rewrites
    # them one story at a time. A story must be found the same way whichever wrote it.
    call_command(
        "generate_archive",
        articles=60,
        contributors=40,
        chunk=30,
        no_progress=True,
        stdout=io.StringIO(),
    )
    ids = list(Article.objects.values_list("pk", flat=True))
    bulk = stored_documents(ids)
    assert len(bulk) == len(ids) == 60
    documents.refresh(ids)
    assert stored_documents(ids) == bulk
    published = list(Article.objects.published().order_by("pk")[:5])
    assert published
    for article in published:
        assert article in Article.objects.published().matching(Query.parse(article.headline))


def stored_documents(ids) -> dict:
    placeholders = ", ".join(["%s"] * len(ids))
    sql = f"SELECT d.article_id, d.document, d.title_length, d.places FROM {documents.TABLE} d"
    if connection.vendor == "postgresql":
        sql = (
            "SELECT d.article_id, d.document, d.title_length, d.places, "
            f"{VECTOR}::text, {TITLE_VECTOR}::text FROM {documents.TABLE} d"
        )
    with connection.cursor() as cursor:
        cursor.execute(f"{sql} WHERE d.article_id IN ({placeholders})", ids)
        return {row[0]: row[1:] for row in cursor.fetchall()}


# --- search with the other filters ----------------------------------------------------------


@pytest.fixture
def placed_stories():
    """Stories about 农田 in two counties of 衢州 and in 建德, and one about something else."""
    return {
        "kecheng": story("柯城农田", body="高标准农田。", regions=["330802"]),
        "qujiang": story("衢江农田", body="高标准农田。", regions=["330803"]),
        "jiande": story("建德农田", body="高标准农田。", regions=["330182"]),
        "kecheng_other": story("柯城招商", body="招商引资。", regions=["330802"]),
        "both": story("两县农田", body="高标准农田。", regions=["330802", "330803"]),
    }


@pytest.mark.parametrize("order", ["newest", "relevance"])
def test_search_within_a_county_or_its_city(client, placed_stories, order):
    assert found(client, "农田", region="330802", order=order) == {"柯城农田", "两县农田"}
    assert found(client, "农田", region="kecheng", order=order) == {"柯城农田", "两县农田"}
    city = {"柯城农田", "衢江农田", "两县农田"}  # the story in two of its counties, once
    assert found(client, "农田", region="330800", order=order) == city
    assert found(client, "农田", region="quzhou", order=order) == city


def test_a_story_moved_to_another_county_in_the_admin_is_searched_there(
    client, editor_client, placed_stories
):
    article = placed_stories["jiande"]
    url = reverse("admin:archive_article_change", args=[article.pk])
    data = form_data(editor_client.get(url))
    data["article_regions-0-region"] = str(Region.objects.by_code("330803").pk)
    response = editor_client.post(url, {**data, "_save": "保存"})
    assert response.status_code == 302
    assert found(client, "农田", region="jiande") == set()
    assert found(client, "农田", region="qujiang") == {"衢江农田", "两县农田", "建德农田"}
    assert "建德农田" in found(client, "农田", region="quzhou", order="relevance")
    assert "建德农田" not in found(client, "农田", region="hangzhou")


def test_search_within_a_section(client):
    economy = Section.objects.create(name="经济大省挑大梁")
    village = Section.objects.create(name="乡村振兴")
    story("经济版农田", body="农田。", section=economy)
    story("乡村版农田", body="农田。", section=village)
    story("经济版招商", body="招商。", section=economy)
    assert found(client, "农田", section=economy.slug) == {"经济版农田"}


def test_search_by_one_author(client):
    author = ContributorFactory(name="郑晨")
    BylineFactory(article=story("郑晨写农田", body="农田。"), contributor=author)
    BylineFactory(article=story("郑晨写招商", body="招商。"), contributor=author)
    BylineFactory(article=story("别人写农田", body="农田。"), contributor=ContributorFactory())
    assert found(client, "农田", author=author.slug) == {"郑晨写农田"}


@pytest.mark.parametrize("order", ["oldest", "relevance"])
def test_search_within_dates_and_with_region_and_author_together(client, order):
    author = ContributorFactory(name="郑晨")
    on = datetime.datetime(2025, 1, 24, 12, tzinfo=timezone.get_default_timezone())
    for headline, when, code in [
        ("当天柯城农田", on, "330802"),
        ("前一天柯城农田", on - datetime.timedelta(days=1), "330802"),
        ("当天建德农田", on, "330182"),
    ]:
        article = story(headline, body="高标准农田。", published_at=when, regions=[code])
        BylineFactory(article=article, contributor=author)
    day = {"date_after": "2025-01-24", "date_before": "2025-01-24"}
    assert found(client, "农田", order=order, **day) == {"当天柯城农田", "当天建德农田"}
    assert found(client, "农田", order=order, date_before="2025-01-23") == {"前一天柯城农田"}
    both = {"region": "quzhou", "author": author.slug, **day}
    assert found(client, "农田", order=order, **both) == {"当天柯城农田"}


@pytest.mark.parametrize("order", ["newest", "oldest", "relevance"])
def test_unpublished_stories_never_appear_even_when_they_match(client, order):
    story("已发布的农田报道", body="农田。")
    story("草稿农田", body="农田。", draft=True)
    story("待审农田", body="农田。", status=Article.Status.REVIEW, published_at=days_ago(1))
    story("撤回农田", body="农田。", status=Article.Status.WITHDRAWN, published_at=days_ago(1))
    story("定时农田", body="农田。", scheduled=True)
    unpublished = story("撤下农田", body="农田。")
    services.stories_withdraw(stories=Article.objects.filter(pk=unpublished.pk))
    assert found(client, "农田", order=order) == {"已发布的农田报道"}


# --- what the results page shows ------------------------------------------------------------


def test_matches_are_marked_in_the_headline_and_a_snippet_of_the_body(client):
    opening = "这是与主题无关的开头。" * 6
    story("柯城光电产业园开园", body=f"{opening}园区内光电显示企业集中落户。结尾。")
    page = search_page(client, q="光电")
    assert "柯城<mark>光电</mark>产业园开园" in page
    snippet = re.search(r'<p class="snippet">(.*?)</p>', page, re.S).group(1)
    # The snippet starts a little before the first match in the body, not at its start.
    assert snippet.startswith("…")
    assert "园区内<mark>光电</mark>显示企业集中落户" in snippet


def test_marks_a_phrase_and_its_traditional_or_wide_spelling(client):
    story("元森AI智能产业园", body="发展光电  产业。")
    page = search_page(client, q="Ａｉ “光电 产业”")
    assert "元森<mark>AI</mark>智能产业园" in page  # the story's own spelling is kept
    assert "发展<mark>光电 产业</mark>。" in page


@pytest.mark.parametrize(
    "payload",
    [
        "<script>alert(1)</script>",
        '"><img src=x onerror=alert(1)>',
        "<b>柯城</b>",
        "柯城</mark><script>alert(1)</script>",
    ],
)
def test_hostile_queries_are_never_echoed_unescaped(client, payload):
    story("柯城新闻", body=f"正文里也有{payload}这段文字。")
    for order in ("newest", "relevance"):
        response = client.get(LIST, {"q": payload, "order": order})
        assert response.status_code in (200, 400)
        assert payload not in response.content.decode()


def test_markup_in_a_story_is_shown_escaped_with_only_our_marks(client):
    story("<b>柯城</b>的&新闻", body="正文写着<b>柯城</b>和<i>更多</i>。")
    page = search_page(client, q="柯城")
    assert "&lt;b&gt;<mark>柯城</mark>&lt;/b&gt;的&amp;新闻" in page
    assert "正文写着&lt;b&gt;<mark>柯城</mark>&lt;/b&gt;和&lt;i&gt;更多&lt;/i&gt;。" in page
    assert "<b>" not in page and "<i>" not in page
    assert "&amp;amp;" not in page  # escaped once, not twice


def test_a_story_matching_a_script_tag_shows_it_escaped_and_marked(client):
    story("警惕<script>alert(1)</script>钓鱼链接")
    page = search_page(client, q="<script>alert(1)</script>")
    assert "<script>alert(1)</script>" not in page
    assert "<mark>&lt;script&gt;alert(1)&lt;/script&gt;</mark>" in page


@pytest.mark.parametrize("q", ["%", "。。", "——", '""', "“”", "_"])
def test_a_query_without_letters_or_digits_is_a_form_error_listing_nothing(client, q):
    story("任意一篇报道", body="高标准农田。")
    response = client.get(LIST, {"q": q})
    assert response.status_code in (200, 400)
    page = response.content.decode()
    assert EMPTY_QUERY in page
    assert NO_RESULTS in page
    assert headlines_in(page) == []


# --- order and paging -----------------------------------------------------------------------


@pytest.fixture
def ranked():
    """Stories with 稻香 in a title field (older) and only in the text (newer), newest
    first within each group: the order relevance must show."""
    in_title = [
        story("稻香满田野", published_at=days_ago(10)),
        story("丰收季", kicker="稻香村", published_at=days_ago(12)),
        story("秋收", subtitle="又闻稻香", published_at=days_ago(14)),
    ]
    in_text = [
        story("乡村一日", lede="田间飘来稻香。", published_at=days_ago(1)),
        story("田间速写", body="稻香阵阵。", published_at=days_ago(2)),
        PhotoCreditFactory(
            photo=PhotoFactory(article=story("图片报道", published_at=days_ago(3)), caption="稻香"),
            contributor=ContributorFactory(name="许军"),
        ).photo.article,
    ]
    for days in (0.5, 2.5, 11, 20):  # other news before, between and after the matches
        story(f"无关新闻{days}", body="渔民节。", published_at=days_ago(days))
    return [a.headline for a in in_title + in_text]


def test_relevance_puts_title_matches_first_then_newest(client, ranked):
    page = search_page(client, q="稻香", order="relevance")
    assert headlines_in(page) == ranked


def test_relevance_needs_every_word_in_the_title_for_the_first_group(client):
    story("一半在标题：稻香", body="渔歌唱晚。", published_at=days_ago(1))
    story("稻香渔歌都在标题", published_at=days_ago(5))
    assert headlines_in(search_page(client, q="稻香 渔歌", order="relevance")) == [
        "稻香渔歌都在标题",
        "一半在标题：稻香",
    ]


def test_newest_first_is_the_default_order_and_oldest_reverses_it(client, ranked):
    by_date = sorted(
        Article.objects.filter(headline__in=ranked), key=lambda a: a.published_at, reverse=True
    )
    newest = [a.headline for a in by_date]
    assert headlines_in(search_page(client, q="稻香")) == newest
    assert headlines_in(search_page(client, q="稻香", order="newest")) == newest
    assert headlines_in(search_page(client, q="稻香", order="oldest")) == newest[::-1]


def expected_order(ranked: list[str], order: str) -> list[str]:
    if order == "relevance":
        return ranked
    newest = Article.objects.filter(headline__in=ranked).order_by("-published_at", "-id")
    headlines = [a.headline for a in newest]
    return headlines if order == "newest" else headlines[::-1]


def follow(client, query: str, link) -> list[tuple[str, list[str]]]:
    """(query string, headlines) of every page, following each page's ``link``."""
    pages = []
    while query is not None:
        response = client.get(f"{LIST}?{query}")
        assert response.status_code == 200
        page = response.content.decode()
        pages.append((query, headlines_in(page)))
        query = link(page)
        assert len(pages) < 20, "paging does not end"
    return pages


@pytest.mark.parametrize("window", [DEFAULT_WINDOW, 2])
@pytest.mark.parametrize("order", ["relevance", "newest", "oldest"])
@pytest.mark.parametrize("per_page", [1, 2, 4])
def test_paging_shows_every_match_once_across_the_groups(
    client, settings, monkeypatch, ranked, order, per_page, window
):
    # With 3 title and 3 text matches, pages of 2 end exactly at the groups' boundary,
    # pages of 4 straddle it. A window of 2 makes pages switch from the window to the
    # index partway; the default window holds the whole test archive.
    settings.ARCHIVE_PAGE_SIZE = per_page
    monkeypatch.setattr(search_listing, "WINDOW", window)
    expected = expected_order(ranked, order)
    forward = follow(client, f"q=%E7%A8%BB%E9%A6%99&order={order}", next_link)  # q=稻香
    assert [len(headlines) for _, headlines in forward[:-1]] == [per_page] * (len(forward) - 1)
    assert [h for _, headlines in forward for h in headlines] == expected
    # And back from the last page by the "previous" links.
    backward = follow(client, forward[-1][0], prev_link)
    assert [h for _, headlines in reversed(backward) for h in headlines] == expected


@pytest.mark.parametrize("window", [DEFAULT_WINDOW, 1, 2])
@pytest.mark.parametrize("order", ["newest", "relevance"])
def test_a_search_within_a_region_pages_through_its_matches_past_drafts_and_other_sections(
    client, settings, monkeypatch, order, window
):
    # The window is counted in the region's listing, which also holds the region's
    # drafts, scheduled stories and stories of other sections: they may shrink a
    # window, never hide a match or show a story the list leaves out.
    settings.ARCHIVE_PAGE_SIZE = 2
    monkeypatch.setattr(search_listing, "WINDOW", window)
    wanted, other = SectionFactory(), SectionFactory()
    for i in range(5):
        story(f"稻香{i}", regions=["330802"], section=wanted, published_at=days_ago(i + 1))
        story(
            f"草稿稻香{i}",
            regions=["330802"],
            section=wanted,
            status=Article.Status.DRAFT,
            published_at=days_ago(i + 1.5),
        )
        story(f"定时稻香{i}", regions=["330802"], section=wanted, published_at=days_ago(-i - 1))
        story(f"别栏稻香{i}", regions=["330802"], section=other, published_at=days_ago(i + 1.2))
    pages = follow(
        client, f"q=%E7%A8%BB%E9%A6%99&region=330802&section={wanted.slug}&order={order}", next_link
    )
    assert [h for _, headlines in pages for h in headlines] == [f"稻香{i}" for i in range(5)]


@pytest.mark.parametrize("order", ["newest", "relevance"])
def test_the_newest_matches_the_index_offers_are_checked_first_and_false_ones_never_shown(
    client, settings, monkeypatch, order
):
    # When the window says matches are many, a page checks the text of only the newest
    # few the index offers (a county's name offers thousands). The index also offers
    # stories holding the query's bigrams apart (柯城…城区 for 柯城区): when those crowd
    # the newest offers, the page reads every match instead, and still shows only true ones.
    settings.ARCHIVE_PAGE_SIZE = 2
    monkeypatch.setattr(search_listing, "WINDOW", 2)
    monkeypatch.setattr(search_listing, "OFFERED", 3)
    monkeypatch.setattr(search_listing, "MAX_WALK", 0)  # from the window to the index
    checked = []
    offered = search_listing.SearchTier._offered
    monkeypatch.setattr(
        search_listing.SearchTier,
        "_offered",
        lambda tier, *args: checked.append(offered(tier, *args)) or checked[-1],
    )
    story("真甲", body="柯城区的稻田。", published_at=days_ago(1))
    for i in range(4):
        story(f"假{i}", body="柯城的新城区。", published_at=days_ago(2 + i))
    older = [story(f"柯城区第{i}篇", published_at=days_ago(10 + i)) for i in range(6)]
    pages = follow(client, f"q=%E6%9F%AF%E5%9F%8E%E5%8C%BA&order={order}", next_link)  # q=柯城区
    shown = [h for _, headlines in pages for h in headlines]
    in_title = [a.headline for a in older]
    assert shown == (["真甲", *in_title] if order == "newest" else [*in_title, "真甲"])
    # Some page found its matches among the newest offered, and some had to read on.
    assert any(len(rows) == 3 for rows in checked)  # a full page (2, and one to spare)
    assert any(len(rows) < 3 for rows in checked)


@pytest.mark.parametrize(
    ("order", "cursor"),
    [
        ("relevance", "garbage"),
        ("relevance", "n1700000000000000.5"),  # a cursor of a list in one group
        ("relevance", "n1700000000000000.5.7"),  # no seventh group
        ("relevance", "n1700000000000000.5.-1"),
        ("newest", "n1700000000000000.5.0"),  # a relevance cursor on a date-ordered list
        ("newest", "n99999999999999999999999.5"),
        ("oldest", "x1.2"),
    ],
)
def test_a_malformed_cursor_is_a_bad_request(client, ranked, order, cursor):
    response = client.get(LIST, {"q": "稻香", "order": order, "cursor": cursor})
    assert response.status_code == 400


# --- cost -----------------------------------------------------------------------------------


def matching_stories(n: int) -> None:
    """``n`` stories about 稻香, half in the headline, each with regions, bylines and photos."""
    for i in range(n):
        full_story(
            regions=["330802", "330803"],
            bylines=2,
            photos=2,
            headline=f"稻香第{i}篇" if i % 2 else f"第{i}篇",
            body="田间稻香阵阵。",
            kicker="",
            subtitle="",
            lede="",
            byline="",
        )


def queries_for(client, params) -> tuple[int, int]:
    """(queries, stories listed) of one results page."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(LIST, params)
    assert response.status_code == 200
    return len(captured), len(headlines_in(response.content.decode()))


MAX_QUERIES = 10  # as for every other list (tests/test_query_counts.py)


# (params, bound for a common term, bound for a rare term)
COST_CASES = [
    # A rare term: the index's matches sorted, the newest checked, and with fewer than a
    # page among them, every match (listing.SearchTier.rows): one query more.
    ({"q": "稻香"}, MAX_QUERIES, MAX_QUERIES + 1),
    # Relevance reads two groups, each by window and perhaps by index; the page's
    # credits, regions and photos are prefetched once, whichever reads found it.
    # The count of matches adds two queries (archive.search.counting), made once per
    # public change in production, where counts are cached.
    ({"q": "稻香", "order": "relevance"}, MAX_QUERIES, 13 + 2),
    ({"q": "稻香 田间", "order": "oldest", "region": "quzhou"}, MAX_QUERIES, MAX_QUERIES + 2),
]


@pytest.mark.parametrize("window", [DEFAULT_WINDOW, 1], ids=["common-term", "rare-term"])
def test_results_page_queries_do_not_grow_with_the_stories_shown(client, monkeypatch, window):
    monkeypatch.setattr(search_listing, "WINDOW", window)
    matching_stories(2)
    few = [queries_for(client, params) for params, *_ in COST_CASES]
    matching_stories(8)
    many = [queries_for(client, params) for params, *_ in COST_CASES]
    for (params, common, rare), (few_queries, few_shown), (queries, shown) in zip(
        COST_CASES, few, many, strict=True
    ):
        assert (few_shown, shown) == (2, 10), params
        assert few_queries == queries <= (common if window == DEFAULT_WINDOW else rare), params


# --- the query language and index tokens, without the database -------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ('"光电 产业" 农田', ("光电 产业", "农田")),
        ("“光电  产业”", ("光电 产业",)),  # whitespace inside a phrase collapses, as in documents
        ("「柯城」 『建德』 ＂衢江＂", ("柯城", "建德", "衢江")),
        ('"光电', ("光电",)),  # an unclosed quote is dropped, not searched for
        ("柯城 柯城 柯城区", ("柯城区",)),  # 柯城 adds nothing to 柯城区
        ("AI ai Ａｉ", ("ai",)),
        ("柯城區 產業", ("柯城区", "产业")),
        ("% 。。 —— 农田 ！", ("农田",)),
        ("%", ()),
        ("   ", ()),
        ("5G基站", ("5g基站",)),
    ],
)
def test_query_parse(raw, expected):
    query = Query.parse(raw)
    assert query.terms == expected
    assert bool(query) == bool(expected)


def test_query_tokens_are_bigrams_and_a_prefix_for_a_lone_character():
    assert Query.parse("柯城区 a").tsquery() == "'柯城' & '城区' & 'a':*"
    assert Query.parse("柯").tsquery() == "'柯':*"
    assert str(Query.parse("“光电 产业” 农田")) == '"光电 产业" 农田'


def test_document_tokens_are_bigrams_and_each_runs_last_character():
    assert document_tokens(fold("柯城区，AI 5G")) == {"柯城", "城区", "区", "ai", "i", "5g", "g"}
    assert document_tokens("，。") == set()


def indexed_tokens(text: str, places: str = "") -> set[str]:
    """The lexemes the database's index function makes of the document ``text``."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT archive_search_vector(%s, %s)::text", [text, places])
        return vector_lexemes(cursor.fetchone()[0])


@POSTGRES_ONLY
@pytest.mark.parametrize(
    "text",
    [
        "", "，。", "柯", "名叫柯", "柯城区，ai 5g", "𠮷野家的2025年", "a'b\\c", "甲\n乙 丙丁",
        "〇一二年々", "x²+y²", "①②③", "a_b-c", "😀笑脸", "Ωmega café", "“引号”（括号）",
    ],
)  # fmt: skip
def test_the_databases_index_tokens_are_exactly_the_document_tokens(text):
    # The index makes its tokens in SQL; queries make theirs in Python: the same rule.
    assert indexed_tokens(text) == document_tokens(text)


@POSTGRES_ONLY
def test_the_index_tokens_of_a_whole_story_are_its_tokens_and_places():
    document, _ = documents.compose(title=["样稿"], rest=sample_lines())
    assert indexed_tokens(document, "#12 #3 #7") == document_tokens(document) | {"#7", "#12", "#3"}


def tsquery_tokens(query: Query) -> list[tuple[str, bool]]:
    """(token, is prefix) of the index query sent to PostgreSQL."""
    return [
        (token.replace("''", "'"), bool(prefix))
        for token, prefix in re.findall(r"'((?:[^']|'')*)'(:\*)?", query.tsquery())
    ]


def sample_lines() -> list[str]:
    return [block.text for block in parse_body(SAMPLE.read_text(encoding="utf-8"))]


def random_substrings(lines: list[str], count: int, seed: int = 20250124) -> list[str]:
    rng = random.Random(seed)
    picked = []
    while len(picked) < count:
        line = rng.choice(lines)
        start = rng.randrange(len(line))
        picked.append(line[start : start + rng.randint(1, 12)])
    return picked


def test_every_substring_of_a_text_has_its_query_tokens_in_the_texts_index():
    # The property the index rests on: a story that contains the query string holds
    # every index token of the query, so the index never drops a true match.
    lines = sample_lines()
    document, _ = documents.compose(title=[], rest=lines)
    tokens = document_tokens(document)
    queries = [Query.parse(s) for s in random_substrings(lines, 400)]
    assert sum(bool(q) for q in queries) > 300  # mostly words, a few punctuation-only
    for query in filter(None, queries):
        assert all(term in document for term in query.terms), query
        for token, prefix in tsquery_tokens(query):
            if prefix:
                assert any(t.startswith(token) for t in tokens), (query, token)
            else:
                assert token in tokens, (query, token)


def test_the_index_alone_decides_a_query_of_one_or_two_letters():
    # The converse, for ``Query.exact``: a text whose index holds the tokens of a term of
    # one or two letters contains it, so such matches are shown without reading a document.
    lines = sample_lines()
    document, _ = documents.compose(title=["柯城区，AI 5G"], rest=lines)
    tokens = document_tokens(document)
    letters = sorted({c for c in document if c.strip()})
    candidates = {*letters, *(document[i : i + 2] for i in range(len(document) - 1))}
    rng = random.Random(3)
    candidates |= {rng.choice(letters) + rng.choice(letters) for _ in range(3000)}
    exact = [q for q in map(Query.parse, candidates) if q and q.exact]
    assert len(exact) > 2000 and not Query.parse("高标准").exact and not Query.parse("柯，城").exact
    for query in exact:
        held = all(
            any(t.startswith(token) for t in tokens) if prefix else token in tokens
            for token, prefix in tsquery_tokens(query)
        )
        assert held == all(term in document for term in query.terms), query


@pytest.mark.parametrize("order", ["newest", "relevance"])
def test_a_query_the_index_decides_lists_and_counts_only_stories_containing_it(client, order):
    story("柯城新闻", body="柯城区召开大会。", published_at=days_ago(1))
    story("分开的两字", body="记者从柯，城两地发回报道。", published_at=days_ago(2))
    story("一行之末", body="说到老柯\n\n城里另起一段。", published_at=days_ago(3))
    story("正文里有", body="走进柯城生态工业园。", published_at=days_ago(4))
    ArticleFactory(headline="柯城草稿", status=Article.Status.DRAFT)
    page = search_page(client, q="柯城", order=order)
    assert set(headlines_in(page)) == {"柯城新闻", "正文里有"}
    assert "共 2 篇" in page
    page = search_page(client, q="柯 城", order=order)  # two words: each anywhere
    assert set(headlines_in(page)) == {"柯城新闻", "分开的两字", "一行之末", "正文里有"}


def test_every_substring_of_a_story_finds_it(client):
    # The same property through the database, index included on PostgreSQL.
    lines = sample_lines()
    article = story("样稿", body="\n\n".join(lines))
    story("无关新闻", body="渔民节。")
    for raw in random_substrings(lines, 60, seed=7):
        query = Query.parse(raw)
        if query:
            assert list(Article.objects.published().matching(query)) == [article], raw


def test_folding_leaves_the_generators_simplified_text_alone_but_lowercases_latin():
    sentences = demo_sentences()
    assert any(re.search("[A-Z]", s) for s in sentences)  # so lower-casing is exercised
    for sentence in sentences:
        assert fold(sentence) == sentence.lower(), sentence
    assert fold("柯城區ＡＩ２０２５") == "柯城区ai2025"


# --- the PostgreSQL index -------------------------------------------------------------------


def vector_lexemes(text: str) -> set[str]:
    return {t.replace("''", "'") for t in re.findall(r"'((?:[^']|'')*)'", text)}


@POSTGRES_ONLY
def test_the_index_holds_tokens_of_the_whole_story_and_of_its_title():
    article = story("柯城AI产业", kicker="引题", body="正文提到5G。", regions=["330803"])
    document = SearchDocument.objects.get(article=article)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {VECTOR}::text, {TITLE_VECTOR}::text "
            f"FROM {documents.TABLE} WHERE article_id = %s",
            [article.pk],
        )
        vector, title_vector = cursor.fetchone()
    # The county, its city and the province, so a search within any of them asks the
    # index for the term and the place together.
    places = {
        f"#{pk}"
        for pk in Region.objects.filter(code__in=["330803", "330800", "330000"]).values_list(
            "pk", flat=True
        )
    }
    assert len(places) == 3
    assert vector_lexemes(vector) == document_tokens(document.document) | places
    assert {"柯城", "ai", "5g", "衢江"} <= vector_lexemes(vector)
    assert (
        vector_lexemes(title_vector)
        == document_tokens(document.document[: document.title_length]) | places
    )
    assert "5g" not in vector_lexemes(title_vector)
    assert "衢江" in vector_lexemes(title_vector)  # region names count as title


@POSTGRES_ONLY
def test_a_rare_term_is_looked_up_in_the_gin_index(client):
    # Enough stories, loaded as the generator loads them, for the planner to prefer the
    # index over walking the newest-first list for a term only one story contains.
    when = days_ago(1)
    common = Article.objects.bulk_create(
        Article(
            headline=f"第{i}篇",
            body="高标准农田。",
            status=Article.Status.PUBLISHED,
            published_at=when - datetime.timedelta(minutes=i),
        )
        for i in range(1000)
    )
    rare = story("稀有", body="石斑鱼上市。")
    documents.copy_range(common[0].pk, common[-1].pk)
    _index_merged_and_analyzed()
    matches = Article.objects.published().matching(Query.parse("石斑鱼")).newest_first()
    assert "search_vector_gin" in matches[:21].explain()
    assert found(client, "石斑鱼") == {rare.headline}


def _index_merged_and_analyzed() -> None:
    """The planner's view of the index as a server's would be: rows inserted since it
    was built wait in GIN's pending list, which the planner prices as a full read
    (VACUUM would merge them, but not in a transaction), and the statistics left by
    the tests this worker ran before may describe other rows."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT gin_clean_pending_list(relid) "
            "FROM pg_partition_tree('search_vector_gin') WHERE isleaf"
        )
        cursor.execute("ANALYZE archive_article, archive_searchdocument")


@POSTGRES_ONLY
def test_search_queries_run_without_jit_or_parallel_workers():
    # The index function's high cost would otherwise have PostgreSQL compile the query
    # (hundreds of milliseconds) or start workers for a lookup of a few rows.
    ArticleFactory.create_batch(30, body="高标准农田。")
    story("稀有", body="石斑鱼上市。")
    _index_merged_and_analyzed()
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
    plan = Article.objects.offered(Query.parse("石斑鱼")).explain()
    assert "search_vector_gin" in plan
    assert "Gather" not in plan
