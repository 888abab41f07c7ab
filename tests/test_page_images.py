"""Page images: scans of printed pages checked on upload, made into zoom tiles once, shown
with each public story's areas as links, downloadable as PDF; areas validated."""

import datetime
import io
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image
from pypdf import PdfReader, PdfWriter

from archive import demo
from archive.demo import page_image
from archive.models import Article, EditionPage, StoryArea, edition_pages, page_tiles
from tests.factories import ArticleFactory
from tests.helpers import add_inline_row, form_data, page

pytestmark = pytest.mark.django_db

DAY = datetime.date(2025, 1, 24)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Scans and tiles land in a temporary folder on disk, as on the server."""
    settings.MEDIA_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    return tmp_path


def stored_files(root) -> list:
    return [path for path in root.rglob("*") if path.is_file()]


def image_bytes(kind="PNG", size=(600, 900), colour=(250, 247, 238), **options) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, kind, **options)
    return out.getvalue()


def pdf_bytes(pages=1, size=(300, 450)) -> bytes:
    images = [Image.new("RGB", size, (255, 255, 255)) for _ in range(pages)]
    out = io.BytesIO()
    images[0].save(out, "PDF", save_all=True, append_images=images[1:], resolution=72)
    return out.getvalue()


def encrypted_pdf(user_password="") -> bytes:
    writer = PdfWriter(clone_from=io.BytesIO(pdf_bytes()))
    writer.encrypt(user_password=user_password, owner_password="owner", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def upload(content: bytes, name="page.pdf"):
    return SimpleUploadedFile(name, content)


def scanned_page(content=None, name="page.png", day=DAY, number=1, **kwargs) -> EditionPage:
    scan = upload(image_bytes() if content is None else content, name)
    edition_page = EditionPage(edition_date=day, page_number=number, scan=scan, **kwargs)
    edition_page.full_clean()
    edition_page.save()
    return edition_page


# Uploads ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, content",
    [
        ("page.pdf", pdf_bytes()),
        ("page.jpg", image_bytes("JPEG")),
        ("page.png", image_bytes("PNG")),
        ("page.tif", image_bytes("TIFF", compression="tiff_lzw")),
    ],
)
def test_a_scan_of_each_format_is_stored_with_its_image_tiles_and_pdf(media_root, name, content):
    scanned = scanned_page(content, name)
    assert scanned.width > 0 and scanned.height > 0
    assert scanned.image.name.endswith(".jpg")
    assert PdfReader(scanned.pdf.open("rb")).pages  # a PDF of one page
    folder = media_root / page_tiles.folder(scanned.image.name)
    assert (folder / "page.dzi").exists() and (folder / "preview.jpg").exists()
    top = len(page_tiles.levels(scanned.width, scanned.height)) - 1
    assert (folder / "page_files" / str(top) / "0_0.jpg").exists()


def test_a_pdf_page_is_rendered_at_300_dpi_and_kept_as_its_own_pdf():
    original = pdf_bytes(size=(300, 450))  # points: 300 × 450 at 72 dpi
    scanned = scanned_page(original, "page.pdf")
    assert scanned.width == 1250 and abs(scanned.height - 1875) <= 1
    assert scanned.pdf.name == scanned.scan.name
    assert scanned.pdf.open("rb").read() == original


@pytest.mark.parametrize(
    "content, name, code, words",
    [
        (pdf_bytes(pages=3), "three.pdf", "many_pages", "3 页"),
        (encrypted_pdf(), "locked.pdf", "encrypted_pdf", "已加密"),
        (encrypted_pdf("secret"), "password.pdf", "encrypted_pdf", "已加密"),
        (pdf_bytes()[:200], "cut.pdf", "not_a_page", "已损坏"),
        (b"%PDF-1.7\n" + b"\x00garbage" * 50, "garbage.pdf", "not_a_page", "已损坏"),
        (image_bytes("PNG")[:300], "cut.png", "not_a_page", "已损坏"),
        (b"GIF89a" + b"\x00" * 100, "page.gif", "not_a_page", "已损坏"),
        (b"", "empty.pdf", "not_a_page", "已损坏"),
    ],
)
def test_a_bad_scan_is_refused_with_the_reason_and_nothing_written(
    media_root, content, name, code, words
):
    with pytest.raises(ValidationError) as refused:
        scanned_page(content, name)
    (error,) = refused.value.error_dict["scan"]
    assert error.code == code
    assert words in " ".join(refused.value.messages)
    assert not EditionPage.objects.exists()
    assert stored_files(media_root) == []


def test_a_many_page_tiff_is_refused(media_root):
    out = io.BytesIO()
    frames = [Image.new("RGB", (100, 150)) for _ in range(2)]
    frames[0].save(out, "TIFF", save_all=True, append_images=frames[1:])
    with pytest.raises(ValidationError, match="有 2 页"):
        scanned_page(out.getvalue(), "two.tif")
    assert stored_files(media_root) == []


def test_oversized_scans_are_refused_before_reading(settings, media_root):
    settings.ARCHIVE_MAX_PAGE_SCAN_BYTES = 1000
    with pytest.raises(ValidationError, match="文件过大"):
        scanned_page(image_bytes("PNG", size=(2000, 3000), colour=(1, 2, 3)) + b"\0" * 2000)
    settings.ARCHIVE_MAX_PAGE_SCAN_BYTES = 10_000_000
    settings.ARCHIVE_MAX_PAGE_SCAN_PIXELS = 100_000
    with pytest.raises(ValidationError, match="图片过大"):
        scanned_page(image_bytes("PNG", size=(400, 400)))
    assert stored_files(media_root) == []


def test_a_large_pdf_page_is_rendered_within_the_pixel_limit(settings):
    settings.ARCHIVE_MAX_PAGE_SCAN_PIXELS = 1_000_000
    scanned = scanned_page(pdf_bytes(size=(842, 1191)), "a3.pdf")  # A3 in points
    assert scanned.width * scanned.height <= 1_000_000
    assert scanned.width > 500


def test_tiles_are_made_once_when_the_scan_is_saved(monkeypatch, media_root):
    made = []
    real = page_tiles.make_tiles
    monkeypatch.setattr(edition_pages, "make_tiles", lambda *a: made.append(a) or real(*a))
    scanned = scanned_page()
    files = stored_files(media_root)
    scanned.page_name = "要闻"
    scanned.save()  # the same scan: nothing is made again
    ArticleFactory(edition_date=DAY, page_number=1)
    monkeypatch.setattr(edition_pages, "make_tiles", lambda *a: pytest.fail("made on a view"))
    assert Client().get(reverse("archive:edition_page", args=[DAY, 1])).status_code == 200
    assert len(made) == 1
    assert sorted(stored_files(media_root)) == sorted(files)


# The admin ---------------------------------------------------------------------------------


def test_the_editor_uploads_a_scan_and_marks_areas_in_the_admin(admin_client, media_root):
    story = ArticleFactory(edition_date=DAY, page_number=1)
    ArticleFactory(edition_date=DAY + datetime.timedelta(days=1), page_number=1)
    add = reverse("admin:archive_editionpage_add")
    data = form_data(admin_client.get(add), "editionpage_form")
    data.update(edition_date="2025-01-24", page_number="1", page_name="要闻")
    data["scan"] = upload(image_bytes(), "scan.png")
    response = admin_client.post(add, data)
    assert response.status_code == 302, page(response)
    scanned = EditionPage.objects.get()
    change = reverse("admin:archive_editionpage_change", args=[scanned.pk])

    form = admin_client.get(change)
    assert 'class="page-area-drawer"' in page(form)
    assert "admin-page-areas.js" in page(form)
    data = form_data(form, "editionpage_form")
    data.pop("scan", None)
    add_inline_row(data, "areas", article=str(story.pk), x="0.1", y="0.2", width="0.5")
    data.update({"areas-0-height": "0.3", "areas-0-order": "0"})
    response = admin_client.post(change, data)
    assert response.status_code == 302, page(response)
    area = StoryArea.objects.get()
    assert (area.article, area.x, area.y, area.width, area.height) == (story, 0.1, 0.2, 0.5, 0.3)


def test_the_admin_refuses_a_bad_scan_with_the_reason(admin_client, media_root):
    add = reverse("admin:archive_editionpage_add")
    data = form_data(admin_client.get(add), "editionpage_form")
    data.update(edition_date="2025-01-24", page_number="1")
    data["scan"] = upload(encrypted_pdf(), "locked.pdf")
    response = admin_client.post(add, data)
    assert response.status_code == 200
    assert "这个 PDF 已加密" in page(response)
    assert not EditionPage.objects.exists()
    assert stored_files(media_root) == []


def test_the_admin_offers_only_that_days_stories(admin_client):
    scanned = scanned_page()
    today = ArticleFactory(edition_date=DAY, page_number=2)
    other = ArticleFactory(edition_date=DAY + datetime.timedelta(days=1))
    form = page(admin_client.get(reverse("admin:archive_editionpage_change", args=[scanned.pk])))
    empty_row = form[form.index('id="areas-empty"') :]
    assert f'value="{today.pk}"' in empty_row
    assert f'value="{other.pk}"' not in empty_row


# Areas ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "box, field",
    [
        ((0.6, 0.1, 0.5, 0.2), "x"),  # past the right edge
        ((0.1, 0.9, 0.2, 0.2), "x"),  # past the bottom
        ((0.1, 0.1, 0.0, 0.2), "width"),
        ((-0.1, 0.1, 0.2, 0.2), "x"),
        ((0.1, 0.1, 1.5, 0.2), "width"),
    ],
)
def test_an_area_outside_the_image_is_refused(box, field):
    scanned = scanned_page()
    story = ArticleFactory(edition_date=DAY, page_number=1)
    x, y, w, h = box
    area = StoryArea(page=scanned, article=story, x=x, y=y, width=w, height=h)
    with pytest.raises(ValidationError) as refused:
        area.full_clean()
    assert field in refused.value.error_dict


def test_an_area_for_another_days_story_is_refused():
    scanned = scanned_page()
    story = ArticleFactory(edition_date=DAY - datetime.timedelta(days=1), page_number=1)
    area = StoryArea(page=scanned, article=story, x=0.1, y=0.1, width=0.2, height=0.2)
    with pytest.raises(ValidationError, match="只能标出本日"):
        area.full_clean()


# Readers ---------------------------------------------------------------------------------


def page_with_areas(**story_kwargs):
    scanned = scanned_page(page_name="要闻")
    shown = ArticleFactory(edition_date=DAY, page_number=1, headline="柯城进入新赛道")
    StoryArea.objects.create(page=scanned, article=shown, x=0.05, y=0.1, width=0.9, height=0.4)
    StoryArea.objects.create(page=scanned, article=shown, x=0.05, y=0.5, width=0.4, height=0.1)
    return scanned, shown


def test_the_page_shows_the_viewer_the_plain_image_and_the_areas_as_links(client):
    scanned, story = page_with_areas()
    html = page(client.get(reverse("archive:edition_page", args=[DAY, 1])))
    tiles = scanned.tiles
    assert 'id="page-viewer"' in html and f'data-tiles="{tiles.tiles_url}"' in html
    assert re.search(rf'<img class="page-viewer__fallback" src="{tiles.preview_url}"', html)
    assert "vendor/openseadragon/openseadragon.min.js" in html
    links = re.findall(r'<a class="page-areas__link" href="([^"]+)"[^>]*>([^<]+)</a>', html)
    assert links == [(story.get_absolute_url(), "柯城进入新赛道")]  # one link, two areas
    assert 'data-areas="0.05000,0.10000,0.90000,0.40000;0.05000,0.50000,0.40000,0.10000"' in html
    assert reverse("archive:edition_page_pdf", args=[DAY, 1]) in html


@pytest.mark.parametrize("hidden", [{"draft": True}, {"scheduled": True}, {"status": "withdrawn"}])
def test_no_area_of_a_story_the_public_cannot_see_is_shown(client, hidden):
    scanned, shown = page_with_areas()
    secret = ArticleFactory(edition_date=DAY, page_number=1, headline="尚未发布的稿件", **hidden)
    StoryArea.objects.create(page=scanned, article=secret, x=0.5, y=0.5, width=0.4, height=0.4)
    html = page(client.get(reverse("archive:edition_page", args=[DAY, 1])))
    assert "尚未发布的稿件" not in html
    assert f'data-story="{secret.pk}"' not in html
    assert f'data-story="{shown.pk}"' in html


def test_a_page_without_a_scan_shows_no_viewer(client):
    ArticleFactory(edition_date=DAY, page_number=1)
    html = page(client.get(reverse("archive:edition_page", args=[DAY, 1])))
    assert "page-viewer" not in html and "openseadragon" not in html


def test_the_viewer_costs_the_same_queries_with_many_areas(client):
    scanned, _ = page_with_areas()
    url = reverse("archive:edition_page", args=[DAY, 1])
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(20):
        story = ArticleFactory(edition_date=DAY, page_number=1)
        StoryArea.objects.create(page=scanned, article=story, x=0, y=n / 40, width=1, height=0.02)
    with CaptureQueriesContext(connection) as many:
        html = page(client.get(url))
    assert html.count('class="page-areas__link"') == 21
    assert len(many) == len(few)


# PDF --------------------------------------------------------------------------------------


def test_the_page_pdf_is_the_original_pdf(client):
    original = pdf_bytes()
    scanned_page(original, "page.pdf")
    ArticleFactory(edition_date=DAY, page_number=1)
    response = client.get(reverse("archive:edition_page_pdf", args=[DAY, 1]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == original


def test_an_image_scan_downloads_as_a_one_page_pdf_of_the_same_pixels(client):
    scanned_page(image_bytes("PNG", size=(600, 900)), "page.png")
    ArticleFactory(edition_date=DAY, page_number=1)
    response = client.get(reverse("archive:edition_page_pdf", args=[DAY, 1]))
    reader = PdfReader(io.BytesIO(b"".join(response.streaming_content)))
    (pdf_page,) = reader.pages
    (embedded,) = pdf_page.images
    assert embedded.image.size == (600, 900)


def test_the_day_downloads_as_one_pdf_with_an_outline_by_page(client):
    for number, name in [(1, "要闻"), (2, "县域")]:
        scanned_page(pdf_bytes(), "page.pdf", number=number, page_name=name)
        ArticleFactory(edition_date=DAY, page_number=number)
    scanned_page(pdf_bytes(), "page.pdf", number=3)  # no public story: not in print
    ArticleFactory(edition_date=DAY, page_number=3, draft=True)
    response = client.get(reverse("archive:edition_day_pdf", args=[DAY]))
    assert response.status_code == 200
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) == 2
    assert [item.title for item in reader.outline] == ["第1版 要闻", "第2版 县域"]


def test_no_pdf_of_a_page_not_in_print(client):
    scanned_page(pdf_bytes(), "page.pdf")
    ArticleFactory(edition_date=DAY, page_number=1, draft=True)
    assert client.get(reverse("archive:edition_page_pdf", args=[DAY, 1])).status_code == 404
    assert client.get(reverse("archive:edition_day_pdf", args=[DAY])).status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        "/editions/2025-01-24/1/pdf/",  # in print, no scan
        "/editions/2025-01-24/2/pdf/",
        "/editions/2025-01-24/99999999999999999999/pdf/",
        "/editions/2025-02-30/1/pdf/",
        "/editions/2025-02-30/pdf/",
        "/editions/0000-01-01/pdf/",
        "/editions/9999-12-31/pdf/",
        "/editions/2025-01-24/-1/pdf/",
        "/editions/2025-01-24/1/pdf/?x=%00",
        "/editions/2025-01-24/1/?area=%00",
        "/editions/2025-01-24/1/?area=99999999999999999999999",
    ],
)
def test_malformed_addresses_answer_without_a_server_error(client, url):
    ArticleFactory(edition_date=DAY, page_number=1)
    assert client.get(url).status_code in (200, 404)


def test_a_missing_scan_file_is_a_404(client, media_root):
    scanned = scanned_page(pdf_bytes(), "page.pdf")
    ArticleFactory(edition_date=DAY, page_number=1)
    (media_root / scanned.pdf.name).unlink()
    assert client.get(reverse("archive:edition_page_pdf", args=[DAY, 1])).status_code == 404
    assert client.get(reverse("archive:edition_day_pdf", args=[DAY])).status_code == 404


def test_a_story_links_to_its_area_on_the_page_image(client):
    scanned, story = page_with_areas()
    html = page(client.get(story.get_absolute_url()))
    marked = reverse("archive:edition_page", args=[DAY, 1]) + f"?area={story.pk}"
    assert f'<a class="page-area-link" href="{marked}">在版面图上查看</a>' in html
    elsewhere = ArticleFactory(edition_date=DAY, page_number=1)  # on the page, no area
    assert "page-area-link" not in page(client.get(elsewhere.get_absolute_url()))
    story.status = "withdrawn"
    story.save()
    draft_area = StoryArea.objects.public().filter(page=scanned)
    assert not draft_area.exists()


def test_a_search_result_links_to_its_story_marked_on_the_page_image(client):
    scanned, story = page_with_areas()
    unmarked = ArticleFactory(edition_date=DAY, page_number=1, headline="柯城另一篇报道")
    url = reverse("archive:story_list")
    with CaptureQueriesContext(connection) as one:
        html = page(client.get(url, {"q": "柯城"}))
    marked = reverse("archive:edition_page", args=[DAY, 1]) + f"?area={story.pk}"
    links = re.findall(r'<a class="page-area-link" href="([^"]+)">在版面图上查看', html)
    assert links == [marked]
    assert unmarked.get_absolute_url() in html  # found, but marked on no page: no link
    # The viewer the link opens marks that story's areas.
    viewer = page(client.get(marked))
    assert f'data-story="{story.pk}"' in viewer and f'data-story="{unmarked.pk}"' not in viewer
    # One read gives every listed story its link, however many are marked.
    for n in range(5):
        other = ArticleFactory(edition_date=DAY, page_number=1, headline=f"柯城第{n}篇")
        StoryArea.objects.create(page=scanned, article=other, x=0, y=n / 10, width=1, height=0.05)
    with CaptureQueriesContext(connection) as six:
        html = page(client.get(url, {"q": "柯城"}))
    assert html.count('class="page-area-link"') == 6
    assert len(six) == len(one)


# The demo ---------------------------------------------------------------------------------


def test_the_demo_loads_its_page_image_with_both_stories_areas(client):
    if page_image.font_path(page_image.SERIF) is None:
        pytest.skip("没有 Noto CJK 字体（fonts-noto-cjk）：示例版面图不生成")
    call_command("load_demo", verbosity=0)
    scanned = EditionPage.objects.get()
    assert (scanned.edition_date, scanned.page_number) == (demo.EDITION_DATE, demo.PAGE_NUMBER)
    html = page(client.get(reverse("archive:edition_page", args=[demo.EDITION_DATE, 1])))
    assert html.count('class="page-areas__link"') == 2


def test_without_a_cjk_font_the_demo_has_no_page_image_and_says_so(monkeypatch):
    monkeypatch.setattr(page_image, "FONT_FOLDERS", [])
    page_image.draw.cache_clear()
    out = io.StringIO()
    try:
        call_command("load_demo", stdout=out)
    finally:
        page_image.draw.cache_clear()
    assert "没有中文字体" in out.getvalue()
    assert not EditionPage.objects.exists()
    assert Article.objects.filter(edition_date=demo.EDITION_DATE, page_number=1).count() == 2


def test_a_list_reads_its_stories_page_links_as_the_orm_finds_them():
    first = scanned_page(page_name="要闻")
    second = scanned_page(number=2, page_name="县域")
    on_two_pages = ArticleFactory(edition_date=DAY, page_number=1)
    StoryArea.objects.create(page=second, article=on_two_pages, x=0, y=0, width=1, height=0.2)
    StoryArea.objects.create(page=first, article=on_two_pages, x=0, y=0.5, width=1, height=0.2)
    on_one = ArticleFactory(edition_date=DAY, page_number=2)
    StoryArea.objects.create(page=second, article=on_one, x=0, y=0.5, width=1, height=0.2)
    hidden = ArticleFactory(edition_date=DAY, page_number=1, draft=True)
    StoryArea.objects.create(page=first, article=hidden, x=0, y=0.8, width=1, height=0.1)
    unmarked = ArticleFactory(edition_date=DAY, page_number=1)
    ids = [on_two_pages.pk, on_one.pk, hidden.pk, unmarked.pk]
    found = edition_pages.public_page_urls(ids)
    assert found == StoryArea.objects.public().page_urls(ids)
    assert found == {
        on_two_pages.pk: reverse("archive:edition_page", args=[DAY, 1])
        + f"?area={on_two_pages.pk}",
        on_one.pk: reverse("archive:edition_page", args=[DAY, 2]) + f"?area={on_one.pk}",
    }
    assert edition_pages.public_page_urls([]) == {}
