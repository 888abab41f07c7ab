"""The editors' "import a page" screen: paste or upload OCR text, preview the stories
the parser finds, confirm, land on the new drafts. Needs the permission to add a
``PageImport``; the admin hides the screen from editors without it, and refuses them."""

from dataclasses import dataclass

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from archive.admin.deletion import ListsWhatEditorsKnow
from archive.editorial import roles, services
from archive.ingest import source
from archive.ingest.page import Photo, Story
from archive.models import Credit, PageImport
from archive.models.articles import FIRST_PAGE, LAST_PAGE


class PageImportForm(forms.Form):
    text = forms.CharField(
        label="版面文字",
        required=False,
        widget=forms.Textarea(attrs={"rows": 16, "cols": 90}),
        help_text="粘贴 OCR 识别出的整版文字，或在下面上传文本文件。",
    )
    upload = forms.FileField(label="或上传文本文件（UTF-8）", required=False)
    # ISO in every language: a date input shows nothing else, and the locale's own
    # format (2025/01/25) came back empty after the preview, so drafts lost their date.
    edition_date = forms.DateField(
        label="见报日期",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="不填则按版面所印的日期。",
    )
    page_number = forms.IntegerField(
        label="版次",
        required=False,
        min_value=FIRST_PAGE,
        max_value=LAST_PAGE,
        help_text="不填则按版面所印的版次。",
        error_messages={
            "min_value": f"版次应在 {FIRST_PAGE} 到 {LAST_PAGE} 之间。",
            "max_value": f"版次应在 {FIRST_PAGE} 到 {LAST_PAGE} 之间。",
            "invalid": "版次应是一个整数。",
        },
    )

    # Offered with the preview, beside the button that imports: a file input cannot be
    # carried from one step to the next. Checked when the page is imported.
    scan = forms.FileField(
        label="版面文件（可选）",
        required=False,
        help_text="本版的扫描件：单页 PDF，或 JPEG、PNG、TIFF 图片。导入时一并保存为版面图，"
        "之后在版面图上画出各篇报道的区域；也可以以后在“版面图”中添加。",
    )

    def __init__(self, *args, scan=False, **kwargs):
        super().__init__(*args, **kwargs)
        if not scan:
            del self.fields["scan"]

    def clean(self):
        data = super().clean()
        upload, text = data.get("upload"), data.get("text", "")
        if upload and text.strip():
            raise forms.ValidationError("请只粘贴文字或只上传文件，不要同时提供两者。")
        if self.errors:
            return data  # a bad date or page number: corrected before any parse
        given = {k: data.get(k) for k in ("edition_date", "page_number")}
        try:
            if upload:
                if upload.size > source.MAX_BYTES:
                    raise source.RejectedPage("文件过大：一个版面的文字不会超过 2 MB。")
                data["text"] = source.read(upload.read())
            # Place names are read against the divisions of the page's date.
            data["page"] = services.page_parse(data["text"], **given)
        except source.RejectedPage as error:
            raise forms.ValidationError(str(error)) from None
        data["edition"] = services.page_edition(data["text"], **given)
        return data


def credit_names(credits) -> str:
    """Credits as the preview lists them, each role in the story form's words:
    郑晨（文字）、许军（摄影）."""
    return "、".join(f"{c.name}（{Credit.Role(c.role).label}）" for c in credits)


@dataclass
class PreviewStory:
    story: Story
    bylines: str
    photos: list[tuple[Photo, str]]  # each photo with its credits


def preview_stories(page) -> list[PreviewStory]:
    return [
        PreviewStory(
            story,
            credit_names(story.contributors),
            [(photo, credit_names(photo.credits)) for photo in story.photos],
        )
        for story in page.stories
    ]


def warnings_html(warnings: dict):
    """A ``PageImport.warnings`` on the record's page: the page's, then each story's."""
    groups = [("本版", warnings.get("page", []))] + [
        (f"《{story['headline']}》", story["warnings"]) for story in warnings.get("stories", [])
    ]
    items = format_html_join(
        "",
        "<li>{}<ul>{}</ul></li>",
        (
            (label, format_html_join("", "<li>{}</li>", ((note,) for note in notes)))
            for label, notes in groups
            if notes
        ),
    )
    return format_html("<ul>{}</ul>", items) if items else "无"


@admin.register(PageImport)
class PageImportAdmin(ListsWhatEditorsKnow, admin.ModelAdmin):
    list_display = ["__str__", "edition_date", "page_number", "story_links", "created_by"]
    list_select_related = ["created_by"]
    fields = [
        "banner",
        "edition_date",
        "page_number",
        "story_links",
        "warning_list",
        "unplaced",
        "created_by",
        "created_at",
        "text",
    ]
    readonly_fields = fields

    @admin.display(description="生成的稿件")
    def story_links(self, obj):
        return format_html_join(
            mark_safe("<br>"),
            '<a href="{}">{}</a>',
            (
                (reverse("admin:archive_article_change", args=[a.pk]), a.headline)
                for a in obj.articles.order_by("pk")
            ),
        )

    @admin.display(description="导入提示")
    def warning_list(self, obj):
        return warnings_html(obj.warnings)

    def has_change_permission(self, request, obj=None):
        return False  # a record of what was imported; the stories are edited instead

    def add_view(self, request, form_url="", extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        with_scan = roles.can_add_page_image(request.user)
        importing = request.method == "POST" and "_import" in request.POST
        form = PageImportForm(
            request.POST or None, request.FILES or None, scan=importing and with_scan
        )
        preview = edition = scan_error = None
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            if importing:
                try:
                    record = services.page_import(
                        text=data["text"],
                        edition_date=data["edition_date"],
                        page_number=data["page_number"],
                        scan=data.get("scan"),
                        user=request.user,
                    )
                except services.PageAlreadyImported as error:
                    form.add_error(None, str(error))
                except services.PageScanRefused as error:
                    scan_error = str(error)  # the preview again, to choose another file
                else:
                    self._imported(request, record)
                    url = reverse("admin:archive_article_changelist")
                    return HttpResponseRedirect(f"{url}?page_import={record.pk}")
            if not importing or scan_error:
                preview, edition = data["page"], data["edition"]
                # The confirmation posts the decoded text, whether it was pasted or
                # uploaded, and the date and page as the editor gave them (or not).
                form = PageImportForm(
                    initial={k: data[k] for k in ("text", "edition_date", "page_number")},
                    scan=with_scan,
                )
                if PageImport.objects.filter(digest=source.digest(data["text"])).exists():
                    messages.warning(request, "这个版面已经导入过：再次导入会被拒绝。")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "导入版面",
            "form": form,
            "preview": preview,
            "scan_error": scan_error,
            **(extra_context or {}),
        }
        if preview is not None:
            context |= {
                "preview_stories": preview_stories(preview),
                "edition": edition,
                "preview_year": (edition.date or timezone.localdate()).year,
            }
        return TemplateResponse(request, "admin/archive/pageimport/import.html", context)

    def _imported(self, request, record: PageImport) -> None:
        stories = list(record.articles.only("import_warnings"))
        count, noted = len(stories), sum(1 for story in stories if story.import_warnings)
        check = f"；其中 {noted} 篇有导入提示，列在稿件页面顶部" if noted else ""
        self.message_user(request, f"已导入 {count} 篇草稿，请逐篇核对后发布{check}。")
        if record.page_image is not None:
            url = reverse("admin:archive_editionpage_change", args=[record.page_image.pk])
            self.message_user(
                request,
                format_html(
                    '版面图“{}”已保存：<a href="{}">在版面图上画出各篇报道的区域</a>。',
                    record.page_image,
                    url,
                ),
            )
        # The preview showed them; the drafts' list is where the editor goes next.
        for story in record.parsed.stories:
            for note in story.old_names:
                messages.warning(request, f"《{story.headline}》：{note}")
