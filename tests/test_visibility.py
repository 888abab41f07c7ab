"""Drafts, scheduled and withdrawn stories never reach the public."""

import pytest
from django.urls import reverse
from django.utils import timezone

from archive.caching.counts import region_story_counts
from archive.models import Article, Region
from tests.factories import ArticleFactory, BylineFactory, ContributorFactory, full_story
from tests.helpers import HIDDEN

pytestmark = pytest.mark.django_db


@pytest.fixture(params=list(HIDDEN), ids=list(HIDDEN))
def hidden_story(request):
    author = ContributorFactory(name="隐藏稿作者")
    article = full_story(headline="尚未公开的柯城报道", **HIDDEN[request.param])
    BylineFactory(article=article, contributor=author)
    return article


@pytest.fixture
def public_story():
    return full_story(headline="已经公开的柯城报道")


def test_hidden_story_page_is_404(client, hidden_story):
    assert client.get(hidden_story.get_absolute_url()).status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        reverse("archive:home"),
        reverse("archive:story_list"),
        reverse("archive:story_list") + "?region=kecheng",
        reverse("archive:story_list") + "?q=尚未公开",
        reverse("archive:region_detail", args=["kecheng"]),
        reverse("archive:region_detail", args=["quzhou"]),
    ],
)
def test_hidden_story_is_absent_from_every_public_list(client, hidden_story, public_story, url):
    response = client.get(url)
    assert response.status_code == 200
    assert "尚未公开的柯城报道" not in response.content.decode()


def test_public_story_is_listed_beside_hidden_ones(client, hidden_story, public_story):
    for url in (reverse("archive:home"), reverse("archive:region_detail", args=["kecheng"])):
        page = client.get(url).content.decode()
        assert "已经公开的柯城报道" in page


def test_hidden_story_is_absent_from_its_authors_page(client, hidden_story):
    author = hidden_story.credits.get(contributor__name="隐藏稿作者").contributor
    page = client.get(author.get_absolute_url()).content.decode()
    assert "尚未公开的柯城报道" not in page
    assert "没有署名报道" in page


def test_hidden_story_photos_are_absent_from_photographer_pages(client, hidden_story):
    photographer = hidden_story.photos.first().credits.first().contributor
    page = client.get(photographer.get_absolute_url()).content.decode()
    assert hidden_story.photos.first().caption not in page


def test_hidden_story_is_not_counted_on_the_regions_page(client, hidden_story, public_story):
    counts = region_story_counts()  # not cached in tests
    for code in ("330802", "330800", "330000"):
        assert counts[Region.objects.by_code(code).pk] == 1


def test_scheduled_story_appears_once_its_time_has_come(client):
    story = ArticleFactory(scheduled=True, headline="定时发布的报道")
    assert client.get(story.get_absolute_url()).status_code == 404
    assert "定时发布的报道" not in client.get(reverse("archive:story_list")).content.decode()
    # Time passes: visibility is decided when the page is requested, with no job to run.
    Article.objects.filter(pk=story.pk).update(published_at=timezone.now())
    assert client.get(story.get_absolute_url()).status_code == 200
    assert "定时发布的报道" in client.get(reverse("archive:story_list")).content.decode()
