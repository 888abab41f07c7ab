"""Restoring an old version of a story from its history in the admin: the editor first
sees what would change and confirms; times on the history pages are the site's, in
Beijing time."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from archive.models import Article
from tests.factories import ArticleFactory
from tests.helpers import change_url, form_data, page, visible_text

pytestmark = pytest.mark.django_db

UTC = datetime.UTC


def save(client, article, **changes):
    data = form_data(client.get(change_url(article)))
    data.update(changes)
    return client.post(change_url(article), {**data, "_save": "保存"})


def history_url(story) -> str:
    return reverse("admin:archive_article_history", args=[story.pk])


def revert_url(story, row) -> str:
    return reverse("admin:archive_article_history_revert", args=[story.pk, row.history_id])


def rows(story):
    return Article.history.filter(id=story.pk).order_by("history_date", "history_id")


@pytest.fixture
def edited_story(member):
    """A draft an editor saved as version A, then changed (headline, one paragraph)."""
    user, client = member("zongbian", "编辑")
    story = ArticleFactory(
        headline="柯城：草稿",
        body="柯城区今年新建三座公园。\n\n市民休闲有了新去处。",
        status=Article.Status.DRAFT,
        regions=["330802"],
    )
    # A first admin save records the story whole (with its regions): version A.
    assert save(client, story, headline="柯城：进入新赛道").status_code == 302
    first = rows(story).last()
    assert (
        save(
            client,
            story,
            headline="柯城：扛起新担当",
            body="柯城区今年新建四座公园。\n\n市民休闲有了新去处。",
        ).status_code
        == 302
    )
    story.refresh_from_db()
    return user, client, story, first


def test_the_history_offers_revert_as_a_link_to_a_confirmation(edited_story):
    _, client, story, first = edited_story
    history_page = page(client.get(history_url(story)))
    assert f'href="{revert_url(story, first)}"' in history_page
    assert f'action="{revert_url(story, first)}"' not in history_page  # no one-click form


def test_the_confirmation_shows_what_would_change_and_writes_nothing(edited_story):
    _, client, story, first = edited_story
    versions = rows(story).count()

    response = client.get(revert_url(story, first))

    assert response.status_code == 200
    shown = visible_text(response)
    assert f"恢复到第 {first.version} 版" in shown
    assert "主标题" in shown and "柯城：扛起新担当" in shown and "柯城：进入新赛道" in shown
    # The body paragraph by paragraph: the changed one, not the one that stays.
    assert "柯城区今年新建四座公园。" in shown and "柯城区今年新建三座公园。" in shown
    assert "市民休闲有了新去处。" not in shown
    assert 'value="确认恢复"' in page(response) and "取消" in shown
    assert f'name="loaded_version" value="{story.version}"' in page(response)
    assert f'href="{history_url(story)}"' in page(response)
    assert Article.objects.get(pk=story.pk).headline == "柯城：扛起新担当"
    assert rows(story).count() == versions


def test_confirming_restores_the_version_and_records_who_did(edited_story):
    user, client, story, first = edited_story
    versions = rows(story).count()

    response = client.post(revert_url(story, first), {"loaded_version": story.version}, follow=True)

    assert response.redirect_chain[-1][0] == history_url(story)
    assert f"已恢复到第 {first.version} 版" in visible_text(response)
    story.refresh_from_db()
    assert story.headline == "柯城：进入新赛道"
    assert story.body.startswith("柯城区今年新建三座公园。")
    assert rows(story).count() == versions + 1
    latest = rows(story).last()
    assert latest.history_user == user
    assert latest.history_change_reason == f"恢复到第 {first.version} 版"


def test_a_version_the_story_already_matches_offers_no_button(edited_story):
    _, client, story, _first = edited_story
    current = rows(story).last()

    response = client.get(revert_url(story, current))

    assert "恢复不会改变什么" in visible_text(response)
    assert "确认恢复" not in page(response)


def test_status_and_publication_time_are_not_among_what_a_revert_changes(edited_story):
    _, client, story, first = edited_story
    Article.objects.filter(pk=story.pk).update(status=Article.Status.REVIEW)

    shown = visible_text(client.get(revert_url(story, first)))

    assert "主标题" in shown
    assert "状态" not in shown.split("恢复将做以下改动")[1]


def test_a_reporter_may_look_but_not_revert_anothers_story(edited_story, member):
    _, _editor, story, first = edited_story
    _, reporter = member("jizhe", "记者")

    history_page = visible_text(reporter.get(history_url(story)))
    assert "恢复到此版本" not in history_page

    confirmation = reporter.get(revert_url(story, first))
    assert confirmation.status_code == 200
    assert "确认恢复" not in page(confirmation)
    assert "没有修改这篇稿件的权限" in visible_text(confirmation)

    refused = reporter.post(revert_url(story, first), {"loaded_version": story.version})
    assert refused.status_code == 403
    assert Article.objects.get(pk=story.pk).headline == "柯城：扛起新担当"


@pytest.mark.parametrize(
    "path",
    [
        "{story}/history/999999999/revert/",
        "{other}/history/{first}/revert/",  # another story's version
        "{story}/history/99999999999999999999999/revert/",
        "99999999999999999999999/history/{first}/revert/",
    ],
)
def test_a_revert_of_no_such_version_is_not_found(edited_story, path):
    _, client, story, first = edited_story
    other = ArticleFactory(status=Article.Status.DRAFT)
    url = reverse("admin:archive_article_changelist") + path.format(
        story=story.pk, other=other.pk, first=first.history_id
    )
    assert client.get(url).status_code == 404
    assert client.post(url, {"loaded_version": story.version}).status_code == 404


@pytest.mark.parametrize("path", ["{story}/change/history/", "x1/history/", "9" * 30 + "/history/"])
def test_the_history_of_no_such_story_is_not_found(edited_story, path):
    _, client, story, _first = edited_story
    url = reverse("admin:archive_article_changelist") + path.format(story=story.pk)
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("loaded", ["²", "9" * 30, "", "-1"])
def test_a_revert_with_a_malformed_loaded_version_is_refused_as_stale(edited_story, loaded):
    _, client, story, first = edited_story
    response = client.post(revert_url(story, first), {"loaded_version": loaded}, follow=True)
    assert response.status_code == 200
    assert "保存被拒绝" in visible_text(response)
    assert Article.objects.get(pk=story.pk).headline == "柯城：扛起新担当"


@pytest.mark.parametrize("chosen", [{"from": "²", "to": "1"}, {"from": "9" * 30, "to": "1"}])
def test_a_compare_of_malformed_versions_asks_again(edited_story, chosen):
    _, client, story, _first = edited_story
    response = client.get(reverse("admin:archive_article_history_compare", args=[story.pk]), chosen)
    assert response.status_code == 302 and response.url == history_url(story)


def test_history_and_compare_show_beijing_time_as_the_site_does(member):
    _, client = member("zongbian", "编辑")
    with time_machine.travel(datetime.datetime(2026, 12, 3, 18, 39, tzinfo=UTC), tick=False):
        story = ArticleFactory(
            headline="柯城：定时发布", published_at=None, status=Article.Status.DRAFT
        )
    story.refresh_from_db()
    with time_machine.travel(datetime.datetime(2026, 12, 3, 18, 41, tzinfo=UTC), tick=False):
        story.published_at = datetime.datetime(2026, 12, 3, 18, 40, 55, 998191, tzinfo=UTC)
        story.edition_date = datetime.date(2026, 12, 4)
        story.save()
    older, newer = rows(story)

    history_page = visible_text(client.get(history_url(story)))
    compare = client.get(
        reverse("admin:archive_article_history_compare", args=[story.pk]),
        {"from": older.history_id, "to": newer.history_id},
    )

    assert "2026年12月4日 02:39" in history_page and "2026年12月4日 02:41" in history_page
    shown = visible_text(compare)
    assert "发布时间" in shown and "2026年12月4日 02:40" in shown  # 18:40:55 UTC
    assert "见报日期" in shown and "2026年12月4日" in shown
    assert "2026年12月4日 02:39" in shown and "2026年12月4日 02:41" in shown
    for raw in ("+00:00", "18:40", "2026-12", "None", "True", "False"):
        assert raw not in shown
