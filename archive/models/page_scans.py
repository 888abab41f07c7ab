"""Scans of printed pages: one whole PDF page, or a JPEG, PNG or TIFF image, within the
limits ``ARCHIVE_MAX_PAGE_SCAN_BYTES`` and ``ARCHIVE_MAX_PAGE_SCAN_PIXELS``
(docs/page-images.md).

``validate_page_scan`` is the validator of ``EditionPage.scan``: a corrupt, oversized,
encrypted or many-page PDF, or an image that is not one whole picture, is refused with
the reason. ``page_picture`` gives the page as a Pillow image, the one every derived
file (the zoom tiles, the preview, the PDF of an image scan) is made from.

PDFs are rendered with PDFium (pypdfium2: Chrome's PDF engine, BSD-3/Apache-2.0, wheels
with the library inside, no system package needed).
"""

import math

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from PIL import Image

from .uploads import _megabytes, _too_many_pixels

PDF_MAGIC = b"%PDF-"
IMAGE_FORMATS = ["JPEG", "PNG", "TIFF"]
ACCEPT = "application/pdf,image/jpeg,image/png,image/tiff"
FORMATS_NAMED = "PDF、JPEG、PNG 或 TIFF"
# A PDF page is rendered at this resolution, or less where the page would exceed the
# pixel limit: 300 dpi is what the paper's pages are scanned at.
RENDER_DPI = 300


def is_pdf(file) -> bool:
    file.seek(0)
    head = file.read(len(PDF_MAGIC))
    file.seek(0)
    return head == PDF_MAGIC


def validate_page_scan(file) -> None:
    """Refuse anything but one whole page within the limits; nothing is written."""
    if not isinstance(file, File) or getattr(file, "_committed", False):
        return  # a stored scan was checked on upload
    _checked_size(file)
    if is_pdf(file):
        _pdf_page(file).close()
    else:
        _image(file)  # not close(): Pillow's would close the upload itself


def page_picture(file) -> Image.Image:
    """The page as an RGB image: the PDF page rendered, or the scan decoded."""
    _checked_size(file)
    if is_pdf(file):
        page = _pdf_page(file)
        try:
            scale = _render_scale(*page.get_size())
            picture = page.render(scale=scale).to_pil()
        finally:
            page.close()
    else:
        picture = _image(file)
    file.seek(0)
    return picture.convert("RGB")


def _checked_size(file) -> None:
    limit = settings.ARCHIVE_MAX_PAGE_SCAN_BYTES
    if file.size > limit:
        raise ValidationError(
            "文件过大：最多 %(limit)s，这个文件有 %(size)s。请压缩后再上传。",
            code="file_too_large",
            params={
                "limit": _megabytes(limit, math.floor),
                "size": _megabytes(file.size, math.ceil),
            },
        )


def _render_scale(width_pt: float, height_pt: float) -> float:
    """PDF points to pixels: RENDER_DPI, lowered to keep within the pixel limit."""
    limit = settings.ARCHIVE_MAX_PAGE_SCAN_PIXELS
    scale = RENDER_DPI / 72
    if width_pt * height_pt * scale * scale > limit:
        scale = math.sqrt(limit / (width_pt * height_pt)) * 0.999
    return scale


def _pdf_page(file):
    """The PDF's only page, opened; or a ValidationError saying what is wrong."""
    import pypdfium2
    import pypdfium2.raw as pdfium_c

    file.seek(0)
    data = file.read()
    file.seek(0)
    try:
        document = pypdfium2.PdfDocument(data)
    except pypdfium2.PdfiumError as error:
        if "password" in str(error).lower():
            raise _encrypted() from error
        raise _not_a_page() from error
    try:
        # Encrypted with an owner password only, PDFium opens it; it is refused alike,
        # since its restrictions would follow it into every PDF made from it.
        if pdfium_c.FPDF_GetSecurityHandlerRevision(document.raw) != -1:
            raise _encrypted()
        if len(document) != 1:
            raise ValidationError(
                "这个 PDF 有 %(pages)s 页：每个版面只上传一页，请拆分后逐版上传。",
                code="many_pages",
                params={"pages": len(document)},
            )
        page = document[0]
        width, height = page.get_size()
        if width <= 0 or height <= 0:
            raise _not_a_page()
        # The rendering itself reads the page's content: a damaged stream fails here.
        page.render(scale=0.05).close()
        return page
    except ValidationError:
        document.close()
        raise
    except Exception as error:  # PDFium reports damage in many ways
        document.close()
        raise _not_a_page() from error


def _image(file) -> Image.Image:
    limit = settings.ARCHIVE_MAX_PAGE_SCAN_PIXELS
    file.seek(0)
    try:
        try:
            image = Image.open(file, formats=IMAGE_FORMATS)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
            raise _too_many_pixels(limit) from error
        if image.width * image.height > limit:
            raise _too_many_pixels(limit, image.size)
        if getattr(image, "n_frames", 1) > 1:
            raise ValidationError(
                "这个图片文件有 %(frames)s 页：每个版面只上传一页。",
                code="many_pages",
                params={"frames": image.n_frames},
            )
        image.load()
    except ValidationError:
        raise
    except Exception as error:  # Pillow's readers report a broken file in many ways
        raise _not_a_page() from error
    finally:
        file.seek(0)
    return image


def _encrypted() -> ValidationError:
    return ValidationError(
        "这个 PDF 已加密（设有密码或权限限制）：请上传未加密的版面文件。", code="encrypted_pdf"
    )


def _not_a_page() -> ValidationError:
    return ValidationError(
        "不是有效的版面文件，或文件已损坏：请上传 %(formats)s 格式的单页版面。",
        code="not_a_page",
        params={"formats": FORMATS_NAMED},
    )
