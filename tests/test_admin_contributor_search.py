"""Editors find a colleague's stories (issue 22): the story list's search finds stories by
any contributor's name, bylines and photo credits alike, and its sidebar filters by one
contributor, picked with the admin's autocomplete or typed by name."""

import datetime
import html
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from archive.models import Contributor, Credit
from tests.factories import (
    ArticleFactory,
    BylineFactory,
    ContributorFactory,
    PhotoCreditFactory,
    PhotoFactory,
    one_aftermath,
)
from tests.helpers import CHANGELIST, page

pytestmark = pytest.mark.django_db

FILTER = "作者/供稿方"


def listed(response) -> list[str]:
    """The headlines in the story list, top to bottom."""
    assert response.status_code == 200
    found = re.findall(r'<th class="field-headline"><a href="[^"]*">([^<]*)</a>', page(response))
    return [html.unescape(text) for text in found]


def sidebar(response) -> str:
    """The contributor filter's part of the sidebar."""
    block = re.search(rf'<details data-filter-title="{FILTER}".*?</details>', page(response), re.S)
    assert block, "no contributor filter in the sidebar"
    return html.unescape(block.group(0))


def offered(response) -> list[tuple[str, str, bool]]:
    """(link, label, selected) for each option of the contributor filter."""
    return [
        (link, label.strip(), bool(selected))
        for selected, link, label in re.findall(
            r'<li( class="selected")?>\s*<a href="([^"]*)">([^<]*)</a>', sidebar(response)
        )
    ]


def story(headline: str, *, days_ago: int = 1, **kwargs):
    published = timezone.now() - datetime.timedelta(days=days_ago)
    return ArticleFactory(headline=headline, published_at=published, regions=["330802"], **kwargs)


def byline(article, contributor):
    BylineFactory(article=article, contributor=contributor)
    return article


def photo_credit(article, contributor):
    PhotoCreditFactory(photo=PhotoFactory(article=article), contributor=contributor)
    return article


def search(client, term: str, **params):
    return client.get(CHANGELIST, {"q": term, **params})


@pytest.fixture
def zheng():
    return ContributorFactory(name="郑晨")


@pytest.fixture
def desk(zheng):
    """郑晨's two stories (neither names her in its title), a photographer's and another."""
    with one_aftermath():
        byline(story("衢州：山区共富新路径", days_ago=3), zheng)
        byline(story("柯城：新赛道上的年轻人", days_ago=1), zheng)
        photo_credit(story("常山：胡柚花开", days_ago=2), ContributorFactory(name="许军"))
        byline(story("龙港：第一座无人码头", days_ago=4), ContributorFactory(name="王芳"))


# --- search -------------------------------------------------------------------------------


@pytest.fixture(params=["by id", "along the list"])
def plan(request, monkeypatch):
    """Both ways a term is looked up on PostgreSQL: its stories read by id (a term rare in
    titles, as in these small tests), or every story checked along the list (a term
    common in titles, as 发展 at a million: made so here by a walk threshold of 0)."""
    if request.param == "along the list":
        monkeypatch.setattr("archive.admin.index_search.walk_above", lambda: 0)
    return request.param


def test_searching_a_writers_full_name_lists_their_stories_newest_first(editor_client, desk, plan):
    response = search(editor_client, "郑晨")

    assert listed(response) == ["柯城：新赛道上的年轻人", "衢州：山区共富新路径"]


def test_searching_part_of_a_name_finds_that_contributors_stories(editor_client, desk, plan):
    assert listed(search(editor_client, "晨")) == ["柯城：新赛道上的年轻人", "衢州：山区共富新路径"]


def test_a_name_in_traditional_script_finds_the_simplified_name(editor_client, desk, plan):
    assert listed(search(editor_client, "鄭晨")) == [
        "柯城：新赛道上的年轻人",
        "衢州：山区共富新路径",
    ]


def test_searching_a_photographers_name_lists_the_stories_with_their_photos(
    editor_client, desk, plan
):
    assert listed(search(editor_client, "许军")) == ["常山：胡柚花开"]


def test_a_contributors_slug_finds_their_stories(editor_client, desk, zheng, plan):
    assert listed(search(editor_client, zheng.slug)) == [
        "柯城：新赛道上的年轻人",
        "衢州：山区共富新路径",
    ]


def test_a_term_in_titles_and_in_a_name_finds_both_newest_first(editor_client, desk, plan):
    byline(story("新昌：小镇的晨光", days_ago=5), ContributorFactory(name="赵磊"))
    byline(story("开化：晨雾里的茶园", days_ago=0), ContributorFactory(name="李晨曦"))

    assert listed(search(editor_client, "晨")) == [
        "开化：晨雾里的茶园",  # the title and a contributor's name
        "柯城：新赛道上的年轻人",
        "衢州：山区共富新路径",
        "新昌：小镇的晨光",  # the title only
    ]


def test_every_term_must_be_in_the_title_or_name_a_contributor(editor_client, desk, zheng, plan):
    byline(story("柯城：民宿里的乡愁", days_ago=6), zheng)
    story("柯城：民宿经济", days_ago=7)

    assert listed(search(editor_client, "郑晨 民宿")) == ["柯城：民宿里的乡愁"]


def test_a_name_namesakes_share_finds_each_ones_stories(editor_client, desk, plan):
    reporter = ContributorFactory(name="王芳", description="衢州日报记者")
    byline(story("衢江：另一位王芳的稿件", days_ago=0), reporter)

    assert listed(search(editor_client, "王芳")) == [
        "衢江：另一位王芳的稿件",
        "龙港：第一座无人码头",
    ]


def test_two_terms_common_alone_are_looked_up_among_the_stories_offered_for_both(
    editor_client, desk, zheng, monkeypatch
):
    # Two stories offered for each term alone, one for both: with a walk threshold of
    # two, each term alone is common, the pair (and 郑晨's stories) are not.
    monkeypatch.setattr("archive.admin.index_search.walk_above", lambda: 2)
    story("龙游：山乡巨变", days_ago=8)
    story("常山：山乡新景", days_ago=9)
    story("开化：巨变之年", days_ago=10)
    byline(story("江山：一位记者眼中的巨变", days_ago=11), zheng)

    assert listed(search(editor_client, "山乡 巨变")) == ["龙游：山乡巨变"]
    assert listed(search(editor_client, "郑晨 巨变")) == ["江山：一位记者眼中的巨变"]


def test_search_by_name_lists_drafts_and_scheduled_stories_too(editor_client, zheng, plan):
    byline(story("柯城：草稿", draft=True), zheng)
    byline(story("柯城：明天见报", scheduled=True), zheng)

    assert set(listed(search(editor_client, "郑晨"))) == {"柯城：草稿", "柯城：明天见报"}


def test_a_name_mentioned_only_in_a_body_is_not_a_credit(editor_client, desk, plan):
    story("江山：一位老记者的回忆", body="郑晨说，那一年的雪很大。")

    assert "江山：一位老记者的回忆" not in listed(search(editor_client, "郑晨"))


def test_a_term_in_many_names_adds_the_most_credited_of_them(editor_client, monkeypatch, plan):
    monkeypatch.setattr("archive.admin.contributor_search.CONTRIBUTORS_PER_TERM", 2)
    for name, stories in [("张一鸣", 1), ("张二虎", 3), ("张三丰", 2)]:
        writer = ContributorFactory(name=name)
        for n in range(stories):
            byline(story(f"{name}的第{n + 1}篇稿件".replace(name[0], "某"), days_ago=n), writer)

    found = listed(search(editor_client, "张"))

    assert sorted(found) == sorted(
        ["某二虎的第1篇稿件", "某二虎的第2篇稿件", "某二虎的第3篇稿件"]
        + ["某三丰的第1篇稿件", "某三丰的第2篇稿件"]
    )


def test_an_exact_name_comes_before_more_credited_names_containing_it(editor_client, monkeypatch):
    monkeypatch.setattr("archive.admin.contributor_search.CONTRIBUTORS_PER_TERM", 1)
    byline(story("一篇"), ContributorFactory(name="王芳"))
    prolific = ContributorFactory(name="王芳芳")
    for n in range(3):
        byline(story(f"第{n}篇"), prolific)

    assert listed(search(editor_client, "王芳")) == ["一篇"]


def test_a_search_with_nothing_found_lists_nothing(editor_client, desk):
    assert listed(search(editor_client, "没有这个人")) == []


@pytest.mark.parametrize("term", ["郑晨\x00", "\x00", "%", "_", "' OR 1=1 --", "郑" * 5_000])
def test_hostile_search_terms_never_break_the_list(editor_client, desk, term):
    assert search(editor_client, term).status_code == 200


def test_search_by_name_combines_with_the_filters(editor_client, desk, zheng, plan):
    byline(story("临平：草稿", draft=True), zheng)

    response = search(editor_client, "郑晨", status__exact="draft")

    assert listed(response) == ["临平：草稿"]


def test_search_help_names_contributors(editor_client):
    response = editor_client.get(CHANGELIST)

    assert "作者、摄影者姓名" in page(response)


def queries_for(client, params) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(CHANGELIST, params)
    assert response.status_code == 200
    return len(captured)


def credit_stories(contributor, n, start=0):
    with one_aftermath():
        for i in range(start, start + n):
            if i % 2:
                photo_credit(story(f"第{i}篇：山乡巨变", days_ago=i), contributor)
            else:
                byline(story(f"第{i}篇：山乡巨变", days_ago=i), contributor)


@pytest.mark.parametrize(
    "params",
    [{"q": "郑晨"}, {"q": "郑晨 巨变"}, {"contributor": "郑晨"}, {"contributor": "id"}],
    ids=["search", "search-two-terms", "filter-by-name", "filter-by-id"],
)
def test_list_queries_do_not_grow_with_the_stories_found(editor_client, zheng, params):
    if params.get("contributor") == "id":
        params = {"contributor": zheng.pk}
    credit_stories(zheng, 5)
    few = queries_for(editor_client, params)
    credit_stories(zheng, 55, start=5)

    many = queries_for(editor_client, params)

    assert many == few <= 10
    assert len(listed(editor_client.get(CHANGELIST, params))) == 50  # a full page


# --- the contributor filter ---------------------------------------------------------------


@pytest.mark.parametrize("ids_at_most", [50_000, 1], ids=["by id", "by subquery"])
def test_filter_by_id_lists_bylines_and_photo_credits(
    editor_client, desk, monkeypatch, ids_at_most
):
    monkeypatch.setattr("archive.admin.contributor_search.IDS_AT_MOST", ids_at_most)
    xu = Contributor.objects.get(name="许军")
    byline(story("常山：写稿的摄影记者", days_ago=0), xu)

    response = editor_client.get(CHANGELIST, {"contributor": xu.pk})

    assert listed(response) == ["常山：写稿的摄影记者", "常山：胡柚花开"]
    assert offered(response) == [("?", "全部", False), (f"?contributor={xu.pk}", "许军", True)]


def test_filter_by_a_typed_name_stands_for_that_contributor(editor_client, desk, zheng):
    response = editor_client.get(CHANGELIST, {"contributor": "郑晨"})

    assert listed(response) == ["柯城：新赛道上的年轻人", "衢州：山区共富新路径"]
    assert offered(response)[1] == (f"?contributor={zheng.pk}", "郑晨", True)
    assert 'value="郑晨"' in sidebar(response)  # the text box keeps the name


@pytest.mark.parametrize("typed", ["鄭晨", " 郑晨 ", "zheng-chen"])
def test_filter_by_traditional_script_spaces_or_slug(editor_client, desk, zheng, typed):
    assert zheng.slug == "zheng-chen"
    response = editor_client.get(CHANGELIST, {"contributor": typed})

    assert listed(response) == ["柯城：新赛道上的年轻人", "衢州：山区共富新路径"]


def test_filter_by_a_name_namesakes_share_offers_each_and_lists_nothing(editor_client, desk):
    reporter = ContributorFactory(name="王芳", description="衢州日报记者")
    byline(story("衢江：另一位王芳的稿件"), reporter)
    first = Contributor.objects.get(name="王芳", description="")

    response = editor_client.get(CHANGELIST, {"contributor": "王芳"})

    assert listed(response) == []
    assert "有2位作者/供稿方名为“王芳”，请选择其一" in sidebar(response)
    assert offered(response)[1:] == [
        (f"?contributor={first.pk}", "王芳", False),
        (f"?contributor={reporter.pk}", "王芳（衢州日报记者）", False),
    ]
    assert listed(editor_client.get(CHANGELIST, {"contributor": reporter.pk})) == [
        "衢江：另一位王芳的稿件"
    ]


def test_counts_beside_the_namesakes_say_how_many_stories_each_has(editor_client, desk):
    reporter = ContributorFactory(name="王芳", description="衢州日报记者")
    for n in range(2):
        byline(story(f"衢江：王芳的第{n + 1}篇"), reporter)

    response = editor_client.get(CHANGELIST, {"contributor": "王芳", "_facets": "True"})

    labels = [label for _, label, _ in offered(response)[1:]]
    assert labels == ["王芳 (1)", "王芳（衢州日报记者） (2)"]


def test_filter_by_part_of_a_name_suggests_the_contributors_containing_it(
    editor_client, desk, zheng
):
    response = editor_client.get(CHANGELIST, {"contributor": "郑"})

    assert listed(response) == []
    assert "没有名为“郑”的作者/供稿方；姓名中含有“郑”的有" in sidebar(response)
    assert offered(response)[1:] == [(f"?contributor={zheng.pk}", "郑晨", False)]


def test_filter_by_an_unknown_name_says_so(editor_client, desk):
    response = editor_client.get(CHANGELIST, {"contributor": "没有这个人"})

    assert listed(response) == []
    assert "没有找到名为“没有这个人”的作者/供稿方" in sidebar(response)


def test_filter_by_an_unknown_id_says_so(editor_client, desk):
    missing = Contributor.objects.order_by("-pk").first().pk + 1000

    response = editor_client.get(CHANGELIST, {"contributor": missing})

    assert listed(response) == []
    assert f"没有编号为 {missing} 的作者/供稿方" in sidebar(response)


@pytest.mark.parametrize(
    "value",
    ["²", "-1", "1.5", "0", "9" * 30, "a\x00b", "\x00", "%", "_", "<b>郑晨</b>", "郑" * 5_000, ""],
)
def test_malformed_filter_values_never_break_the_list(editor_client, desk, value):
    response = editor_client.get(CHANGELIST, {"contributor": value})

    assert response.status_code == 200
    assert "<b>郑晨</b>" not in page(response)


def test_filter_and_search_together(editor_client, desk, zheng):
    response = editor_client.get(CHANGELIST, {"contributor": zheng.pk, "q": "新赛道"})

    assert listed(response) == ["柯城：新赛道上的年轻人"]


def test_filter_combines_with_the_region_filter(editor_client, desk, zheng):
    byline(ArticleFactory(headline="建德：新安江畔", regions=["330182"]), zheng)

    response = editor_client.get(CHANGELIST, {"contributor": zheng.pk, "region": "330182"})

    assert listed(response) == ["建德：新安江畔"]


def test_the_sidebar_lists_no_contributor_until_one_is_chosen(editor_client, desk):
    response = editor_client.get(CHANGELIST)

    assert offered(response) == [("?", "全部", True)]
    for name in ("郑晨", "许军", "王芳"):
        assert name not in sidebar(response)


def test_the_filters_box_keeps_the_lists_other_parameters(editor_client, desk, zheng):
    response = editor_client.get(CHANGELIST, {"q": "柯城", "status__exact": "published"})

    form = re.search(
        r'<form method="get" class="contributor-filter">.*?</form>', sidebar(response), re.S
    )
    hidden = dict(
        re.findall(r'<input type="hidden" name="([^"]*)" value="([^"]*)">', form.group(0))
    )
    assert hidden == {"q": "柯城", "status__exact": "published"}
    assert '<input type="search" name="contributor"' in form.group(0)


def test_the_picker_is_the_admins_own_contributor_autocomplete(editor_client, desk, zheng):
    response = editor_client.get(CHANGELIST, {"contributor": zheng.pk})
    content = page(response)

    select = re.search(r"<select[^>]*admin-autocomplete[^>]*>.*?</select>", sidebar(response), re.S)
    assert select, "no autocomplete in the contributor filter"
    picker = select.group(0)
    assert 'data-app-label="archive"' in picker
    assert 'data-model-name="credit"' in picker
    assert 'data-field-name="contributor"' in picker
    assert f'data-ajax--url="{reverse("admin:autocomplete")}"' in picker
    assert f'<option value="{zheng.pk}" selected>郑晨</option>' in picker
    # select2 as the admin ships it, no CDN; then the script that goes to the choice.
    scripts = re.findall(r'<script src="([^"]+)"', content)

    def first(name):
        return next(i for i, src in enumerate(scripts) if name in src)

    # select2 attaches itself to the jQuery that jquery.init.js then tucks away.
    assert first("/select2/select2.full") < first("/admin/js/jquery.init")
    assert first("/admin/js/autocomplete") < first("/js/admin-contributor-filter")
    assert all(src.startswith("/static/") for src in scripts if "jsi18n" not in src)


def test_the_pickers_autocomplete_answers_with_the_contributor(editor_client, desk, zheng):
    response = editor_client.get(
        reverse("admin:autocomplete"),
        {
            "term": "郑晨",
            "app_label": "archive",
            "model_name": "credit",
            "field_name": "contributor",
        },
    )

    assert response.status_code == 200
    assert {"id": str(zheng.pk), "text": "郑晨"} in response.json()["results"]


def test_the_contributors_page_links_to_all_their_credited_stories(editor_client, desk):
    xu = Contributor.objects.get(name="许军")
    assert xu.credits.get().role == Credit.Role.PHOTOGRAPHER

    response = editor_client.get(reverse("admin:archive_contributor_change", args=[xu.pk]))
    every = re.search(r'href="([^"]*\?contributor=\d+)"', page(response)).group(1)

    assert listed(editor_client.get(every)) == ["常山：胡柚花开"]
