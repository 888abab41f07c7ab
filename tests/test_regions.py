import pytest

from archive.models import Region

pytestmark = pytest.mark.django_db


def test_zhejiang_has_one_province_eleven_cities_and_ninety_counties():
    assert Region.objects.filter(level=Region.Level.PROVINCE).count() == 1
    assert Region.objects.cities().count() == 11
    assert Region.objects.counties().count() == 90


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
    county = Region.objects.get(code=code)
    assert county.name == name
    assert county.level == Region.Level.COUNTY
    assert county.parent.name == city
    assert county.parent.parent.name == "浙江省"


@pytest.mark.parametrize("code", ["330103", "330104"])  # 下城区, 江干区: abolished in 2021
def test_abolished_districts_are_gone(code):
    assert not Region.objects.filter(code=code).exists()


def test_every_county_code_starts_with_its_city_prefix():
    for county in Region.objects.counties().select_related("parent"):
        assert county.code[:4] == county.parent.code[:4]


def test_lookup_accepts_a_code_or_a_slug_in_any_case():
    assert Region.objects.lookup("330802").short_name == "柯城"
    assert Region.objects.lookup("KeCheng").short_name == "柯城"
    assert Region.objects.lookup("atlantis") is None
    assert Region.objects.lookup("") is None


def test_a_county_lies_in_its_city_and_province_a_city_in_the_province():
    ancestors = Region.objects.ancestors()
    code = dict(Region.objects.values_list("pk", "code"))

    def codes(region_code):
        region = Region.objects.get(code=region_code)
        return sorted(code[pk] for pk in ancestors[region.pk])

    assert codes("330802") == ["330000", "330800", "330802"]
    assert codes("330182") == ["330000", "330100", "330182"]
    assert codes("330100") == ["330000", "330100"]
    assert codes("330000") == ["330000"]
