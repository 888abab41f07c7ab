import pytest

from archive.models import Region
from archive.text import pinyin


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("乐清", "yueqing"),  # 乐 is yuè here, not lè
        ("长兴", "changxing"),  # 长 is cháng, not zhǎng
        ("莲都", "liandu"),  # 都 is dū in place names; pypinyin alone says dou
        ("嵊州", "shengzhou"),
        ("丽水", "lishui"),
        ("台州", "taizhou"),
        ("柯城", "kecheng"),
        ("衢州", "quzhou"),
    ],
)
def test_place_names_take_their_official_reading(name, slug):
    assert pinyin.slugify(name, separator="") == slug


def test_taizhou_and_tiantai_take_the_first_tone():
    assert pinyin.sort_key("台州") == "tai1 zhou1"
    assert pinyin.sort_key("天台") == "tian1 tai1"


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("单雄信", "shan-xiong-xin"),
        ("曾小贤", "zeng-xiao-xian"),
        ("解晓东", "xie-xiao-dong"),
        ("区志坚", "ou-zhi-jian"),
        ("尉迟恭", "yu-chi-gong"),
        ("郑晨", "zheng-chen"),
    ],
)
def test_surnames_take_their_surname_reading(name, slug):
    assert pinyin.slugify(name, person=True) == slug


def test_surname_readings_apply_only_to_people():
    # As an organisation's first character, 单 keeps its everyday reading.
    assert pinyin.slugify("单位", person=False) == "dan-wei"


def test_names_sort_in_dictionary_order():
    names = ["郑晨", "张卉卉", "曾小贤", "吴国军", "邵国强", "单雄信", "朱秋燕", "安吉"]
    ordered = sorted(names, key=lambda n: pinyin.sort_key(n, person=True))
    assert ordered == ["安吉", "单雄信", "邵国强", "吴国军", "曾小贤", "张卉卉", "郑晨", "朱秋燕"]


def test_syllable_boundaries_sort_before_longer_syllables():
    # 李安 (li an) comes before 连 (lian) as in a dictionary.
    assert pinyin.sort_key("李安") < pinyin.sort_key("连")


def test_latin_and_digits_pass_through():
    assert pinyin.slugify("元森AI智能产业园") == "yuan-sen-ai-zhi-neng-chan-ye-yuan"


@pytest.mark.django_db
def test_every_zhejiang_slug_is_the_pinyin_of_its_short_name():
    mismatched = {
        r.short_name: r.slug
        for r in Region.objects.current().filter(code__startswith="33")
        if pinyin.slugify(r.short_name, separator="") != r.slug
    }
    assert mismatched == {}


@pytest.mark.django_db
def test_every_slug_in_the_country_reads_as_its_name_and_is_unique():
    slugs = list(Region.objects.values_list("slug", flat=True))
    assert len(slugs) == len(set(slugs)) > 6000
    unreadable = {}
    for r in Region.objects.select_related("parent"):
        short, full = (pinyin.slugify(n, separator="") for n in (r.short_name, r.name))
        if not any(part in r.slug.split("-") for part in (short, full)):
            unreadable[r.name] = r.slug
    assert unreadable == {}
