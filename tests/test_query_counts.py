"""Page cost must not grow with the number of stories shown: no N+1 queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from archive.models import Article, Contributor
from tests.factories import (
    BylineFactory,
    ContributorFactory,
    PhotoCreditFactory,
    full_story,
    one_aftermath,
)

pytestmark = pytest.mark.django_db

MAX_QUERIES = 10


def queries_for(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(captured)


def make_stories(n, author):
    with one_aftermath():  # the derived rows refreshed once for the n stories
        for _ in range(n):
            article = full_story(regions=["330802", "330803"], bylines=2, photos=1)
            BylineFactory(article=article, contributor=author)
            PhotoCreditFactory(photo=article.photos.first(), contributor=author)


# Every public list page, measured with 5 stories and again with 50: one archive built
# for all of them (fifty full stories cost more than the eleven pages' requests).
PAGES = {
    "home": (reverse("archive:home"), {}),
    "list": (reverse("archive:story_list"), {}),
    "list-city-q": (reverse("archive:story_list"), {"region": "quzhou", "q": "。"}),
    "list-county": (reverse("archive:story_list"), {"region": "kecheng"}),
    "list-dates": (
        reverse("archive:story_list"),
        {"date_after": "2000-01-01", "date_before": "2100-01-01"},
    ),
    "list-oldest": (reverse("archive:story_list"), {"order": "oldest"}),
    "regions": (reverse("archive:region_list"), {}),
    "county": (reverse("archive:region_detail", args=["kecheng"]), {}),
    "city": (reverse("archive:region_detail", args=["quzhou"]), {}),
    "sections": (reverse("archive:section_list"), {}),
    # Its first letter: never empty (a search's cost: test_sections_contributors).
    "contributors": (reverse("archive:contributor_list"), {}),
}


def test_page_queries_do_not_grow_from_5_to_50_stories(client, settings):
    settings.ARCHIVE_PAGE_SIZE = 50
    author = ContributorFactory()
    make_stories(5, author)
    few = {name: queries_for(client, url, params) for name, (url, params) in PAGES.items()}
    make_stories(45, author)
    assert Article.objects.published().count() == 50
    many = {name: queries_for(client, url, params) for name, (url, params) in PAGES.items()}
    assert many == few
    assert max(many.values()) <= MAX_QUERIES


def test_section_page_queries_do_not_grow(client, settings):
    settings.ARCHIVE_PAGE_SIZE = 50
    make_stories(5, ContributorFactory())
    url = reverse("archive:section_detail", args=[Article.objects.first().section.slug])
    few = queries_for(client, url)
    make_stories(45, ContributorFactory())
    assert queries_for(client, url) == few <= MAX_QUERIES


def test_city_and_section_list_queries_do_not_grow(client, settings):
    settings.ARCHIVE_PAGE_SIZE = 50
    make_stories(5, ContributorFactory())
    params = {"region": "quzhou", "section": Article.objects.first().section.slug}
    few = queries_for(client, reverse("archive:story_list"), params)
    make_stories(45, ContributorFactory())
    assert queries_for(client, reverse("archive:story_list"), params) == few <= MAX_QUERIES


def test_list_page_shows_all_50_stories_in_the_same_queries(client, settings):
    settings.ARCHIVE_PAGE_SIZE = 50
    make_stories(50, ContributorFactory())
    response = client.get(reverse("archive:story_list"))
    assert len(response.context["page"]) == 50


def test_contributor_page_queries_do_not_grow(client, settings):
    settings.ARCHIVE_PAGE_SIZE = 50
    author = ContributorFactory(name="许军")
    make_stories(5, author)
    few = queries_for(client, author.get_absolute_url())
    make_stories(45, author)
    many = queries_for(client, Contributor.objects.get(pk=author.pk).get_absolute_url())
    assert few == many <= MAX_QUERIES


def test_story_page_queries_do_not_grow_with_photos_and_bylines(client):
    small = full_story(bylines=1, photos=1)
    large = full_story(bylines=6, photos=8)
    assert queries_for(client, small.get_absolute_url()) == queries_for(
        client, large.get_absolute_url()
    )


def test_deep_page_queries_do_not_grow(client, settings):
    settings.ARCHIVE_PAGE_SIZE = 2
    make_stories(5, ContributorFactory())
    url = reverse("archive:story_list")
    second = client.get(url).context["page"].next_cursor
    few = queries_for(client, url, {"cursor": second})
    make_stories(45, ContributorFactory())
    deep = client.get(url)
    for _ in range(10):
        deep = client.get(url, {"cursor": deep.context["page"].next_cursor})
    assert queries_for(client, url, {"cursor": deep.context["page"].next_cursor}) == few


# The stories list: all, by status, by county, by city.
ADMIN_LISTS = [
    {},
    {"status__exact": "published"},
    {"region": "330802"},
    {"region": "330800"},
]


def test_admin_list_queries_do_not_grow(editor_client):
    url = reverse("admin:archive_article_changelist")
    author = ContributorFactory()
    make_stories(5, author)
    few = [queries_for(editor_client, url, params) for params in ADMIN_LISTS]
    make_stories(45, author)
    many = [queries_for(editor_client, url, params) for params in ADMIN_LISTS]
    assert many == few
    assert max(many) <= MAX_QUERIES


def test_admin_search_queries_do_not_grow(editor_client):
    url = reverse("admin:archive_article_changelist")
    author = ContributorFactory()
    make_stories(5, author)
    # Every story is tagged 柯城区, so the title part of each holds the term.
    few = queries_for(editor_client, url, {"q": "柯城"})
    make_stories(45, author)
    assert queries_for(editor_client, url, {"q": "柯城"}) == few <= MAX_QUERIES


def test_admin_photo_list_queries_do_not_grow_with_photos_and_credits(editor_client):
    url = reverse("admin:archive_photo_changelist")
    author = ContributorFactory()
    make_stories(2, author)
    few = queries_for(editor_client, url)
    make_stories(20, author)
    assert queries_for(editor_client, url) == few <= MAX_QUERIES


def test_admin_list_by_section_queries_do_not_grow(editor_client):
    url = reverse("admin:archive_article_changelist")
    make_stories(5, ContributorFactory())
    section = Article.objects.first().section
    few = queries_for(editor_client, url, {"section__id__exact": section.pk})
    make_stories(45, ContributorFactory())
    assert queries_for(editor_client, url, {"section__id__exact": section.pk}) == few


def test_admin_change_form_queries_do_not_grow_with_bylines_and_regions(editor_client):
    small = full_story(regions=["330802"], bylines=1, photos=2)
    large = full_story(regions=["330802", "330803", "330182"], bylines=6, photos=2)
    urls = [reverse("admin:archive_article_change", args=[a.pk]) for a in (small, large)]
    editor_client.get(urls[0])  # warm per-process caches (content types)
    # One more than a public page: the role rules read the editor's group permissions.
    assert queries_for(editor_client, urls[0]) == queries_for(editor_client, urls[1]) <= 11
