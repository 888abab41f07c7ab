"""Editors' workflow in the admin: no lost updates, roles, history and revert, merging."""

import datetime
import html
import re

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from archive.models import Article, Contributor, Credit, Photo
from tests.factories import (
    ArticleFactory,
    BylineFactory,
    ContributorFactory,
    PhotoCreditFactory,
    PhotoFactory,
    full_story,
)
from tests.helpers import CHANGELIST, change_url, form_data, inline_prefix

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return text_of(response.content.decode())


def text_of(body: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", body))


def save(client, article, **changes):
    data = form_data(client.get(change_url(article)))
    data.update(changes)
    return client.post(change_url(article), {**data, "_save": "保存"})


# --- no lost updates ---------------------------------------------------------------------


def test_the_second_stale_save_is_refused_with_its_input_kept_and_nothing_lost(member):
    story = full_story(headline="柯城新建三座公园", status=Article.Status.DRAFT)
    _, first = member("zhang", "编辑")
    _, second = member("li", "编辑")
    first_form = form_data(first.get(change_url(story)))
    second_form = form_data(second.get(change_url(story)))  # both opened the same version

    first_form["headline"] = "柯城新建四座公园"
    assert first.post(change_url(story), {**first_form, "_save": "保存"}).status_code == 302

    second_form["headline"] = "柯城公园建设提速"
    second_form["body"] = "第二位编辑写的新正文。"
    refused = second.post(change_url(story), {**second_form, "_save": "保存"})
    assert refused.status_code == 200
    page = text(refused)
    assert "保存被拒绝" in page
    assert "zhang" in page  # who saved in between
    assert "柯城新建三座公园 → 柯城新建四座公园" in page  # and what they changed
    # The refused editor's own input is still in the form, nothing typed is lost...
    assert 'value="柯城公园建设提速"' in refused.content.decode()
    assert "第二位编辑写的新正文。" in refused.content.decode()
    # ...and the first editor's save stands.
    story.refresh_from_db()
    assert story.headline == "柯城新建四座公园"
    assert "第二位编辑" not in story.body


def test_a_stale_inline_edit_is_refused_too(member):
    story = full_story(status=Article.Status.DRAFT, bylines=1, photos=1)
    _, editor = member("zhang", "编辑")
    _, photo_editor = member("wang", "图片编辑")
    stale = form_data(editor.get(change_url(story)))
    photo = story.photos.get()
    photo_url = reverse("admin:archive_photo_change", args=[photo.pk])
    photo_form = form_data(photo_editor.get(photo_url), "photo_form")
    photo_form["caption"] = "图片编辑改过的图说"
    assert photo_editor.post(photo_url, {**photo_form, "_save": "保存"}).status_code == 302

    # The editor's form still holds the old caption in its photo inline.
    refused = editor.post(change_url(story), {**stale, "_save": "保存"})
    assert refused.status_code == 200
    assert "保存被拒绝" in text(refused)
    assert Photo.objects.get(pk=photo.pk).caption == "图片编辑改过的图说"


def test_a_stale_publish_action_changes_nothing(member):
    story = full_story(headline="待发布的稿件", status=Article.Status.REVIEW)
    _, editor = member("zhang", "编辑")
    _, other = member("li", "编辑")
    listing = editor.get(CHANGELIST).content.decode()
    version = re.search(rf'name="_version_{story.pk}" value="(\d+)"', listing).group(1)
    assert save(other, story, headline="待发布的稿件（改）").status_code == 302

    response = editor.post(
        CHANGELIST,
        {"action": "publish", "_selected_action": [story.pk], f"_version_{story.pk}": version},
        follow=True,
    )
    assert "已被他人修改" in text(response)
    assert Article.objects.get(pk=story.pk).status == Article.Status.REVIEW


def test_a_current_publish_action_publishes(member):
    story = full_story(headline="待发布的稿件", status=Article.Status.REVIEW, published_at=None)
    _, editor = member("zhang", "编辑")
    listing = editor.get(CHANGELIST).content.decode()
    version = re.search(rf'name="_version_{story.pk}" value="(\d+)"', listing).group(1)
    response = editor.post(
        CHANGELIST,
        {"action": "publish", "_selected_action": [story.pk], f"_version_{story.pk}": version},
        follow=True,
    )
    assert "已发布 1 篇稿件" in text(response)
    story.refresh_from_db()
    assert story.is_public


# --- roles -----------------------------------------------------------------------------


def test_a_reporter_writes_and_submits_their_own_story_but_cannot_publish(member, region):
    reporter, client = member("jizhe", "记者")
    add = client.get(reverse("admin:archive_article_add"))
    select = add.content.decode().split('name="status"')[1].split("</select>")[0]
    statuses = re.findall(r'<option value="(\w+)"', select)
    assert statuses == ["draft", "review"]
    data = form_data(add)
    data.update(headline="记者的新稿", body="第一段。", status="draft")
    data[f"{inline_prefix(add, _region_inline())}-0-region"] = str(region("330802").pk)
    created = client.post(reverse("admin:archive_article_add"), {**data, "_save": "保存"})
    assert created.status_code == 302, text(created)[:2000]
    story = Article.objects.get(headline="记者的新稿")
    assert story.created_by == reporter

    assert save(client, story, status="review").status_code == 302
    # Publishing is refused server-side, whatever the form offered.
    refused = save(client, story, status="published")
    assert refused.status_code == 200
    assert "没有发布或撤回稿件的权限" in text(refused)
    assert Article.objects.get(pk=story.pk).status == Article.Status.REVIEW
    listing = client.get(CHANGELIST).content.decode()
    assert 'value="publish"' not in listing and 'value="submit"' in listing
    client.post(CHANGELIST, {"action": "publish", "_selected_action": [story.pk]})
    assert Article.objects.get(pk=story.pk).status == Article.Status.REVIEW


def _region_inline():
    from archive.admin.stories import ArticleRegionInline

    return ArticleRegionInline


def test_a_reporter_cannot_change_others_stories_or_their_own_once_published(member, editor_client):
    reporter, client = member("jizhe", "记者")
    others = full_story(headline="别人的稿件", status=Article.Status.DRAFT)
    data = form_data(editor_client.get(change_url(others)))
    response = client.post(change_url(others), {**data, "headline": "记者改了别人的稿件"})
    assert response.status_code == 403
    assert Article.objects.get(pk=others.pk).headline == "别人的稿件"

    own = full_story(headline="记者自己的稿件", created_by=reporter)
    assert own.status == Article.Status.PUBLISHED
    response = client.post(change_url(own), {**data, "headline": "发布后再改"})
    assert response.status_code == 403
    assert Article.objects.get(pk=own.pk).headline == "记者自己的稿件"
    assert client.get(change_url(own)).status_code == 200  # may still read it


def test_a_photo_editor_edits_photos_and_credits_but_not_story_text(member, editor_client):
    story = full_story(headline="图片编辑看到的稿件", bylines=1, photos=1)
    _, client = member("tupian", "图片编辑")
    photo = story.photos.get()
    url = reverse("admin:archive_photo_change", args=[photo.pk])
    data = form_data(client.get(url), "photo_form")
    data["caption"] = "新的图说"
    assert client.post(url, {**data, "_save": "保存"}).status_code == 302
    assert Photo.objects.get(pk=photo.pk).caption == "新的图说"

    story_form = form_data(editor_client.get(change_url(story)))
    refused = client.post(change_url(story), {**story_form, "headline": "图片编辑改标题"})
    assert refused.status_code == 403
    assert Article.objects.get(pk=story.pk).headline == "图片编辑看到的稿件"
    assert client.get(reverse("admin:archive_pageimport_add")).status_code == 403


def test_an_editor_publishes_withdraws_and_imports(member):
    story = full_story(headline="编辑要撤回的稿件")
    _, client = member("zongbian", "编辑")
    listing = client.get(CHANGELIST).content.decode()
    assert 'value="publish"' in listing and 'value="withdraw"' in listing
    version = re.search(rf'name="_version_{story.pk}" value="(\d+)"', listing).group(1)
    client.post(
        CHANGELIST,
        {"action": "withdraw", "_selected_action": [story.pk], f"_version_{story.pk}": version},
    )
    story.refresh_from_db()
    assert story.status == Article.Status.WITHDRAWN  # kept, not public
    assert Client().get(story.get_absolute_url()).status_code == 404
    assert client.get(reverse("admin:archive_pageimport_add")).status_code == 200


def test_an_administrator_manages_accounts_and_an_editor_does_not(member):
    _, administrator = member("guanli", "管理员")
    _, editor = member("zongbian", "编辑")
    assert administrator.get(reverse("admin:auth_user_changelist")).status_code == 200
    assert editor.get(reverse("admin:auth_user_changelist")).status_code == 403


# --- history -----------------------------------------------------------------------------


def test_history_shows_who_changed_the_headline_and_byline_and_revert_restores_them(member):
    old_author = ContributorFactory(name="郑晨")
    new_author = ContributorFactory(name="许军")
    user, client = member("zongbian", "编辑")
    story = ArticleFactory(
        headline="柯城：进入新赛道", status=Article.Status.DRAFT, regions=["330802"]
    )
    BylineFactory(article=story, contributor=old_author)
    # A first admin save that changes it records the story whole (its byline with it):
    # this is the version to go back to.
    assert save(client, story, subtitle="产业新城").status_code == 302
    original = Article.history.filter(id=story.pk).latest("history_date")

    page = client.get(change_url(story))
    data = form_data(page)
    data["headline"] = "柯城：扛起新担当"
    byline_prefix = inline_prefix(page, _byline_inline())
    data[f"{byline_prefix}-0-contributor"] = str(new_author.pk)
    assert client.post(change_url(story), {**data, "_save": "保存"}).status_code == 302

    history_page = client.get(reverse("admin:archive_article_history", args=[story.pk]))
    assert "zongbian" in text(history_page)
    assert "主标题" in text(history_page) and "署名" in text(history_page)
    changed = Article.history.filter(id=story.pk).latest("history_date")
    compare = client.get(
        reverse("admin:archive_article_history_compare", args=[story.pk]),
        {"from": original.history_id, "to": changed.history_id},
    )
    diff = text(compare)
    assert "柯城：进入新赛道" in diff and "柯城：扛起新担当" in diff
    assert "郑晨（文字）" in diff and "许军（文字）" in diff

    story.refresh_from_db()
    revert = reverse("admin:archive_article_history_revert", args=[story.pk, original.history_id])
    assert client.post(revert, {"loaded_version": story.version}).status_code == 302
    story.refresh_from_db()
    assert story.headline == "柯城：进入新赛道"
    assert [c.contributor for c in story.credits.all()] == [old_author]
    latest = Article.history.filter(id=story.pk).latest("history_date")
    assert latest.history_user == user and "恢复到第" in latest.history_change_reason
    assert latest.headline == "柯城：进入新赛道"


def _byline_inline():
    from archive.admin.stories import BylineInline

    return BylineInline


def test_a_revert_from_a_stale_history_page_is_refused(member):
    _, client = member("zongbian", "编辑")
    story = ArticleFactory(headline="第一版标题", status=Article.Status.DRAFT, regions=["330802"])
    assert save(client, story).status_code == 302
    first = Article.history.filter(id=story.pk).latest("history_date")
    story.refresh_from_db()
    loaded = story.version
    assert save(client, story, headline="第二版标题").status_code == 302
    revert = reverse("admin:archive_article_history_revert", args=[story.pk, first.history_id])
    response = client.post(revert, {"loaded_version": loaded}, follow=True)
    assert "保存被拒绝" in text(response)
    assert Article.objects.get(pk=story.pk).headline == "第二版标题"


def test_people_without_the_story_cannot_read_its_history(client, member):
    story = ArticleFactory(status=Article.Status.DRAFT)
    response = client.get(reverse("admin:archive_article_history", args=[story.pk]))
    assert response.status_code == 302  # to the login page
    assert story.headline not in response.content.decode()


# --- scheduled stories -----------------------------------------------------------------------


def test_a_scheduled_story_is_invisible_everywhere_until_its_time(client):
    when = timezone.now() + datetime.timedelta(hours=3)
    author = ContributorFactory(name="定时作者")
    story = full_story(headline="定时发布的柯城报道", published_at=when, regions=["330802"])
    BylineFactory(article=story, contributor=author)
    pages = [
        reverse("archive:home"),
        reverse("archive:story_list"),
        reverse("archive:story_list") + "?q=定时发布",
        reverse("archive:story_list") + "?region=330802",
        reverse("archive:region_detail", args=["kecheng"]),
        reverse("archive:contributor_detail", args=[author.slug]),
        reverse("archive:region_feed", args=["kecheng"]),
        reverse("archive:story_feed"),
        "/api/stories/?region=kecheng",
        "/sitemap-stories.xml",
    ]

    def kecheng_count() -> int:
        regions = client.get("/api/regions/tree/").json()
        found = [r for r in _walk(regions) if r.get("code") == "330802"]
        return found[0]["story_count"] if found else -1

    def shows_story(url) -> bool:
        body = client.get(url).content.decode()
        path = story.get_absolute_url()
        return "定时发布的柯城报道" in text_of(body) or f'{path}"' in body or f"{path}<" in body

    for url in pages:
        assert not shows_story(url), url
    assert client.get(story.get_absolute_url()).status_code == 404
    assert client.get(f"/api/stories/{story.pk}/").status_code == 404
    assert Article.objects.published().filter(pk=story.pk).count() == 0
    assert kecheng_count() == 0

    with time_machine.travel(when + datetime.timedelta(minutes=1)):
        for url in pages:
            assert shows_story(url), url
        assert client.get(story.get_absolute_url()).status_code == 200
        assert client.get(f"/api/stories/{story.pk}/").status_code == 200
        assert Article.objects.published().filter(pk=story.pk).count() == 1
        assert kecheng_count() == 1


def _walk(node):
    """Every region in the API's region tree."""
    items = node if isinstance(node, list) else [node]
    for item in items:
        if isinstance(item, dict):
            yield item
            for value in item.values():
                if isinstance(value, (list, dict)):
                    yield from _walk(value)


# --- contributors --------------------------------------------------------------------------


def test_merging_two_records_of_one_person_moves_their_credits_and_keeps_history(member, client):
    kept = ContributorFactory(name="许军")
    duplicate = ContributorFactory(name="许军", description="重复录入")
    story = full_story(headline="许军拍的照片", bylines=0, photos=0)
    BylineFactory(article=story, contributor=duplicate)
    PhotoCreditFactory(photo=PhotoFactory(article=story), contributor=duplicate)
    _, editor = member("zongbian", "编辑")
    url = reverse("admin:archive_contributor_changelist")
    confirm = editor.post(url, {"action": "merge", "_selected_action": [kept.pk, duplicate.pk]})
    assert "合并" in text(confirm) and "重复录入" in text(confirm)
    assert Contributor.objects.filter(pk=duplicate.pk).exists()  # nothing yet
    editor.post(
        url,
        {
            "action": "merge",
            "_selected_action": [kept.pk, duplicate.pk],
            "keep": kept.pk,
            "post": "yes",
        },
    )
    assert not Contributor.objects.filter(pk=duplicate.pk).exists()
    assert Credit.objects.filter(contributor=kept).count() == 2
    assert Contributor.history.filter(id=duplicate.pk, history_type="-").exists()
    author_page = client.get(reverse("archive:contributor_detail", args=[kept.slug]))
    assert "许军拍的照片" in author_page.content.decode()


def test_a_reporter_cannot_merge_contributors(member):
    a, b = ContributorFactory(name="王芳"), ContributorFactory(name="王芳")
    _, client = member("jizhe", "记者")
    url = reverse("admin:archive_contributor_changelist")
    client.post(
        url, {"action": "merge", "_selected_action": [a.pk, b.pk], "keep": a.pk, "post": "yes"}
    )
    assert Contributor.objects.filter(pk__in=[a.pk, b.pk]).count() == 2


def test_contributors_are_listed_by_pinyin(member):
    for name in ["张三", "安宁", "曾华", "李四"]:
        ContributorFactory(name=name)
    _, client = member("zongbian", "编辑")
    page = client.get(reverse("admin:archive_contributor_changelist")).content.decode()
    names = re.findall(r'<th class="field-name"><a href="[^"]*">([^<]*)</a>', page)
    assert names == ["安宁", "李四", "曾华", "张三"]  # an, li, zeng, zhang
