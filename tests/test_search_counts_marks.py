"""A search says how many stories it found (exactly up to a cap, "N 篇以上" beyond) and
marks every word of the query in the passage it quotes from each story.

Stories set every searched text field: random text could hold a searched character.
"""

import datetime
import html
import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from archive.editorial import services
from archive.models import Article, Credit
from archive.search import counting, highlight
from archive.search import listing as search_listing
from archive.search.terms import Query
from tests.factories import (
    ArticleFactory,
    ContributorFactory,
    PhotoCreditFactory,
    PhotoFactory,
    one_aftermath,
)

LIST = reverse("archive:story_list")
pytestmark = pytest.mark.django_db


def story(headline: str, body: str = "（正文略）", **fields) -> Article:
    fields = {"kicker": "", "subtitle": "", "lede": "", "byline": "", **fields}
    return ArticleFactory(headline=headline, body=body, **fields)


def search_page(client, **params) -> str:
    response = client.get(LIST, params)
    assert response.status_code == 200
    return response.content.decode()


def count_shown(page: str) -> str | None:
    """The count line as a reader reads it."""
    match = re.search(r'<p class="result-count">(.*?)</p>', page, re.S)
    return html.unescape(match.group(1)) if match else None


def snippets(page: str) -> list[str]:
    return re.findall(r'<p class="snippet">(.*?)</p>', page, re.S)


def marked(fragment: str) -> list[str]:
    return re.findall(r"<mark>(.*?)</mark>", fragment)


@pytest.fixture(params=["window", "further", "index"])
def count_path(request, monkeypatch):
    """Each way a count is read: within the newest stories' window, on a further walk
    (the window held a few matches), or through the bigram index (on SQLite, which has
    no index, the walk)."""
    window, walk = {"window": (1_000, 0), "further": (2, 4_000), "index": (1, 0)}[request.param]
    monkeypatch.setattr(counting, "WINDOW", window)
    monkeypatch.setattr(counting, "MAX_WALK", walk)
    monkeypatch.setattr(counting, "WALK_COST", 0)  # a walk as cheap as the index
    monkeypatch.setattr(search_listing, "WINDOW", window)
    offered = counting._offered
    calls = []
    monkeypatch.setattr(
        counting, "_offered", lambda *args, **kw: calls.append(args) or offered(*args, **kw)
    )
    yield request.param
    if connection.vendor == "postgresql" and request.param != "further":  # either may end it
        assert bool(calls) == (request.param == "index")


# --- the count ------------------------------------------------------------------------------


def test_the_count_is_exact_and_never_counts_drafts_scheduled_withdrawn_or_false_matches(
    client, count_path
):
    for i in range(3):
        story(f"柯城区新闻第{i}篇", body="正文。")
    story("柯城区新闻", body="正文。", status=Article.Status.DRAFT, published_at=None)
    story("柯城区新闻", body="正文。", scheduled=True)
    story("柯城区新闻", body="正文。", status=Article.Status.WITHDRAWN)
    story("柯城和城区", body="两个词分开，并不是要找的那个地名。")  # every bigram, apart
    story("衢江新闻", body="与此无关。")
    page = search_page(client, q="柯城区")
    assert count_shown(page) == "共 3 篇"
    assert len(re.findall(r"<h3>", page)) == 3


def test_the_count_of_two_words_counts_stories_with_both(client, count_path):
    story("光电产业园开园", body="柯城的新园区。")
    story("光电产业", body="衢江的新园区。")
    story("柯城新闻", body="没有另一个词。")
    assert count_shown(search_page(client, q="柯城 光电")) == "共 1 篇"
    assert count_shown(search_page(client, q="柯城 光電")) == "共 1 篇"  # Traditional too


def test_a_search_in_a_county_counts_its_stories_only(client, region, count_path):
    kecheng, qujiang = region("330802"), region("330803")
    for _ in range(2):
        story("光电产业园开园", regions=[kecheng])
    story("光电产业园开园", regions=[qujiang])
    assert count_shown(search_page(client, q="光电", region="kecheng")) == "共 2 篇"
    assert count_shown(search_page(client, q="光电", region="quzhou")) == "共 3 篇"
    assert count_shown(search_page(client, q="光电")) == "共 3 篇"


@pytest.mark.parametrize(("stories", "shown"), [(2, "共 2 篇"), (3, "共 3 篇"), (4, "3 篇以上")])
def test_past_the_cap_the_count_says_at_least(client, monkeypatch, count_path, stories, shown):
    monkeypatch.setattr(counting, "CAP", 3)
    for i in range(stories):
        story(f"光电第{i}篇")
    story("光电草稿", status=Article.Status.DRAFT, published_at=None)
    story("无关的新闻")
    assert count_shown(search_page(client, q="光电")) == shown


@pytest.mark.parametrize("cap", [2, 5, 20])
@pytest.mark.parametrize(("window", "walk"), [(1, 0), (2, 2), (2, 5), (3, 10_000)])
def test_walks_and_the_index_together_count_each_match_once(monkeypatch, cap, window, walk):
    """Matches among the newest stories, further down and far down, counted by window,
    walk and index in every split: exact up to the cap, the cap and one beyond it."""
    for name, value in {"CAP": cap, "WINDOW": window, "MAX_WALK": walk, "WALK_COST": 0}.items():
        monkeypatch.setattr(counting, name, value)
    true = mixed_stories()
    query = Query.parse("光电")
    assert counting.capped_count(Article.objects.published(), query) == min(true, cap + 1)


PATTERN = "MMNMDNMMNNMSMNWMM"  # newest first: Match, No match, Draft, Scheduled, Withdrawn


def mixed_stories() -> int:
    """Stories as ``PATTERN`` says, newest first; how many public ones match 光电."""
    with one_aftermath():
        _mixed_stories()
    return PATTERN.count("M")


def _mixed_stories() -> None:
    for age, kind in enumerate(PATTERN):
        fields = {
            "D": {"status": Article.Status.DRAFT, "published_at": None},
            "S": {"published_at": timezone.now() + datetime.timedelta(days=1)},
            "W": {"status": Article.Status.WITHDRAWN},
        }.get(kind, {"published_at": timezone.now() - datetime.timedelta(hours=age + 1)})
        story("光电新闻" if kind != "N" else "别的新闻", **fields)


@pytest.mark.parametrize("cap", [2, 5, 20])
@pytest.mark.parametrize("walk", [0, 2, 10_000])
@pytest.mark.parametrize("seen", [1, 3, 6, 11, None])
def test_a_count_from_what_a_page_found_among_the_newest_counts_each_match_once(
    monkeypatch, cap, walk, seen
):
    """A page's walk of the newest ``seen`` stories of the list (None: all) found some
    matches; the count starts from them (``newest``) and counts the rest once."""
    for name, value in {"CAP": cap, "MAX_WALK": walk, "WALK_COST": 0}.items():
        monkeypatch.setattr(counting, name, value)
    true = mixed_stories()
    public = [kind for kind in PATTERN if kind in "MN"]
    found = public[:seen].count("M")
    query = Query.parse("光电")
    stories = Article.objects.published()
    assert counting.capped_count(stories, query, newest=(seen, found)) == min(true, cap + 1)


def test_a_search_with_no_match_counts_none(client):
    story("柯城新闻")
    page = search_page(client, q="龙港")
    assert count_shown(page) == "共 0 篇"
    assert "没有符合条件的报道" in page


def test_a_search_with_other_filters_shows_no_count_rather_than_a_costly_one(client):
    article = story("光电产业园开园")
    page = search_page(client, q="光电", section=article.section.slug)
    assert count_shown(page) is None
    assert "光电产业园开园" in html.unescape(re.sub(r"</?mark>", "", page))


def test_the_cached_count_is_right_as_soon_as_a_story_is_published(client, settings, empty_cache):
    settings.ARCHIVE_COUNT_CACHE_SECONDS = 600
    story("光电产业园开园")
    draft = story("光电新闻", status=Article.Status.DRAFT, published_at=None)
    assert count_shown(search_page(client, q="光电")) == "共 1 篇"
    services.stories_publish(stories=Article.objects.filter(pk=draft.pk))
    assert count_shown(search_page(client, q="光电")) == "共 2 篇"


def test_a_scheduled_story_is_counted_once_its_time_comes(client, settings, empty_cache):
    settings.ARCHIVE_COUNT_CACHE_SECONDS = 600
    story("光电产业园开园")
    soon = timezone.now() + datetime.timedelta(minutes=5)
    story("光电新闻", published_at=soon)
    assert count_shown(search_page(client, q="光电")) == "共 1 篇"
    # No write when its time comes: the cached count was valid only until then.
    with time_machine.travel(soon + datetime.timedelta(seconds=1)):
        assert count_shown(search_page(client, q="光电")) == "共 2 篇"


# --- the marks ------------------------------------------------------------------------------


def test_two_words_are_both_marked_in_the_passage_that_holds_both(client):
    story(
        "园区新闻",
        lede="光电企业今年增加了。",  # one word only: not the passage shown
        body="第一段只说别的事情。\n\n柯城区新建的光电产业园今天开园。\n\n结尾。",
    )
    [snippet] = snippets(search_page(client, q="柯城 光电"))
    assert "<mark>柯城</mark>区新建的<mark>光电</mark>产业园今天开园" in snippet
    assert set(marked(snippet)) == {"柯城", "光电"}


def test_words_too_far_apart_for_one_passage_are_each_shown_in_a_second(client):
    filler = "这是一段与主题无关的文字，" * 12
    story("园区新闻", body=f"光电产业园开园。{filler}柯城区的企业也来了。")
    [snippet] = snippets(search_page(client, q="柯城 光电"))
    assert "<mark>光电</mark>产业园开园" in snippet
    assert "<mark>柯城</mark>区的企业也来了" in snippet
    assert snippet.count("…") >= 1 and len(re.sub(r"<[^>]+>", "", snippet)) < 160


def test_a_traditional_query_marks_the_simplified_text_as_printed(client):
    story("光电产业园开园", body="柯城区的光电产业园今天开园，产业链完整。")
    page = search_page(client, q="光電 產業")
    [snippet] = snippets(page)
    assert "<mark>光电</mark><mark>产业</mark>园今天开园" in snippet
    assert "<mark>产业</mark>链完整" in snippet
    assert "<mark>光电</mark><mark>产业</mark>园开园" in page  # the headline too


def test_overlapping_words_are_marked_as_one_stretch(client):
    story("柯城区新闻", body="今天柯城区开会。")
    page = search_page(client, q="柯城 城区")
    assert "今天<mark>柯城区</mark>开会" in page
    assert "<mark>柯城区</mark>新闻" in page


@pytest.mark.parametrize("q", ["<script> 柯城", "柯城 a&b", '柯城 "><img src=x>'])
def test_marks_leave_the_text_and_the_query_escaped(client, q):
    story("柯城新闻", body='柯城的<script>alert(1)</script>与a&b写在正文里，还有"><img src=x>。')
    page = search_page(client, q=q)
    [snippet] = snippets(page)
    assert "<script>" not in page and "<img" not in page
    unmarked = re.sub(r"</?mark>", "", snippet)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in unmarked
    assert "a&amp;b" in unmarked and "&amp;amp;" not in unmarked
    assert set(re.findall(r"</?(\w+)", snippet)) == {"mark"}
    word = Query.parse(q).terms[0]
    assert f"<mark>{html.escape(word, quote=False)}</mark>" in snippet


def test_a_story_found_by_its_photos_credit_alone_shows_the_credit_marked(
    client, django_assert_max_num_queries
):
    with one_aftermath():
        found = story("龙港：新城开园", body="新城今天开园。")
        taken = PhotoFactory(article=found, caption="开园仪式现场")
        PhotoCreditFactory(photo=taken, contributor=ContributorFactory(name="欧阳明远"))
        given = PhotoFactory(article=found, caption="新城夜景")
        PhotoCreditFactory(
            photo=given,
            contributor=ContributorFactory(name="龙港市新城管委会"),
            role=Credit.Role.COURTESY,
        )
    story("欧阳明远的家乡", body="另一篇。")  # found by its headline: marked there, no snippet

    page = search_page(client, q="欧阳明远")
    assert snippets(page) == ["<mark>欧阳明远</mark> 摄"]
    assert "<mark>欧阳明远</mark>的家乡" in page

    [snippet] = snippets(search_page(client, q="新城管委会"))
    assert snippet == "（图片由龙港市<mark>新城管委会</mark>提供）"


def test_a_page_of_title_matches_asks_no_more_for_photo_credits(client):
    for i in range(3):
        story(f"欧阳明远第{i}篇", body="正文。")
    with CaptureQueriesContext(connection) as queries:
        search_page(client, q="欧阳明远")
    sql = [query["sql"] for query in queries.captured_queries]
    assert sql and not [q for q in sql if '"archive_credit"' in q and '"archive_photo"' in q]


def test_the_passage_with_the_most_words_wins_and_the_earliest_of_equals():
    texts = ["甲乙", "甲乙丙", "丙甲乙"]
    shown = highlight.snippet(texts, Query.parse("甲 乙 丙").terms)
    assert str(shown) == "<mark>甲</mark><mark>乙</mark><mark>丙</mark>"


def test_a_snippet_is_none_when_only_the_title_matches():
    assert highlight.snippet(["正文", "图片说明"], ("柯城",)) is None


# --- what it costs --------------------------------------------------------------------------


def stories_about(n: int) -> None:
    for i in range(n):
        story(
            f"稻香第{i}篇",
            body="田间稻香阵阵。\n\n柯城区的农户说今年稻谷丰收。",
            regions=["330802"],
        )


@pytest.mark.parametrize(
    "params",
    [{"q": "稻香 柯城"}, {"q": "稻香", "region": "kecheng"}, {"q": "稻香", "order": "relevance"}],
    ids=["two-words", "county", "relevance"],
)
def test_search_page_queries_do_not_grow_with_matches_and_the_count_costs_few(
    client, settings, params
):
    settings.ARCHIVE_PAGE_SIZE = 50

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            page = search_page(client, **params)
        assert count_shown(page) is not None
        return len(captured)

    stories_about(3)
    few = queries()
    stories_about(47)
    assert queries() == few
    # Without the count: what the page costs besides it.
    settings.ARCHIVE_COUNT_CACHE_SECONDS = 0
    with CaptureQueriesContext(connection) as captured:
        counting.public_match_count(Query.parse(params["q"]))
    assert len(captured) <= 4
