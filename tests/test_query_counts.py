"""Page cost must not grow with the number of stories shown: no N+1 queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from archive.models import Article, Contributor
from tests.factories import BylineFactory, ContributorFactory, PhotoCreditFactory, full_story

pytestmark = pytest.mark.django_db

MAX_QUERIES = 10


def queries_for(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(captured)


def make_stories(n, author):
    for _ in range(n):
        article = full_story(regions=["330802", "330803"], bylines=2, photos=1)
        BylineFactory(article=article, contributor=author)
        PhotoCreditFactory(photo=article.photos.first(), contributor=author)


@pytest.mark.parametrize(
    ("url", "params"),
    [
        (reverse("archive:home"), {}),
        (reverse("archive:story_list"), {}),
        (reverse("archive:story_list"), {"region": "quzhou", "q": "。"}),
        (reverse("archive:region_list"), {}),
        (reverse("archive:region_detail", args=["kecheng"]), {}),
        (reverse("archive:region_detail", args=["quzhou"]), {}),
    ],
    ids=["home", "list", "list-filtered", "regions", "county", "city"],
)
def test_page_queries_do_not_grow_from_5_to_50_stories(client, settings, url, params):
    settings.ARCHIVE_PAGE_SIZE = 50
    author = ContributorFactory()
    make_stories(5, author)
    few = queries_for(client, url, params)
    make_stories(45, author)
    assert Article.objects.published().count() == 50
    many = queries_for(client, url, params)
    assert few == many
    assert many <= MAX_QUERIES


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
