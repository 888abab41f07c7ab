"""An editor's journey through the admin in a real browser: the history records what
changed and nothing else, whatever line breaks the browser sends."""

import pytest
from django.contrib.auth.models import Permission

from archive.models import Article
from tests.browser.conftest import DESKTOP

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PASSWORD = "a-long-test-passphrase"


@pytest.fixture
def desk(browser, live_server, archive, django_user_model):
    """A desktop tab signed in, through the login form, as an editor. (Given the
    permissions, not the 编辑 role: a transactional test empties the tables the data
    migration filled, its roles included, and Django recreates only the permissions.)"""
    user = django_user_model.objects.create_user("zhengchen", password=PASSWORD, is_staff=True)
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="archive"))
    context = browser.new_context(locale="zh-CN", **DESKTOP)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/")
    yield page
    context.close()


def test_a_story_saved_unchanged_records_nothing_and_one_edited_paragraph_is_the_whole_diff(
    live_server, desk
):
    story = next(a for a in Article.objects.order_by("pk") if len(a.body_blocks()) >= 4)
    rows_before = Article.history.filter(id=story.pk).count()
    change_url = f"{live_server.url}/admin/archive/article/{story.pk}/change/"

    # Saved as loaded: the browser sends the body back with CRLF line breaks.
    desk.goto(change_url)
    desk.click("input[name=_continue]")
    desk.wait_for_selector(".messagelist")
    notes = " ".join(desk.locator(".messagelist").all_inner_texts())
    assert "内容没有变化" in notes and "成功修改" not in notes
    assert Article.history.filter(id=story.pk).count() == rows_before
    story.refresh_from_db()
    assert "\r" not in story.body

    # One paragraph edited in the textarea, as an editor types it.
    paragraphs = story.body.split("\n")
    third = next(
        i for i, line in enumerate(paragraphs) if i >= 2 and line.strip() and line[0] != "#"
    )
    old_text = paragraphs[third]
    new_text = old_text[: len(old_text) // 2] + "（本段经编辑改写）"
    desk.goto(change_url)
    body = desk.locator("#id_body")
    typed = body.input_value().replace(old_text, new_text)
    assert typed != body.input_value()
    body.fill(typed)
    desk.click("input[name=_continue]")
    desk.wait_for_selector(".messagelist")
    assert Article.history.filter(id=story.pk).count() == rows_before + 1

    # The history lists the change as 正文; the compare view shows that paragraph alone.
    desk.goto(f"{change_url.removesuffix('change/')}history/")
    assert "正文" in desk.locator("#change-history tbody tr").first.inner_text()
    desk.click("#change-history ~ p input[type=submit], input[value='比较所选的两个版本']")
    desk.wait_for_url("**/history/compare/**")
    removed = desk.locator("table.diff del").all_inner_texts()
    added = desk.locator("table.diff ins").all_inner_texts()
    assert [text.strip() for text in removed] == [old_text.strip()]
    assert [text.strip() for text in added] == [new_text.strip()]
    assert desk.locator("table.diff tbody th").all_inner_texts() == ["正文"]
