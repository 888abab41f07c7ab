"""Drafts, scheduled and withdrawn stories never reach the public."""

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from archive.caching.counts import region_story_counts
from archive.editorial import services
from archive.editorial.aftermath import after_write
from archive.models import Article, Region
from archive.models.visibility import public_sql
from tests.factories import (
    ArticleFactory,
    BylineFactory,
    ContributorFactory,
    PhotoCreditFactory,
    SectionFactory,
    full_story,
    one_aftermath,
)
from tests.helpers import HIDDEN

pytestmark = pytest.mark.django_db


@pytest.fixture(params=list(HIDDEN), ids=list(HIDDEN))
def hidden_story(request):
    author = ContributorFactory(name="隐藏稿作者")
    with one_aftermath():
        article = full_story(headline="尚未公开的柯城报道", **HIDDEN[request.param])
        BylineFactory(article=article, contributor=author)
    return article


@pytest.fixture
def public_story():
    return full_story(headline="已经公开的柯城报道")


def test_the_rule_written_as_sql_selects_what_the_q_selects():
    hidden = [full_story(**state) for state in HIDDEN.values()]
    public = [full_story(), full_story(published_at=timezone.now())]
    condition, params = public_sql("a", connection)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT a.id FROM archive_article a WHERE {condition}", params)
        by_sql = {pk for (pk,) in cursor.fetchall()}
    assert by_sql == set(Article.objects.published().values_list("id", flat=True))
    assert by_sql == {story.pk for story in public}
    assert not by_sql & {story.pk for story in hidden}


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
        reverse("archive:section_list"),
        reverse("archive:contributor_list"),
        reverse("archive:contributor_list") + "?q=隐藏稿",
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
    full_story(headline="另一篇公开报道", bylines=0, photos=1)  # photos credited, no byline
    other = Article.objects.get(headline="另一篇公开报道")
    PhotoCreditFactory(photo=other.photos.first(), contributor=author)
    after_write([other])
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


@pytest.mark.parametrize("state", list(HIDDEN), ids=list(HIDDEN))
def test_a_name_only_unpublished_work_carries_is_nowhere_public(client, state):
    """A contributor (by byline or photo credit) and a section whose only stories are
    unpublished: no page, no feed, no filter label, no drop-down line; then one story
    published, and all of them are there."""
    section = SectionFactory(name="未公开栏目")
    story = full_story(headline="尚未公开的柯城报道", section=section, **HIDDEN[state])
    writer = ContributorFactory(name="隐名记者")
    photographer = ContributorFactory(name="隐名摄影")
    BylineFactory(article=story, contributor=writer)
    PhotoCreditFactory(photo=story.photos.first(), contributor=photographer)
    after_write([story])
    stories = reverse("archive:story_list")

    def shown(response) -> str:
        return response.content.decode() if response.status_code == 200 else ""

    def public_names() -> list[str]:
        pages = [shown(client.get(stories))]
        for contributor in (writer, photographer):
            pages.append(shown(client.get(contributor.get_absolute_url())))
            feed = reverse("archive:contributor_feed", args=[contributor.slug])
            pages.append(shown(client.get(feed)))
            # Named by slug (a name typed is echoed in its box, so not counted here).
            pages.append(shown(client.get(stories, {"author": contributor.slug})))
        pages.append(shown(client.get(reverse("archive:section_feed", args=[section.slug]))))
        pages.append(shown(client.get(stories, {"section": section.slug})))
        # The indexes: sections, a section's page, contributors by letter and by name.
        pages.append(shown(client.get(reverse("archive:section_list"))))
        pages.append(shown(client.get(reverse("archive:section_detail", args=[section.slug]))))
        index = reverse("archive:contributor_list")
        pages.append(shown(client.get(index, {"letter": "y"})))
        for typed in ("隐名", "yin ming"):  # echoed in its box, but no name is whole
            pages.append(shown(client.get(index, {"q": typed})))
        text = "".join(pages)
        return [name for name in ("隐名记者", "隐名摄影", "未公开栏目") if name in text]

    assert public_names() == []
    for url in (
        writer.get_absolute_url(),
        reverse("archive:contributor_feed", args=[photographer.slug]),
        reverse("archive:section_feed", args=[section.slug]),
        reverse("archive:section_detail", args=[section.slug]),
    ):
        assert client.get(url).status_code == 404
    for typed in (writer.slug, writer.name, photographer.name):
        assert "没有找到这位作者" in shown(client.get(stories, {"author": typed}))

    services.stories_publish(
        stories=Article.objects.filter(pk=story.pk), at=timezone.now() - timezone.timedelta(1)
    )
    if state == "scheduled":  # its time has not come: publishing changes nothing
        assert public_names() == []
        return
    assert public_names() == ["隐名记者", "隐名摄影", "未公开栏目"]
