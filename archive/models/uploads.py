"""Photo uploads: only real JPEG, PNG and WebP images within the size limits
(``ARCHIVE_MAX_UPLOAD_BYTES``, ``ARCHIVE_MAX_UPLOAD_PIXELS``) are accepted, and each is
stored upright with its camera metadata (EXIF, GPS position, XMP, comments) removed.

``validate_photo`` is the validator of ``Photo.image``; ``Photo.save()`` stores
``normalised_photo`` in place of a new upload. The admin's ``PhotoUploadField`` leaves
the checking to the validator, so editors read what is wrong with the file rather than
Django's generic "not a valid image".
"""

import io
import math
import os

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.base import ContentFile
from PIL import Image, ImageOps, JpegImagePlugin

# The formats Pillow may read an upload as, and the extension each is stored with.
OPENED_AS = ["JPEG", "PNG", "WEBP"]
# MPO is what Pillow's JPEG reader makes of a camera JPEG carrying extra frames (depth
# maps, previews); the first frame is the photo.
EXTENSIONS = {"JPEG": "jpg", "MPO": "jpg", "PNG": "png", "WEBP": "webp"}
ACCEPT = "image/jpeg,image/png,image/webp"  # the file picker's hint
FORMATS_NAMED = "JPEG、PNG 或 WebP"

JPEG_QUALITY = 95
WEBP_QUALITY = 95


def validate_photo(file) -> None:
    """Refuse anything but a whole JPEG, PNG or WebP image within the limits."""
    if not isinstance(file, File) or getattr(file, "_committed", False):
        # A stored file (or the history's copy of its name) was checked on upload:
        # saving its photo again does not re-read it.
        return
    with _decoded(file):  # not close(): Pillow's would close the upload itself
        pass


def normalised_photo(file) -> ContentFile:
    """The upload re-encoded upright (EXIF orientation applied), in its own format, with
    no metadata but its colour profile; named with that format's extension."""
    with _decoded(file) as image:
        kind = "JPEG" if image.format == "MPO" else image.format
        options = {"icc_profile": image.info.get("icc_profile")}
        if kind == "JPEG":
            # The camera's chroma subsampling, so fine colour detail is not halved again.
            options.update(quality=JPEG_QUALITY, subsampling=JpegImagePlugin.get_sampling(image))
        elif kind == "WEBP":
            options.update(quality=WEBP_QUALITY)
        upright = ImageOps.exif_transpose(image)
        # Savers fall back on the image's info for some metadata (a JPEG comment, a PNG
        # text chunk): keep only what the pixels need.
        upright.info = {k: v for k, v in upright.info.items() if k == "transparency"}
        out = io.BytesIO()
        upright.save(out, kind, **options)
    stem = os.path.splitext(os.path.basename(file.name or ""))[0] or "photo"
    return ContentFile(out.getvalue(), name=f"{stem}.{EXTENSIONS[kind]}")


def _decoded(file) -> Image.Image:
    """The upload fully decoded, or a ValidationError saying what is wrong with it.
    Nothing is decoded before the byte and pixel limits have been checked."""
    limit = settings.ARCHIVE_MAX_UPLOAD_BYTES
    if file.size > limit:
        raise ValidationError(
            "文件过大：最多 %(limit)s，这个文件有 %(size)s。请压缩或缩小后再上传。",
            code="file_too_large",
            # Rounded apart, so a file just over the limit never reads as equal to it.
            params={
                "limit": _megabytes(limit, math.floor),
                "size": _megabytes(file.size, math.ceil),
            },
        )
    try:
        with _opened(file) as image:
            image.verify()  # structure and checksums, without decoding
        image = _opened(file)
        image.load()  # the pixels: a truncated or corrupt JPEG fails only here
    except ValidationError:
        raise
    except Exception as error:  # Pillow's readers report a broken file in many ways
        raise ValidationError(
            "不是有效的图片文件，或文件已损坏：请上传 %(formats)s 格式的图片。",
            # Not Django's "invalid_image": a model form would show that code's own message.
            code="not_an_image",
            params={"formats": FORMATS_NAMED},
        ) from error
    finally:
        file.seek(0)
    return image


def _opened(file) -> Image.Image:
    """The upload opened (its header read), refused if it is too large to decode."""
    limit = settings.ARCHIVE_MAX_UPLOAD_PIXELS
    file.seek(0)
    try:
        image = Image.open(file, formats=OPENED_AS)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        # Pillow's own limit, far above ours. Its warning (from 89 megapixels) is an
        # exception only where warnings are errors (the tests); elsewhere it is logged
        # and the check below refuses the image.
        raise _too_many_pixels(limit) from error
    if image.width * image.height > limit:
        raise _too_many_pixels(limit, image.size)
    if image.format != "MPO" and getattr(image, "n_frames", 1) > 1:
        raise ValidationError(
            "不支持动图：请上传单张的 %(formats)s 图片。",
            code="animated_image",
            params={"formats": FORMATS_NAMED},
        )
    return image


def _too_many_pixels(limit: int, size: tuple[int, int] | None = None) -> ValidationError:
    message = "图片过大：最多 %(limit)s 百万像素"
    params = {"limit": f"{limit / 1e6:g}"}
    if size:
        message += "，这张是 %(width)s×%(height)s（%(megapixels)s 百万像素）"
        params.update(width=size[0], height=size[1], megapixels=f"{size[0] * size[1] / 1e6:.0f}")
    return ValidationError(message + "。请缩小后再上传。", code="too_many_pixels", params=params)


def _megabytes(size: int, rounding=round) -> str:
    tenths = rounding(size / 2**20 * 10)
    return f"{tenths / 10:g} MB"


class PhotoUploadField(forms.ImageField):
    """The admin's photo field: the file is checked by the model field's validator,
    whose messages say what is wrong; Django's own check would say only "not an image"
    and would let through formats the archive does not take."""

    default_validators = []  # the real format decides, not the extension

    def to_python(self, data):
        return forms.FileField.to_python(self, data)

    def widget_attrs(self, widget):
        return {**super().widget_attrs(widget), "accept": ACCEPT}
