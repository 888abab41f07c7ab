"""Page images: an edition page's scan, and the areas of the page each story fills.

The editor uploads the scan (checked and rendered once on save, see
``archive.models.edition_pages``), then marks each story's areas: dragging a rectangle
over the page image fills the next empty row of the areas below it
(static/js/admin-page-areas.js), where the editor picks the story from that day's
stories. A save moves the content version, so the public page shows it at once.
"""

from django import forms
from django.contrib import admin
from django.utils.html import format_html

from archive.editorial.aftermath import after_write
from archive.models import Article, EditionPage, StoryArea
from archive.models.page_scans import ACCEPT

FRACTION_INPUT = forms.NumberInput(attrs={"step": "any", "min": "0", "max": "1"})


class EditionPageForm(forms.ModelForm):
    class Meta:
        model = EditionPage
        fields = ["edition_date", "page_number", "page_name", "scan"]
        widgets = {"scan": forms.ClearableFileInput(attrs={"accept": ACCEPT})}


class DayStoryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, story):
        page = f"第{story.page_number}版 " if story.page_number else ""
        return f"{page}{story.headline}"


class StoryAreaForm(forms.ModelForm):
    class Meta:
        model = StoryArea
        fields = ["article", "x", "y", "width", "height", "order"]
        widgets = dict.fromkeys(("x", "y", "width", "height"), FRACTION_INPUT)


class StoryAreaInline(admin.TabularInline):
    model = StoryArea
    form = StoryAreaForm
    extra = 0
    verbose_name = "报道区域"
    verbose_name_plural = "报道区域（在上面的版面图上拖动鼠标画出，再选报道）"

    def get_formset(self, request, obj=None, **kwargs):
        # The story choices are that day's stories only (a few dozen, not the archive).
        request._edition_page_day = obj.edition_date if obj else None
        return super().get_formset(request, obj, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "article":
            day = getattr(request, "_edition_page_day", None)
            stories = (
                Article.objects.filter(edition_date=day).order_by("page_number", "id")
                if day
                else Article.objects.none()
            )
            return DayStoryChoiceField(
                queryset=stories.only("id", "headline", "page_number"),
                label="稿件",
                help_text="本日见报的报道" if day else "先保存版面（见报日期）再标出报道",
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(EditionPage)
class EditionPageAdmin(admin.ModelAdmin):
    form = EditionPageForm
    list_display = ["__str__", "edition_date", "page_number", "page_name"]
    search_fields = ["page_name"]
    readonly_fields = ["drawing"]
    fields = ["edition_date", "page_number", "page_name", "scan", "drawing"]
    inlines = [StoryAreaInline]

    class Media:
        js = ["js/admin-page-areas.js"]
        css = {"all": ["css/admin-page-areas.css"]}

    @admin.display(description="版面图")
    def drawing(self, page):
        tiles = page.tiles if page and page.pk else None
        if not tiles:
            return "保存版面文件后，这里显示版面图，可在图上拖动鼠标画出各篇报道的区域。"
        return format_html(
            '<div class="page-area-drawer" data-prefix="areas">'
            '<img src="{}" alt="{}" width="{}" height="{}" draggable="false">'
            '</div><p class="page-area-drawer__status" aria-live="polite">'
            "在图上按住鼠标拖出一个矩形，它会填入下面第一个空行（没有空行时新添一行），"
            "再在那一行选择报道。</p>",
            tiles.preview_url,
            str(page),
            tiles.width,
            tiles.height,
        )

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        after_write(user=request.user)  # the public page shows the new image and areas

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        after_write(user=request.user)

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        after_write(user=request.user)
