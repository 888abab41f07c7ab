"""The URLs lists, feeds and the header build without ``reverse`` per object are
reverse's own, under a script prefix too (a site served below a path)."""

import pytest
from django.urls import clear_script_prefix, reverse, set_script_prefix
from django.utils.safestring import mark_safe

from archive.reversing import url_for

NAMED = [
    ("archive:story_detail", 7),
    ("archive:story_detail", 2_147_483_647),
    ("archive:region_detail", "kecheng"),
    ("archive:region_detail", "hangzhou-xiaoshanxian"),
    ("archive:section_detail", "xianyu-guancha"),
    ("archive:section_detail", mark_safe("xianyu")),  # a str of another class
    ("api:story-detail", 42),
    ("archive:home", None),
    ("archive:edition_calendar", None),
]


@pytest.fixture(params=["/", "/archive/", "/987654321/"])
def prefix(request):
    set_script_prefix(request.param)
    yield request.param
    clear_script_prefix()


@pytest.mark.parametrize(("name", "key"), NAMED)
def test_a_listed_url_is_what_reverse_gives_under_any_script_prefix(prefix, name, key):
    assert url_for(name, key) == reverse(name, args=[] if key is None else [key])
    assert url_for(name, key).startswith(prefix)


@pytest.mark.django_db
def test_every_page_header_links_to_the_named_pages(client):
    page = client.get(reverse("archive:section_list")).content.decode()
    names = ["home", "story_list", "region_list", "section_list", "contributor_list"]
    for name in [*names, "edition_calendar"]:
        assert f'href="{reverse(f"archive:{name}")}"' in page
    assert f'action="{reverse("archive:story_list")}"' in page
