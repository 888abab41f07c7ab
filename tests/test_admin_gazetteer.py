"""The editors' side of the national, historical gazetteer: picking a region by any of
its names, a warning when a story's date does not fit the region's years, and the
region pages with their names over time and 沿革."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from archive.admin.stories import ArticleRegionInline, period_warnings
from archive.models import Region
from tests.factories import ArticleFactory
from tests.helpers import CHANGELIST, change_url, form_data, inline_prefix, page, visible_text

pytestmark = pytest.mark.django_db

REGION_AUTOCOMPLETE = reverse("admin:archive_region_autocomplete")
REGIONS = reverse("admin:archive_region_changelist")

JIANGGAN = "江干区（杭州市，1983–2021）"
SHANGCHENG = "上城区（杭州市，1983–）"
QIANTANG = "钱塘区（杭州市，2021–）"
KECHENG = "柯城区（衢州市，1985–）"


def suggestions(client, term: str) -> dict:
    response = client.get(
        REGION_AUTOCOMPLETE,
        {
            "app_label": "archive",
            "model_name": "articleregion",
            "field_name": "region",
            "term": term,
        },
    )
    assert response.status_code == 200
    return response.json()


def texts(found: dict) -> list[str]:
    return [result["text"] for result in found["results"]]


# --- picking a region ----------------------------------------------------------------------------


def test_the_story_forms_region_picker_asks_the_gazetteers_autocomplete(editor_client):
    response = editor_client.get(reverse("admin:archive_article_add"))

    assertContains(response, f'data-ajax--url="{REGION_AUTOCOMPLETE}"')


def test_an_abolished_region_is_offered_with_its_parent_and_years(editor_client):
    found = suggestions(editor_client, "江干")

    jianggan = Region.objects.get(slug="jianggan")
    assert found["results"] == [{"id": str(jianggan.pk), "text": JIANGGAN}]
    assert found["pagination"] == {"more": False}


def test_a_region_typed_in_traditional_characters_is_found(editor_client):
    assert texts(suggestions(editor_client, "柯城區")) == [KECHENG]


@pytest.mark.parametrize(
    "term", ["柯城", "柯城区", "kecheng", "330802"], ids=["short", "full", "pinyin", "code"]
)
def test_a_region_is_found_by_its_short_name_pinyin_or_code(editor_client, term):
    assert texts(suggestions(editor_client, term)) == [KECHENG]


def test_a_region_is_found_by_a_former_name(editor_client):
    # 330402 was 城区, then 秀城区 (1993–2005), and is 南湖区 since.
    assert texts(suggestions(editor_client, "秀城区")) == ["南湖区（嘉兴市，1983–）"]


def test_todays_divisions_come_first(editor_client):
    found = texts(suggestions(editor_client, "萧山"))

    assert found[0] == "萧山区（杭州市，2001–）"
    assert sorted(found[1:]) == sorted(
        [
            "萧山县（杭州市，–1987）",
            "萧山市（浙江省，1987–1990）",
            "萧山市（杭州市，1990–2001）",
        ]
    )


def test_a_reused_code_offers_both_places_it_named(editor_client):
    # 330502: 城区 of 湖州 1983–1988, 吴兴区 since 2003.
    assert texts(suggestions(editor_client, "330502")) == [
        "吴兴区（湖州市，2003–）",
        "城区（湖州市，1983–1988）",
    ]


def test_the_autocomplete_costs_the_same_for_one_result_and_a_full_page(editor_client):
    suggestions(editor_client, "柯")  # the session and the user, loaded once as always
    with CaptureQueriesContext(connection) as one:
        assert len(suggestions(editor_client, "江干")["results"]) == 1
    with CaptureQueriesContext(connection) as page_of_twenty:
        found = suggestions(editor_client, "33")
    assert len(found["results"]) == 20 and found["pagination"] == {"more": True}

    assert len(page_of_twenty) == len(one)


def test_the_region_picker_is_closed_to_visitors(client):
    response = client.get(REGION_AUTOCOMPLETE, {"term": "江干"})

    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_the_chosen_region_is_shown_with_its_parent_and_years(editor_client):
    story = ArticleFactory(regions=["330802"])

    response = editor_client.get(change_url(story))

    assertContains(response, KECHENG)


def test_the_story_list_can_be_filtered_by_an_abolished_region(editor_client):
    ArticleFactory(headline="江干：老城新貌", regions=["330104"])
    ArticleFactory(headline="上城：新城新貌", regions=["330102"])

    response = editor_client.get(CHANGELIST + "?region=江干区")

    assertContains(response, "江干：老城新貌")
    assertNotContains(response, "上城：新城新貌")
    # Highlighted among 杭州's counties of today, with its years.
    chosen = re.findall(r'<li class="selected">\s*<a href="([^"]*)">([^<]*)</a>', page(response))
    assert [(link, label.strip()) for link, label in chosen if "区" in label] == [
        ("?region=jianggan", "└ 江干区（1983–2021）")
    ]
    assertContains(response, "上城区")


# --- a region out of its years: saved, with a warning -----------------------------------------


def save_story(client, story, **fields):
    response = client.get(change_url(story))
    data = form_data(response)
    data.update(fields)
    return client.post(change_url(story), {**data, "_save": "保存"}, follow=True)


def warnings_shown(response) -> list[str]:
    return [str(m) for m in response.context["messages"] if m.level_tag == "warning"]


def test_a_story_printed_while_its_region_existed_saves_without_a_warning(editor_client):
    story = ArticleFactory(regions=["330104"])  # 江干区

    response = save_story(editor_client, story, edition_date="2015-06-01")

    assert warnings_shown(response) == []
    story.refresh_from_db()
    assert story.edition_date == datetime.date(2015, 6, 1)


def test_a_story_printed_after_its_region_was_abolished_saves_with_a_warning(editor_client):
    story = ArticleFactory(regions=["330104"])
    version = story.version

    response = save_story(editor_client, story, edition_date="2023-05-04", headline="江干旧闻")

    assertContains(response, "成功修改了 稿件")  # saved, not refused
    story.refresh_from_db()
    assert (story.headline, story.version) == ("江干旧闻", version + 1)
    assert list(story.regions.values_list("slug", flat=True)) == ["jianggan"]
    (warning,) = warnings_shown(response)
    assert JIANGGAN in warning and "2023年5月4日" in warning and "已撤销" in warning
    assert SHANGCHENG in warning and QIANTANG in warning  # where its area went
    assert JIANGGAN in visible_text(response)


def test_a_region_in_use_since_before_the_story_gives_no_warning(editor_client):
    story = ArticleFactory(regions=["330102"])  # 上城区, 1983–

    response = save_story(editor_client, story, edition_date="1990-03-01")

    assert warnings_shown(response) == []


def test_a_newly_picked_region_is_checked_against_the_date_too(editor_client):
    story = ArticleFactory(regions=["330102"])
    response = editor_client.get(change_url(story))
    data = form_data(response)
    prefix = inline_prefix(response, ArticleRegionInline)
    data[f"{prefix}-0-region"] = str(Region.objects.get(slug="qiantang").pk)  # 钱塘区, 2021–
    data["edition_date"] = "2019-01-02"

    response = editor_client.post(change_url(story), {**data, "_save": "保存"}, follow=True)

    (warning,) = warnings_shown(response)
    assert QIANTANG in warning and "尚未设立" in warning
    assert JIANGGAN in warning  # the area it was made from


def test_without_an_edition_date_the_publication_day_is_checked():
    story = ArticleFactory(
        regions=["330104"],
        published_at=timezone.make_aware(datetime.datetime(2022, 1, 10, 9)),
    )

    (warning,) = period_warnings(story)
    assert "发布日期2022年1月10日" in warning


def test_a_story_with_no_date_is_not_checked():
    story = ArticleFactory(regions=["330104"], draft=True)

    assert period_warnings(story) == []


def test_the_check_reads_the_stories_regions_once(django_assert_num_queries):
    story = ArticleFactory(regions=["330102", "330802", "330803"])
    story.edition_date = datetime.date(2024, 1, 1)

    with django_assert_num_queries(1):
        assert period_warnings(story) == []


# --- the gazetteer's own pages ----------------------------------------------------------------


def test_a_regions_page_shows_its_names_and_its_history(editor_client):
    jianggan = Region.objects.get(slug="jianggan")

    response = editor_client.get(reverse("admin:archive_region_change", args=[jianggan.pk]))

    text = visible_text(response)
    assert "沿革" in text
    assert "浙政发〔2021〕7号" in text
    assert SHANGCHENG in text and QIANTANG in text
    assert "历年名称" in text


def test_a_region_with_a_former_name_lists_it(editor_client):
    nanhu = Region.objects.get(slug="nanhu")

    response = editor_client.get(reverse("admin:archive_region_change", args=[nanhu.pk]))

    assert {"城区", "秀城区", "南湖区"} <= set(re.findall(r"\w+区", visible_text(response)))


def test_an_editor_in_a_role_sees_the_history_too(member):
    _, client = member("zhang", "编辑")
    jianggan = Region.objects.get(slug="jianggan")

    response = client.get(reverse("admin:archive_region_change", args=[jianggan.pk]))

    assertContains(response, "浙政发〔2021〕7号")


def test_the_region_list_shows_years_and_filters_by_abolished(editor_client):
    response = editor_client.get(REGIONS + "?in_use=no&q=江干")

    assertContains(response, "1983–2021")
    assertContains(response, "已撤销")
    assertNotContains(response, "上城区")


def test_the_region_list_is_searched_by_former_names_in_traditional_characters(editor_client):
    response = editor_client.get(REGIONS + "?q=秀城區")

    assert response.status_code == 200
    assertContains(response, "南湖区")
    assertContains(response, "1 条结果")


def test_the_region_lists_filters_are_short(editor_client):
    response = editor_client.get(REGIONS)

    sidebar = re.search(r'<nav id="changelist-filter".*?</nav>', page(response), re.S)
    # 全部, 仍在使用, 已撤销; 全部 and the three levels: not a row per region or parent.
    assert sidebar and sidebar.group(0).count("<li") == 7
