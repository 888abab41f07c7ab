import pytest

from archive.models import Region

pytestmark = pytest.mark.django_db


def test_zhejiang_today_has_eleven_cities_and_ninety_counties():
    zhejiang = Region.objects.current().get(code="330000")
    today = Region.objects.current().within(zhejiang)
    assert today.provinces().count() == 1
    assert today.cities().count() == 11
    assert today.counties().count() == 90


@pytest.mark.parametrize(
    ("code", "name", "city"),
    [
        ("330113", "临平区", "杭州市"),
        ("330114", "钱塘区", "杭州市"),
        ("330383", "龙港市", "温州市"),
        ("330802", "柯城区", "衢州市"),
        ("330182", "建德市", "杭州市"),
        ("331127", "景宁畲族自治县", "丽水市"),
    ],
)
def test_current_counties_sit_under_their_city(code, name, city):
    county = Region.objects.current().get(code=code)
    assert county.name == name
    assert county.level == Region.Level.COUNTY
    assert county.parent.name == city
    assert county.parent.parent.name == "浙江省"


@pytest.mark.parametrize("code", ["330103", "330104"])  # 下城区, 江干区: abolished in 2021
def test_abolished_districts_are_kept_with_the_year_they_ended(code):
    (district,) = Region.objects.filter(code=code)
    assert (district.last_year, district.is_current) == (2021, False)
    assert not Region.objects.current().filter(code=code).exists()


def test_every_county_in_use_lies_in_its_citys_province():
    for county in Region.objects.counties().current().select_related("parent"):
        assert county.code[:2] == county.parent.code[:2]


def test_lookup_accepts_a_code_or_a_slug_in_any_case():
    assert Region.objects.lookup("330802").short_name == "柯城"
    assert Region.objects.lookup("KeCheng").short_name == "柯城"
    assert Region.objects.lookup("atlantis") is None
    assert Region.objects.lookup("") is None


def test_a_county_lies_in_its_city_and_province_a_city_in_the_province():
    ancestors = Region.objects.ancestors()
    code = dict(Region.objects.values_list("pk", "code"))

    def codes(region_code):
        region = Region.objects.by_code(region_code)
        return sorted(code[pk] for pk in ancestors[region.pk])

    assert codes("330802") == ["330000", "330800", "330802"]
    assert codes("330182") == ["330000", "330100", "330182"]
    assert codes("330100") == ["330000", "330100"]
    assert codes("330000") == ["330000"]
    # A county under a 地区 lies in the 地区, as it did then (county-level 衢州市, 1981–1985,
    # in 金华地区), and a later county in the 市 (衢县, 1985–2001, in 衢州市).
    assert codes("332402") == ["330000", "332400", "332402"]
    assert codes("330821") == ["330000", "330800", "330821"]
