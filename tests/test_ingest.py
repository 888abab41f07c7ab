"""The OCR page parser (``archive.ingest``), without a database.

The sample page field by field; credit lines; region tagging; and hand-made pages in
``tests/pages/`` written the way this OCR writes a page (blank lines between lines,
three where a picture stood, column blocks out of reading order), each with the
structure an editor would give it.
"""

import re
from pathlib import Path

import pytest

from archive.ingest import places
from archive.ingest.credits import parse_line, split_trailing
from archive.ingest.page import PARAGRAPH, SUBHEAD
from archive.ingest.parser import parse
from tests.sample_page import BANNER, PAGE, STORIES, gazetteer

PAGES = Path(__file__).with_name("pages")
SUB = SUBHEAD
W, P, C = "writer", "photographer", "correspondent"
PERSON, ORG = "person", "organisation"


@pytest.fixture(scope="module")
def zhejiang() -> places.Gazetteer:
    return gazetteer()


def _photos(story) -> list:
    return [(p.caption, [(c.name, c.kind, c.role) for c in p.credits]) for p in story.photos]


# --- the sample page ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def sample(zhejiang):
    return parse(PAGE.read_text(encoding="utf-8"), zhejiang)


def test_sample_page_banner_and_nothing_left_over(sample):
    assert sample.banner == BANNER == "经济大省挑大梁"
    assert sample.unplaced == []
    assert [s.headline for s in sample.stories] == [s["headline"] for s in STORIES]


@pytest.mark.parametrize("n", range(len(STORIES)))
def test_sample_page_story(sample, n):
    story, expected = sample.stories[n], STORIES[n]
    assert story.kicker == expected["kicker"]
    assert story.headline == expected["headline"]
    assert story.subtitle == expected["subtitle"]
    assert [(c.name, c.role) for c in story.contributors] == expected["bylines"]
    assert _photos(story) == [(p["caption"], p["credits"]) for p in expected["photos"]]
    assert [(b.kind, b.text) for b in story.body] == expected["body"]
    assert [(code, primary) for code, _name, primary in story.regions] == expected["regions"]


def test_sample_page_warns_of_the_jiande_story_opening_with_another(sample):
    jiande = sample.stories[1]
    assert "正文以“另外”开头：开头可能在别的版面。" in jiande.warnings


def test_sample_page_accounts_for_every_line(sample):
    assert _unaccounted(PAGE.read_text(encoding="utf-8"), sample) == []


# --- credit lines ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "line, credits",
    [
        ("许军 摄", [("许军", P, PERSON)]),
        ("许军摄", [("许军", P, PERSON)]),
        ("记者 张三 摄", [("张三", P, PERSON)]),
        ("记者张三摄", [("张三", P, PERSON)]),
        ("张三/文 李四/摄", [("张三", W, PERSON), ("李四", P, PERSON)]),
        ("文/张三 图/李四", [("张三", W, PERSON), ("李四", P, PERSON)]),
        ("文 张三 图 李四", [("张三", W, PERSON), ("李四", P, PERSON)]),
        ("本报记者 李丽/文 项晨/摄", [("李丽", W, PERSON), ("项晨", P, PERSON)]),
        ("本报记者 张三", [("张三", W, PERSON)]),
        ("本报记者张三", [("张三", W, PERSON)]),
        (
            "本报记者 张三 李四 通讯员 王五",
            [("张三", W, PERSON), ("李四", W, PERSON), ("王五", C, PERSON)],
        ),
        ("（记者 张三 通讯员 李四）", [("张三", W, PERSON), ("李四", C, PERSON)]),
        ("通讯员 李四", [("李四", C, PERSON)]),
        ("记者 张三、李四", [("张三", W, PERSON), ("李四", W, PERSON)]),
        # Several names on one line; a mark after them closes them all.
        (
            "张卉卉 吴国军 邵国强 朱秋燕",
            [(n, W, PERSON) for n in ("张卉卉", "吴国军", "邵国强", "朱秋燕")],
        ),
        ("记者 朱晓东 林巧 摄", [("朱晓东", P, PERSON), ("林巧", P, PERSON)]),
        ("记者 张三 通讯员 李四 摄", [("张三", P, PERSON), ("李四", P, PERSON)]),
        # A name ending in a mark's character is still the whole name.
        ("本报记者 张志文", [("张志文", W, PERSON)]),
        # Beside a role word, a surname off the common list still makes a name.
        ("本报记者 郦宁 通讯员 何静", [("郦宁", W, PERSON), ("何静", C, PERSON)]),
        ("（图片由建德市洋溪街道提供）", [("建德市洋溪街道", "courtesy", ORG)]),
        ("（柯桥区委宣传部供图）", [("柯桥区委宣传部", "courtesy", ORG)]),
        ("柯城区供图", [("柯城区", "courtesy", ORG)]),
        ("新华社发", [("新华社", "courtesy", ORG)]),
        ("（新华社发）", [("新华社", "courtesy", ORG)]),
        ("新华社发（朱涵 摄）", [("新华社", "courtesy", ORG), ("朱涵", P, PERSON)]),
        ("朱涵 摄（新华社发）", [("朱涵", P, PERSON), ("新华社", "courtesy", ORG)]),
        ("新华社记者 李明 摄", [("李明", P, PERSON)]),
        ("责任编辑：王芳", [("王芳", "editor", PERSON)]),
        ("责任编辑：黄蓉 美术编辑：徐斌", [("黄蓉", "editor", PERSON), ("徐斌", "editor", PERSON)]),
        ("欧阳娜娜 译", [("欧阳娜娜", "translator", PERSON)]),
        (
            "穆罕默德·阿里/文 欧阳娜娜/译",
            [("穆罕默德·阿里", W, PERSON), ("欧阳娜娜", "translator", PERSON)],
        ),
        ("郑晨", [("郑晨", W, PERSON)]),
    ],
)
def test_credit_line(line, credits):
    assert [(c.name, c.role, c.kind) for c in parse_line(line)] == credits


@pytest.mark.parametrize(
    "line",
    [
        "春华秋实又一年。",
        "柯城：进入新赛道 扛起新担当",
        "提升服务能力 挖掘存量价值",
        "诸暨珍珠产业开拓海外市场",
        "洋溪街道全景",
        "记者从诸暨市商务局获悉，今年前两个月，诸暨珍珠及其制品出口额达3.2亿元。",
        # Four characters after a surname, standing alone, read as a phrase.
        "金秋硕果",
        "安居乐业",
        "新华社发 张三",  # an agency issues photos, not words
    ],
)
def test_not_a_credit_line(line):
    assert parse_line(line) is None


@pytest.mark.parametrize(
    "line, caption, credits",
    [
        ("元森AI智能产业园即将投产。 许军 摄", "元森AI智能产业园即将投产。", [("许军", P)]),
        ("图为村民在采茶。 记者 张三 摄", "图为村民在采茶。", [("张三", P)]),
        ("开园运营。许军摄", "开园运营。", [("许军", P)]),
        ("游客在古镇游玩。（新华社发）", "游客在古镇游玩。", [("新华社", "courtesy")]),
        ("石塘渔港一角（图片由温岭市石塘镇提供）", "石塘渔港一角", [("温岭市石塘镇", "courtesy")]),
    ],
)
def test_caption_with_its_credit_on_one_line(line, caption, credits):
    found_caption, found = split_trailing(line)
    assert (found_caption, [(c.name, c.role) for c in found]) == (caption, credits)


@pytest.mark.parametrize(
    "line",
    [
        "记者 沈洁 摄",  # a credit, with no caption before it
        "新华社记者 徐昱 摄",
        "今天的会议开得很成功。",
        "会议开得很成功。 本报记者 张三",  # names, but no photo credit
    ],
)
def test_no_caption_with_a_credit(line):
    assert split_trailing(line) is None


# --- regions -----------------------------------------------------------------------------


def _regions(zhejiang, headline, text):
    return [(place.code, primary) for place, primary in places.tag(zhejiang, headline, text)]


def test_region_named_before_the_colon_is_primary(zhejiang):
    text = "衢州市委提出工业强市。柯城区成功跻身全省工业大区行列。"
    assert _regions(zhejiang, "柯城：进入新赛道 扛起新担当", text) == [("330802", True)]


def test_township_counts_for_its_county(zhejiang):
    text = "洋溪街道在破立之间持续推进城乡高质量发展。洋溪街道相关负责人介绍。"
    assert _regions(zhejiang, "以担当之“为”换高质量发展之“能”", text) == [("330182", True)]


def test_place_inside_a_person_or_company_name_does_not_count(zhejiang):
    text = (
        "另外，从杭州优邦置业营销负责人朱斌斌口中得知，杭州优邦置业与洋溪街道配合顺畅。"
        "建德市颐泰医院总经理杨金华表示，总经理杨金华说，医院将于年内开业。"
    )
    assert _regions(zhejiang, "建德：以担当之“为”换高质量发展之“能”", text) == [("330182", True)]
    named = {place.code for place in zhejiang.mentions(text)}
    assert "330700" not in named  # 金华 in 杨金华
    assert "330100" not in named  # 杭州 in 杭州优邦置业


@pytest.mark.parametrize(
    "short, full, code",
    [("江山", "江山市", "330881"), ("南湖", "南湖区", "330402"), ("江北", "江北区", "330205"),
     ("天台", "天台县", "331023")],
)  # fmt: skip
def test_everyday_word_names_count_only_in_full(zhejiang, short, full, code):
    sentence = f"这里的{short}风光引人入胜，{short}一带游人如织。"
    assert code not in [c for c, _primary in _regions(zhejiang, "春日游", sentence)]
    sentence = f"{full}的风光引人入胜，{full}一带游人如织。"
    assert _regions(zhejiang, "春日游", sentence) == [(code, True)]


def test_county_named_repeatedly_is_a_secondary_region(zhejiang):
    text = (
        "柯桥区和龙泉市合作共建的园区已入驻企业26家。绍兴市发改委相关负责人表示，"
        "柯桥区将与龙泉市深化合作。绍兴市将给予支持。来自杭州的企业也有意入驻。"
    )
    assert _regions(zhejiang, "柯桥：山海协作结硕果", text) == [
        ("330603", True),
        ("331181", False),  # 龙泉市, twice; 绍兴市 contains 柯桥区; 杭州 once
    ]


def test_county_named_once_is_not_a_region(zhejiang):
    text = "柯桥区的园区里，不少企业来自龙泉市。"
    assert _regions(zhejiang, "柯桥：山海协作结硕果", text) == [("330603", True)]


# --- places on the page's date (services.gazetteer builds these from the database) -------

SHANGCHENG = places.Place("330102", "上城区", "上城")
QIANTANG = places.Place("330114", "钱塘区", "钱塘")
XIAOSHAN = places.Place("330109", "萧山区", "萧山")


@pytest.fixture(scope="module")
def in_2025() -> places.Gazetteer:
    """Part of Hangzhou in 2025, two names out of use by then, and other provinces'
    divisions (``home`` False) with a namesake of 舟山's 普陀区."""
    return places.Gazetteer.load(
        [
            ("330100", "杭州市", "杭州"),
            *((p.code, p.name, p.short_name) for p in (SHANGCHENG, QIANTANG, XIAOSHAN)),
            ("330903", "普陀区", "普陀"),
            ("310000", "上海市", "上海", False),
            ("310101", "黄浦区", "黄浦", False),
            ("310107", "普陀区", "普陀", False),
            ("140300", "阳泉市", "阳泉", False),
            ("140302", "城区", "城区", False),
        ],
        others=[
            places.OtherName("萧山市", (XIAOSHAN,), "1987–2001"),
            places.OtherName("江干区", (SHANGCHENG, QIANTANG), "1983–2021"),
        ],
        counties={"330109": "330109"},
    )


def _dated(gazetteer, headline, text):
    tagged, notes = places.regions(gazetteer, headline, text)
    return [(place.code, primary) for place, primary in tagged], notes


def test_a_name_out_of_use_tags_its_heir_with_a_warning(in_2025):
    assert _dated(in_2025, "萧山市：经济发展", "萧山市乡镇企业增长。") == (
        [("330109", True)],
        ["“萧山市”是旧地名（1987–2001），已按萧山区标注。"],
    )
    # Named in passing, it tags nothing and needs no warning.
    assert _dated(in_2025, "萧山：经济发展", "萧山区企业增长，萧山区与江干区合作。")[1] == []


def test_a_name_whose_area_went_to_several_tags_them_all_the_first_primary(in_2025):
    assert _dated(in_2025, "江干区：新城建设", "江干区开工三十个项目。") == (
        [("330102", True), ("330114", False)],
        ["“江干区”是旧地名（1983–2021），已按上城区、钱塘区标注。"],
    )


def test_other_provinces_count_by_full_name_only(in_2025):
    assert _dated(in_2025, "合作", "黄浦江边的黄浦人。")[0] == []
    assert _dated(in_2025, "合作", "上海市黄浦区与我省合作。")[0] == [("310101", True)]


def test_a_shared_name_is_the_home_one_unless_its_city_is_written_before_it(in_2025):
    assert _dated(in_2025, "渔港", "普陀区渔港繁忙。")[0] == [("330903", True)]
    assert _dated(in_2025, "合作", "上海市普陀区企业来访。")[0] == [("310107", True)]
    assert _dated(in_2025, "合作", "上海普陀区企业来访。")[0] == [("310107", True)]


def test_a_generic_name_elsewhere_counts_only_after_its_city(in_2025):
    assert _dated(in_2025, "改造", "主城区和老城区改造。")[0] == []
    assert _dated(in_2025, "改造", "阳泉市城区改造。")[0] == [("140302", True)]


def test_a_township_counts_for_the_county_that_held_it_then():
    towns = "瓜沥镇企业订单饱满，瓜沥镇产值增长。"
    now = places.Gazetteer.load([(XIAOSHAN.code, XIAOSHAN.name, "萧山")])
    assert _dated(now, "订单饱满", towns)[0] == [("330109", True)]
    then = places.Gazetteer.load([("330181", "萧山市", "萧山")], counties={"330109": "330181"})
    assert _dated(then, "订单饱满", towns)[0] == [("330181", True)]
    unknown = places.Gazetteer.load([("330181", "萧山市", "萧山")], counties={"330109": None})
    assert _dated(unknown, "订单饱满", towns)[0] == []


# --- hand-made pages ---------------------------------------------------------------------


NAMES = sorted(p.stem for p in PAGES.glob("*.txt"))


def test_every_page_has_its_expectation():
    assert sorted(EXPECTED) == NAMES


@pytest.mark.parametrize("name", NAMES)
def test_page(zhejiang, name):
    text = (PAGES / f"{name}.txt").read_text(encoding="utf-8")
    page, expected = parse(text, zhejiang), EXPECTED[name]
    assert page.banner == expected.get("banner", "")
    assert page.date == expected.get("date", "")
    assert page.page_number == expected.get("page_number")
    assert page.unplaced == expected.get("unplaced", [])
    assert [s.headline for s in page.stories] == [s["headline"] for s in expected["stories"]]
    for story, want in zip(page.stories, expected["stories"], strict=True):
        assert story.kicker == want.get("kicker", "")
        assert story.subtitle == want.get("subtitle", "")
        assert story.byline == want.get("byline", "")
        assert [(c.name, c.role) for c in story.contributors] == want["contributors"]
        assert _photos(story) == want.get("photos", [])
        assert [(b.kind, b.text) for b in story.body] == [_block(b) for b in want["body"]]
        assert [(code, primary) for code, _name, primary in story.regions] == want["regions"]
        assert story.warnings == want.get("warnings", [])


@pytest.mark.parametrize("name", NAMES)
def test_page_accounts_for_every_line(zhejiang, name):
    text = (PAGES / f"{name}.txt").read_text(encoding="utf-8")
    assert _unaccounted(text, parse(text, zhejiang)) == []


def _block(entry) -> tuple[str, str]:
    return entry if isinstance(entry, tuple) else (PARAGRAPH, entry)


def _unaccounted(text: str, page) -> list[str]:
    """The input lines found nowhere in the parsed page: each must be in a field, name
    credited people, be page furniture the page records, or be left in ``unplaced``."""
    fields = [page.banner, page.date, *page.unplaced]
    names, warnings = set(), []
    for story in page.stories:
        fields += [story.kicker, story.headline, story.subtitle, story.byline]
        fields += [b.text for b in story.body] + [p.caption for p in story.photos]
        names |= {c.name for c in story.contributors}
        names |= {c.name for p in story.photos for c in p.credits}
        warnings += story.warnings
    fields = [f for f in fields if f]

    def credited(line: str) -> bool:
        credits = parse_line(line)
        return bool(credits) and all(c.name in names for c in credits)

    def accounted(line: str) -> bool:
        if any(line.lstrip("—－- ") in f for f in fields) or credited(line):
            return True
        if (split := split_trailing(line)) and split[0] in fields:
            return all(c.name in names for c in split[1])
        if lead := re.match(r"^(?:本报讯|新华社\S{0,10}电)[（(](.*?)[）)](.+)$", line):
            return credited(lead[1]) and any(f.startswith(lead[2]) for f in fields)
        if number := re.fullmatch(r"第(\d+)版", line):
            return page.page_number == int(number[1])
        if jump := re.fullmatch(r"[（(](?:上接|下转)(第\S+版)[）)]", line):
            return any(jump[1] in w for w in warnings)
        return False

    lines = (" ".join(line.split()) for line in text.splitlines())
    return [line for line in lines if line and not accounted(line)]


# What an editor makes of each page. Body entries are paragraphs, or (SUB, text) for
# subheads; warnings and photos are none unless given.
EXPECTED = {
    # Two stories, one without photos. The 安吉 story's three columns come out as 1, 3, 2
    # with the 德清 story between: column 2 starts mid-word (农家|乐) right after column
    # 3 ends, with nothing but the word to tell; column 2 ends mid-word (金字|招牌).
    "01_anji_column_cut": {
        "banner": "绿水青山",
        "stories": [
            {
                "headline": "安吉：一片叶子富了一方百姓",
                "byline": "本报记者 沈洁 通讯员 潘越",
                "contributors": [("沈洁", "writer"), ("潘越", "correspondent")],
                "photos": [
                    ("黄杜村茶农在茶园里修剪茶蓬。", [("沈洁", "person", "photographer")]),
                ],
                "body": [
                    "春茶开采在即，安吉县溪龙乡黄杜村的茶园里一片新绿。村民们趁着晴好天气修剪茶蓬、清理沟渠，为即将到来的采摘季做准备。",
                    "“今年雨水足，芽头冒得早，估计比去年提前一周开采。”黄杜村党总支书记盛阿林一边查看茶芽长势，一边告诉记者。二十多年前，黄杜村还是个贫困村，如今全村白茶种植面积超过1.2万亩，村民人均收入突破6万元。",
                    (SUB, "链条延伸 茶园变景区"),
                    "近年来，安吉县围绕白茶全产业链发力，从种植、加工延伸到茶旅融合、茶文化体验。溪龙乡打造的白茶小镇去年接待游客超过80万人次，带动周边民宿、农家乐蓬勃发展，茶农在家门口就能增收。",
                    "在安吉白茶产业园，一条智能化生产线正在调试。企业负责人李红英介绍，新生产线投用后，加工效率可提升三成，每斤干茶的能耗下降约15%。",
                    (SUB, "数字赋能 品牌更响亮"),
                    "安吉县农业农村局相关负责人表示，今年将继续推进茶园数字化改造，力争建成数字茶园2万亩，同时加大品牌保护力度，严厉打击假冒“安吉白茶”的行为，让这块金字招牌擦得更亮。",
                    "据了解，2024年安吉白茶产量达2180吨，产值32.6亿元，品牌价值连续多年位居全国茶叶区域公用品牌前列。",
                ],
                "regions": [("330523", True)],
            },
            {
                "headline": "德清：地理信息小镇再添新项目",
                "byline": "记者 姚远",
                "contributors": [("姚远", "writer")],
                "body": [
                    "3月8日，总投资12亿元的时空大数据产业园项目在德清地理信息小镇开工。项目建成后，将集聚卫星导航、遥感测绘等领域企业50家以上。",
                    "德清县经信局负责人介绍，地理信息小镇目前已集聚相关企业480余家，2024年实现产值超过420亿元。今年，德清将围绕北斗应用、自动驾驶等方向，再引进一批产业链上下游项目。",
                    "“小镇的配套越来越完善，人才也留得住。”一家测绘企业的负责人说，公司去年在小镇新增研发人员60余名。",
                ],
                "regions": [("330521", True)],
            },
        ],
    },
    # Date, page and editor at the top, then the banner; three stories, the middle one
    # without photos; a courtesy line under a caption; a column cut in reading order.
    "02_furniture_three_stories": {
        "banner": "县域经济",
        "date": "2025年3月12日 星期三",
        "page_number": 5,
        "stories": [
            {
                "headline": "嵊州：越剧小镇迎来开春首批研学团",
                "byline": "本报记者 钱晓峰",
                "contributors": [("钱晓峰", "writer"), ("王芳", "editor")],
                "photos": [
                    ("研学团学员在越剧小镇学习越剧身段。", [("钱晓峰", "person", "photographer")]),
                ],
                "body": [
                    "3月10日，来自上海、江苏等地的200余名中小学生走进嵊州越剧小镇，开启为期三天的研学之旅。学生们跟着越剧演员学唱腔、练身段，体验传统戏曲的魅力。",
                    "越剧小镇运营负责人吕佳介绍，小镇今年已预约研学团队37批次，预计全年接待研学学生超过2万人次。",
                    "近年来，嵊州依托越剧发源地的文化资源，推动戏曲文化与旅游、教育深度融合，越剧小镇已成为长三角地区知名的研学目的地。",
                ],
                "regions": [("330683", True)],
            },
            {
                "headline": "诸暨珍珠产业开拓海外市场",
                "byline": "本报记者 郦宁 通讯员 何静",
                "contributors": [("郦宁", "writer"), ("何静", "correspondent"), ("王芳", "editor")],
                "body": [
                    "记者从诸暨市商务局获悉，今年前两个月，诸暨珍珠及其制品出口额达3.2亿元，同比增长18.6%。",
                    "在山下湖镇的华东国际珠宝城，不少商户正忙着通过直播向海外客商展示新品。商户楼晓燕说，今年以来她接到的海外订单比去年同期多了近一半。",
                    "诸暨市有关负责人表示，下一步将支持企业参加境外展会、建设海外仓，帮助更多珍珠企业走出去。",
                ],
                "regions": [("330681", True)],
            },
            {
                "headline": "新昌：小轴承撬动大产业",
                "byline": "记者 梁栋 通讯员 俞佳琪",
                "contributors": [
                    ("梁栋", "writer"),
                    ("俞佳琪", "correspondent"),
                    ("王芳", "editor"),
                ],
                "photos": [
                    (
                        "新昌一家轴承企业的智能生产车间",
                        [("新昌县委宣传部", "organisation", "courtesy")],
                    ),
                ],
                "body": [
                    "走进位于新昌县的一家轴承企业，自动化生产线上机械臂上下翻飞，一套套轴承零件经过精密加工后被送往检测区。",
                    "作为全国重要的轴承生产基地，新昌县现有轴承企业300余家，产品广泛应用于汽车、家电、风电等领域。2024年，新昌轴承产业实现产值210亿元。",
                    "新昌县经信局相关负责人表示，今年将重点支持企业开展数字化改造，推动轴承产业向高端化、智能化迈进。",
                ],
                "regions": [("330624", True)],
            },
        ],
    },
    # Photo credits printed before their captions (图为… and a plain one), the second
    # photo standing in the middle of a paragraph.
    "03_credit_before_caption": {
        "stories": [
            {
                "headline": "千岛湖春季巡湖启动 渔民迎来增收季",
                "byline": "本报记者 方雯 通讯员 王建新",
                "contributors": [("方雯", "writer"), ("王建新", "correspondent")],
                "photos": [
                    ("图为渔民在千岛湖上收网。", [("方雯", "person", "photographer")]),
                    (
                        "3月6日，游客在千岛湖中心湖区乘船观光。",
                        [("王建新", "person", "photographer")],
                    ),
                ],
                "body": [
                    "3月5日，随着一声号令，千岛湖春季巡湖护渔工作正式启动。20余艘巡逻船从淳安县城出发，对中心湖区、东南湖区等重点水域开展巡查。",
                    "淳安县农业农村局渔政执法队队长邵国华介绍，今年巡湖将持续到6月底，重点打击非法捕捞、电鱼等行为，守护千岛湖的渔业资源。",
                    "保护好一湖秀水，也让渔民的日子越过越红火。在千岛湖镇的一处码头，渔民余志强刚刚卸完一船鲢鳙鱼。“现在鱼的品质好，价格也稳，一年下来收入有20多万元。”",
                    "据了解，千岛湖有机鱼品牌已连续多年保持增值，去年带动当地渔民人均增收1.3万元。淳安县还在探索“渔旅融合”，推出巡湖观光、渔家体验等项目，吸引游客前来打卡。",
                ],
                "regions": [("330127", True)],
            },
        ],
    },
    # The 海宁 story's opening and end are on other pages: it opens with 同时 and stops
    # mid-sentence. A photo sits between two paragraphs of the 桐乡 story.
    "04_continued_elsewhere": {
        "stories": [
            {
                "headline": "海宁：经编产业加速“智造”转型",
                "byline": "本报记者 徐婷婷",
                "contributors": [("徐婷婷", "writer")],
                "body": [
                    "同时，海宁还将加大对经编企业技术改造的支持力度，对购置智能装备的企业给予最高500万元的补助。",
                    "在马桥街道的海宁经编产业园，一家经编企业的车间里，60多台高速经编机正满负荷运转。企业负责人朱建明告诉记者，车间去年完成智能化改造后，用工减少了三成，产品不良率下降到0.5%以下。",
                    "海宁市经信局相关负责人表示，今年将新培育省级数字化车间5家以上，推动经编产业向",
                ],
                "regions": [("330481", True)],
                "warnings": [
                    "正文以“同时”开头：开头可能在别的版面。",
                    "正文在句中结束：后文可能转到别的版面。",
                ],
            },
            {
                "headline": "桐乡：羊毛衫市场春季订单火热",
                "byline": "记者 沈浩 通讯员 姚丽",
                "contributors": [("沈浩", "writer"), ("姚丽", "correspondent")],
                "photos": [
                    ("濮院羊毛衫市场的商户在打包发货。", [("沈浩", "person", "photographer")]),
                ],
                "body": [
                    "春节过后，濮院羊毛衫市场迎来订货高峰。走进濮院时尚古镇周边的市场，前来采购的客商络绎不绝，不少商户的春装订单已经排到了4月。",
                    "“今年春装的款式更新快，轻薄针织衫卖得特别好。”商户沈美琴一边打包一边说，她家店铺今年的线上订单占到了六成。",
                    "据桐乡市市场监管局统计，濮院镇羊毛衫市场现有经营户1.1万余户，2024年市场成交额超过1000亿元。",
                ],
                "regions": [("330483", True)],
            },
        ],
    },
    # Briefs opened by 本报讯（记者 …）; one lead's sentence runs on to the next line;
    # a caption with its credit on the same line. 江山市 in full tags 江山; 天台县：…
    # in a headline tags 天台.
    "05_news_leads": {
        "banner": "要闻速递",
        "stories": [
            {
                "headline": "龙游：“发呆亭”成乡村旅游新热点",
                "byline": "记者 童伟 通讯员 吴晓燕",
                "contributors": [("童伟", "writer"), ("吴晓燕", "correspondent")],
                "photos": [
                    ("图为游客在溪口镇“发呆亭”拍照留念。", [("童伟", "person", "photographer")]),
                ],
                "body": [
                    "3月9日，龙游县溪口镇的“发呆亭”迎来了一批来自杭州的游客。这座建在竹林间的小亭子，已经成为当地乡村旅游的新地标。",
                    "据了解，溪口镇今年计划新建5处类似的休闲驿站，进一步丰富乡村旅游业态。",
                ],
                "regions": [("330825", True)],
            },
            {
                "headline": "江山市启动春季植树行动",
                "byline": "通讯员 毛丽君",
                "contributors": [("毛丽君", "correspondent")],
                "body": [
                    "3月12日是第47个植树节，江山市在贺村镇举行春季义务植树活动，300余名干部群众参加。今年，江山计划新增造林面积1.2万亩。",
                ],
                "regions": [("330881", True)],
            },
            {
                "headline": "天台县：济公故居景区提升改造完工",
                "byline": "记者 陈露",
                "contributors": [("陈露", "writer")],
                "body": [
                    "记者从天台县文旅局获悉，济公故居景区提升改造工程日前完工，新增游客中心、停车位等设施，预计清明前后重新对外开放。",
                ],
                "regions": [("331023", True)],
            },
        ],
    },
    # Kicker, headline and a —— subtitle; a 张三/文 李四/摄 byline whose photographer
    # credits the photos printed without a credit line.
    "06_kicker_subtitle": {
        "stories": [
            {
                "kicker": "打造共同富裕示范区县域样板",
                "headline": "缙云烧饼“烤”出富民大产业",
                "subtitle": "缙云县推动地方小吃产业化发展纪实",
                "byline": "本报记者 李丽/文 项晨/摄",
                "contributors": [("李丽", "writer"), ("项晨", "photographer")],
                "photos": [
                    ("缙云烧饼师傅在展示刚出炉的烧饼。", [("项晨", "person", "photographer")]),
                    ("游客在缙云烧饼文化节上品尝烧饼。", [("项晨", "person", "photographer")]),
                ],
                "body": [
                    "清晨六点，缙云县新建镇的一家烧饼店里，炭火已经烧得通红。师傅们揉面、包馅、贴饼，一个个烧饼在桶里慢慢烤出金黄的外皮，香气飘满了整条街。",
                    "小小一只烧饼，如今在缙云已经做成了年产值超过30亿元的大产业。缙云县烧饼办负责人应晓东介绍，全县共有烧饼从业人员2万余人，全国各地的缙云烧饼示范店达到800余家。",
                    (SUB, "标准化让手艺走得更远"),
                    "为了让缙云烧饼走出大山，当地制定了从原料、制作到门店形象的统一标准，并开设烧饼师傅培训班。截至目前，已累计培训烧饼师傅1.5万余人次。",
                    "“参加培训拿到证书后，我在杭州开了自己的店，一年能挣二三十万元。”从新建镇走出去的烧饼师傅李伟强说。",
                    (SUB, "一只烧饼带富一方百姓"),
                    "缙云烧饼产业的兴起，还带动了菜干、麦粉、炭火等上游产业发展。在壶镇镇，不少农户种起了制作菜干所需的雪里蕻，每亩收入可达6000元。",
                    "缙云县有关负责人表示，下一步将持续擦亮缙云烧饼金名片，推动小吃产业与乡村旅游融合发展，让更多群众在家门口增收致富。",
                ],
                "regions": [("331122", True)],
            },
        ],
    },
    # 柯桥 names 龙泉市 twice (a secondary region) and 绍兴市, which contains it; a
    # 供图 courtesy line; a 文/张三 图/李四 byline.
    "07_secondary_region": {
        "stories": [
            {
                "headline": "柯桥：山海协作“飞地”结出共富果",
                "byline": "本报记者 孟佳 通讯员 陈伟 金晶",
                "contributors": [
                    ("孟佳", "writer"),
                    ("陈伟", "correspondent"),
                    ("金晶", "correspondent"),
                ],
                "photos": [
                    (
                        "龙泉山海协作产业园内的企业生产车间。",
                        [("柯桥区委宣传部", "organisation", "courtesy")],
                    ),
                ],
                "body": [
                    "走进位于柯桥区的龙泉山海协作产业园，一排排标准厂房整齐排列，入驻企业的生产线正在满负荷运转。这个由柯桥区和龙泉市合作共建的“飞地”园区，已成为两地携手奔共富的重要平台。",
                    "“园区的收益按比例返还给龙泉，去年返还的资金超过3000万元。”园区管委会负责人周立新介绍，目前园区已入驻企业26家，其中不少是龙泉本地企业在柯桥设立的研发和销售中心。",
                    "绍兴市发改委相关负责人表示，山海协作是推动区域协调发展的重要抓手。今年，柯桥区将与龙泉市在产业合作、人才交流、消费帮扶等方面深化合作，共同打造山海协作升级版。",
                ],
                "regions": [("330603", True), ("331181", False)],
            },
            {
                "headline": "遂昌：天工之城数字经济产业园签约5个项目",
                "byline": "文/吴倩 图/季晓东",
                "contributors": [("吴倩", "writer"), ("季晓东", "photographer")],
                "photos": [
                    ("项目集中签约仪式现场。", [("季晓东", "person", "photographer")]),
                ],
                "body": [
                    "3月7日，遂昌县天工之城数字经济产业园举行项目集中签约仪式，5个数字经济项目落户园区，总投资达18.5亿元。",
                    "签约项目涵盖数据标注、智能制造、软件开发等领域，其中两家企业来自杭州。遂昌县委主要负责人表示，将为企业提供全周期服务，推动项目早落地、早投产。",
                ],
                "regions": [("331123", True)],
            },
        ],
    },
    # A 新华社…电（记者 …） lead, 新华社记者 X 摄 and 新华社发（X 摄） credits, and a 图为…
    # caption with no credit at all (a warning).
    "08_agency_photos": {
        "stories": [
            {
                "headline": "嵊泗列岛迎来春季旅游热",
                "byline": "记者 黄筱 王俊禄",
                "contributors": [("黄筱", "writer"), ("王俊禄", "writer")],
                "photos": [
                    ("3月9日，游客在嵊泗县花鸟岛游玩。", [("徐昱", "person", "photographer")]),
                    (
                        "嵊泗列岛的渔港风光。",
                        [
                            ("新华社", "organisation", "courtesy"),
                            ("朱涵", "person", "photographer"),
                        ],
                    ),
                ],
                "body": [
                    "春暖花开，位于舟山群岛最东北部的嵊泗列岛迎来旅游热。记者在嵊泗县菜园镇看到，不少民宿已经挂出“客满”的牌子，码头上前来登岛的游客排起了长队。",
                    "嵊泗县文化和广电旅游体育局负责人介绍，今年以来嵊泗接待游客同比增长两成以上，其中来自上海、江苏的游客占比超过六成。",
                    "近年来，嵊泗持续推进海岛公园建设，推出海上夜游、渔家研学等新产品，海岛旅游正从“看海”向“玩海”“品海”转变。",
                ],
                "regions": [("330922", True)],
            },
            {
                "headline": "岱山：海岛老街焕新颜",
                "byline": "通讯员 李海燕",
                "contributors": [("李海燕", "correspondent")],
                "photos": [
                    ("图为改造后的东沙古镇老街。", []),
                ],
                "body": [
                    "经过一年多的改造，岱山县东沙古镇老街日前重新开街。青石板路、木质门窗保留了原有风貌，老字号商铺陆续回归，吸引不少游客前来打卡。",
                    "东沙镇相关负责人介绍，老街改造坚持“修旧如旧”，共修缮历史建筑42幢，并引入海岛非遗展示、渔民画工作室等业态。",
                ],
                "regions": [("330921", True)],
                "warnings": ["图片“图为改造后的东沙古镇老街”没有署名。"],
            },
        ],
    },
    # Several names on the byline and on a photo credit; a courtesy line far from the
    # caption it credits, which stands alone where its picture was.
    "09_courtesy_several_names": {
        "stories": [
            {
                "headline": "开化县：钱江源头护好一江清水",
                "byline": "本报记者 陈婷 周立 通讯员 叶青 王海燕",
                "contributors": [
                    ("陈婷", "writer"),
                    ("周立", "writer"),
                    ("叶青", "correspondent"),
                    ("王海燕", "correspondent"),
                ],
                "photos": [
                    (
                        "护林员在钱江源国家公园内巡山。",
                        [("陈婷", "person", "photographer"), ("周立", "person", "photographer")],
                    ),
                    (
                        "开化县齐溪镇的清水鱼养殖塘",
                        [("开化县融媒体中心", "organisation", "courtesy")],
                    ),
                ],
                "body": [
                    "初春时节，走进开化县齐溪镇，钱塘江源头的溪水清澈见底。沿岸的护林员正在巡山，检查森林防火设施。",
                    "作为钱塘江的发源地，开化县坚持把生态保护放在首位，全县森林覆盖率达81.4%，出境水质常年保持在Ⅰ类、Ⅱ类标准。",
                    "近年来，开化建立了覆盖全县的河湖长制体系，1200余名河湖长定期巡河，发现问题及时处置。当地还引导村民参与“河小二”志愿服务，形成了全民护水的良好氛围。",
                    "好生态带来了好收益。开化县将生态优势转化为发展优势，发展生态旅游、清水鱼养殖等产业，2024年全县接待游客1600万人次，实现旅游收入150亿元。",
                ],
                "regions": [("330824", True)],
            },
        ],
    },
    # A translated column (文 … 译); its second paragraph breaks mid-word (出|生) and
    # OCR emits the rest at the very end, after the photo and later paragraphs.
    "10_translated_column": {
        "banner": "海外看浙江",
        "stories": [
            {
                "kicker": "外国友人眼中的浙江",
                "headline": "我在义乌的十年",
                "byline": "穆罕默德·阿里/文 欧阳娜娜/译",
                "contributors": [("穆罕默德·阿里", "writer"), ("欧阳娜娜", "translator")],
                "photos": [
                    (
                        "穆罕默德·阿里在义乌国际商贸城的店铺里接待客商。",
                        [("义乌市外办", "organisation", "courtesy")],
                    ),
                ],
                "body": [
                    "十年前，我第一次来到义乌。那时我只会说几句简单的中文，在国际商贸城里转了一整天，也只谈成了一笔小订单。",
                    "如今，我在义乌有了自己的外贸公司，每年把上千个集装箱的日用品发往中东和北非。我的两个孩子在义乌出生，他们说的普通话比我标准多了。",
                    "在义乌，外国人办事越来越方便。涉外服务站能用阿拉伯语咨询，社区里还有专门为外籍居民开设的中文课。去年，我还被评为“荣誉市民”，这让我感到非常自豪。",
                    "有人问我，为什么选择留在义乌？我的回答是：这里有机会，也有温暖。义乌就像我的第二个家乡。",
                ],
                "regions": [("330782", True)],
            },
        ],
    },
    # Captions with their credit on the same line (… 林海 摄, …（图片由…提供）);
    # 玉环：… tags 玉环 though 玉环 alone is an everyday name.
    "11_credit_on_caption_line": {
        "stories": [
            {
                "headline": "温岭：渔民船老大变身直播达人",
                "byline": "本报记者 林海 通讯员 江一帆",
                "contributors": [("林海", "writer"), ("江一帆", "correspondent")],
                "photos": [
                    ("图为石塘镇渔民在直播销售海鲜。", [("林海", "person", "photographer")]),
                    ("石塘渔港一角", [("温岭市石塘镇", "organisation", "courtesy")]),
                ],
                "body": [
                    "清晨，温岭市石塘镇的渔港码头热闹起来。刚刚靠岸的渔船上，渔民陈海军架起手机，对着满舱的梭子蟹开始直播：“家人们看，这都是今天凌晨刚捞上来的！”",
                    "短短一个小时，陈海军的直播间卖出了300多单。“以前鱼货只能卖给收购商，现在通过直播直接卖给消费者，价格能高出两三成。”",
                    "近年来，温岭市大力发展海洋经济新业态，鼓励渔民通过电商直播拓宽销路。石塘镇还建起了渔民直播培训基地，已培训渔民主播400余人次。",
                    "温岭市商务局相关负责人介绍，2024年全市水产品网络零售额达到18亿元，同比增长26%。",
                ],
                "regions": [("331081", True)],
            },
            {
                "headline": "玉环：湿地公园迎来候鸟北迁高峰",
                "byline": "通讯员 王丽丽 陈瑶",
                "contributors": [("王丽丽", "correspondent"), ("陈瑶", "correspondent")],
                "body": [
                    "3月11日，玉环市漩门湾国家湿地公园迎来候鸟北迁高峰，成群的黑尾塍鹬、白鹭在滩涂上觅食嬉戏。",
                    "据湿地公园工作人员介绍，今年在公园内记录到的鸟类已达186种，比去年增加了12种，其中不乏黑脸琵鹭等国家一级保护野生动物。",
                    "近年来，玉环持续开展湿地生态修复，清理养殖塘、恢复滩涂植被，为候鸟提供了良好的栖息环境。",
                ],
                "regions": [("331083", True)],
            },
        ],
    },
    # The 浦江 story stops mid-sentence, the 磐安 story follows, and 浦江's last column
    # comes after a photo: no word spans the join, so its places place it (with a
    # warning to check). The editors are printed at the page's foot.
    "12_story_resumes_after_another": {
        "stories": [
            {
                "headline": "浦江县：水晶产业“点石成金”",
                "byline": "本报记者 黄亦凡",
                "contributors": [("黄亦凡", "writer"), ("黄蓉", "editor"), ("徐斌", "editor")],
                "photos": [
                    ("浦江水晶企业的工人在检验产品。", [("黄亦凡", "person", "photographer")]),
                ],
                "body": [
                    "在浦江县郑宅镇的一家水晶工艺品企业，工人们正忙着为一批出口欧洲的水晶吊灯配件做最后的质检。企业负责人张永军说，今年一季度的订单已经排满。",
                    "水晶产业是浦江的传统产业。十多年前，这里曾是污染严重的“水晶加工村”，全县水晶企业一度多达2万余家。经过集中整治和入园集聚，浦江县水晶企业整合为1000余家，产业从低端加工向高端设计、品牌营销转型。",
                    "浦江县经济商务局相关负责人介绍，2024年全县水晶产业产值达到120亿元，同比增长9.6%。",
                ],
                "regions": [("330726", True)],
                "warnings": [
                    "“浦江县水晶企业整合为10…”一段不在标题下，按内容归入本篇，请核对位置。"
                ],
            },
            {
                "headline": "磐安：“浙八味”药材迎来春耕",
                "byline": "记者 陈立 通讯员 郑晓丽",
                "contributors": [
                    ("陈立", "writer"),
                    ("郑晓丽", "correspondent"),
                    ("黄蓉", "editor"),
                    ("徐斌", "editor"),
                ],
                "body": [
                    "眼下正值春耕时节，磐安县新渥街道的中药材基地里，药农们正忙着翻耕土地、移栽浙贝母和玄参种苗。",
                    "磐安是“浙八味”的主产区之一，全县中药材种植面积常年稳定在8万亩以上。今年，当地将推广中药材生态种植技术，提升药材品质和效益。",
                ],
                "regions": [("330727", True)],
            },
        ],
    },
    # A story carried on from page 1 under its headline repeated (上接), another carried
    # on to page 4 (下转); page furniture at the top and the editor at the foot.
    "13_jump_lines": {
        "banner": "要闻",
        "date": "2025年3月14日 星期五",
        "page_number": 2,
        "stories": [
            {
                "headline": "长兴：新能源电池产业链加速成形",
                "contributors": [("黄蓉", "editor")],
                "body": [
                    "电池产业园，签约落地项目12个，总投资超过80亿元。",
                    "长兴县发改局相关负责人表示，长兴将继续做强新能源电池产业链，力争到2027年实现产值2000亿元。",
                ],
                "regions": [("330522", True)],
                "warnings": ["正文上接第1版。"],
            },
            {
                "headline": "吴兴：童装产业带“织”出新图景",
                "byline": "本报记者 沈玲玲",
                "contributors": [("沈玲玲", "writer"), ("黄蓉", "editor")],
                "body": [
                    "在吴兴区织里镇，大大小小的童装企业有1.4万余家，年销售童装超过14亿件，占全国童装市场份额的近一半。",
                    "今年以来，织里镇推动童装产业数字化转型，建设童装设计中心和直播基地，吸引了一批年轻设计师和电商主播。目前，该镇已有",
                ],
                "regions": [("330502", True)],
                "warnings": ["正文在句中结束：后文可能转到别的版面。", "正文下转第4版。"],
            },
        ],
    },
    # Beyond a heuristic parser, so its honest output is asserted: a headline that OCR
    # broke over two lines reads as kicker + headline, and columns that OCR emitted out
    # of order where a paragraph happens to end leave no trace, so they stay in OCR order.
    "14_beyond_heuristics": {
        "stories": [
            {
                "kicker": "平湖：光伏玻璃产业",
                "headline": "跑出加速度",
                "byline": "本报记者 钟楠",
                "contributors": [("钟楠", "writer")],
                "body": [
                    "近年来，平湖市围绕光伏玻璃、组件、储能等环节招引项目，已形成较为完整的光伏产业链。",
                    "平湖市经信局相关负责人表示，今年将推动光伏产业向高效电池、智能组件等领域延伸，力争全年产值突破300亿元。",
                    "走进平湖市独山港镇的一家光伏玻璃企业，一条条生产线正在高速运转，一块块光伏玻璃经过镀膜、钢化后下线打包。",
                    "企业负责人钟伟介绍，去年公司新上的两条生产线已全面达产，今年一季度产量同比增长三成。",
                ],
                "regions": [("330482", True)],
            },
        ],
    },
    # Three stories interleaved: 临安's paragraph breaks mid-word (农|户) and resumes
    # after the 富阳 brief; 桐庐's last paragraph comes after a photo, after 临安's text.
    "15_three_stories_shuffled": {
        "stories": [
            {
                "headline": "临安：山核桃林下种出“致富经”",
                "byline": "本报记者 章程 通讯员 胡晓燕",
                "contributors": [("章程", "writer"), ("胡晓燕", "correspondent")],
                "body": [
                    "在临安区岛石镇的山核桃林里，村民们正忙着在林下种植黄精、三叶青等中药材。“以前林下都是光秃秃的，现在种上药材，一亩地能多挣三四千元。”村民汪建华说。",
                    "近年来，临安区推广山核桃林下复合经营模式，既减少了水土流失，又拓宽了农民增收渠道。目前，全区山核桃林下种植面积已超过3万亩，带动农户增收1.2亿元。",
                    "临安区农业农村局相关负责人表示，下一步将加强技术指导，推动林下经济向规模化、品牌化发展。",
                ],
                "regions": [("330112", True)],
            },
            {
                "headline": "桐庐：快递小镇的“智慧”升级",
                "byline": "记者 方晴",
                "contributors": [("方晴", "writer")],
                "photos": [
                    ("智能分拣设备正在分拣包裹。", [("方晴", "person", "photographer")]),
                    ("快递员在产业园内装车。", [("方晴", "person", "photographer")]),
                ],
                "body": [
                    "桐庐县是中国民营快递的发源地。在桐庐快递产业园，一台台智能分拣设备正在高速运转，每小时可分拣包裹4万余件。",
                    "“通过智能化改造，园区的分拣效率提高了两倍多，人工成本下降了四成。”园区负责人申立新介绍，园区已集聚快递物流上下游企业60余家。",
                    "今年，桐庐县将继续推进快递产业与电商、制造业联动发展，打造全国快递物流创新发展示范区。",
                ],
                "regions": [("330122", True)],
                "warnings": [
                    "“今年，桐庐县将继续推进快…”一段不在标题下，按内容归入本篇，请核对位置。"
                ],
            },
            {
                "headline": "富阳区：百年老街“活化”迎客",
                "byline": "通讯员 孙燕",
                "contributors": [("孙燕", "correspondent")],
                "body": [
                    "3月8日，富阳区新登镇的百年老街经过修缮改造后重新开放，青石板路两侧的老字号店铺陆续开门迎客。新登镇相关负责人介绍，老街今后将定期举办非遗展演和民俗活动。",
                ],
                "regions": [("330111", True)],
            },
        ],
    },
}
