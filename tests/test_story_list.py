"""The public story list and its filters, as a reader uses them."""

import datetime
import html
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from archive.models import Article, Contributor, Section
from archive.models.articles import _listing_prefetches, prefetch_search_results
from tests.factories import ArticleFactory, BylineFactory, full_story

pytestmark = pytest.mark.django_db


def listed(client, **params) -> str:
    """The page's HTML without search highlighting, so headlines read as typed."""
    response = client.get(reverse("archive:story_list"), params)
    assert response.status_code == 200
    return response.content.decode().replace("<mark>", "").replace("</mark>", "")


@pytest.fixture
def stories():
    """One story in each of three counties of two cities, plus one tagged with a city only."""
    stories = {
        "kecheng": ("柯城：光电产业再提速", "330802"),
        "qujiang": ("衢江：高标准农田建设", "330803"),
        "jiande": ("建德：洋溪街道盘活闲置资产", "330182"),
        "quzhou": ("衢州：全市招商引资大会召开", "330800"),
    }
    return {
        key: ArticleFactory(headline=headline, body=f"{headline}。", regions=[code])
        for key, (headline, code) in stories.items()
    }


def test_county_filter_by_code_lists_only_that_county(client, stories):
    page = listed(client, region="330802")
    assert "光电产业再提速" in page
    assert "高标准农田建设" not in page
    assert "全市招商引资大会" not in page


def test_county_filter_by_slug_matches_the_code(client, stories):
    assert listed(client, region="kecheng").count("光电产业再提速") == listed(
        client, region="330802"
    ).count("光电产业再提速")
    assert "洋溪街道" not in listed(client, region="kecheng")


def test_city_filter_includes_its_counties_and_itself(client, stories):
    page = listed(client, region="quzhou")
    assert "光电产业再提速" in page
    assert "高标准农田建设" in page
    assert "全市招商引资大会" in page
    assert "洋溪街道" not in page


def test_province_filter_includes_everything(client, stories):
    page = listed(client, region="330000")
    assert all(s.headline in page for s in stories.values())


def test_a_story_in_two_counties_of_one_city_is_listed_once(client):
    ArticleFactory(headline="柯城衢江携手共建产业园", regions=["330802", "330803"])
    page = listed(client, region="quzhou")
    assert page.count("柯城衢江携手共建产业园") == 1
    assert "约 1 篇" in page


def test_unknown_region_is_a_form_error_with_no_results(client, stories):
    page = listed(client, region="atlantis")
    assert "没有找到这个地区" in page
    assert "没有符合条件的报道" in page


def test_section_filter_by_slug(client):
    economy = Section.objects.create(name="经济大省挑大梁")
    ArticleFactory(headline="经济版的报道", section=economy)
    ArticleFactory(headline="乡村版的报道", section=Section.objects.create(name="乡村振兴"))
    page = listed(client, section=economy.slug)
    assert "经济版的报道" in page
    assert "乡村版的报道" not in page


def test_author_filter_by_contributor_slug_tells_namesakes_apart(client):
    first = Contributor.objects.create(name="张伟")
    second = Contributor.objects.create(name="张伟")
    BylineFactory(article=ArticleFactory(headline="第一位张伟的报道"), contributor=first)
    BylineFactory(article=ArticleFactory(headline="第二位张伟的报道"), contributor=second)
    page = listed(client, author=second.slug)
    assert "第二位张伟的报道" in page
    assert "第一位张伟的报道" not in page
    assert "没有找到这位作者" in listed(client, author="nobody-here")


def test_text_query_matches_substrings_of_any_text_field(client):
    ArticleFactory(headline="建德：以担当之为", body="颐泰康养医院项目正式签约落地。")
    ArticleFactory(headline="柯城：进入新赛道", kicker="经济大省挑大梁")
    assert "以担当之为" in listed(client, q="康养")
    assert "进入新赛道" in listed(client, q="大省")
    assert "以担当之为" not in listed(client, q="大省")


def test_every_word_of_the_query_must_occur(client):
    ArticleFactory(headline="两个词都在", body="光电产业与高标准农田")
    ArticleFactory(headline="只有一个词", body="光电产业")
    page = listed(client, q="光电 农田")
    assert "两个词都在" in page
    assert "只有一个词" not in page


def test_traditional_and_full_width_input_find_simplified_text(client):
    ArticleFactory(headline="柯城光电产业园", body="元森AI智能产业园即将投产。")
    assert "柯城光电产业园" in listed(client, q="產業")
    assert "柯城光电产业园" in listed(client, q="ＡＩ")


def test_date_range_includes_both_end_days_in_shanghai_time(client):
    shanghai = timezone.get_default_timezone()
    on = datetime.datetime(2025, 1, 24, 23, 30, tzinfo=shanghai)  # late on the 24th, local time
    ArticleFactory(headline="二十四日深夜发布", published_at=on)
    ArticleFactory(headline="二十五日发布", published_at=on + datetime.timedelta(hours=1))
    ArticleFactory(headline="二十三日发布", published_at=on - datetime.timedelta(days=1))
    page = listed(client, date_after="2025-01-24", date_before="2025-01-24")
    assert "二十四日深夜发布" in page
    assert "二十五日发布" not in page
    assert "二十三日发布" not in page
    assert "二十五日发布" in listed(client, date_after="2025-01-25")
    assert "二十三日发布" in listed(client, date_before="2025-01-23")


def test_reversed_dates_are_a_form_error(client):
    page = listed(client, date_after="2025-02-01", date_before="2025-01-01")
    assert "截止日期不能早于起始日期" in page


def test_filters_combine(client, stories):
    page = listed(client, region="quzhou", q="农田")
    assert "高标准农田建设" in page
    assert "光电产业再提速" not in page


def test_applied_filters_are_shown_with_links_that_remove_them(client, stories):
    page = listed(client, region="kecheng", q="光电")
    assert "地区：柯城区" in page
    assert "关键词：光电" in page
    assert 'href="?q=%E5%85%89%E7%94%B5"' in page  # removing the region keeps the query
    assert 'href="?region=kecheng"' in page  # removing the query keeps the region
    assert "清除全部" in page


def follow(client, page: str, rel: str) -> str:
    """The page behind the link with ``rel`` (next/prev) on ``page``."""
    href = re.search(rf'rel="{rel}" href="([^"]+)"', page).group(1)
    return client.get(reverse("archive:story_list") + html.unescape(href)).content.decode()


def test_paging_by_cursor_visits_every_story_once_and_keeps_the_filters(client, settings):
    settings.ARCHIVE_PAGE_SIZE = 2
    same_time = timezone.now() - datetime.timedelta(days=1)  # ties are broken by id
    for i in range(5):
        ArticleFactory(headline=f"柯城第{i}篇", regions=["330802"], published_at=same_time)
    ArticleFactory(headline="建德的报道", regions=["330182"])
    first = listed(client, region="kecheng")
    second = follow(client, first, "next")
    third = follow(client, second, "next")
    seen = [re.findall(r"柯城第\d篇", page) for page in (first, second, third)]
    assert seen == [["柯城第4篇", "柯城第3篇"], ["柯城第2篇", "柯城第1篇"], ["柯城第0篇"]]
    assert 'rel="next"' not in third
    assert "建德的报道" not in first + second + third
    back = follow(client, third, "prev")
    assert re.findall(r"柯城第\d篇", back) == ["柯城第2篇", "柯城第1篇"]
    assert re.findall(r"柯城第\d篇", follow(client, back, "prev")) == ["柯城第4篇", "柯城第3篇"]


def test_oldest_first_reaches_the_oldest_story(client, settings):
    settings.ARCHIVE_PAGE_SIZE = 2
    oldest = timezone.make_aware(datetime.datetime(1949, 10, 1, 8, 0))
    ArticleFactory(headline="最早的一篇", published_at=oldest)
    for i in range(3):
        ArticleFactory(headline=f"后来的第{i}篇")
    page = listed(client, order="oldest")
    assert page.index("最早的一篇") < page.index("后来的第")
    assert "最早的一篇" not in listed(client)


def test_newest_stories_come_first(client):
    now = timezone.now()
    ArticleFactory(headline="较早的报道", published_at=now - datetime.timedelta(days=3))
    ArticleFactory(headline="最新的报道", published_at=now - datetime.timedelta(hours=1))
    page = listed(client)
    assert page.index("最新的报道") < page.index("较早的报道")


def test_the_header_search_box_keeps_the_search_on_its_results(client):
    ArticleFactory(headline="柯城：光电产业园开园")
    page = listed(client, q='柯城 "光电"')
    assert re.search(r'<input id="site-q"[^>]* value="柯城 &quot;光电&quot;"', page)
    assert 'value="' not in re.search(r'<input id="site-q"[^>]*>', listed(client)).group()


def test_the_filter_form_keeps_what_the_reader_entered_with_its_errors(client):
    section = ArticleFactory(headline="柯城：光电产业园开园").section
    page = listed(
        client,
        q='光电 "<b>',
        region="柯城",
        author="无此人",
        section=section.slug,
        date_after="2020-01-02",
        date_before="2020-01-01",
        order="relevance",
    )
    form = re.search(r'<form class="filters".*?</form>', page, re.S).group()
    inputs = {
        attrs["name"]: attrs
        for tag in re.findall(r"<input [^>]*>", form)
        for attrs in [dict(re.findall(r'([\w-]+)="([^"]*)"', tag))]
    }
    assert inputs["q"]["value"] == "光电 &quot;&lt;b&gt;" and inputs["q"]["maxlength"] == "100"
    assert inputs["region"]["value"] == "柯城" and inputs["region"]["list"] == "region-suggestions"
    assert inputs["author"]["value"] == "无此人" and inputs["author"]["aria-invalid"] == "true"
    assert inputs["date_after"] == {"type": "date", "name": "date_after", "value": "2020-01-02",
                                    "id": "id_date_after"}  # fmt: skip
    assert inputs["date_before"]["value"] == "2020-01-01"
    assert inputs["date_before"]["aria-describedby"] == "id_date_before_error"
    assert f'<option value="{section.slug}" selected>' in form
    assert '<option value="relevance" selected>相关度</option>' in form
    assert "没有找到这位作者" in form and "截止日期不能早于起始日期" in form


def _as_listed(story) -> tuple:
    return (
        story.pk,
        story.section and story.section.name,
        [(c.pk, c.role, c.order, c.contributor.name, c.photo_id) for c in story.credits.all()],
        [
            (link.is_primary, link.region.code, link.region.name)
            for link in story.article_regions.all()
        ],
    )


def test_a_list_reads_bylines_and_regions_as_the_orms_prefetch_finds_them(
    django_assert_num_queries,
):
    full_story(bylines=3, photos=2, regions=("330803", "330802", "330182"))
    full_story(bylines=0, photos=1, regions=())
    full_story(bylines=1, photos=0, section=None, regions=("330800",))
    for order in (2, 0, 1):  # bylines kept in their order, whatever order they were added
        BylineFactory(article=full_story(bylines=0, photos=0), order=order)
    stories = Article.objects.published().newest_first()
    orm = stories.select_related("section").prefetch_related(*_listing_prefetches())
    expected = [_as_listed(story) for story in orm]
    assert any(len(story[2]) == 3 for story in expected)
    assert any(len(story[3]) == 3 for story in expected)
    with django_assert_num_queries(3):  # the stories, their bylines, their regions
        listed = [_as_listed(story) for story in stories.for_listing()]
    assert listed == expected
    assert list(Article.objects.none().for_listing()) == []
    found = list(stories.for_listing()[:2])
    prefetch_search_results(found)
    assert [_as_listed(story) for story in found] == expected[:2]
