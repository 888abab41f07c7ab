"""The editors' story desk: the story list (filtered and searched without reading the
whole archive) and the story form with its regions, bylines and photos inlines. A
save goes through ``services.story_save``, which checks the editor's role."""

import nested_admin
from django import forms
from django.contrib import admin, messages
from django.contrib.admin.views.main import ORDER_VAR, ChangeList
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from nested_admin.formsets import NestedInlineFormSet

from archive.admin import contributor_search
from archive.admin.credits import BylineForm, PhotoCreditForm
from archive.admin.deletion import ListsWhatEditorsKnow
from archive.admin.display import yes_no
from archive.admin.filters import (
    ContributorListFilter,
    PageImportListFilter,
    RegionListFilter,
    contributor_filter_media,
)
from archive.admin.history import StoryHistoryViews
from archive.admin.publishing import PublishingActions
from archive.admin.stale import StaleGuardAdmin, StaleGuardForm
from archive.admin.widgets import (
    PHOTO_UPLOAD,
    PreloadedAutocompleteAdmin,
    region_formfield_kwargs,
)
from archive.editorial import roles, services
from archive.models import Article, ArticleRegion, Credit, Photo, Region, RegionSuccession
from archive.pagination import SORT_TS, CappedCountPaginator
from archive.search.terms import Query
from archive.text.dates import chinese_day


class ListingOrderedChangeList(ChangeList):
    """Filtered by region or contributor, the list is read in the listing index's order
    (the same newest-first order) instead of sorting every story of a big county."""

    def get_ordering(self, request, queryset):
        if SORT_TS in queryset.query.annotations and ORDER_VAR not in self.params:
            return ["-sort_ts", "-sort_id"]
        return super().get_ordering(request, queryset)


def _changed(form, formsets) -> bool:
    """Whether the story form or any of its rows, at any depth, was changed (text is
    tidied as it is read, so a browser's CRLF line breaks change nothing)."""
    return form.has_changed() or any(
        row.has_changed() or _changed(row, getattr(row, "nested_formsets", None) or [])
        for formset in formsets
        for row in formset
    )


def printed_on(article: Article):
    """The day the story was printed: its edition date, else its publication day."""
    if article.edition_date:
        return article.edition_date
    return timezone.localdate(article.published_at) if article.published_at else None


def in_use_then(region: Region, year: int) -> list[Region]:
    """The regions that held ``region``'s area in ``year``, by the 沿革: its heirs if it
    was abolished by then (down a chain: 萧山县 → 萧山市 → 萧山区), else the regions it
    was made from, wholly or in part. One query a step, only for a warning."""
    later = region.last_year is not None and year > region.last_year
    found, seen, frontier = [], {region.pk}, [region.pk]
    for _ in range(6):  # bounded: a chain of takeovers is a few steps long
        if later:
            links = RegionSuccession.objects.filter(predecessor__in=frontier, partial=False)
            steps = [link.successor for link in links.select_related("successor__parent")]
        else:
            links = RegionSuccession.objects.filter(successor__in=frontier)
            steps = [link.predecessor for link in links.select_related("predecessor__parent")]
        frontier = []
        for step in steps:
            if step.pk in seen:
                continue
            seen.add(step.pk)
            if step.valid_in_year(year):
                found.append(step)
            else:
                frontier.append(step.pk)
        if not frontier:
            break
    return sorted(found, key=lambda r: (not r.is_current, r.code, r.first_year))


def period_warnings(article: Article) -> list[str]:
    """A warning for each of the story's saved regions not in use on the day it was
    printed (none without a date). Not a refusal: an editor may have a reason, and the
    story stays filed as chosen."""
    printed = printed_on(article)
    if printed is None:
        return []
    kind = "见报日期" if article.edition_date else "发布日期"
    day = chinese_day(printed)
    warnings = []
    regions = Region.objects.filter(article_links__article=article).select_related("parent")
    for region in regions.order_by("code", "first_year"):
        if region.valid_on(printed):
            continue
        ended = region.last_year is not None and printed.year > region.last_year
        text = (
            f"稿件已保存，但所选地区“{region.label}”在本稿{kind}{day}"
            f"{'已撤销' if ended else '尚未设立'}。"
        )
        then = in_use_then(region, printed.year)
        if then:
            text += f"当时该地属于：{'、'.join(r.label for r in then)}。"
        warnings.append(text + "请核对所选地区。")
    return warnings


def _story_of(obj) -> Article | None:
    """The story of an inline's parent: the story itself, or a photo's (None while the
    photo, or the story, is not saved yet: the story's add permission decides)."""
    if isinstance(obj, Photo):
        return obj.article if obj.article_id else None
    return obj


class StoryRows:
    """An inline of a story's rows (bylines, photos, photo credits), editable where the
    story is: nested_admin, unlike Django's own admin, leaves the inlines of a story
    shown read-only editable on the page, and the save would be refused whole.

    ``obj`` is the story, or the photo for its credits; None on a new one, where the
    story's own add permission decides."""

    def rows_editable(self, request, obj) -> bool:
        story = _story_of(obj)
        return story is None or roles.can_change(request.user, story)

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and self.rows_editable(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self.rows_editable(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self.rows_editable(request, obj)


class PhotoRows(StoryRows):
    """A story's photos and their credits: also the photo rule (roles.can_change_photo)."""

    def rows_editable(self, request, obj) -> bool:
        story = _story_of(obj)
        return super().rows_editable(request, obj) and roles.can_change_photos_in(
            request.user, story
        )


class StoryRowsFormSet(NestedInlineFormSet):
    """Only rows of the story being saved. nested_admin saves and deletes an inline's
    rows by the id each posted form names, not among the rows the form was built from,
    so a story's form naming another story's photo or credit, DELETE ticked, deleted
    it: such a form is refused whole."""

    def own_rows(self):
        """This model's rows in the story (each inline's formset says which)."""
        raise NotImplementedError

    def clean(self):
        super().clean()
        pk = self.model._meta.pk.name
        posted = {form.data.get(form.add_prefix(pk)) or "" for form in self.initial_forms}
        own = {str(row) for row in self.own_rows().values_list("pk", flat=True)}
        if posted - own - {""}:
            raise ValidationError(NOT_THIS_STORY, code="not_this_story")


NOT_THIS_STORY = "表单中有不属于这篇稿件的图片、署名或地区，未保存：请刷新页面后重试。"


def _story_rows(model, **story):
    (value,) = story.values()
    return model.objects.filter(**story) if value is not None else model.objects.none()


class ArticleRegionFormSet(StoryRowsFormSet):
    def own_rows(self):
        return _story_rows(ArticleRegion, article_id=self.instance.pk)

    def clean(self):
        super().clean()
        primary = [
            form
            for form in self.forms
            if form.cleaned_data.get("is_primary") and not form.cleaned_data.get("DELETE")
        ]
        if len(primary) > 1:
            raise ValidationError("一篇稿件只能有一个主要地区。")


class ArticleRegionInline(StoryRows, PreloadedAutocompleteAdmin, nested_admin.NestedTabularInline):
    model = ArticleRegion
    formset = ArticleRegionFormSet
    autocomplete_fields = ["region"]
    extra = 0
    min_num = 1
    verbose_name = "地区"
    verbose_name_plural = "地区（至少一个，勾选主要地区）"

    is_primary_shown = yes_no("is_primary", "主要地区")

    def get_fields(self, request, obj=None):
        # Shown read-only, Django's boolean icon says "True"/"False" to screen readers.
        fields = super().get_fields(request, obj)
        if self.has_change_permission(request, obj):
            return fields
        return ["is_primary_shown" if name == "is_primary" else name for name in fields]

    def get_readonly_fields(self, request, obj=None):
        readonly = super().get_readonly_fields(request, obj)
        if self.has_change_permission(request, obj):
            return readonly
        return [*readonly, "is_primary_shown"]

    def get_formset(self, request, obj=None, **kwargs):
        # min_num alone only pre-fills a row; validate_min refuses removing the last region.
        return super().get_formset(request, obj, validate_min=True, **kwargs)

    def get_queryset(self, request):
        # Each row's region is labelled with its parent: fetched with the rows.
        return super().get_queryset(request).select_related("region__parent")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "region":
            kwargs.update(region_formfield_kwargs(db_field, self.admin_site, kwargs.get("using")))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class BylineFormSet(StoryRowsFormSet):
    def own_rows(self):
        return _story_rows(Credit, article_id=self.instance.pk)


class PhotoFormSet(StoryRowsFormSet):
    def own_rows(self):
        return _story_rows(Photo, article_id=self.instance.pk)


class BylineInline(StoryRows, PreloadedAutocompleteAdmin, nested_admin.NestedTabularInline):
    model = Credit
    fk_name = "article"
    form = BylineForm
    formset = BylineFormSet
    fields = ["contributor", "role", "order"]
    autocomplete_fields = ["contributor"]
    sortable_field_name = "order"
    extra = 0
    verbose_name = "署名"
    verbose_name_plural = "署名（文字作者、通讯员、编辑）"


class PhotoCreditFormSet(StoryRowsFormSet):
    """A photo's credits: any of the story's (nested_admin lets a credit be dragged from
    one photo to another). A deleted photo's credits go with it: the page's script ticks
    them for deletion too, but a form posted without them recreated them under the
    deleted photo, and the save failed on its foreign key as it committed."""

    def own_rows(self):
        return _story_rows(Credit, photo__article_id=self.instance.article_id)

    def save(self, commit=True):
        parent = getattr(self, "parent_form", None)
        if parent is not None and parent.cleaned_data.get("DELETE"):
            self.new_objects, self.changed_objects, self.deleted_objects = [], [], []
            return []
        return super().save(commit)


class PhotoCreditInline(PhotoRows, PreloadedAutocompleteAdmin, nested_admin.NestedTabularInline):
    model = Credit
    fk_name = "photo"
    form = PhotoCreditForm
    formset = PhotoCreditFormSet
    fields = ["contributor", "role", "order"]
    autocomplete_fields = ["contributor"]
    sortable_field_name = "order"
    extra = 0
    verbose_name = "图片署名"
    verbose_name_plural = "图片署名（摄影、提供）"


class PhotoInline(PhotoRows, nested_admin.NestedStackedInline):
    model = Photo
    formset = PhotoFormSet
    fields = ["image", "caption", "alt_text", "order"]
    formfield_overrides = PHOTO_UPLOAD
    sortable_field_name = "order"
    inlines = [PhotoCreditInline]
    extra = 0

    def get_queryset(self, request):
        # Each photo's credits inline asks the story's rule of the photo: its story
        # comes with it, not a query per photo.
        return super().get_queryset(request).select_related("article")


class ArticleAdminForm(StaleGuardForm):
    class Meta:
        model = Article
        fields = ["headline"]  # the admin's fieldsets decide the fields

    user = None  # set by ArticleAdmin.get_form

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        published_at = self.initial.get("published_at")
        if published_at:
            # The form shows the minute; a time stored to the second (``now``) would
            # read as changed on every save of an unchanged form.
            self.initial["published_at"] = published_at.replace(second=0, microsecond=0)

    # Shown with the importer's warnings at the top of the form while they are unchecked.
    import_checked = forms.BooleanField(
        label="已核对导入提示",
        required=False,
        help_text="勾选后保存：以上提示不再显示，并记下核对人和时间。",
    )

    def clean_status(self):
        # services.story_save refuses it too; here it is an error beside the field.
        status = self.cleaned_data["status"]
        before = self.instance.status if self.instance.pk else None
        if status != before and status not in roles.allowed_statuses(self.user):
            raise ValidationError(roles.NOT_PUBLISHER)
        return status


@admin.register(Article)
class ArticleAdmin(
    ListsWhatEditorsKnow,
    StaleGuardAdmin,
    StoryHistoryViews,
    PublishingActions,
    PreloadedAutocompleteAdmin,
    nested_admin.NestedModelAdmin,
):
    form = ArticleAdminForm
    list_display = [
        "headline",
        "section",
        "status",
        "published_at",
        "edition_date",
        "version_marker",
    ]
    list_display_links = ["headline"]
    list_filter = [
        "status",
        "section",
        RegionListFilter,
        ContributorListFilter,
        PageImportListFilter,
    ]
    list_select_related = ["section"]
    search_fields = ["headline", "kicker", "subtitle"]  # shows the box; see get_search_results
    search_help_text = "按标题、引题、副标题、地区名或作者、摄影者姓名查找（繁体亦可）"
    show_full_result_count = False
    paginator = CappedCountPaginator
    list_per_page = 50
    autocomplete_fields = ["section"]
    readonly_fields = [
        "version",
        "created_by",
        "created_at",
        "updated_at",
        "preview_link",
        "import_check",
    ]
    fieldsets = [
        (
            None,
            {"fields": ["kicker", "headline", "subtitle", "section", "lede", "body"]},
        ),
        ("署名", {"fields": ["byline"]}),
        ("发布", {"fields": ["status", "published_at", "preview_link"]}),
        ("见报", {"fields": ["edition_date", "page_number", "page_name"]}),
        (
            "记录",
            {
                "fields": [
                    "version",
                    "created_by",
                    "created_at",
                    "updated_at",
                    "import_check",
                    "loaded_version",
                ],
                "classes": ["collapse"],
            },
        ),
    ]
    inlines = [ArticleRegionInline, BylineInline, PhotoInline]
    actions = ["publish", "withdraw", "submit"]

    @admin.display(description="预览")
    def preview_link(self, obj):
        if not obj.pk:
            return "保存后可预览"
        url = reverse("archive:story_preview", args=[obj.pk])
        return format_html('<a href="{}" target="_blank">在读者页面上预览</a>', url)

    @admin.display(description="导入提示")
    def import_check(self, obj):
        if not obj.import_warnings:
            return "无"
        if obj.import_checked_at is None:
            return f"{len(obj.import_warnings)} 条，待核对（列在页面顶部）"
        who = obj.import_checked_by or "（已删除的用户）"
        when = timezone.localtime(obj.import_checked_at)
        return f"{len(obj.import_warnings)} 条，{who} 于 {when:%Y-%m-%d %H:%M} 核对"

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"user": request.user})

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "status" and not roles.can_publish(request.user):
            allowed = roles.allowed_statuses(request.user)
            kwargs["choices"] = [c for c in db_field.choices if c[0] in allowed]
            kwargs["error_messages"] = {"invalid_choice": roles.NOT_PUBLISHER}
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and roles.can_change(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and roles.can_delete(request.user, obj)

    def get_changelist(self, request, **kwargs):
        return ListingOrderedChangeList

    @property
    def media(self):
        # The contributor filter's picker on the story list: the form has select2 already.
        return super().media + contributor_filter_media(self.admin_site)

    def get_search_results(self, request, queryset, search_term):
        """Stories with every term in the title part of their search document (kicker,
        headline, subtitle and region names, folded: Traditional input, any case) or in
        the name of a contributor credited on them, as a byline or on a photo.

        Django's icontains over three columns walked the list newest first and read
        every headline of a million stories for a rare term (a second a search). A
        rare term is now looked up in the search index, which costs in proportion to
        its matches; a term so common that the index would offer too many to check
        (发展: 1.8 s) still walks the list, where matches are near.

        A term that is part of a contributor's name (郑晨, 郑, or a slug: zheng-chen)
        adds the stories credited to them, as a byline or on a photo, to those with the
        term in the title: a term in both finds both, newest first as any list. A term
        in many names (张) adds the stories of ``contributor_search.CONTRIBUTORS_PER_TERM``
        of them (20), an exact name first, then the most credited. With several terms
        each must be in the title or name a contributor: 郑晨 民宿 finds 郑晨's stories
        with 民宿 in the title. One query finds the names and, for a term rare in
        titles, its stories' ids (``contributor_search.resolve``); a term common in
        titles is still checked along the list.
        """
        query = Query.parse(search_term)
        if not query:  # nothing typed, or only punctuation, which no title is searched by
            return (queryset.none() if search_term.strip() else queryset), False
        return contributor_search.in_title_or_credited(queryset, query), False

    def get_object(self, request, object_id, from_field=None):
        if from_field is not None:
            return super().get_object(request, object_id, from_field)
        # The change form shows who created the story: fetched with it, not after.
        try:
            return (
                self.get_queryset(request)
                .select_related("created_by", "import_checked_by")
                .get(pk=object_id)
            )
        except (Article.DoesNotExist, ValidationError, ValueError):
            return None

    def save_model(self, request, obj, form, change):
        pass  # saved with its inlines, in save_related

    def save_related(self, request, form, formsets, change):
        # One service call saves the story and then its regions, bylines and photos,
        # checks the editor's role, and follows the write (derived rows, one history
        # row of the whole story, the content version).
        story, reason = form.instance, ""
        if change and not _changed(form, formsets):
            # Saved as loaded: a new version would list no change in the history. The
            # formsets save no unchanged row; they only note that for the change message.
            super().save_related(request, form, formsets, change)
            messages.info(request, "内容没有变化，未保存新版本。")
            request.saved_unchanged = True  # no "成功修改" after it (message_user)
            return
        unchecked = story.import_warnings and story.import_checked_at is None
        if unchecked and form.cleaned_data.get("import_checked"):
            story.import_checked_by, story.import_checked_at = request.user, timezone.now()
            reason = "核对导入提示"
        services.story_save(
            story=story,
            user=request.user,
            save_related=lambda: super(ArticleAdmin, self).save_related(
                request, form, formsets, change
            ),
            reason=reason,
        )
        for warning in period_warnings(form.instance):
            messages.warning(request, warning)

    def message_user(self, request, message, level=messages.INFO, *args, **kwargs):
        if getattr(request, "saved_unchanged", False) and level == messages.SUCCESS:
            return
        super().message_user(request, message, level, *args, **kwargs)

    def delete_model(self, request, obj):
        services.stories_delete(stories=Article.objects.filter(pk=obj.pk), user=request.user)

    def delete_queryset(self, request, queryset):
        services.stories_delete(stories=queryset, user=request.user)

    def view_on_site(self, obj):
        # Only a public story has a public page; a draft's would be a 404.
        return obj.get_absolute_url() if obj.is_public else None
