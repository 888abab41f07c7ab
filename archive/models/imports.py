from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.formats import date_format

from .articles import PAGE_NUMBER_VALIDATORS


class PageImport(models.Model):
    """A printed page brought in through the importer: its OCR text as it came, what
    the parser left unplaced, its warnings, and the draft stories made from it.

    ``digest`` identifies the page's text (``archive.ingest.source.digest``), so the
    same page imported twice is recognised and not written again.
    """

    digest = models.CharField("文本摘要", max_length=64, unique=True, editable=False)
    text = models.TextField("识别文本")
    banner = models.CharField("版面栏目", max_length=100, blank=True)
    edition_date = models.DateField("见报日期", null=True, blank=True)
    page_number = models.PositiveSmallIntegerField(
        "版次", null=True, blank=True, validators=PAGE_NUMBER_VALIDATORS
    )
    unplaced = models.JSONField("未归入任何报道的文字", default=list, blank=True)
    # The parser's warnings: {"page": [...], "stories": [{"headline": ..., "warnings": [...]}]}.
    warnings = models.JSONField("导入提示", default=dict, blank=True)
    articles = models.ManyToManyField(
        "archive.Article", related_name="page_imports", verbose_name="生成的稿件", blank=True
    )
    created_at = models.DateTimeField("导入时间", auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="导入人",
    )

    class Meta:
        verbose_name = "导入的版面"
        verbose_name_plural = "导入的版面"
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        label = self.banner or "版面"
        # Dates as the site shows them (``DATE_FORMAT``, ``DATETIME_FORMAT`` of zh-hans).
        when = f"{date_format(self.edition_date)} " if self.edition_date else ""
        page = f"第{self.page_number}版 " if self.page_number else ""
        imported = date_format(timezone.localtime(self.created_at), "DATETIME_FORMAT")
        return f"{when}{page}{label}（{imported} 导入）"
