"""The editors' desk as editors expect it: text stored one way (history records real
changes only), a printed story placed by its print date, and credit roles that fit
what they credit."""

import datetime
import re
import unicodedata
import zoneinfo

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from archive.admin.stories import BylineInline
from archive.editorial import history, services
from archive.models import Article, Credit
from tests.factories import ArticleFactory, BylineFactory, full_story
from tests.helpers import change_url, form_data, inline_prefix, visible_text

pytestmark = pytest.mark.django_db

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
BODY = "\n\n".join(
    [
        "第一段，柯城区召开大会。",
        "第二段，建德市发展产业。",
        "## 小标题",
        "第三段，乡村振兴见成效。",
    ]
)


def as_a_browser_sends(data: dict) -> dict:
    """Form data with every line break as CRLF, as browsers submit a textarea."""
    return {key: value.replace("\n", "\r\n") for key, value in data.items()}


def publish_action(client, *stories):
    return client.post(
        reverse("admin:archive_article_changelist"),
        {"action": "publish", "_selected_action": [str(s.pk) for s in stories]},
        follow=True,
    )


# --- text stored one way --------------------------------------------------------------------


def test_text_is_stored_tidied_whoever_writes_it():
    decomposed = unicodedata.normalize("NFD", "柯城区：é咖啡节")
    story = ArticleFactory(
        headline=f"  {decomposed}  ", body="第一段。  \r\n\r\n　　第二段。\u3000\r\n", lede="导语\r"
    )
    story.refresh_from_db()
    assert story.headline == unicodedata.normalize("NFC", "柯城区：é咖啡节")
    assert story.body == "第一段。\n\n　　第二段。"  # the indent kept, trailing spaces gone
    assert story.lede == "导语"


def test_a_story_form_saved_unchanged_records_no_new_version(editor_client):
    story = full_story(body=BODY)
    rows, version = Article.history.filter(id=story.pk).count(), story.version
    data = as_a_browser_sends(form_data(editor_client.get(change_url(story))))
    response = editor_client.post(change_url(story), {**data, "_continue": "1"}, follow=True)
    assert "内容没有变化，未保存新版本。" in visible_text(response)
    assert "成功修改" not in visible_text(response)
    story.refresh_from_db()
    assert (Article.history.filter(id=story.pk).count(), story.version) == (rows, version)
    assert "\r" not in story.body


def test_one_paragraph_edited_is_the_whole_difference(editor_client):
    story = services.story_create(
        headline="柯城新闻",
        body=[("paragraph", block) for block in BODY.split("\n\n")],
        bylines=[("郑晨", "writer")],
        regions=[("330802", True)],
        photos=[{"caption": "图为活动现场。", "credits": [("许军", "person", "photographer")]}],
    )
    data = as_a_browser_sends(form_data(editor_client.get(change_url(story))))
    data["body"] = data["body"].replace("第二段，建德市发展产业。", "第二段，建德市发展新产业。")
    editor_client.post(change_url(story), {**data, "_continue": "1"})
    older, newer = Article.history.filter(id=story.pk).order_by("-history_id")[:2][::-1]
    assert [c.label for c in history.changes(older, newer)] == ["正文"]
    (change,) = history.changes(older, newer)
    assert change.lines == [("-", "第二段，建德市发展产业。"), ("+", "第二段，建德市发展新产业。")]

    response = editor_client.get(
        reverse("admin:archive_article_history_compare", args=[story.pk]),
        {"from": older.history_id, "to": newer.history_id},
    )
    text = visible_text(response)
    assert "第二段，建德市发展新产业。" in text
    assert "第一段" not in text and "第三段" not in text


def test_a_version_saved_with_crlf_before_tidying_compares_equal_to_its_text():
    story = ArticleFactory(body=BODY)
    old = Article.history.filter(id=story.pk).latest("history_id")
    Article.history.filter(history_id=old.history_id).update(body=BODY.replace("\n", "\r\n"))
    old.refresh_from_db()
    story.headline = "新标题"
    story.save()
    new = Article.history.filter(id=story.pk).latest("history_id")
    assert [c.label for c in history.changes(old, new)] == ["主标题"]


def test_a_save_that_changes_nothing_records_no_history_row_on_any_path():
    story = services.story_create(headline="柯城新闻", body=[("paragraph", "正文。")])
    rows = Article.history.filter(id=story.pk).count()
    services.story_save(story=Article.objects.get(pk=story.pk))
    assert Article.history.filter(id=story.pk).count() == rows


# --- the print date kept --------------------------------------------------------------------


def test_a_printed_story_published_from_the_admin_goes_out_on_its_print_day(editor_client):
    printed = ArticleFactory(draft=True, edition_date=datetime.date(2025, 1, 25))
    unprinted = ArticleFactory(draft=True, edition_date=None)
    before = timezone.now().replace(second=0, microsecond=0)  # kept to the minute
    publish_action(editor_client, printed, unprinted)
    printed.refresh_from_db()
    unprinted.refresh_from_db()
    assert printed.published_at == datetime.datetime(2025, 1, 25, 6, 0, tzinfo=SHANGHAI)
    assert before <= unprinted.published_at <= timezone.now()


def test_lists_and_feeds_place_a_printed_story_by_its_print_day(client, editor_client):
    recent = ArticleFactory(headline="昨天见报的新闻")
    old = ArticleFactory(
        draft=True, headline="二〇二五年的旧闻", edition_date=datetime.date(2025, 1, 25)
    )
    publish_action(editor_client, old)
    listed = visible_text(client.get("/stories/"))
    assert listed.index(recent.headline) < listed.index(old.headline)
    feed = client.get("/feeds/stories/").content.decode()
    assert feed.index(recent.headline) < feed.index(old.headline)


def test_a_story_for_tomorrows_paper_is_scheduled_for_its_morning(client, editor_client):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    story = ArticleFactory(draft=True, headline="明日见报的稿件", edition_date=tomorrow)
    publish_action(editor_client, story)
    story.refresh_from_db()
    assert story.status == Article.Status.PUBLISHED
    assert story.published_at == datetime.datetime.combine(
        tomorrow, datetime.time(6), tzinfo=SHANGHAI
    )
    assert client.get(story.get_absolute_url()).status_code == 404


def test_an_editors_own_publication_time_is_kept(editor_client):
    story = ArticleFactory(draft=True, edition_date=datetime.date(2025, 1, 25))
    chosen = datetime.datetime(2025, 1, 24, 21, 30, tzinfo=SHANGHAI)
    story.published_at = chosen
    story.save()
    publish_action(editor_client, story)
    story.refresh_from_db()
    assert story.published_at == chosen


def test_a_story_page_shows_the_print_day_once_and_another_publication_day_beside_it(client):
    printed = ArticleFactory(
        edition_date=datetime.date(2025, 1, 25),
        published_at=datetime.datetime(2025, 1, 25, 6, tzinfo=SHANGHAI),
    )
    meta = visible_text(client.get(printed.get_absolute_url()))
    assert "见报 2025年1月25日" in meta and "06:00" not in meta
    online_first = ArticleFactory(
        edition_date=datetime.date(2025, 1, 25),
        published_at=datetime.datetime(2025, 1, 24, 21, 30, tzinfo=SHANGHAI),
    )
    meta = visible_text(client.get(online_first.get_absolute_url()))
    assert "2025年1月24日 21:30" in meta and "见报 2025年1月25日" in meta


# --- credit roles that fit ------------------------------------------------------------------


def test_bylines_and_photo_credits_offer_their_own_roles_and_defaults(editor_client):
    story = full_story(bylines=1, photos=1)
    html = editor_client.get(change_url(story)).content.decode()
    selects = re.findall(r'<select name="([^"]*-role)"[^>]*>(.*?)</select>', html, re.S)
    offered = {
        name: (
            re.findall(r">([^<]*)</option>", options),
            re.search(r'value="(\w+)"[^>]*selected', options),
        )
        for name, options in selects
    }
    # The saved rows, the template of a new row, and of a new row in a new photo.
    assert set(offered) == {
        "credits-0-role",
        "credits-__prefix__-role",
        "photos-0-credits-0-role",
        "photos-0-credits-__prefix__-role",
        "photos-empty-credits-__prefix__-role",
    }
    for name, (labels, selected) in offered.items():
        if name.startswith("photos-"):
            assert labels == ["摄影", "图片提供"], name
            default = "photographer"
        else:
            assert labels == ["文字", "通讯员", "编辑", "翻译"], name
            default = "writer"
        if "__prefix__" in name:
            assert selected.group(1) == default, name


def test_a_byline_posted_with_a_photo_role_is_refused_and_nothing_saved(editor_client):
    story = full_story(bylines=1, photos=0)
    response = editor_client.get(change_url(story))
    data = form_data(response)
    prefix = inline_prefix(response, BylineInline)
    data[f"{prefix}-0-role"] = Credit.Role.PHOTOGRAPHER
    version = story.version
    response = editor_client.post(change_url(story), data)
    assert response.status_code == 200
    assert Credit.NOT_A_BYLINE_ROLE in visible_text(response)
    story.refresh_from_db()
    assert story.version == version
    assert list(story.credits.values_list("role", flat=True)) == [Credit.Role.WRITER]


def test_the_model_refuses_a_role_that_does_not_fit_what_it_credits():
    byline = BylineFactory()
    byline.role = Credit.Role.COURTESY
    with pytest.raises(ValidationError, match="稿件署名的角色"):
        byline.full_clean()
    photo_credit = full_story(bylines=0, photos=1).photos.get().credits.get()
    photo_credit.role = Credit.Role.WRITER
    with pytest.raises(ValidationError, match="图片署名的角色"):
        photo_credit.full_clean()


def test_a_photographer_named_in_a_printed_byline_is_credited_on_the_photos():
    story = services.story_create(
        headline="柯城新闻",
        body=[("paragraph", "正文。")],
        bylines=[("李丽", "writer"), ("项晨", "photographer")],
        photos=[{"caption": "图为活动现场。", "credits": []}],
    )
    assert [(c.contributor.name, c.role) for c in story.credits.all()] == [("李丽", "writer")]
    photo = story.photos.get()
    assert [(c.contributor.name, c.role) for c in photo.credits.all()] == [("项晨", "photographer")]
    without_photo = services.story_create(
        headline="建德新闻",
        body=[("paragraph", "正文。")],
        bylines=[("李丽", "writer"), ("项晨", "photographer")],
    )
    assert without_photo.byline == "李丽 项晨 摄"
    assert [c.role for c in without_photo.credits.all()] == ["writer"]
