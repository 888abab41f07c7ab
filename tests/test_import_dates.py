"""The page importer reads place names against the divisions in use on the page's date
(issue 19): the same text tags 萧山市 in 1998 and 萧山区 in 2025, with a warning that
the name is out of date; townships count for the county that held them; other
provinces' divisions count by full name."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from archive.editorial import services
from archive.models import Article, PageImport

pytestmark = pytest.mark.django_db

IN_1998 = datetime.date(1998, 5, 1)
IN_2025 = datetime.date(2025, 5, 1)


def story(headline: str, body: str) -> str:
    return f"{headline}\n\n本报讯（记者 王明）{body}\n"


XIAOSHAN = story(
    "萧山市：乡镇企业产值再创新高",
    "今年一季度，萧山市乡镇企业产值同比增长两成。萧山市有关部门负责人表示，全年有望保持增长。",
)
OLD_NAME = "“萧山市”是旧地名（1987–2001），已按萧山区标注。"


def regions(record: PageImport) -> list[tuple[str, str, bool]]:
    """(code, name, primary) of the stories' regions, each story's primary first."""
    return [
        (r.region.code, r.region.name, r.is_primary)
        for article in record.articles.order_by("pk")
        for r in article.article_regions.select_related("region").order_by(
            "-is_primary", "region__code"
        )
    ]


def test_a_1998_page_naming_xiaoshan_shi_tags_the_county_level_city_of_then():
    record = services.page_import(text=XIAOSHAN, edition_date=IN_1998)
    assert regions(record) == [("330181", "萧山市", True)]
    article = record.articles.get()
    assert article.article_regions.get().region.valid_in_year(1998)
    assert record.parsed.stories[0].regions == [("330181", "萧山市", True)]
    assert record.parsed.stories[0].old_names == []


def test_the_same_text_dated_2025_tags_xiaoshan_qu_and_says_the_name_is_out_of_date():
    page = services.page_parse(XIAOSHAN, edition_date=IN_2025)
    assert page.stories[0].regions == [("330109", "萧山区", True)]
    assert OLD_NAME in page.stories[0].warnings
    record = services.page_import(text=XIAOSHAN, edition_date=IN_2025)
    assert regions(record) == [("330109", "萧山区", True)]
    assert record.parsed.stories[0].old_names == [OLD_NAME]


def test_a_page_with_no_date_is_read_as_of_today():
    page = services.page_parse(XIAOSHAN)
    assert page.stories[0].regions == [("330109", "萧山区", True)]
    assert page.stories[0].old_names == [OLD_NAME]


def test_qu_xian_in_1995_is_qu_xian():
    text = story("衢县：柑橘喜获丰收", "衢县今年柑橘产量创历史新高，衢县果农收入明显增加。")
    record = services.page_import(text=text, edition_date=datetime.date(1995, 11, 3))
    assert regions(record) == [("330821", "衢县", True)]


def test_a_name_whose_area_went_to_two_districts_tags_both():
    text = story("江干区：钱江新城建设提速", "江干区今年开工重点项目三十个。")
    page = services.page_parse(text, edition_date=IN_2025)
    assert page.stories[0].regions == [
        ("330102", "上城区", True),  # the first in code order is the primary
        ("330114", "钱塘区", False),
    ]
    assert page.stories[0].old_names == ["“江干区”是旧地名（1983–2021），已按上城区、钱塘区标注。"]
    in_2015 = services.page_parse(text, edition_date=datetime.date(2015, 6, 1))
    assert in_2015.stories[0].regions == [("330104", "江干区", True)]
    assert in_2015.stories[0].warnings == []


def test_a_reused_code_is_filed_under_the_division_of_the_year():
    text = story("城区旧城改造启动", "湖州市城区旧城改造今年启动，湖州市城区十个小区列入计划。")
    record = services.page_import(text=text, edition_date=datetime.date(1986, 4, 1))
    filed = Article.objects.get().article_regions.get(region__code="330502").region
    assert (filed.name, filed.first_year) == ("城区", 1983)
    assert regions(record) == [("330502", "城区", True)]  # 湖州市 contains it


def test_a_township_counts_for_its_county_on_the_page_date():
    text = story("乡镇企业产值再创新高", "瓜沥镇今年一季度工业产值增长两成，瓜沥镇企业订单饱满。")
    assert services.page_parse(text, edition_date=IN_1998).stories[0].regions == [
        ("330181", "萧山市", True)
    ]
    in_2025 = services.page_parse(text, edition_date=IN_2025).stories[0]
    assert in_2025.regions == [("330109", "萧山区", True)]
    assert in_2025.old_names == []  # the town's name is in use: nothing to warn of
    # A town of 衢江区 (since 2001) was 衢县's in 1995.
    text = story("高山蔬菜走俏", "湖南镇的高山蔬菜销往上海，湖南镇农户人均增收千元。")
    in_1995 = services.page_parse(text, edition_date=datetime.date(1995, 8, 1))
    assert in_1995.stories[0].regions == [("330821", "衢县", True)]


@pytest.mark.parametrize(
    ("headline", "body", "expected"),
    [
        (
            "山海协作结新果",
            "上海市黄浦区与我省多地签订合作协议，上海市黄浦区将在文旅方面给予支持。",
            [("310101", "黄浦区", True)],
        ),
        (
            "长三角合作再深化",
            "安徽省与浙江省签订协议。安徽省有关负责人表示，两地将共建产业园区。",
            [("340000", "安徽省", True)],  # 浙江省, named once, is not
        ),
    ],
    ids=["shanghai-huangpu", "anhui"],
)
def test_another_province_s_division_named_in_full_is_tagged(headline, body, expected):
    page = services.page_parse(story(headline, body), edition_date=IN_2025)
    assert page.stories[0].regions == expected


def test_other_provinces_short_names_and_everyday_names_tag_nothing():
    text = story(
        "柯城：老城区焕发新活力",
        "柯城区推进老城区改造，主城区面貌一新。朝阳、南山一带新华书店人气旺。"
        "沿海城市的游客纷纷前来，柯城区的中山市场也热闹起来。",
    )
    assert services.page_parse(text, edition_date=IN_2025).stories[0].regions == [
        ("330802", "柯城区", True)
    ]


def test_a_name_shared_with_another_province_is_the_home_one_unless_its_city_is_written():
    text = story("普陀区：渔港经济活力足", "普陀区渔港今年吞吐量增长一成，普陀区渔民增收。")
    assert services.page_parse(text, edition_date=IN_2025).stories[0].regions == [
        ("330903", "普陀区", True)
    ]
    text = story("对口合作", "上海市普陀区与舟山签约，上海市普陀区企业将来投资。")
    assert services.page_parse(text, edition_date=IN_2025).stories[0].regions[0] == (
        "310107",
        "普陀区",
        True,
    )


# --- the command and the admin ------------------------------------------------------------


def run(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_page", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_import_page_reads_the_names_of_its_date(tmp_path):
    path = tmp_path / "page.txt"
    path.write_text(XIAOSHAN, encoding="utf-8")
    out, _err = run(str(path), "--date", "1998-05-01", "--dry-run")
    assert "地区：萧山市" in out and "旧地名" not in out
    out, _err = run(str(path), "--date", "2025-05-01")
    assert "地区：萧山区" in out and OLD_NAME in out
    assert regions(PageImport.objects.get()) == [("330109", "萧山区", True)]


def test_the_admin_preview_and_import_show_the_out_of_date_name(editor_client):
    url = reverse("admin:archive_pageimport_add")
    preview = editor_client.post(
        url, {"text": XIAOSHAN, "edition_date": "2025-05-01", "_preview": "预览"}
    ).content.decode()
    assert "萧山区 330109" in preview and OLD_NAME in preview
    assert "按 2025 年的行政区划" in preview
    earlier = editor_client.post(
        url, {"text": XIAOSHAN, "edition_date": "1998-05-01", "_preview": "预览"}
    ).content.decode()
    assert "萧山市 330181" in earlier and OLD_NAME not in earlier
    response = editor_client.post(
        url, {"text": XIAOSHAN, "edition_date": "2025-05-01", "_import": "导入为草稿"}, follow=True
    )
    assert OLD_NAME in response.content.decode()
    assert regions(PageImport.objects.get()) == [("330109", "萧山区", True)]
