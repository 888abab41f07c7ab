"""Readers type names, not codes: a region or an author given in words, on the pages and
in the API alike, with a choice to make where a name is shared, never a guess."""

import html
import re

import pytest
from django.urls import reverse

from archive.models import Region
from tests.factories import ArticleFactory, BylineFactory, ContributorFactory
from tests.helpers import visible_text

pytestmark = pytest.mark.django_db

KECHENG = "柯城：进入新赛道 扛起新担当"
JIANDE = "建德：以担当之“为”换高质量发展之“能”"
STORIES = reverse("archive:story_list")


def listed(client, **params) -> str:
    response = client.get(STORIES, params)
    assert response.status_code == 200
    return visible_text(response)


@pytest.fixture
def two_chaoyang():
    """The two districts called 朝阳区, in Beijing and in Changchun, each with a story."""
    found = {
        "beijing": Region.objects.get(slug="beijing-chaoyang"),
        "changchun": Region.objects.get(slug="changchun-chaoyang"),
    }
    ArticleFactory(headline="北京朝阳的报道", regions=[found["beijing"]])
    ArticleFactory(headline="长春朝阳的报道", regions=[found["changchun"]])
    return found


KECHENG_NAMES = [
    *["柯城区", "柯城", "柯城區", " 柯城区 "],  # full, short, Traditional, padded
    *["kecheng", "KeCheng", "330802", "３３０８０２"],  # pinyin, code, full-width code
]


@pytest.mark.parametrize("value", KECHENG_NAMES)
def test_a_region_given_by_name_short_name_traditional_code_or_pinyin(client, demo, value):
    page = listed(client, region=value)
    assert KECHENG in page and JIANDE not in page
    assert "地区：柯城区 ×" in page  # the filter applied, by its name


def test_a_historical_city_name_and_a_province_name_include_their_counties(client, demo):
    assert KECHENG in listed(client, region="衢州") and JIANDE not in listed(client, region="衢州")
    page = listed(client, region="浙江省")
    assert KECHENG in page and JIANDE in page


def test_an_author_given_by_name_or_in_traditional_characters(client, demo):
    for value in ["郑晨", "鄭晨", "zheng-chen"]:
        page = listed(client, author=value)
        assert KECHENG in page and JIANDE not in page, value


def test_a_shared_region_name_offers_each_region_to_choose_and_lists_nothing(client, two_chaoyang):
    response = client.get(STORIES, {"region": "朝阳区", "q": "报道"})
    assert response.status_code == 200
    page = visible_text(response)
    assert "有不止一个地区叫“朝阳区”，请选择" in page
    assert "朝阳区（北京市）" in page and "朝阳区（长春市，1983–）" in page
    assert "北京朝阳的报道" not in page and "长春朝阳的报道" not in page
    # Each choice is a link that keeps the reader's other filters.
    links = re.findall(r'<ul class="choices"[^>]*>(.*?)</ul>', response.content.decode())
    (choices,) = links
    hrefs = [html.unescape(h) for h in re.findall(r'href="([^"]+)"', choices)]
    assert hrefs == [
        "?region=beijing-chaoyang&q=%E6%8A%A5%E9%81%93",
        "?region=changchun-chaoyang&q=%E6%8A%A5%E9%81%93",
    ]
    picked = listed(client, region="changchun-chaoyang", q="报道")
    assert "长春朝阳的报道" in picked and "北京朝阳的报道" not in picked


def test_namesakes_are_a_choice_too(client):
    first = ContributorFactory(name="张伟", description="衢州日报记者")
    second = ContributorFactory(name="张伟", description="建德市融媒体中心")
    BylineFactory(contributor=first, article__headline="第一位张伟的报道")
    BylineFactory(contributor=second, article__headline="第二位张伟的报道")
    page = listed(client, author="张伟")
    assert "有不止一个作者叫“张伟”，请选择" in page
    assert "张伟（衢州日报记者）" in page and "张伟（建德市融媒体中心）" in page
    assert "第一位张伟的报道" not in page and "第二位张伟的报道" not in page
    assert "第二位张伟的报道" in listed(client, author=second.slug)


@pytest.mark.parametrize("value", ["火星区", "<script>alert(1)</script>", "柯" * 51, "kecheng\x00"])
def test_an_unknown_or_malformed_name_is_a_form_error_never_an_echo(client, demo, value):
    response = client.get(STORIES, {"region": value, "author": value})
    assert response.status_code == 200
    body = response.content.decode()
    assert "<script>alert(1)</script>" not in body
    assert KECHENG not in visible_text(response)
    assert 'class="error"' in body


def test_the_api_takes_names_and_says_why_a_shared_one_is_refused(client, demo, two_chaoyang):
    found = client.get("/api/stories/", {"region": "柯城區"}).json()
    assert [story["headline"] for story in found["results"]] == [KECHENG]
    by_name = client.get("/api/stories/", {"author": "郑晨"}).json()["results"]
    assert [story["headline"] for story in by_name] == [KECHENG]
    refused = client.get("/api/stories/", {"region": "朝阳区"})
    assert refused.status_code == 400
    (reason,) = refused.json()["region"]
    assert "朝阳区（北京市）" in reason and "朝阳区（长春市，1983–）" in reason


def suggested(client, typed: str) -> list[str]:
    response = client.get(reverse("api:region-suggest"), {"q": typed})
    assert response.status_code == 200
    return [region["name"] for region in response.json()]


def test_the_region_box_suggests_names_as_the_reader_types(client):
    # Today's divisions first, in code order: 330603, 330802, then 新疆's 652929.
    assert suggested(client, "柯") == ["柯桥区", "柯城区", "柯坪县"]
    assert suggested(client, "柯城區") == ["柯城区"]
    assert suggested(client, "kec") == ["柯城区"]
    assert suggested(client, "3308")[:2] == ["衢州市", "柯城区"]
    assert suggested(client, "") == [] and suggested(client, "火星") == []
    assert len(suggested(client, "3")) == 10  # a short prefix: the first ten, no more
    regions = client.get(reverse("api:region-suggest"), {"q": "柯城"}).json()
    assert regions == [
        {
            "code": "330802",
            "name": "柯城区",
            "short_name": "柯城",
            "slug": "kecheng",
            "level": "county",
            "kind": "区",
            "parent": "衢州市",
            "first_year": 1985,
            "last_year": None,
            "period": "1985–",
            "label": "柯城区（衢州市，1985–）",
            "value": "柯城区",
            "matched": "",
        }
    ]
    # Found by a former name: the name that matched, for the box to show beside it.
    (saihan,) = [
        r
        for r in client.get(reverse("api:region-suggest"), {"q": "郊"}).json()
        if r["name"] == "赛罕区"
    ]
    assert saihan["matched"] == "郊区"
    (jianggan,) = client.get(reverse("api:region-suggest"), {"q": "江干"}).json()
    assert jianggan["label"] == "江干区（杭州市，1983–2021）"
    gulou = client.get(reverse("api:region-suggest"), {"q": "鼓楼区"}).json()
    assert len({g["value"] for g in gulou}) == len(gulou) >= 4  # slugs: each picks its own


@pytest.mark.parametrize("typed", ["柯" * 51, "柯\x00"])
def test_the_suggestions_refuse_what_no_name_could_be(client, typed):
    response = client.get(reverse("api:region-suggest"), {"q": typed})
    assert response.status_code == 400
    assert "q" in response.json()


def test_the_story_list_box_is_wired_to_the_suggestions(client):
    body = client.get(STORIES).content.decode()
    box = re.search(r'<input[^>]*name="region"[^>]*>', body).group(0)
    assert 'list="region-suggestions"' in box
    assert f'data-suggest="{reverse("api:region-suggest")}"' in box
    assert '<datalist id="region-suggestions"></datalist>' in body
    assert "js/suggest" in body


def test_the_editors_region_filter_takes_a_name_too(editor_client, demo):
    response = editor_client.get(reverse("admin:archive_article_changelist"), {"region": "柯城区"})
    headlines = [story.headline for story in response.context["cl"].result_list]
    assert headlines == [KECHENG]
