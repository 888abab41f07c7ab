"""Photo uploads: real images only, within limits, stored upright and without location data."""

import io
import re
import struct
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import ExifTags, Image, ImageCms, ImageFile

from archive.admin.stories import ArticleRegionInline, PhotoInline
from archive.models import Photo, Region, uploads
from tests.factories import PhotoFactory, full_story
from tests.helpers import CHANGELIST, add_inline_row, change_url, form_data, inline_prefix

pytestmark = pytest.mark.django_db

GPS_INFO = ExifTags.IFD.GPSInfo  # tag 34853
ORIENTATION = ExifTags.Base.Orientation
BLUE, RED = (0, 0, 255), (255, 0, 0)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Uploads land in a temporary folder on disk, as they would on the server."""
    settings.MEDIA_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    return tmp_path


def stored_files(root) -> list:
    return [path for path in root.rglob("*") if path.is_file()]


# --- files an editor might upload -----------------------------------------------------------


def encoded(image: Image.Image, kind: str, **options) -> bytes:
    out = io.BytesIO()
    image.save(out, kind, **options)
    return out.getvalue()


def phone_photo() -> bytes:
    """A 600×400 JPEG as a phone writes it when held upright: stored sideways with
    orientation 6 ("turn 90° clockwise"), the place it was taken, and a comment.
    Its left half is blue, so once turned upright its top half is."""
    image = Image.new("RGB", (600, 400), RED)
    image.paste(BLUE, (0, 0, 300, 400))
    exif = Image.Exif()
    exif[ORIENTATION] = 6
    exif[ExifTags.Base.Make] = "Xiaomi"
    gps = exif.get_ifd(GPS_INFO)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (28.0, 58.0, 12.0)  # 柯城区
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (118.0, 52.0, 30.0)
    return encoded(image, "JPEG", exif=exif, quality=95, comment=b"IMG_20250101")


def detailed_jpeg() -> bytes:
    """A JPEG with enough picture data that cutting it short loses pixels, not headers."""
    image = Image.effect_mandelbrot((800, 600), (-2, -1.2, 1, 1.2), 60).convert("RGB")
    return encoded(image, "JPEG", quality=90)


def png_bomb(width: int, height: int) -> bytes:
    """A black-and-white PNG of ``width``×``height`` pixels of one colour: kilobytes on
    disk, hundreds of megabytes once decoded."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    compressor = zlib.compressobj(9)
    row = bytes(1 + (width + 7) // 8)  # filter byte, then one bit per pixel
    pixels = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)  # 1-bit greyscale
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def messages(error: ValidationError) -> str:
    return " ".join(error.messages)


@pytest.fixture
def no_decoding(monkeypatch):
    """Fails the test if any image's pixels are decoded."""

    def refuse(self):
        raise AssertionError("the image was decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", refuse)


# --- the story form: a photo added in the story's inline --------------------------------------


def add_photo_row(response, data: dict, story, image: SimpleUploadedFile, caption: str) -> int:
    """Fill a new photo row, with its (empty) nested credits, as "add another" would."""
    prefix = inline_prefix(response, PhotoInline)
    row = int(data[f"{prefix}-TOTAL_FORMS"])
    # After the last photo, as nested-admin's script numbers a new row.
    order = 1 + max(int(data[f"{prefix}-{i}-order"]) for i in range(row))
    add_inline_row(data, prefix, article=story.pk, caption=caption, order=order)
    data[f"{prefix}-{row}-image"] = image
    for field, value in (("TOTAL", 0), ("INITIAL", 0), ("MIN_NUM", 0), ("MAX_NUM", 1000)):
        data[f"{prefix}-{row}-credits-{field}_FORMS"] = str(value)
    return row


def image_errors(response, row: int) -> list[str]:
    """The errors shown with the image field of the story form's photo ``row``."""
    formset = next(
        inline.formset
        for inline in response.context["inline_admin_formsets"]
        if isinstance(inline.opts, PhotoInline)
    )
    return formset.forms[row].errors.get("image", [])


def test_a_phone_photo_added_in_the_story_form_is_stored_upright_without_its_location(
    editor_client, media_root
):
    story = full_story(photos=1)
    response = editor_client.get(change_url(story))
    data = form_data(response)
    add_photo_row(
        response, data, story, upload("IMG_0001.JPG", phone_photo()), "柯城区新建的公园。"
    )

    response = editor_client.post(change_url(story), {**data, "_save": "保存"})

    assert response.status_code == 302, image_errors(response, 1)
    assert response["Location"] == CHANGELIST
    photo = story.photos.get(caption="柯城区新建的公园。")
    assert re.fullmatch(r"photos/\d{4}/\d{2}/IMG_0001(_\w+)?\.jpg", photo.image.name)
    (path,) = stored_files(media_root)
    with Image.open(path) as stored:
        assert stored.format == "JPEG"
        assert stored.size == (400, 600)  # turned upright
        assert stored.getpixel((200, 100))[2] > 200  # the blue half is now on top
        assert stored.getpixel((200, 500))[0] > 200
        exif = stored.getexif()
        assert ORIENTATION not in exif
        assert GPS_INFO not in exif
        assert not exif.get_ifd(GPS_INFO)
        assert "exif" not in stored.info
        assert "comment" not in stored.info


def test_a_text_file_named_jpg_is_refused_next_to_the_field_and_nothing_is_stored(
    editor_client, media_root
):
    story = full_story(photos=1)
    response = editor_client.get(change_url(story))
    data = form_data(response)
    fake = upload("现场照片.jpg", "这不是图片，是一段文字。".encode())
    row = add_photo_row(response, data, story, fake, "不该保存的图片。")

    response = editor_client.post(change_url(story), {**data, "_save": "保存"})

    assert response.status_code == 200
    (error,) = image_errors(response, row)
    assert "不是有效的图片文件" in error
    # Shown in the new photo row, right above the file input it describes.
    assert re.search(
        rf'<div class="form-row errors field-image">\s*<ul class="errorlist" '
        rf'id="id_photos-{row}-image_error"><li>不是有效的图片文件',
        response.content.decode(),
    )
    assert not story.photos.filter(caption="不该保存的图片。").exists()
    assert stored_files(media_root) == []


# --- the photo desk: a photo's own page -------------------------------------------------------


def photo_desk(client, photo, image: SimpleUploadedFile):
    url = reverse("admin:archive_photo_change", args=[photo.pk])
    data = form_data(client.get(url), "photo_form")
    return client.post(url, {**data, "image": image, "_save": "保存"})


def test_the_photo_desk_refuses_a_decompression_bomb_before_decoding_it(
    editor_client, media_root, no_decoding
):
    photo = PhotoFactory()

    response = photo_desk(editor_client, photo, upload("scan.png", png_bomb(20000, 20000)))

    assert response.status_code == 200
    (error,) = response.context["adminform"].form.errors["image"]
    assert error.startswith("图片过大：最多 40 百万像素")
    assert re.search(
        r'<div class="form-row errors field-image">\s*<ul class="errorlist" '
        r'id="id_image_error"><li>图片过大',
        response.content.decode(),
    )
    photo.refresh_from_db()
    assert not photo.image
    assert stored_files(media_root) == []


def test_the_photo_desk_stores_a_png_under_its_real_extension(editor_client, media_root):
    photo = PhotoFactory()
    screenshot = Image.new("RGBA", (320, 200), (0, 128, 0, 128))

    response = photo_desk(editor_client, photo, upload("截图.jpg", encoded(screenshot, "PNG")))

    assert response.status_code == 302
    photo.refresh_from_db()
    assert photo.image.name.endswith(".png")
    with Image.open(photo.image.path) as stored:
        assert (stored.format, stored.mode, stored.size) == ("PNG", "RGBA", (320, 200))
        assert stored.getpixel((10, 10)) == (0, 128, 0, 128)


# --- the checks, one by one -------------------------------------------------------------------


def test_a_truncated_jpeg_is_refused():
    whole = detailed_jpeg()
    uploads.validate_photo(upload("whole.jpg", whole))

    with pytest.raises(ValidationError) as refused:
        uploads.validate_photo(upload("cut.jpg", whole[: len(whole) // 2]))

    assert refused.value.code == "not_an_image"
    assert "不是有效的图片文件" in messages(refused.value)


def test_a_file_over_the_byte_limit_is_refused_unopened(settings, monkeypatch):
    settings.ARCHIVE_MAX_UPLOAD_BYTES = 2**20
    big = detailed_jpeg() + bytes(2**20)  # a valid image followed by a megabyte of padding
    monkeypatch.setattr(Image, "open", lambda *a, **k: pytest.fail("the file was opened"))

    with pytest.raises(ValidationError) as refused:
        uploads.validate_photo(upload("big.jpg", big))

    assert refused.value.code == "file_too_large"
    assert messages(refused.value).startswith("文件过大：最多 1 MB，这个文件有 1.1 MB")


def test_the_default_limits_are_15_megabytes_and_40_megapixels():
    from django.conf import settings

    assert settings.ARCHIVE_MAX_UPLOAD_BYTES == 15 * 1024 * 1024
    assert settings.ARCHIVE_MAX_UPLOAD_PIXELS == 40_000_000


@pytest.mark.parametrize(
    "width, height",
    [
        (8000, 6000),  # 48 megapixels: over our limit, under Pillow's
        (10000, 10000),  # over Pillow's warning threshold (89 megapixels)
        (20000, 20000),  # over Pillow's hard limit (179 megapixels)
    ],
)
def test_an_image_over_the_pixel_limit_is_refused_without_decoding(width, height, no_decoding):
    bomb = png_bomb(width, height)
    assert len(bomb) < 100_000

    with pytest.raises(ValidationError) as refused:
        uploads.validate_photo(upload("bomb.png", bomb))

    assert refused.value.code == "too_many_pixels"
    assert messages(refused.value).startswith("图片过大：最多 40 百万像素")


def test_the_pixel_limit_message_gives_the_image_size():
    with pytest.raises(ValidationError) as refused:
        uploads.validate_photo(upload("big.png", png_bomb(8000, 6000)))

    assert "这张是 8000×6000（48 百万像素）" in messages(refused.value)


def test_the_pixel_limit_comes_from_the_settings(settings):
    settings.ARCHIVE_MAX_UPLOAD_PIXELS = 2_000_000
    uploads.validate_photo(upload("ok.png", png_bomb(1600, 1200)))

    with pytest.raises(ValidationError, match="最多 2 百万像素"):
        uploads.validate_photo(upload("big.png", png_bomb(2000, 1200)))


@pytest.mark.parametrize(
    "kind, name",
    [("GIF", "动图.gif"), ("BMP", "scan.bmp"), ("TIFF", "scan.tif")],
)
def test_formats_other_than_jpeg_png_and_webp_are_refused(kind, name):
    image = encoded(Image.new("RGB", (40, 30), RED), kind)

    with pytest.raises(ValidationError) as refused:
        uploads.validate_photo(upload(name, image))

    assert "请上传 JPEG、PNG 或 WebP 格式的图片" in messages(refused.value)


def test_an_animated_webp_is_refused():
    frames = [Image.new("RGB", (40, 30), colour) for colour in (RED, BLUE)]
    animated = encoded(frames[0], "WEBP", save_all=True, append_images=frames[1:])

    with pytest.raises(ValidationError, match="不支持动图"):
        uploads.validate_photo(upload("动图.webp", animated))


def test_a_webp_is_kept_as_webp_without_its_exif():
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Huawei"
    gps = exif.get_ifd(GPS_INFO)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    original = encoded(Image.new("RGB", (64, 48), BLUE), "WEBP", exif=exif, quality=90)
    with Image.open(io.BytesIO(original)) as before:
        assert before.getexif()

    stored = uploads.normalised_photo(upload("photo.webp", original))

    assert stored.name == "photo.webp"
    with Image.open(stored) as after:
        assert (after.format, after.size) == ("WEBP", (64, 48))
        assert not after.getexif()
        assert "exif" not in after.info and "xmp" not in after.info


def test_a_jpeg_keeps_its_colour_profile():
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    original = encoded(Image.new("RGB", (64, 48), RED), "JPEG", icc_profile=srgb)

    stored = uploads.normalised_photo(upload("colour.jpeg", original))

    assert stored.name == "colour.jpg"
    with Image.open(stored) as after:
        assert after.info.get("icc_profile") == srgb


def test_a_camera_jpeg_with_extra_frames_is_stored_as_its_first_frame():
    """Some cameras write MPO (a JPEG followed by more pictures); Pillow reads it as such."""
    frames = [Image.new("RGB", (64, 48), colour) for colour in (RED, BLUE)]
    mpo = encoded(frames[0], "MPO", save_all=True, append_images=frames[1:])
    with Image.open(io.BytesIO(mpo)) as before:
        assert (before.format, before.n_frames) == ("MPO", 2)

    stored = uploads.normalised_photo(upload("DSC_0042.JPG", mpo))

    assert stored.name == "DSC_0042.jpg"
    with Image.open(stored) as after:
        assert after.format == "JPEG"
        assert after.getpixel((32, 24))[0] > 200


def test_an_image_saved_outside_the_admin_is_normalised_too():
    photo = PhotoFactory(image=upload("IMG_0002.jpg", phone_photo()))

    with Image.open(photo.image.path) as stored:
        assert stored.size == (400, 600)
        assert not stored.getexif()


def test_saving_a_photo_again_leaves_its_stored_file_alone(media_root, monkeypatch):
    photo = PhotoFactory(image=upload("IMG_0003.jpg", phone_photo()))
    name = photo.image.name
    (path,) = stored_files(media_root)
    written = path.read_bytes()
    monkeypatch.setattr(Image, "open", lambda *a, **k: pytest.fail("the file was re-read"))

    photo = Photo.objects.get(pk=photo.pk)
    photo.caption = "改过的图说"
    photo.full_clean()
    photo.save()

    assert photo.image.name == name
    assert stored_files(media_root) == [path]
    assert path.read_bytes() == written


def test_the_admin_file_picker_offers_only_the_accepted_formats(editor_client):
    photo = PhotoFactory()

    response = editor_client.get(reverse("admin:archive_photo_change", args=[photo.pk]))

    assert 'accept="image/jpeg,image/png,image/webp"' in response.content.decode()


@pytest.mark.parametrize("role", ["记者", "编辑"])
def test_a_new_story_is_saved_with_its_photo_in_one_form(member, role):
    """The photo's inline asked its story's rule before the story existed (a 500)."""
    _, client = member("zhang", role)
    add = reverse("admin:archive_article_add")
    response = client.get(add)
    data = form_data(response)
    data.update(headline="带图的新稿", body="第一段。", status="draft")
    regions = inline_prefix(response, ArticleRegionInline)
    data[f"{regions}-0-region"] = str(Region.objects.by_code("330802").pk)
    data[f"{regions}-0-is_primary"] = "on"
    photos = inline_prefix(response, PhotoInline)
    add_inline_row(data, photos, caption="新稿的图说", order=0)
    data[f"{photos}-0-image"] = upload("new.jpg", encoded(Image.new("RGB", (64, 48), BLUE), "JPEG"))
    for name, value in (("TOTAL", 0), ("INITIAL", 0), ("MIN_NUM", 0), ("MAX_NUM", 1000)):
        data[f"{photos}-0-credits-{name}_FORMS"] = str(value)

    assert client.post(add, {**data, "_save": "保存"}).status_code == 302
    assert list(Photo.objects.values_list("article__headline", "caption")) == [
        ("带图的新稿", "新稿的图说")
    ]
