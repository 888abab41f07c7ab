"""Importing a page: the import_page command and the admin's import screen."""

import datetime
import io
import json

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from PIL import Image

from archive.models import Article, Contributor, Credit, EditionPage, PageImport, Photo, Section
from tests.sample_page import BANNER, PAGE, STORIES

pytestmark = pytest.mark.django_db

IMPORT_URL = reverse("admin:archive_pageimport_add")
NO_STORY = "这是一段没有标题也没有署名的文字，只是一句话。\n\n又一句话，也没有标题。\n"


def snapshot():
    """What an import could change."""
    return (
        Article.objects.count(),
        Contributor.objects.count(),
        Photo.objects.count(),
        Credit.objects.count(),
        Section.objects.count(),
        PageImport.objects.count(),
    )


def run(*args) -> str:
    out = io.StringIO()
    call_command("import_page", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


# --- the command ---------------------------------------------------------------------


def test_dry_run_json_prints_the_sample_page_exactly_and_writes_nothing():
    before = snapshot()
    data = json.loads(run(str(PAGE), "--dry-run", "--json"))
    assert snapshot() == before
    assert data["banner"] == BANNER and data["unplaced"] == []
    for article, expected in zip(data["articles"], STORIES, strict=True):
        assert article["kicker"] == expected["kicker"]
        assert article["headline"] == expected["headline"]
        assert article["subtitle"] == expected["subtitle"]
        assert [(c["name"], c["role"]) for c in article["contributors"]] == expected["bylines"]
        assert [
            (p["caption"], [(c["name"], c["kind"], c["role"]) for c in p["credits"]])
            for p in article["photos"]
        ] == [(p["caption"], p["credits"]) for p in expected["photos"]]
        assert [(b["type"], b["text"]) for b in article["body"]] == expected["body"]
        assert [(r["code"], r["primary"]) for r in article["regions"]] == expected["regions"]
    assert any("另外" in w for w in data["articles"][1]["warnings"])


def test_import_creates_drafts_with_edition_reusing_existing_contributors_and_section():
    photographer = Contributor.objects.create(name="许军")
    section = Section.objects.create(name=BANNER)
    run(str(PAGE), "--date", "2025-01-24", "--page", "3")
    record = PageImport.objects.get()
    articles = list(record.articles.order_by("pk"))
    assert [a.headline for a in articles] == [s["headline"] for s in STORIES]
    assert {a.status for a in articles} == {Article.Status.DRAFT}
    assert {(a.section_id, str(a.edition_date), a.page_number) for a in articles} == {
        (section.pk, "2025-01-24", 3)
    }
    assert Contributor.objects.filter(name="许军").get() == photographer
    assert Credit.objects.filter(contributor=photographer).count() == 2
    assert Contributor.objects.get(name="建德市洋溪街道").kind == Contributor.Kind.ORGANISATION


def test_importing_the_same_page_again_reports_it_and_changes_nothing():
    run(str(PAGE))
    before = snapshot()
    err = io.StringIO()
    call_command("import_page", str(PAGE), stdout=io.StringIO(), stderr=err)
    assert "已经导入过" in err.getvalue()
    assert snapshot() == before


def test_drafts_from_an_import_stay_off_the_public_site(client):
    run(str(PAGE))
    listing = client.get(reverse("archive:story_list")).content.decode()
    found = client.get(reverse("archive:story_list"), {"q": "柯城"}).content.decode()
    for story in STORIES:
        assert story["headline"] not in listing
        assert story["headline"] not in found


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "内容为空"),
        (b"   \n\n  \n", "内容为空"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "二进制"),
        ("柯城：进入新赛道\n\n郑晨\n\n正文。".encode("gb18030"), "不是 UTF-8"),
        ("Caf\xe9 cr\xe8me br\xfbl\xe9e\n".encode("latin-1"), "不是 UTF-8"),
        (NO_STORY.encode(), "没有找到任何报道"),
        (b"Just some English text without any headline.\n", "没有找到任何报道"),
    ],
    ids=["empty", "blank", "binary", "gbk", "latin-1", "no-headline", "ascii"],
)
def test_malformed_input_exits_non_zero_says_why_and_writes_nothing(tmp_path, content, reason):
    path = tmp_path / "page.txt"
    path.write_bytes(content)
    before = snapshot()
    with pytest.raises(CommandError, match=reason):
        run(str(path))
    assert snapshot() == before


def test_a_missing_file_or_bad_option_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="无法读取"):
        run(str(tmp_path / "missing.txt"))
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        run(str(PAGE), "--date", "24/01/2025")
    assert PageImport.objects.count() == 0


# --- the admin screen ------------------------------------------------------------------


def test_editor_previews_then_imports_and_lands_on_the_new_drafts(editor_client):
    text = PAGE.read_text(encoding="utf-8")
    before = snapshot()
    preview = editor_client.post(IMPORT_URL, {"text": text, "_preview": "预览"})
    assert preview.status_code == 200
    page = preview.content.decode()
    for story in STORIES:
        assert story["headline"] in page
    assert "开头可能在别的版面" in page  # the Jiande story's warning
    assert snapshot() == before  # a preview writes nothing

    response = editor_client.post(
        IMPORT_URL, {"text": text, "edition_date": "2025-01-24", "_import": "导入为草稿"}
    )
    record = PageImport.objects.get()
    assert response.status_code == 302
    assert response["Location"].endswith(f"?page_import={record.pk}")
    landing = editor_client.get(response["Location"]).content.decode()
    for article in record.articles.all():
        assert reverse("admin:archive_article_change", args=[article.pk]) in landing
    assert record.created_by.username == "bianji"
    assert {a.status for a in record.articles.all()} == {Article.Status.DRAFT}


def test_an_uploaded_file_is_imported_like_pasted_text(editor_client):
    with PAGE.open("rb") as upload:
        response = editor_client.post(IMPORT_URL, {"upload": upload, "_import": "导入为草稿"})
    assert response.status_code == 302
    assert PageImport.objects.get().articles.count() == len(STORIES)


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("Caf\xe9\n".encode("latin-1"), "不是 UTF-8"),
        (b"\x00\x01\x02binary", "二进制"),
        (NO_STORY.encode(), "没有找到任何报道"),
    ],
)
def test_a_bad_upload_is_a_form_error_and_writes_nothing(editor_client, content, reason):
    before = snapshot()
    upload = io.BytesIO(content)
    upload.name = "page.txt"
    response = editor_client.post(IMPORT_URL, {"upload": upload, "_import": "导入为草稿"})
    assert response.status_code == 200
    assert reason in response.content.decode()
    assert snapshot() == before


def test_the_same_page_twice_in_the_admin_is_refused_with_nothing_changed(editor_client):
    text = PAGE.read_text(encoding="utf-8")
    editor_client.post(IMPORT_URL, {"text": text, "_import": "导入为草稿"})
    before = snapshot()
    response = editor_client.post(IMPORT_URL, {"text": text, "_import": "导入为草稿"})
    assert response.status_code == 200
    assert "已经导入过" in response.content.decode()
    assert snapshot() == before


def test_editors_without_the_import_permission_neither_see_nor_use_the_screen(client, editor):
    editor.user_permissions.remove(
        Permission.objects.get(codename="add_pageimport", content_type__app_label="archive")
    )
    client.force_login(editor)
    assert IMPORT_URL not in client.get(reverse("admin:index")).content.decode()
    before = snapshot()
    text = PAGE.read_text(encoding="utf-8")
    response = client.post(IMPORT_URL, {"text": text, "_import": "导入为草稿"})
    assert response.status_code == 403
    assert snapshot() == before


def test_the_import_screen_is_offered_to_editors_with_the_permission(editor_client):
    assert IMPORT_URL in editor_client.get(reverse("admin:index")).content.decode()
    assert editor_client.get(IMPORT_URL).status_code == 200


def test_a_malformed_page_import_filter_lists_nothing_rather_than_failing(editor_client):
    response = editor_client.get(reverse("admin:archive_article_changelist"), {"page_import": "x"})
    assert response.status_code == 200


# --- the page's scan, filed with its stories ----------------------------------------------


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    return tmp_path


def scan_file(content: bytes | None = None, name="page-1.png"):
    if content is None:
        out = io.BytesIO()
        Image.new("RGB", (400, 600), (250, 247, 238)).save(out, "PNG")
        content = out.getvalue()
    return SimpleUploadedFile(name, content)


def import_with_scan(client, scan, **fields):
    data = {"text": PAGE.read_text(encoding="utf-8"), "_import": "导入为草稿", "scan": scan}
    return client.post(IMPORT_URL, {**data, **fields})


def test_the_preview_offers_the_scan_beside_the_import_button(editor_client):
    first = editor_client.get(IMPORT_URL).content.decode()
    assert 'name="scan"' not in first  # a file input cannot be carried to the next step
    text = PAGE.read_text(encoding="utf-8")
    preview = editor_client.post(IMPORT_URL, {"text": text, "_preview": "预览"}).content.decode()
    assert 'type="file" name="scan"' in preview and "版面文件（可选）" in preview


def test_a_scan_imported_with_the_page_becomes_its_page_image(editor_client, media_root):
    response = import_with_scan(
        editor_client, scan_file(), edition_date="2025-01-24", page_number="3"
    )
    assert response.status_code == 302
    record = PageImport.objects.get()
    page_image = EditionPage.objects.get()
    assert (page_image.edition_date, page_image.page_number) == (datetime.date(2025, 1, 24), 3)
    assert page_image.page_name == BANNER
    assert (page_image.width, page_image.height) == (400, 600)
    assert len(list(media_root.rglob("page.dzi"))) == 1  # its tiles, made on the way
    assert {a.page_number for a in record.articles.all()} == {3}
    landing = editor_client.get(response["Location"]).content.decode()
    change = reverse("admin:archive_editionpage_change", args=[page_image.pk])
    assert f'<a href="{change}">在版面图上画出各篇报道的区域</a>' in landing
    # The editor marks the stories there: the day's stories are offered.
    form = editor_client.get(change).content.decode()
    for article in record.articles.all():
        assert f'<option value="{article.pk}">' in form


@pytest.mark.parametrize(
    ("scan", "fields", "reason"),
    [
        (b"%PDF-1.4 not really", {"page_number": "3"}, "版面文件不能使用"),
        (None, {}, "需要见报日期和版次"),  # the sample prints no page number
    ],
)
def test_a_refused_scan_writes_nothing_and_shows_the_preview_again(
    editor_client, media_root, scan, fields, reason
):
    before = snapshot()
    response = import_with_scan(
        editor_client, scan_file(scan), **{"edition_date": "2025-01-24", **fields}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert reason in html
    assert 'name="_import"' in html and STORIES[0]["headline"] in html  # choose another file
    assert snapshot() == before
    assert not EditionPage.objects.exists()
    assert not [path for path in media_root.rglob("*") if path.is_file()]


def test_a_page_that_has_its_image_already_is_refused_with_nothing_written(
    editor_client, media_root
):
    EditionPage.objects.create(
        edition_date=datetime.date(2025, 1, 24), page_number=3, scan=scan_file()
    )
    before = snapshot()
    response = import_with_scan(
        editor_client, scan_file(), edition_date="2025-01-24", page_number="3"
    )
    assert "2025年1月24日第3版已有版面图" in response.content.decode()
    assert snapshot() == before
    assert EditionPage.objects.count() == 1


def test_an_editor_who_may_not_add_page_images_imports_the_text_only(editor_client, editor):
    editor.user_permissions.remove(
        Permission.objects.get(codename="add_editionpage", content_type__app_label="archive")
    )
    text = PAGE.read_text(encoding="utf-8")
    preview = editor_client.post(IMPORT_URL, {"text": text, "_preview": "预览"}).content.decode()
    assert 'name="scan"' not in preview
    response = import_with_scan(editor_client, scan_file(), page_number="3")
    assert response.status_code == 302  # the file is not a field of this form: ignored
    assert PageImport.objects.exists() and not EditionPage.objects.exists()
