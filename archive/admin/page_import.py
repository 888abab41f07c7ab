"""The editors' "import a page" screen: paste or upload OCR text, preview the stories
the parser finds, confirm, land on the new drafts. Needs the permission to add a
``PageImport``; the admin hides the screen from editors without it, and refuses them."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from archive.editorial import services
from archive.ingest import source
from archive.models import PageImport


class PageImportForm(forms.Form):
    text = forms.CharField(
        label="版面文字",
        required=False,
        widget=forms.Textarea(attrs={"rows": 16, "cols": 90}),
        help_text="粘贴 OCR 识别出的整版文字，或在下面上传文本文件。",
    )
    upload = forms.FileField(label="或上传文本文件（UTF-8）", required=False)
    edition_date = forms.DateField(
        label="见报日期", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    page_number = forms.IntegerField(label="版次", required=False, min_value=1, max_value=999)

    def clean(self):
        data = super().clean()
        upload, text = data.get("upload"), data.get("text", "")
        if upload and text.strip():
            raise forms.ValidationError("请只粘贴文字或只上传文件，不要同时提供两者。")
        try:
            if upload:
                if upload.size > source.MAX_BYTES:
                    raise source.RejectedPage("文件过大：一个版面的文字不会超过 2 MB。")
                data["text"] = source.read(upload.read())
            # Place names are read against the divisions of the page's date.
            data["page"] = services.page_parse(data["text"], edition_date=data.get("edition_date"))
        except source.RejectedPage as error:
            raise forms.ValidationError(str(error)) from None
        return data


def _year(preview, form) -> int | None:
    """The year whose divisions the preview's places are read against."""
    if preview is None:
        return None
    return (form.initial.get("edition_date") or timezone.localdate()).year


@admin.register(PageImport)
class PageImportAdmin(admin.ModelAdmin):
    list_display = ["__str__", "edition_date", "page_number", "story_links", "created_by"]
    list_select_related = ["created_by"]
    fields = [
        "banner",
        "edition_date",
        "page_number",
        "story_links",
        "unplaced",
        "created_by",
        "created_at",
        "text",
    ]
    readonly_fields = fields

    @admin.display(description="生成的稿件")
    def story_links(self, obj):
        return format_html_join(
            format_html("<br>"),
            '<a href="{}">{}</a>',
            (
                (reverse("admin:archive_article_change", args=[a.pk]), a.headline)
                for a in obj.articles.order_by("pk")
            ),
        )

    def has_change_permission(self, request, obj=None):
        return False  # a record of what was imported; the stories are edited instead

    def add_view(self, request, form_url="", extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = PageImportForm(request.POST or None, request.FILES or None)
        preview = None
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            if "_import" in request.POST:
                try:
                    record = services.page_import(
                        text=data["text"],
                        edition_date=data["edition_date"],
                        page_number=data["page_number"],
                        user=request.user,
                    )
                except services.PageAlreadyImported as error:
                    form.add_error(None, str(error))
                else:
                    count = record.articles.count()
                    self.message_user(request, f"已导入 {count} 篇草稿，请逐篇核对后发布。")
                    # The preview showed them; the drafts' list is where the editor goes next.
                    for story in record.parsed.stories:
                        for note in story.old_names:
                            messages.warning(request, f"《{story.headline}》：{note}")
                    url = reverse("admin:archive_article_changelist")
                    return HttpResponseRedirect(f"{url}?page_import={record.pk}")
            else:
                preview = data["page"]
                # The confirmation posts the decoded text, whether it was pasted or uploaded.
                form = PageImportForm(
                    initial={k: data[k] for k in ("text", "edition_date", "page_number")}
                )
                if PageImport.objects.filter(digest=source.digest(data["text"])).exists():
                    messages.warning(request, "这个版面已经导入过：再次导入会被拒绝。")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "导入版面",
            "form": form,
            "preview": preview,
            "preview_year": _year(preview, form),
            **(extra_context or {}),
        }
        return TemplateResponse(request, "admin/archive/pageimport/import.html", context)
