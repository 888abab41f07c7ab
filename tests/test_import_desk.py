"""The import desk keeps what the editor typed and what the importer found (issue 20):
the date and page survive the preview in any browser locale; the page's printed date and
page fill an import given none; the parser's warnings are kept with the import and on
each draft's form until an editor marks them checked; the preview names roles in
Chinese; ``import_page`` refuses a bad ``--page`` or ``--date`` in one line."""

import datetime
import io
import re

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from archive.editorial import history, services
from archive.ingest import source
from archive.ingest.page import Page, Story
from archive.models import Article, Credit, PageImport
from tests import commands
from tests.helpers import change_url, form_data, page
from tests.sample_page import PAGE

pytestmark = pytest.mark.django_db

IMPORT_URL = reverse("admin:archive_pageimport_add")

# A page as OCR gives it, with its header: paper, date, weekday, page, page name. Its
# stories credit a writer, a correspondent, an editor, a translator, a photographer and
# an organisation that provided a photo.
PRINTED = """浙江日报 1998年5月1日 星期五 第3版 要闻

萧山市：乡镇企业产值再创新高

本报记者 王明 通讯员 李华 编辑 赵刚

今年一季度，萧山市乡镇企业产值同比增长两成。萧山市有关部门负责人表示，全年有望保持增长。

企业车间里工人正在忙碌。

许军 摄

德国专家谈萧山制造

汉斯·穆勒 文 张丽 译

萧山市的工厂让我印象深刻，这里的工人技术熟练，产品质量稳定。



穆勒在车间参观。

（图片由萧山市委宣传部提供）
"""
PRINTED_ON = datetime.date(1998, 5, 1)
DATE_DIFFERS = "版面印的日期是1998年5月1日，与填写的见报日期1998年5月2日不同，以填写的日期为准。"
PAGE_DIFFERS = "版面印的版次是第3版，与填写的版次第4版不同，以填写的版次为准。"
# The sample page's Jiande story opens with 另外: its start is probably on another page.
OPENING_ELSEWHERE = "开头可能在别的版面"
JIANDE = "建德：以担当之“为”换高质量发展之“能”"


def editions(record: PageImport) -> set[tuple]:
    """(edition date, page) of the record and of each of its drafts."""
    drafts = {(a.edition_date, a.page_number) for a in record.articles.all()}
    return drafts | {(record.edition_date, record.page_number)}


def preview_section(response) -> str:
    (section,) = re.findall(r'<section class="import-preview".*?</section>', page(response), re.S)
    return section


# --- 1. the date and page survive the preview ------------------------------------------------


@pytest.mark.parametrize(
    "language", ["zh-hans", "en", "en-gb", "de"], ids=["zh", "en-us", "en-gb", "de"]
)
def test_the_date_and_page_survive_the_preview_in_any_browser_locale(
    editor_client, settings, language
):
    # Each locale's own date format (2025/01/25, 1/25/2025, 25/01/2025, 25.01.2025) is
    # one that a date input cannot show: it would come back empty.
    settings.LANGUAGES = [
        ("zh-hans", "简体中文"),
        ("en", "English"),
        ("en-gb", "British"),
        ("de", "Deutsch"),
    ]
    browser = {"HTTP_ACCEPT_LANGUAGE": language}
    text = PAGE.read_text(encoding="utf-8")
    preview = editor_client.post(
        IMPORT_URL,
        {"text": text, "edition_date": "2025-01-25", "page_number": "3", "_preview": "预览"},
        **browser,
    )
    assert '<input type="date" name="edition_date" value="2025-01-25"' in page(preview)
    submitted = form_data(preview, "pageimport_form")
    assert (submitted["edition_date"], submitted["page_number"]) == ("2025-01-25", "3")
    assert submitted["text"] == text.strip()  # as the form read it

    response = editor_client.post(IMPORT_URL, {**submitted, "_import": "导入为草稿"}, **browser)
    assert response.status_code == 302
    assert editions(PageImport.objects.get()) == {(datetime.date(2025, 1, 25), 3)}


def test_no_date_or_page_typed_stays_empty_after_the_preview(editor_client):
    preview = editor_client.post(IMPORT_URL, {"text": PRINTED, "_preview": "预览"})
    submitted = form_data(preview, "pageimport_form")
    assert (submitted["edition_date"], submitted["page_number"]) == ("", "")


# --- 2. printed date and page fill the import -------------------------------------------------


def test_a_page_printing_its_date_and_page_fills_an_import_given_neither():
    record = services.page_import(text=PRINTED)
    assert editions(record) == {(PRINTED_ON, 3)}
    # Its places are read against the divisions of 1998: 萧山市, not today's 萧山区.
    regions = {r.region.code for a in record.articles.all() for r in a.article_regions.all()}
    assert regions == {"330181"}
    assert record.warnings["page"] == []


def test_a_given_date_and_page_win_and_a_disagreement_is_a_warning_kept_with_the_drafts():
    given = datetime.date(1998, 5, 2)
    record = services.page_import(text=PRINTED, edition_date=given, page_number=4)
    assert editions(record) == {(given, 4)}
    assert record.warnings["page"] == [DATE_DIFFERS, PAGE_DIFFERS]
    for article in record.articles.all():
        assert f"本版：{DATE_DIFFERS}" in article.import_warnings
        assert f"本版：{PAGE_DIFFERS}" in article.import_warnings


def test_a_given_date_that_agrees_with_the_print_is_no_warning():
    record = services.page_import(text=PRINTED, edition_date=PRINTED_ON, page_number=3)
    assert record.warnings["page"] == []
    assert all(a.import_warnings == [] for a in record.articles.all())


def test_the_preview_says_the_date_and_page_come_from_the_print_and_imports_them(editor_client):
    preview = editor_client.post(IMPORT_URL, {"text": PRINTED, "_preview": "预览"})
    shown = preview_section(preview)
    assert "见报日期：1998年5月1日（按版面所印）" in shown
    assert "版次：第3版（按版面所印）" in shown
    assert "地区按 1998 年的行政区划认定" in shown
    response = editor_client.post(
        IMPORT_URL, {**form_data(preview, "pageimport_form"), "_import": "导入为草稿"}
    )
    assert response.status_code == 302
    assert editions(PageImport.objects.get()) == {(PRINTED_ON, 3)}


def test_the_preview_shows_a_disagreement_with_the_print(editor_client):
    preview = editor_client.post(
        IMPORT_URL,
        {"text": PRINTED, "edition_date": "1998-05-02", "page_number": "4", "_preview": "预览"},
    )
    shown = preview_section(preview)
    assert DATE_DIFFERS in shown and PAGE_DIFFERS in shown
    assert "见报日期：1998年5月2日；" in shown


def test_the_command_fills_the_date_and_page_from_the_print(tmp_path):
    path = tmp_path / "page.txt"
    path.write_text(PRINTED, encoding="utf-8")
    out = io.StringIO()
    call_command("import_page", str(path), stdout=out, stderr=io.StringIO())
    assert "见报日期：1998-05-01（版面所印）；版次：第3版（版面所印）" in out.getvalue()
    assert editions(PageImport.objects.get()) == {(PRINTED_ON, 3)}


# --- 3. warnings kept with the import and on each draft ---------------------------------------


def test_an_import_keeps_the_parsers_warnings_with_the_record_and_each_draft():
    record = services.page_import(text=PAGE.read_text(encoding="utf-8"))
    kept = {story["headline"]: story["warnings"] for story in record.warnings["stories"]}
    assert any(OPENING_ELSEWHERE in w for w in kept[JIANDE])
    for article in record.articles.all():
        assert article.import_warnings == kept.get(article.headline, [])
        assert article.import_checked_at is None


def test_a_drafts_warnings_are_its_storys_then_the_pages_and_its_unplaced_text():
    page = Page(
        stories=[Story("柯城：进入新赛道", warnings=["正文以“另外”开头：开头可能在别的版面。"])],
        unplaced=["（图片由某某提供）", "孤零零的一行"],
        warnings=[DATE_DIFFERS],
    )
    assert services._draft_warnings(page, page.stories[0]) == [
        "正文以“另外”开头：开头可能在别的版面。",
        f"本版：{DATE_DIFFERS}",
        "本版有 2 段文字未归入任何报道（见导入记录），请核对是否属于本篇。",
    ]


def test_a_drafts_form_lists_its_import_warnings_until_an_editor_marks_them_checked(
    editor_client, editor
):
    record = services.page_import(text=PAGE.read_text(encoding="utf-8"), user=editor)
    article = record.articles.get(headline=JIANDE)
    (warning,) = article.import_warnings
    url = change_url(article)

    form = editor_client.get(url)
    assert 'id="import-warnings"' in page(form) and warning in page(form)
    assert "已核对导入提示" in page(form)

    # Saved without the tick, the warnings stay.
    assert editor_client.post(url, form_data(form)).status_code == 302
    form = editor_client.get(url)
    assert warning in page(form)

    assert editor_client.post(url, {**form_data(form), "import_checked": "on"}).status_code == 302
    article.refresh_from_db()
    assert article.import_checked_by == editor and article.import_checked_at is not None
    assert article.import_warnings == [warning]  # recorded, no longer shown
    form = editor_client.get(url)
    assert 'id="import-warnings"' not in page(form) and warning not in page(form)
    assert "1 条，bianji 于" in page(form)


def test_checking_the_warnings_is_a_save_in_history_that_changes_no_content(editor_client, editor):
    record = services.page_import(text=PAGE.read_text(encoding="utf-8"), user=editor)
    article = record.articles.get(headline=JIANDE)
    form = editor_client.get(change_url(article))
    editor_client.post(change_url(article), {**form_data(form), "import_checked": "on"})
    before, checked = Article.history.filter(id=article.pk).order_by("history_date")[:2]
    assert checked.history_change_reason == "核对导入提示"
    assert history.changes(before, checked) == []
    tracked = {f.name for f in Article.history.model._meta.fields}
    assert not tracked & {"import_warnings", "import_checked_by", "import_checked_at"}


def test_a_story_without_import_warnings_has_no_box_to_check(editor_client):
    record = services.page_import(text=PRINTED, edition_date=PRINTED_ON)
    form = editor_client.get(change_url(record.articles.first()))
    assert 'id="import-warnings"' not in page(form)


def test_the_page_import_record_shows_its_warnings(editor_client):
    record = services.page_import(text=PRINTED, edition_date=datetime.date(1998, 5, 2))
    shown = page(editor_client.get(reverse("admin:archive_pageimport_change", args=[record.pk])))
    assert DATE_DIFFERS in shown


def test_the_import_message_says_which_drafts_have_warnings(editor_client):
    text = PAGE.read_text(encoding="utf-8")
    response = editor_client.post(IMPORT_URL, {"text": text, "_import": "导入为草稿"}, follow=True)
    noted = sum(1 for a in PageImport.objects.get().articles.all() if a.import_warnings)
    assert noted and f"其中 {noted} 篇有导入提示，列在稿件页面顶部" in page(response)


# --- 4. the preview speaks Chinese ----------------------------------------------------------


def test_the_preview_names_every_role_in_chinese(editor_client):
    preview = editor_client.post(IMPORT_URL, {"text": PRINTED, "_preview": "预览"})
    shown = preview_section(preview)
    for code, label in Credit.Role.choices:
        assert code not in shown
        assert f"（{label}）" in shown
    assert "王明（文字）、李华（通讯员）、赵刚（编辑）" in shown
    assert "萧山市委宣传部（图片提供）" in shown


# --- 5. the command and the form validate the date and page --------------------------------


@pytest.mark.parametrize(
    ("option", "value", "reason"),
    [
        ("--page", "32768", "版次应为 1 到 999 之间的整数"),
        ("--page", "1000", "版次应为 1 到 999 之间的整数"),
        ("--page", "0", "版次应为 1 到 999 之间的整数"),
        ("--page", "三", "版次应为 1 到 999 之间的整数"),
        ("--date", "2025-02-30", "不是有效的日期"),
        ("--date", "24/01/2025", "不是有效的日期"),
    ],
)
def test_the_command_refuses_a_bad_page_or_date_in_one_line_with_status_2(option, value, reason):
    done = commands.manage(
        "import_page",
        str(PAGE),
        option,
        value,
        env={"DJANGO_SETTINGS_MODULE": "config.settings.test"},
    )
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert reason in done.stderr and value in done.stderr


def test_called_from_code_a_bad_page_is_a_command_error_and_writes_nothing():
    with pytest.raises(CommandError, match="版次应为 1 到 999"):
        call_command("import_page", str(PAGE), "--page", "32768", stdout=io.StringIO())
    assert not PageImport.objects.exists() and not Article.objects.exists()


@pytest.mark.parametrize("number", ["0", "1000", "32768"])
def test_the_import_form_refuses_a_page_out_of_range_and_writes_nothing(editor_client, number):
    text = PAGE.read_text(encoding="utf-8")
    response = editor_client.post(
        IMPORT_URL, {"text": text, "page_number": number, "_import": "导入为草稿"}
    )
    assert response.status_code == 200
    assert "errorlist" in page(response)
    assert not PageImport.objects.exists() and not Article.objects.exists()


def test_the_story_form_takes_the_same_page_range(editor_client):
    record = services.page_import(text=PRINTED)
    article = record.articles.first()
    form = editor_client.get(change_url(article))
    response = editor_client.post(change_url(article), {**form_data(form), "page_number": "1000"})
    assert response.status_code == 200
    assert "999" in page(response)
    article.refresh_from_db()
    assert article.page_number == 3


# --- 6. a page too long to parse ------------------------------------------------------------


def too_long() -> str:
    """The sample page with a column of one-line paragraphs past the bound."""
    return PAGE.read_text(encoding="utf-8") + "\n建德市洋溪街道新增一家企业。" * source.MAX_LINES


def test_the_command_refuses_a_page_too_long_to_parse_with_its_reason(tmp_path):
    path = tmp_path / "page.txt"
    path.write_text(too_long(), encoding="utf-8")
    with pytest.raises(CommandError, match=f"超过 {source.MAX_LINES} 行的上限"):
        call_command("import_page", str(path), stdout=io.StringIO(), stderr=io.StringIO())
    assert not PageImport.objects.exists() and not Article.objects.exists()


@pytest.mark.parametrize("how", ["pasted", "uploaded"])
def test_the_admin_refuses_a_page_too_long_to_parse_as_a_form_error(editor_client, how):
    text = too_long()
    if how == "pasted":
        data = {"text": text}
    else:
        data = {"upload": io.BytesIO(text.encode())}
        data["upload"].name = "page.txt"
    for button in ("_preview", "_import"):
        response = editor_client.post(IMPORT_URL, {**data, button: "1"})
        if how == "uploaded":
            data["upload"].seek(0)
        assert response.status_code == 200
        assert f"超过 {source.MAX_LINES} 行的上限" in page(response)
    assert not PageImport.objects.exists() and not Article.objects.exists()


def test_a_reporter_sent_to_the_import_screen_is_refused_in_chinese(member):
    _user, client = member("jizhe", "记者")
    response = client.get(reverse("admin:archive_pageimport_add"))
    assert response.status_code == 403
    page = response.content.decode()
    assert 'lang="zh-Hans"' in page and "没有权限" in page and "Forbidden" not in page


def test_a_page_number_out_of_range_is_named_in_the_error(editor_client):
    response = editor_client.post(
        reverse("admin:archive_pageimport_add"),
        {"text": "柯城：新赛道\n\n郑晨\n\n柯城区今年新增项目17个。\n", "page_number": "1000"},
    )
    assert "版次应在 1 到 999 之间。" in response.content.decode()
