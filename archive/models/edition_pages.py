"""Printed pages as images: an edition page (见报日期, 版次, 版名) with the scan of the page,
and the areas of the page each story fills.

A new scan is checked (``page_scans``) and, before any row is written, rendered once
into what readers are served: the page as a JPEG (``image``), its deep-zoom tiles and
preview (``page_tiles``), and a PDF (``pdf``: the scan itself when it is one, else the
image scan wrapped losslessly with img2pdf). Story areas are rectangles in fractions
of the page image (0–1), so they hold at every zoom and every size of the image.
"""

import functools
import io
import logging
import os

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import connections, models, router
from django.urls import reverse

from .articles import Article
from .fields import TidyCharField
from .page_scans import is_pdf, page_picture, validate_page_scan
from .page_tiles import Tiles, make_tiles, tiles_of
from .rows import any_of, hand_cursor, table
from .visibility import public, public_sql

IMAGE_QUALITY = 90
FRACTION = [MinValueValidator(0.0), MaxValueValidator(1.0)]
# Rounding in the editor's drawing helper may leave an area a hair past the edge.
EDGE_TOLERANCE = 1e-6


class EditionPage(models.Model):
    edition_date = models.DateField("见报日期")
    page_number = models.PositiveSmallIntegerField(
        "版次", validators=[MinValueValidator(1), MaxValueValidator(32767)]
    )
    page_name = TidyCharField("版名", max_length=100, blank=True)
    scan = models.FileField(
        "版面文件",
        upload_to="pages/%Y/%m/",
        validators=[validate_page_scan],
        help_text="单页 PDF，或 JPEG、PNG、TIFF 图片；保存时生成可缩放的版面图。",
    )
    image = models.FileField("版面图", upload_to="pages/%Y/%m/", editable=False, blank=True)
    pdf = models.FileField("版面 PDF", upload_to="pages/%Y/%m/", editable=False, blank=True)
    width = models.PositiveIntegerField("宽（像素）", default=0, editable=False)
    height = models.PositiveIntegerField("高（像素）", default=0, editable=False)

    class Meta:
        verbose_name = "版面图"
        verbose_name_plural = "版面图"
        ordering = ["-edition_date", "page_number"]
        constraints = [
            models.UniqueConstraint(
                fields=["edition_date", "page_number"], name="edition_page_unique"
            )
        ]

    def __str__(self):
        name = f" {self.page_name}" if self.page_name else ""
        return f"{self.edition_date:%Y年%-m月%-d日} 第{self.page_number}版{name}"

    def save(self, *args, **kwargs):
        if self.scan and not self.scan._committed:
            self._store_scan()
        super().save(*args, **kwargs)

    def _store_scan(self) -> None:
        """Check and render the new scan, then store it with everything made from it.
        A refused scan raises ValidationError before anything is written."""
        upload = self.scan.file
        validate_page_scan(upload)
        picture = page_picture(upload)
        upload.seek(0)
        original = upload.read()
        upload.seek(0)
        pdf_scan = is_pdf(upload)
        stem = os.path.splitext(os.path.basename(self.scan.name or ""))[0] or "page"
        out = io.BytesIO()
        picture.save(out, "JPEG", quality=IMAGE_QUALITY, optimize=True)
        pdf = None if pdf_scan else _wrapped_as_pdf(original, out.getvalue())

        self.scan.save(os.path.basename(self.scan.name), ContentFile(original), save=False)
        self.image.save(f"{stem}.jpg", ContentFile(out.getvalue()), save=False)
        if pdf_scan:
            self.pdf.name = self.scan.name
        else:
            self.pdf.save(f"{stem}.pdf", ContentFile(pdf), save=False)
        self.width, self.height = picture.size
        make_tiles(self.image.storage, self.image.name, picture)

    @property
    def tiles(self) -> Tiles | None:
        return tiles_of(self.image) if self.image and self.width else None


def _wrapped_as_pdf(original: bytes, jpeg: bytes) -> bytes:
    """The image scan as a one-page PDF, its pixels untouched (img2pdf embeds JPEGs as
    they are and PNG/TIFF without loss); where img2pdf cannot take the scan as it is
    (an alpha channel, an unusual TIFF), the page's JPEG instead."""
    # pikepdf (img2pdf's PDF writer) announces itself at INFO on import: not news.
    logging.getLogger("pikepdf").setLevel(logging.WARNING)
    import img2pdf

    try:
        return img2pdf.convert(original, rotation=img2pdf.Rotation.ifvalid)
    except Exception:  # img2pdf refuses what it cannot embed losslessly in many ways
        return img2pdf.convert(jpeg)


class StoryAreaQuerySet(models.QuerySet):
    def public(self):
        """Areas of stories the public may see now."""
        return self.filter(public("article__"))

    def page_urls(self, article_ids) -> dict[int, str]:
        """For each of these stories with an area marked, the URL of the page image
        with its areas marked (``?area=<story id>``; its first page where it runs over
        several). One query along the areas' index on their story."""
        rows = (
            self.filter(article_id__in=list(article_ids))
            .order_by("article_id", "page__page_number", "order", "id")
            .values_list("article_id", "page__edition_date", "page__page_number")
        )
        return _area_urls(rows)


def public_page_urls(article_ids: list[int]) -> dict[int, str]:
    """``StoryArea.objects.public().page_urls(article_ids)`` by a statement written once
    and prepared (``archive.models.rows``): what a list page asks for its 20 stories."""
    if not article_ids:
        return {}
    connection = connections[router.db_for_read(StoryArea)]
    where, params = any_of(connection, "sa.article_id", article_ids)
    visible, visible_params = public_sql("a", connection)
    with hand_cursor(connection) as cursor:
        cursor.execute(
            _public_areas_sql().format(where=where, visible=visible), [*params, *visible_params]
        )
        return _area_urls(cursor.fetchall())


@functools.cache
def _public_areas_sql() -> str:
    return (
        f"SELECT sa.article_id, p.edition_date, p.page_number FROM {table(StoryArea)} sa"
        f" JOIN {table(EditionPage)} p ON p.id = sa.page_id"
        f" JOIN {table(Article)} a ON a.id = sa.article_id"
        ' WHERE {where} AND {visible} ORDER BY sa.article_id, p.page_number, sa."order", sa.id'
    )


def _area_urls(rows) -> dict[int, str]:
    """(story id, day, page number) rows, each story's first first: its first page's URL
    with its areas marked."""
    urls = {}
    for article_id, day, number in rows:
        if article_id not in urls:
            page = reverse("archive:edition_page", args=[day, number])
            urls[article_id] = f"{page}?area={article_id}"
    return urls


class StoryArea(models.Model):
    page = models.ForeignKey(
        EditionPage, on_delete=models.CASCADE, related_name="areas", verbose_name="版面"
    )
    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="page_areas", verbose_name="稿件"
    )
    x = models.FloatField("左", validators=FRACTION, help_text="距版面左边，占宽度的比例（0–1）")
    y = models.FloatField("上", validators=FRACTION, help_text="距版面上边，占高度的比例（0–1）")
    width = models.FloatField("宽", validators=FRACTION, help_text="占版面宽度的比例（0–1）")
    height = models.FloatField("高", validators=FRACTION, help_text="占版面高度的比例（0–1）")
    order = models.PositiveSmallIntegerField("顺序", default=0)

    objects = StoryAreaQuerySet.as_manager()

    class Meta:
        verbose_name = "报道区域"
        verbose_name_plural = "报道区域（在版面图上拖动鼠标画出）"
        ordering = ["order", "id"]

    def __str__(self):
        return f"报道区域 {self.pk}" if self.pk else "新的报道区域"

    def clean(self):
        errors = {}
        values = (self.x, self.y, self.width, self.height)
        if None in values:
            return  # each field reports its own missing value
        if self.width <= 0 or self.height <= 0:
            errors["width"] = "区域的宽和高都要大于 0。"
        elif (
            min(self.x, self.y) < 0
            or self.x + self.width > 1 + EDGE_TOLERANCE
            or self.y + self.height > 1 + EDGE_TOLERANCE
        ):
            errors["x"] = "区域超出了版面图：左＋宽、上＋高都不能大于 1。"
        page, article = self._page_and_article()
        if page and article and article.edition_date != page.edition_date:
            errors["article"] = f"只能标出本日（{page.edition_date:%Y年%-m月%-d日}）见报的报道。"
        if errors:
            raise ValidationError(errors)

    def _page_and_article(self):
        try:
            page = self.page
        except EditionPage.DoesNotExist:
            page = None
        try:
            article = self.article
        except Article.DoesNotExist:
            article = None
        return page, article
