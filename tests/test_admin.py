"""The editors' admin, driven through the test client as a logged-in editor would."""

import datetime
import html
import io
import re

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from archive.admin.stories import ArticleRegionInline, BylineInline, PhotoInline
from archive.models import Article, Contributor, Credit, Region
from tests.factories import (
    ArticleFactory,
    BylineFactory,
    ContributorFactory,
    PhotoFactory,
    SectionFactory,
)
from tests.helpers import (
    CHANGELIST,
    add_inline_row,
    change_url,
    form_data,
    inline_formset,
    inline_prefix,
    page,
)

pytestmark = pytest.mark.django_db

ADD = reverse("admin:archive_article_add")
AUTOCOMPLETE = reverse("admin:autocomplete")

KECHENG = "柯城：进入新赛道 扛起新担当"
JIANDE = "建德：以担当之“为”换高质量发展之“能”"
KECHENG_CAPTIONS = ["元森AI智能产业园即将投产。", "顺丰丰泰智慧物流产业基地（一期）开园运营。"]


# --- reading pages the way an editor sees them ---------------------------------------------


def listed_headlines(response) -> list[str]:
    """The headlines in the changelist's result table, top to bottom."""
    assert response.status_code == 200
    found = re.findall(r'<th class="field-headline"><a href="[^"]*">([^<]*)</a>', page(response))
    return [html.unescape(text) for text in found]


def filter_options(response, title: str) -> list[tuple[str, str, bool]]:
    """(link, label, selected) for each choice of the sidebar filter titled ``title``."""
    block = re.search(rf'<details data-filter-title="{title}".*?</details>', page(response), re.S)
    assert block, f"no {title} filter in the sidebar"
    return [
        (html.unescape(link), html.unescape(label).strip(), bool(selected))
        for selected, link, label in re.findall(
            r'<li( class="selected")?>\s*<a href="([^"]*)">([^<]*)</a>', block.group(0)
        )
    ]


def region_slugs_offered(response) -> list[str]:
    """The regions the sidebar filter offers (by slug: codes were reused), top to bottom."""
    return [
        re.search(r"region=([\w-]+)", link).group(1)
        for link, _, _ in filter_options(response, "地区")
        if "region=" in link
    ]


def slugs(regions) -> list[str]:
    return list(regions.order_by("code").values_list("slug", flat=True))


def run_action(client, action: str, *articles, query: str = ""):
    return client.post(
        CHANGELIST + query,
        {"action": action, "index": "0", "_selected_action": [a.pk for a in articles]},
        follow=True,
    )


@pytest.fixture
def kecheng(demo):
    return Article.objects.get(headline=KECHENG)


@pytest.fixture
def jiande(demo):
    return Article.objects.get(headline=JIANDE)


# --- the story list ---------------------------------------------------------------------------


def test_editor_sees_every_story_in_the_article_list(editor_client, demo):
    draft = ArticleFactory(headline="龙港：草稿里的共富工坊", draft=True)

    response = editor_client.get(CHANGELIST)

    assert set(listed_headlines(response)) == {KECHENG, JIANDE, draft.headline}
    assertContains(response, "选择 稿件 来修改")


def test_editor_can_list_only_the_drafts(editor_client, demo):
    draft = ArticleFactory(headline="龙港：草稿里的共富工坊", draft=True)
    ArticleFactory(headline="乐清：待审的文旅融合", status=Article.Status.REVIEW)

    response = editor_client.get(CHANGELIST + "?status__exact=draft")

    assert listed_headlines(response) == [draft.headline]
    assert ("?status__exact=draft", "草稿", True) in filter_options(response, "状态")


def test_editor_can_list_one_section(editor_client, demo):
    county = SectionFactory(name="县域观察")
    other = ArticleFactory(headline="临平：县域里的数字经济", section=county)

    response = editor_client.get(CHANGELIST + f"?section__id__exact={county.pk}")
    assert listed_headlines(response) == [other.headline]

    demo_section = Article.objects.get(headline=KECHENG).section
    response = editor_client.get(CHANGELIST + f"?section__id__exact={demo_section.pk}")
    assert set(listed_headlines(response)) == {KECHENG, JIANDE}


def test_editor_filtering_by_a_city_sees_stories_of_its_counties(editor_client, demo):
    # 建德 (330182) lies in 杭州 (330100); 柯城 (330802) in 衢州.
    whole_city = ArticleFactory(headline="杭州全力推进数字经济", regions=["330100"])

    response = editor_client.get(CHANGELIST + "?region=330100")

    assert set(listed_headlines(response)) == {JIANDE, whole_city.headline}
    assert listed_headlines(editor_client.get(CHANGELIST + "?region=330800")) == [KECHENG]


def test_editor_filtering_by_a_county_sees_only_that_county(editor_client, demo):
    ArticleFactory(headline="衢江：高标准农田见成效", regions=["330803"])
    ArticleFactory(headline="衢州全市招商引资", regions=["330800"])

    response = editor_client.get(CHANGELIST + "?region=330802")

    assert listed_headlines(response) == [KECHENG]


def test_region_filter_offers_the_provinces_and_our_cities_not_every_county(editor_client, demo):
    response = editor_client.get(CHANGELIST)

    offered = region_slugs_offered(response)
    provinces = slugs(Region.objects.provinces().current())
    cities = slugs(Region.objects.cities().current().filter(parent__code="330000"))
    assert len(cities) == 11
    # The home province is open to its cities, right under it; the others are closed.
    at = provinces.index("zhejiang") + 1
    assert offered == provinces[:at] + cities + provinces[at:]
    labels = [label for _, label, _ in filter_options(response, "地区")]
    assert "浙江省" in labels and "└ 杭州市" in labels and "└ 衢州市" in labels
    assert "柯城区" not in " ".join(labels)
    assert filter_options(response, "地区")[0] == ("?", "全部", True)


def test_region_filter_opens_the_chosen_city_to_its_counties(editor_client, demo):
    response = editor_client.get(CHANGELIST + "?region=330800")

    offered = region_slugs_offered(response)
    quzhou_counties = slugs(Region.objects.counties().current().filter(code__startswith="3308"))
    assert len(quzhou_counties) == 6
    provinces = slugs(Region.objects.provinces().current())
    cities = slugs(Region.objects.cities().current().filter(parent__code="330000"))
    assert set(offered) == set(provinces) | set(cities) | set(quzhou_counties)
    # The counties sit right under their city, and the city is the highlighted choice.
    at = offered.index("quzhou")
    assert offered[at + 1 : at + 7] == quzhou_counties
    selected = [label for _, label, chosen in filter_options(response, "地区") if chosen]
    assert selected == ["└ 衢州市"]
    assert "上城区" not in page(response)  # Hangzhou stays closed


def test_region_filter_keeps_a_chosen_county_among_its_neighbours(editor_client, demo):
    response = editor_client.get(CHANGELIST + "?region=330802")

    options = filter_options(response, "地区")
    selected = [label for _, label, chosen in options if chosen]
    assert selected == ["└ 柯城区"]
    labels = [label for _, label, _ in options]
    assert "└ 江山市" in labels
    assert "└ 建德市" not in labels


def test_editor_filtering_by_the_province_sees_every_story(editor_client, demo):
    response = editor_client.get(CHANGELIST + "?region=330000")

    assert set(listed_headlines(response)) == {KECHENG, JIANDE}


def test_editor_filtering_by_a_region_slug_sees_the_region_highlighted(editor_client, demo):
    response = editor_client.get(CHANGELIST + "?region=kecheng")

    assert listed_headlines(response) == [KECHENG]  # the filtering itself works
    selected = [label for _, label, chosen in filter_options(response, "地区") if chosen]
    assert selected == ["└ 柯城区"]


def test_editor_can_list_one_contributors_stories(editor_client, demo):
    zheng = Contributor.objects.get(name="郑晨")
    zhang = Contributor.objects.get(name="张卉卉")

    response = editor_client.get(CHANGELIST + f"?contributor={zheng.pk}")
    assert listed_headlines(response) == [KECHENG]
    assert filter_options(response, "作者/供稿方") == [
        ("?", "全部", False),
        (f"?contributor={zheng.pk}", "郑晨", True),
    ]

    assert listed_headlines(editor_client.get(CHANGELIST + f"?contributor={zhang.pk}")) == [JIANDE]


def test_contributor_filter_for_an_unknown_contributor_lists_nothing(editor_client, demo):
    missing = Contributor.objects.order_by("-pk").first().pk + 1000

    response = editor_client.get(CHANGELIST + f"?contributor={missing}")

    assert listed_headlines(response) == []


def test_contributor_filter_offers_a_picker_but_lists_no_contributor_until_chosen(
    editor_client, demo
):
    response = editor_client.get(CHANGELIST)

    assert filter_options(response, "作者/供稿方") == [("?", "全部", True)]
    assert "郑晨" not in page(response)


def test_editor_can_combine_region_and_contributor_filters(editor_client, demo):
    zheng = Contributor.objects.get(name="郑晨")

    in_quzhou = editor_client.get(CHANGELIST + f"?region=330800&contributor={zheng.pk}")
    in_hangzhou = editor_client.get(CHANGELIST + f"?region=330100&contributor={zheng.pk}")

    assert listed_headlines(in_quzhou) == [KECHENG]
    assert listed_headlines(in_hangzhou) == []


def test_editor_can_show_counts_beside_the_filters(editor_client, demo):
    response = editor_client.get(CHANGELIST + "?_facets=True&region=330800")

    labels = [label for _, label, _ in filter_options(response, "地区")]
    assert "└ 衢州市 (1)" in labels
    assert "└ 柯城区 (1)" in labels
    assert "└ 杭州市 (1)" in labels
    assert "浙江省 (2)" in labels


def test_editor_can_find_a_story_by_its_headline(editor_client, demo):
    response = editor_client.get(CHANGELIST + "?q=柯城")

    assert listed_headlines(response) == [KECHENG]
    assertContains(response, "按标题、引题、副标题、地区名或作者、摄影者姓名查找")


def test_editor_can_find_a_story_by_its_kicker(editor_client, demo):
    response = editor_client.get(CHANGELIST + "?q=挖掘存量价值")

    assert listed_headlines(response) == [JIANDE]


def test_search_for_words_in_no_headline_finds_nothing(editor_client, demo):
    assert listed_headlines(editor_client.get(CHANGELIST + "?q=舟山")) == []


def test_search_for_punctuation_alone_finds_nothing(editor_client, demo):
    assert listed_headlines(editor_client.get(CHANGELIST + "?q=：“”")) == []
    assert len(listed_headlines(editor_client.get(CHANGELIST + "?q=+"))) == 2  # a blank search


def test_search_finds_a_headline_typed_in_traditional_characters(editor_client, demo):
    assert listed_headlines(editor_client.get(CHANGELIST + "?q=進入新賽道")) == [KECHENG]


def test_search_finds_stories_by_the_name_of_their_region(editor_client, demo):
    # The headline says 建德, the story is tagged 建德市.
    assert listed_headlines(editor_client.get(CHANGELIST + "?q=建德市")) == [JIANDE]


def test_search_looks_at_titles_not_at_the_body(editor_client, demo):
    assert "春华秋实又一年。" in Article.objects.get(headline=KECHENG).body
    assert listed_headlines(editor_client.get(CHANGELIST + "?q=春华秋实")) == []


@pytest.mark.parametrize("walk_above", [1, 10**9], ids=["walking the list", "from the index"])
def test_search_finds_the_same_stories_for_common_and_rare_terms(
    editor_client, demo, monkeypatch, walk_above
):
    # A term the index offers for many stories is checked along the list instead.
    monkeypatch.setattr("archive.admin.index_search.walk_above", lambda: walk_above)
    ArticleFactory(headline="柯城数字经济再提速", regions=["330802"])
    ArticleFactory(headline="柯城乡村", regions=["330802"], draft=True)

    found = listed_headlines(editor_client.get(CHANGELIST + "?q=柯城"))
    drafts = listed_headlines(editor_client.get(CHANGELIST + "?q=柯城 乡村&status__exact=draft"))

    assert sorted(found) == sorted([KECHENG, "柯城数字经济再提速", "柯城乡村"])
    assert drafts == ["柯城乡村"]


# --- the story form ---------------------------------------------------------------------------


def test_editor_can_open_a_demo_story_with_regions_bylines_and_photos(editor_client, kecheng):
    response = editor_client.get(change_url(kecheng))

    assert response.status_code == 200
    text = page(response)
    assert f'value="{KECHENG}"' in text
    for heading in ("地区（至少一个，勾选主要地区）", "署名（文字作者、通讯员、编辑）", "图片"):
        assert heading in text
    assert "图片署名（摄影、提供）" in text  # the nested credits inside each photo
    assert "柯城区" in text  # the chosen region of the autocomplete
    assert "郑晨" in text
    assert text.count("许军") >= 2  # the photographer, once per photo
    for caption in KECHENG_CAPTIONS:
        assert caption in text
    assert "春华秋实又一年。" in text


def test_story_form_shows_one_row_per_region_byline_and_photo_credit(editor_client, jiande):
    response = editor_client.get(change_url(jiande))
    data = form_data(response)

    assert data[f"{inline_prefix(response, ArticleRegionInline)}-TOTAL_FORMS"] == "1"
    assert data[f"{inline_prefix(response, BylineInline)}-TOTAL_FORMS"] == "4"
    photos = inline_formset(response, PhotoInline)
    assert data[f"{photos.prefix}-TOTAL_FORMS"] == "1"
    (credits,) = photos.forms[0].nested_formsets
    assert data[f"{credits.prefix}-TOTAL_FORMS"] == "1"
    assert "建德市洋溪街道" in page(response)


def test_editor_can_open_the_form_for_a_new_story(editor_client):
    response = editor_client.get(ADD)

    assert response.status_code == 200
    assertContains(response, "增加 稿件")
    data = form_data(response)
    # One empty region row is waiting: a story needs at least one region.
    assert data[f"{inline_prefix(response, ArticleRegionInline)}-TOTAL_FORMS"] == "1"
    assert data[f"{inline_prefix(response, BylineInline)}-TOTAL_FORMS"] == "0"
    assert data["status"] == Article.Status.DRAFT


def test_editor_can_change_a_headline_and_add_a_byline(editor_client, kecheng):
    correspondent = ContributorFactory(name="王晓明")
    version_before = kecheng.version
    response = editor_client.get(change_url(kecheng))
    data = form_data(response)
    data["headline"] = "柯城：进入新赛道 扛起新担当（修订）"
    add_inline_row(
        data,
        inline_prefix(response, BylineInline),
        contributor=correspondent.pk,
        role=Credit.Role.CORRESPONDENT,
        order=1,
    )

    response = editor_client.post(change_url(kecheng), {**data, "_save": "保存"}, follow=True)

    assertRedirects(response, CHANGELIST)
    assertContains(response, "成功修改了 稿件")
    assert "柯城：进入新赛道 扛起新担当（修订）" in listed_headlines(response)
    kecheng.refresh_from_db()
    assert kecheng.headline == "柯城：进入新赛道 扛起新担当（修订）"
    assert kecheng.version == version_before + 1
    assert list(kecheng.credits.values_list("contributor__name", "role")) == [
        ("郑晨", Credit.Role.WRITER),
        ("王晓明", Credit.Role.CORRESPONDENT),
    ]
    assert kecheng.byline_display() == "郑晨 通讯员 王晓明"
    # Everything else the form carried survives the round trip.
    assert list(kecheng.regions.values_list("code", flat=True)) == ["330802"]
    assert [p.caption for p in kecheng.photos.all()] == KECHENG_CAPTIONS
    assert [p.credit_line() for p in kecheng.photos.all()] == ["许军 摄", "许军 摄"]
    assert kecheng.body.startswith("春华秋实又一年。")
    assert kecheng.is_public


def test_editor_can_add_a_photographer_to_a_photo(editor_client, kecheng):
    second = ContributorFactory(name="陈静")
    response = editor_client.get(change_url(kecheng))
    data = form_data(response)
    first_photo = inline_formset(response, PhotoInline).forms[0]
    (credits,) = first_photo.nested_formsets  # nested-admin's prefix, e.g. photos-0-credits
    add_inline_row(data, credits.prefix, contributor=second.pk, role="photographer", order=1)

    response = editor_client.post(change_url(kecheng), {**data, "_save": "保存"})

    assertRedirects(response, CHANGELIST, fetch_redirect_response=False)
    assert kecheng.photos.get(caption=first_photo.instance.caption).credit_line() == "许军 陈静 摄"
    assert kecheng.photos.exclude(pk=first_photo.instance.pk).get().credit_line() == "许军 摄"
    story = editor_client.get(kecheng.get_absolute_url())
    assertContains(story, "陈静")


def test_editor_can_remove_a_byline(editor_client, jiande):
    response = editor_client.get(change_url(jiande))
    data = form_data(response)
    prefix = inline_prefix(response, BylineInline)
    last = int(data[f"{prefix}-TOTAL_FORMS"]) - 1
    assert data[f"{prefix}-{last}-contributor"] == str(Contributor.objects.get(name="朱秋燕").pk)
    data[f"{prefix}-{last}-DELETE"] = "on"

    editor_client.post(change_url(jiande), {**data, "_save": "保存"})

    assert jiande.byline_display() == "张卉卉 吴国军 邵国强"
    assert Contributor.objects.filter(name="朱秋燕").exists()  # the person stays on file


def number_every_row(data: dict, prefix: str, value: str) -> None:
    for i in range(int(data[f"{prefix}-TOTAL_FORMS"])):
        data[f"{prefix}-{i}-order"] = value


def test_bylines_given_the_same_number_are_saved_in_the_order_shown(editor_client, jiande):
    shown = jiande.byline_display()
    response = editor_client.get(change_url(jiande))
    data = form_data(response)
    number_every_row(data, inline_prefix(response, BylineInline), "1")

    response = editor_client.post(change_url(jiande), {**data, "_save": "保存"})

    assertRedirects(response, CHANGELIST, fetch_redirect_response=False)
    assert jiande.byline_display() == shown
    assert list(jiande.credits.values_list("order", flat=True)) == [0, 1, 2, 3]


def test_a_form_with_an_error_and_rows_numbered_alike_comes_back_with_the_error(
    editor_client, jiande
):
    # nested-admin's own row sorting failed with a server error on such a form.
    response = editor_client.get(change_url(jiande))
    data = form_data(response)
    number_every_row(data, inline_prefix(response, BylineInline), "1")
    (credits,) = inline_formset(response, PhotoInline).forms[0].nested_formsets
    add_inline_row(data, credits.prefix, contributor=ContributorFactory().pk, role="photographer")
    number_every_row(data, credits.prefix, "1")
    data["headline"] = ""

    response = editor_client.post(change_url(jiande), {**data, "_save": "保存"})

    assert response.status_code == 200
    assertContains(response, "请更正以下错误")
    text = page(response)
    names = ["张卉卉", "吴国军", "邵国强", "朱秋燕"]
    assert sorted(names, key=text.index) == names  # the rows as the editor left them
    jiande.refresh_from_db()
    assert jiande.headline == JIANDE


def test_a_row_number_that_is_not_a_number_is_a_form_error(editor_client, jiande):
    shown = jiande.byline_display()
    response = editor_client.get(change_url(jiande))
    data = form_data(response)
    prefix = inline_prefix(response, BylineInline)
    data[f"{prefix}-0-order"] = "第一"
    data[f"{prefix}-1-order"] = "-1"

    response = editor_client.post(change_url(jiande), {**data, "_save": "保存"})

    assert response.status_code == 200
    assertContains(response, "输入整数")
    assert jiande.byline_display() == shown


def test_editor_can_write_a_new_story_with_a_region_and_a_byline(editor_client):
    reporter = ContributorFactory(name="李思远")
    section = SectionFactory(name="县域观察")
    response = editor_client.get(ADD)
    data = form_data(response)
    data.update(
        headline="龙港：以数字经济促城乡融合",
        body="龙港市持续推进数字经济。\n\n## 产业升级见成效\n\n城乡融合步伐加快。",
        section=str(section.pk),
    )
    regions = inline_prefix(response, ArticleRegionInline)
    data[f"{regions}-0-region"] = str(Region.objects.by_code("330383").pk)
    data[f"{regions}-0-is_primary"] = "on"
    add_inline_row(
        data,
        inline_prefix(response, BylineInline),
        contributor=reporter.pk,
        role=Credit.Role.WRITER,
        order=0,
    )

    response = editor_client.post(ADD, {**data, "_save": "保存"}, follow=True)

    assertContains(response, "成功添加了 稿件")
    article = Article.objects.get(headline="龙港：以数字经济促城乡融合")
    assert article.status == Article.Status.DRAFT
    assert article.version == 1
    assert article.section == section
    assert [(r.region.code, r.is_primary) for r in article.article_regions.all()] == [
        ("330383", True)
    ]
    assert article.byline_display() == "李思远"
    assert [b.kind for b in article.body_blocks()] == ["paragraph", "subhead", "paragraph"]
    # A draft stays off the public site.
    assert editor_client.get(article.get_absolute_url()).status_code == 404


def test_editor_cannot_save_a_story_with_its_region_left_blank(editor_client):
    response = editor_client.get(ADD)
    data = form_data(response)
    data.update(headline="没有地区的稿件", body="正文。")

    response = editor_client.post(ADD, {**data, "_save": "保存"})

    assert response.status_code == 200
    assertContains(response, "请更正以下错误")
    # "该字段是必填项。" once Django REST framework's translation is loaded, which wins
    # over Django's own "这个字段是必填项。"
    assert re.search("(这个|该)字段是必填项。", response.content.decode())
    assert not Article.objects.filter(headline="没有地区的稿件").exists()


def test_editor_cannot_save_a_story_after_removing_every_region(editor_client, kecheng):
    response = editor_client.get(change_url(kecheng))
    data = form_data(response)
    data[f"{inline_prefix(response, ArticleRegionInline)}-0-DELETE"] = "on"

    response = editor_client.post(change_url(kecheng), {**data, "_save": "保存"})

    assert response.status_code == 200
    assertContains(response, "请至少提交 1 个表单。")
    assert list(kecheng.regions.values_list("code", flat=True)) == ["330802"]


def test_editor_cannot_give_a_story_two_primary_regions(editor_client, kecheng):
    response = editor_client.get(change_url(kecheng))
    data = form_data(response)
    prefix = inline_prefix(response, ArticleRegionInline)
    assert data[f"{prefix}-0-is_primary"] == "on"
    qujiang = Region.objects.by_code("330803")
    add_inline_row(data, prefix, region=qujiang.pk, is_primary="on")

    response = editor_client.post(change_url(kecheng), {**data, "_save": "保存"})

    assertContains(response, "一篇稿件只能有一个主要地区。")
    assert list(kecheng.regions.values_list("code", flat=True)) == ["330802"]

    data.pop(f"{prefix}-1-is_primary")  # as a secondary region it is fine
    response = editor_client.post(change_url(kecheng), {**data, "_save": "保存"})
    assert response.status_code == 302
    assert sorted(kecheng.regions.values_list("code", flat=True)) == ["330802", "330803"]


def test_editor_cannot_tag_a_story_with_the_same_region_twice(editor_client, kecheng):
    response = editor_client.get(change_url(kecheng))
    data = form_data(response)
    prefix = inline_prefix(response, ArticleRegionInline)
    add_inline_row(data, prefix, region=data[f"{prefix}-0-region"])

    response = editor_client.post(change_url(kecheng), {**data, "_save": "保存"})

    assert response.status_code == 200
    assertContains(response, "请更正以下错误")
    assert kecheng.article_regions.count() == 1


def test_editor_sees_a_new_byline_in_the_contributors_story_list(client, editor_client, jiande):
    reporter = ContributorFactory(name="王晓明")
    response = editor_client.get(change_url(jiande))
    data = form_data(response)
    add_inline_row(
        data, inline_prefix(response, BylineInline), contributor=reporter.pk, role="writer", order=4
    )

    editor_client.post(change_url(jiande), {**data, "_save": "保存"})

    assert listed_headlines(editor_client.get(CHANGELIST + f"?contributor={reporter.pk}")) == [
        JIANDE
    ]
    assertContains(client.get(reporter.get_absolute_url()), "以担当之")


def test_editor_moving_a_story_to_another_county_moves_it_between_region_lists(
    client, editor_client, kecheng
):
    response = editor_client.get(change_url(kecheng))
    data = form_data(response)
    data[f"{inline_prefix(response, ArticleRegionInline)}-0-region"] = str(
        Region.objects.by_code("330881").pk  # 江山市, also in 衢州
    )

    editor_client.post(change_url(kecheng), {**data, "_save": "保存"})

    assert listed_headlines(editor_client.get(CHANGELIST + "?region=330881")) == [KECHENG]
    assert listed_headlines(editor_client.get(CHANGELIST + "?region=330802")) == []
    assert listed_headlines(editor_client.get(CHANGELIST + "?region=330800")) == [KECHENG]
    jiangshan = client.get(reverse("archive:region_detail", args=["jiangshan"]))
    assertContains(jiangshan, KECHENG)
    assertNotContains(client.get(reverse("archive:region_detail", args=["kecheng"])), KECHENG)


def test_editor_filtering_by_region_sees_drafts_and_scheduled_stories_too(editor_client, demo):
    draft = ArticleFactory(headline="衢江：草稿", draft=True, regions=["330803"])
    scheduled = ArticleFactory(headline="常山：明天见报", scheduled=True, regions=["330822"])
    ArticleFactory(headline="舟山：不相干", draft=True, regions=["330902"])

    response = editor_client.get(CHANGELIST + "?region=330800")

    assert set(listed_headlines(response)) == {KECHENG, draft.headline, scheduled.headline}


def test_editor_filtering_by_contributor_sees_their_drafts_too(editor_client, demo):
    zheng = Contributor.objects.get(name="郑晨")
    draft = ArticleFactory(headline="柯城：未发表的新稿", draft=True, regions=["330802"])
    BylineFactory(article=draft, contributor=zheng)

    response = editor_client.get(CHANGELIST + f"?contributor={zheng.pk}")

    assert set(listed_headlines(response)) == {KECHENG, draft.headline}


# --- publishing -------------------------------------------------------------------------------


def test_editor_can_publish_a_draft(client, editor_client):
    draft = ArticleFactory(headline="龙港：草稿里的共富工坊", draft=True, regions=["330383"])
    assert client.get(draft.get_absolute_url()).status_code == 404

    response = run_action(editor_client, "publish", draft)

    assertContains(response, "已发布 1 篇稿件。")
    draft.refresh_from_db()
    assert draft.status == Article.Status.PUBLISHED
    assert draft.published_at is not None
    assert draft.version == 2
    assertContains(client.get(draft.get_absolute_url()), "龙港：草稿里的共富工坊")
    longgang = client.get(reverse("archive:region_detail", args=["longgang"]))
    assertContains(longgang, "龙港：草稿里的共富工坊")


def test_publishing_counts_only_stories_not_yet_published(editor_client, kecheng):
    draft = ArticleFactory(draft=True)
    version_before = kecheng.version

    response = run_action(editor_client, "publish", draft, kecheng)

    assertContains(response, "已发布 1 篇稿件。")
    kecheng.refresh_from_db()
    assert kecheng.version == version_before  # untouched
    assert Article.objects.filter(status=Article.Status.PUBLISHED).count() == 3


def test_editor_can_withdraw_a_story(client, editor_client, kecheng, jiande):
    assert client.get(kecheng.get_absolute_url()).status_code == 200

    response = run_action(editor_client, "withdraw", kecheng)

    assertContains(response, "已撤回 1 篇稿件。")
    kecheng.refresh_from_db()
    assert kecheng.status == Article.Status.WITHDRAWN  # kept, not public
    assert client.get(kecheng.get_absolute_url()).status_code == 404
    assertNotContains(client.get(reverse("archive:region_detail", args=["kecheng"])), KECHENG)
    assert client.get(jiande.get_absolute_url()).status_code == 200  # not selected
    assert listed_headlines(editor_client.get(CHANGELIST + "?status__exact=withdrawn")) == [KECHENG]


def test_editor_can_publish_from_a_filtered_list(client, editor_client, demo):
    draft = ArticleFactory(headline="衢江：草稿", draft=True, regions=["330803"])

    response = run_action(editor_client, "publish", draft, query="?region=330800")

    assertContains(response, "已发布 1 篇稿件。")
    assert client.get(draft.get_absolute_url()).status_code == 200


def test_publishing_a_scheduled_story_keeps_it_off_the_site_until_its_time(client, editor_client):
    scheduled = ArticleFactory(status=Article.Status.REVIEW, scheduled=True)

    run_action(editor_client, "publish", scheduled)

    scheduled.refresh_from_db()
    assert scheduled.status == Article.Status.PUBLISHED
    assert client.get(scheduled.get_absolute_url()).status_code == 404


# --- view on site ----------------------------------------------------------------------------


def test_published_story_has_a_view_on_site_link(editor_client, kecheng):
    response = editor_client.get(change_url(kecheng))

    assertContains(
        response,
        f'<a href="{kecheng.get_absolute_url()}" class="viewsitelink">在站点上查看</a>',
        html=True,
    )


@pytest.mark.parametrize(
    "hidden",
    [{"draft": True}, {"scheduled": True}, {"status": Article.Status.WITHDRAWN}],
    ids=["draft", "scheduled", "withdrawn"],
)
def test_story_not_on_the_site_has_no_view_on_site_link(editor_client, hidden):
    article = ArticleFactory(**hidden)

    response = editor_client.get(change_url(article))

    assert response.status_code == 200
    assertNotContains(response, "在站点上查看")
    assertNotContains(response, f'href="{article.get_absolute_url()}"')
    assertContains(response, reverse("archive:story_preview", args=[article.pk]))


# --- contributors -----------------------------------------------------------------------------


def photo_desk(client, query: str) -> list[str]:
    """The captions the photo desk lists for a search, top to bottom."""
    response = client.get(reverse("admin:archive_photo_changelist"), {"q": query})
    assert response.status_code == 200
    return [p.caption for p in response.context["cl"].result_list]


@pytest.mark.parametrize("walk_above", [1, 10**9], ids=["walking the list", "from the index"])
def test_photo_desk_finds_photos_by_caption_or_by_their_storys_headline(
    editor_client, demo, monkeypatch, walk_above
):
    monkeypatch.setattr("archive.admin.index_search.walk_above", lambda: walk_above)

    assert photo_desk(editor_client, "智能产业园") == ["元森AI智能产业园即将投产。"]
    assert sorted(photo_desk(editor_client, "进入新赛道")) == sorted(KECHENG_CAPTIONS)
    assert photo_desk(editor_client, "舟山") == []


def test_photo_desk_lists_the_newest_photos_first(editor_client, demo):
    newest = PhotoFactory(article=Article.objects.get(headline=KECHENG), caption="新入库的图片")

    response = editor_client.get(reverse("admin:archive_photo_changelist"))

    assert response.context["cl"].result_list[0] == newest


def test_photographers_page_lists_their_photo_credits(editor_client, kecheng):
    xu = Contributor.objects.get(name="许军")

    response = editor_client.get(reverse("admin:archive_contributor_change", args=[xu.pk]))

    assert response.status_code == 200
    for caption in KECHENG_CAPTIONS:
        assertContains(
            response,
            f'<li>{caption}（摄影）— <a href="{change_url(kecheng)}">{KECHENG}</a></li>',
            html=True,
        )
    assertContains(
        response, f'<a href="{CHANGELIST}?contributor={xu.pk}">查看全部署名稿件</a>', html=True
    )


def test_writers_page_lists_their_bylines_and_links_to_all_of_them(editor_client, kecheng):
    zheng = Contributor.objects.get(name="郑晨")
    draft = ArticleFactory(headline="柯城：未发表的新稿", draft=True)
    BylineFactory(article=draft, contributor=zheng, role=Credit.Role.WRITER)

    response = editor_client.get(reverse("admin:archive_contributor_change", args=[zheng.pk]))

    assertContains(
        response,
        f'<li><a href="{change_url(kecheng)}">{KECHENG}</a>（文字，已发布）</li>',
        html=True,
    )
    assertContains(
        response,
        f'<li><a href="{change_url(draft)}">柯城：未发表的新稿</a>（文字，草稿）</li>',
        html=True,
    )
    every = f"{CHANGELIST}?contributor={zheng.pk}"
    assertContains(response, f'<a href="{every}">查看全部署名稿件</a>', html=True)
    assert set(listed_headlines(editor_client.get(every))) == {KECHENG, "柯城：未发表的新稿"}


def test_a_prolific_writers_page_lists_only_their_newest_stories(editor_client, monkeypatch):
    monkeypatch.setattr("archive.admin.contributors.RECENT_ON_CONTRIBUTOR_PAGE", 3)
    writer = ContributorFactory(name="高产记者")
    now = timezone.now()
    for days in [5, 1, 4, 2, 3]:
        story = ArticleFactory(
            headline=f"{days} 天前的稿件", published_at=now - datetime.timedelta(days=days)
        )
        BylineFactory(article=story, contributor=writer)

    response = editor_client.get(reverse("admin:archive_contributor_change", args=[writer.pk]))

    listed = re.findall(r"(\d) 天前的稿件", page(response))
    assert listed == ["1", "2", "3"]


def test_organisations_page_shows_what_it_supplied(editor_client, jiande):
    town = Contributor.objects.get(name="建德市洋溪街道")

    response = editor_client.get(reverse("admin:archive_contributor_change", args=[town.pk]))

    assertContains(response, "洋溪街道全景（图片提供）")


def test_new_contributor_form_has_no_credits_yet(editor_client):
    response = editor_client.get(reverse("admin:archive_contributor_add"))

    assert response.status_code == 200
    assertContains(response, "署名稿件")
    assertNotContains(response, "查看全部署名稿件")


def test_editor_cannot_delete_a_credited_contributor(editor_client, kecheng):
    xu = Contributor.objects.get(name="许军")

    response = editor_client.post(
        reverse("admin:archive_contributor_delete", args=[xu.pk]), {"post": "yes"}
    )

    assertContains(response, "无法删除")
    assert Contributor.objects.filter(pk=xu.pk).exists()


# --- autocomplete -----------------------------------------------------------------------------


def autocomplete(client, model_name: str, field_name: str, term: str) -> dict:
    response = client.get(
        AUTOCOMPLETE,
        {"app_label": "archive", "model_name": model_name, "field_name": field_name, "term": term},
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    return response.json()


def test_region_autocomplete_finds_a_county_by_name(editor_client):
    found = autocomplete(editor_client, "articleregion", "region", "柯城")

    kecheng = Region.objects.by_code("330802")
    assert found["results"] == [{"id": str(kecheng.pk), "text": "柯城区"}]
    assert found["pagination"] == {"more": False}


def test_region_autocomplete_finds_a_county_by_pinyin(editor_client):
    found = autocomplete(editor_client, "articleregion", "region", "kecheng")

    assert [r["text"] for r in found["results"]] == ["柯城区"]


def test_contributor_autocomplete_finds_a_photographer(editor_client, demo):
    found = autocomplete(editor_client, "credit", "contributor", "许")

    assert [r["text"] for r in found["results"]] == ["许军"]


def test_contributor_autocomplete_tells_namesakes_apart(editor_client):
    ContributorFactory(name="张伟", description="衢州日报记者")
    ContributorFactory(name="张伟", description="龙港市融媒体中心")

    found = autocomplete(editor_client, "credit", "contributor", "张伟")

    assert sorted(r["text"] for r in found["results"]) == [
        "张伟（衢州日报记者）",
        "张伟（龙港市融媒体中心）",
    ]


def test_section_autocomplete_finds_a_section(editor_client, demo):
    found = autocomplete(editor_client, "article", "section", "经济")

    assert [r["text"] for r in found["results"]] == ["经济大省挑大梁"]


def test_autocomplete_is_closed_to_visitors(client):
    response = client.get(
        AUTOCOMPLETE,
        {
            "app_label": "archive",
            "model_name": "articleregion",
            "field_name": "region",
            "term": "柯",
        },
    )

    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


# --- who gets in, and in which language -------------------------------------------------------


def test_visitor_is_sent_to_the_login_page(client):
    response = client.get(CHANGELIST)

    assertRedirects(response, f"{reverse('admin:login')}?next={CHANGELIST}")


def test_logged_in_reader_who_is_not_staff_is_sent_to_the_login_page(client, django_user_model):
    reader = django_user_model.objects.create_user("duzhe", password="a-long-test-passphrase")
    client.force_login(reader)

    response = client.get(CHANGELIST)

    assertRedirects(response, f"{reverse('admin:login')}?next={CHANGELIST}")


def test_login_page_speaks_chinese(client):
    response = client.get(reverse("admin:login"), HTTP_ACCEPT_LANGUAGE="en")

    assertContains(response, "县志 · 编辑后台")
    assertContains(response, "用户名")
    assertNotContains(response, "Username")


def test_admin_speaks_chinese_even_to_an_english_browser(editor_client):
    response = editor_client.get(reverse("admin:index"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")

    assertContains(response, "稿件管理")
    assertContains(response, "稿件")
    assertContains(response, "作者/供稿方")
    assertContains(response, 'lang="zh-hans"')
    assertNotContains(response, "Site administration")


# --- create_editor ------------------------------------------------------------------------------


def create_editor(*args) -> str:
    out = io.StringIO()
    call_command("create_editor", *args, stdout=out, no_color=True)
    match = re.search(r"密码：(\S+)", out.getvalue())
    assert match, out.getvalue()
    return match.group(1)


def test_create_editor_prints_a_password_that_logs_in(client, db):
    password = create_editor("--username", "xiaobian")

    assert client.login(username="xiaobian", password=password)
    response = client.get(CHANGELIST)
    assert response.status_code == 200
    assertContains(response, "选择 稿件 来修改")


def test_create_editor_again_gives_a_new_password_and_retires_the_old(client, db):
    first = create_editor()
    second = create_editor()

    assert second != first
    assert not client.login(username="editor", password=first)
    assert client.login(username="editor", password=second)


def test_a_non_ascii_digit_contributor_filter_lists_nothing_instead_of_failing(editor_client, demo):
    response = editor_client.get(CHANGELIST + "?contributor=²")
    assert response.status_code == 200
    assert listed_headlines(response) == []


def test_a_regions_code_and_parent_cannot_be_changed_in_the_admin(editor_client):
    kecheng = Region.objects.by_code("330802")
    url = reverse("admin:archive_region_change", args=[kecheng.pk])
    lishui = Region.objects.by_code("331100")
    data = form_data(editor_client.get(url), "region_form")  # with its 沿革's management forms
    data.update(code="331199", parent=str(lishui.pk), first_year="1999", last_year="2000")
    response = editor_client.post(url, data)
    assert response.status_code == 302
    kecheng.refresh_from_db()
    assert (kecheng.code, kecheng.parent.code) == ("330802", "330800")
    assert (kecheng.first_year, kecheng.last_year) == (1985, None)
