"""The editors' admin. Filters never list the big tables; multi-model writes go through services."""

import functools
import math

import nested_admin
from django import forms
from django.contrib import admin, messages
from django.contrib.admin.views.main import ORDER_VAR, ChangeList
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Prefetch
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.html import format_html, format_html_join
from nested_admin.formsets import NestedInlineFormSet

from archive import counts, derived, history, roles, services, uploads
from archive.admin_widgets import PreloadedAutocompleteAdmin
from archive.models import (
    Article,
    ArticleRegion,
    ContentVersion,
    Contributor,
    Credit,
    PageImport,
    Photo,
    Region,
    Section,
)
from archive.pagination import COUNT_CAP, SORT_TS, CappedCountPaginator
from archive.search import documents
from archive.search.terms import Query

RECENT_ON_CONTRIBUTOR_PAGE = 50


def newest_stories(listed):
    """The ids of the newest stories of a contributor's list, read from the listing
    index: sorting every credit of a prolific photographer by its story's date took
    0.3 s at a million stories."""
    return listed.order_by("-sort_ts", "-sort_id").values("pk")[:RECENT_ON_CONTRIBUTOR_PAGE]


class BumpsContentVersion:
    """Every admin write readers could see invalidates their cached pages."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        ContentVersion.bump()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        ContentVersion.bump()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        ContentVersion.bump()


class RefreshesSearchOnRename:
    """Stories are found by the names of their contributors and regions: a rename
    rewrites the search documents of every story that names the renamed record."""

    mention = ""  # keyword of documents.refresh_mentioning

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and {"name", "short_name"} & set(form.changed_data):
            # After the rename commits, in batches: a region may be named by a fifth of
            # the archive, and the admin's own transaction should not hold them all.
            transaction.on_commit(
                functools.partial(documents.refresh_mentioning, **{self.mention: obj.pk})
            )


class RegionListFilter(admin.SimpleListFilter):
    """The province and its cities, and the counties of the chosen city: never all 102 at once."""

    title = "地区"
    parameter_name = "region"

    @cached_property
    def region(self):
        region = Region.objects.lookup(self.value() or "")
        if region is not None:  # a slug highlights its option like a code does
            self.used_parameters[self.parameter_name] = region.code
        return region

    def lookups(self, request, model_admin):
        options = [(r.code, r.name) for r in Region.objects.exclude(level=Region.Level.COUNTY)]
        chosen = self.region
        if chosen is not None and chosen.level != Region.Level.PROVINCE:
            city = chosen.code[:4] + "00"
            counties = Region.objects.counties().filter(code__startswith=city[:4])
            at = [code for code, _ in options].index(city) + 1
            options[at:at] = [(c.code, f"└ {c.name}") for c in counties]
        return options

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        if self.region is None:  # an unknown region matches nothing
            return queryset.none()
        return queryset.in_region(self.region, unpublished=True)


class ContributorListFilter(admin.SimpleListFilter):
    """Reached from a contributor's page; lists only the chosen contributor, not 20,000."""

    title = "作者/供稿方"
    parameter_name = "contributor"

    @cached_property
    def contributor(self):
        value = self.value() or ""
        # isascii: "²".isdigit() is true, and would reach the database as a bad id.
        valid = value.isascii() and value.isdigit()
        return Contributor.objects.filter(pk=value).first() if valid else None

    def lookups(self, request, model_admin):
        if self.contributor is not None:
            return [(str(self.contributor.pk), self.contributor.name)]
        # An unknown id still needs an option, or Django would skip the filter entirely.
        return [(self.value(), "（没有这位作者）")] if self.value() else []

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        if self.contributor is None:
            return queryset.none()
        return queryset.bylined(self.contributor, unpublished=True)


def walk_above() -> int:
    """Index matches above which an admin search walks the list instead. A page and
    the capped count need about ``COUNT_CAP / density`` stories walked and ``matches``
    index matches checked, a checked match costing about twice a walked story: equal
    where matches² ≈ 2 × COUNT_CAP × stories (about 45,000 at a million)."""
    return max(1_000, math.isqrt(2 * COUNT_CAP * counts.published_total()))


class ListingOrderedChangeList(ChangeList):
    """Filtered by region or contributor, the list is read in the listing index's order
    (the same newest-first order) instead of sorting every story of a big county."""

    def get_ordering(self, request, queryset):
        if SORT_TS in queryset.query.annotations and ORDER_VAR not in self.params:
            return ["-sort_ts", "-sort_id"]
        return super().get_ordering(request, queryset)


class ArticleRegionFormSet(NestedInlineFormSet):
    def clean(self):
        super().clean()
        primary = [
            form
            for form in self.forms
            if form.cleaned_data.get("is_primary") and not form.cleaned_data.get("DELETE")
        ]
        if len(primary) > 1:
            raise ValidationError("一篇稿件只能有一个主要地区。")


class ArticleRegionInline(PreloadedAutocompleteAdmin, nested_admin.NestedTabularInline):
    model = ArticleRegion
    formset = ArticleRegionFormSet
    autocomplete_fields = ["region"]
    extra = 0
    min_num = 1
    verbose_name = "地区"
    verbose_name_plural = "地区（至少一个，勾选主要地区）"

    def get_formset(self, request, obj=None, **kwargs):
        # min_num alone only pre-fills a row; validate_min refuses removing the last region.
        return super().get_formset(request, obj, validate_min=True, **kwargs)


class BylineInline(PreloadedAutocompleteAdmin, nested_admin.NestedTabularInline):
    model = Credit
    fk_name = "article"
    fields = ["contributor", "role", "order"]
    autocomplete_fields = ["contributor"]
    sortable_field_name = "order"
    extra = 0
    verbose_name = "署名"
    verbose_name_plural = "署名（文字作者、通讯员、编辑）"


class PhotoCreditInline(PreloadedAutocompleteAdmin, nested_admin.NestedTabularInline):
    model = Credit
    fk_name = "photo"
    fields = ["contributor", "role", "order"]
    autocomplete_fields = ["contributor"]
    sortable_field_name = "order"
    extra = 0
    verbose_name = "图片署名"
    verbose_name_plural = "图片署名（摄影、提供）"


# The upload's own messages (format, size, pixels) next to the field, not Django's generic one.
PHOTO_UPLOAD = {models.ImageField: {"form_class": uploads.PhotoUploadField}}


class PhotoInline(nested_admin.NestedStackedInline):
    model = Photo
    fields = ["image", "caption", "alt_text", "order"]
    formfield_overrides = PHOTO_UPLOAD
    sortable_field_name = "order"
    inlines = [PhotoCreditInline]
    extra = 0


class PageImportListFilter(admin.SimpleListFilter):
    """The drafts made from one imported page, where the import screen lands; like the
    contributor filter it lists only the chosen import."""

    title = "导入的版面"
    parameter_name = "page_import"

    @cached_property
    def page_import(self):
        value = self.value() or ""
        valid = value.isascii() and value.isdigit()
        return PageImport.objects.filter(pk=value).first() if valid else None

    def lookups(self, request, model_admin):
        if self.page_import is not None:
            return [(str(self.page_import.pk), str(self.page_import))]
        return [(self.value(), "（没有这次导入）")] if self.value() else []

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        if self.page_import is None:
            return queryset.none()
        return queryset.filter(page_imports=self.page_import)


class StaleGuardForm(forms.ModelForm):
    """Carries the story's version from when the form was loaded, and refuses the save
    if someone saved the story since, saying what they changed. The row stays locked
    from this check to the save (the admin's change view is one transaction)."""

    loaded_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def story(self) -> Article | None:
        return self.instance if self.instance.pk else None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        story = self.story()
        if story is not None:
            self.fields["loaded_version"].initial = story.version

    def clean(self):
        data = super().clean()
        story = self.story()
        if story is None:
            return data
        current = (
            Article.objects.select_for_update()
            .filter(pk=story.pk)
            .values_list("version", flat=True)
            .first()
        )
        loaded = data.get("loaded_version")
        if loaded != current:
            raise ValidationError(stale_message(story.pk, loaded), code="stale")
        return data


def stale_message(article_id: int, loaded: int | None):
    """Why a save was refused, with what the other editor changed since ``loaded``."""
    then = history.row_at(article_id, loaded) if loaded else None
    now = history.latest(article_id)
    who = (
        f"{now.history_user or '其他人'}（{now.history_date:%Y-%m-%d %H:%M}）" if now else "其他人"
    )
    changes = history.changes(then, now) if then and now else []
    items = format_html_join(
        "", "<li>{}：{} → {}</li>", ((c.label, c.before[:80], c.after[:80]) for c in changes)
    )
    return format_html(
        "保存被拒绝：您打开这篇稿件之后，{} 已保存了新的版本。您填写的内容仍保留在下面，"
        "请复制需要的修改，刷新页面载入最新版本后再保存。对方的修改：<ul>{}</ul>",
        who,
        items or format_html("<li>（无法列出细节）</li>"),
    )


class ArticleAdminForm(StaleGuardForm):
    class Meta:
        model = Article
        fields = ["headline"]  # the admin's fieldsets decide the fields

    user = None  # set by ArticleAdmin.get_form
    NOT_PUBLISHER = "您没有发布或撤回稿件的权限：只能存为草稿或提交审核。"

    def clean_status(self):
        status = self.cleaned_data["status"]
        before = self.instance.status if self.instance.pk else None
        if status != before and status not in roles.allowed_statuses(self.user):
            raise ValidationError(self.NOT_PUBLISHER)
        return status


class PublishingActions:
    """Actions on selected stories, refused whole if any changed since the list loaded
    (the list carries each row's version in a hidden input)."""

    def versions(self, request) -> dict[int, int] | None:
        if request.POST.get("select_across") == "1":
            return None  # "all N stories": no single page of versions to check against
        if not any(key.startswith("_version_") for key in request.POST):
            return None  # not posted from the list (a script): nothing to compare with
        found = {}
        for pk in request.POST.getlist(admin.helpers.ACTION_CHECKBOX_NAME):
            value = request.POST.get(f"_version_{pk}", "")
            if not (pk.isdigit() and value.isdigit()):
                return {}  # unknown versions: everything counts as stale
            found[int(pk)] = int(value)
        return found

    @admin.display(description="")
    def version_marker(self, obj):
        return format_html(
            '<input type="hidden" name="_version_{}" value="{}">', obj.pk, obj.version
        )

    def _apply(self, request, queryset, service, done: str):
        try:
            count = service(articles=queryset, user=request.user, versions=self.versions(request))
        except services.StaleVersion as error:
            self.message_user(request, str(error), messages.ERROR)
        else:
            self.message_user(request, done.format(count), messages.SUCCESS)

    @admin.action(description="发布所选稿件", permissions=["publish"])
    def publish(self, request, queryset):
        self._apply(request, queryset, services.articles_publish, "已发布 {} 篇稿件。")

    @admin.action(description="撤回所选稿件（不再公开，保留稿件）", permissions=["publish"])
    def withdraw(self, request, queryset):
        self._apply(request, queryset, services.articles_withdraw, "已撤回 {} 篇稿件。")

    @admin.action(description="提交审核", permissions=["change"])
    def submit(self, request, queryset):
        if not request.user.has_perm("archive.change_any_article"):
            queryset = queryset.filter(created_by=request.user)  # a reporter's own only
        self._apply(request, queryset, services.articles_submit, "已提交 {} 篇稿件待审。")

    def has_publish_permission(self, request):
        return roles.can_publish(request.user)


class StoryHistoryViews:
    """The story's history: versions with who and when, the difference between any
    two, and a revert that is itself recorded."""

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "<int:object_id>/history/compare/",
                view(self.history_compare_view),
                name="archive_article_history_compare",
            ),
            path(
                "<int:object_id>/history/<int:history_id>/revert/",
                view(self.history_revert_view),
                name="archive_article_history_revert",
            ),
            *super().get_urls(),
        ]

    def _story(self, request, object_id):
        article = get_object_or_404(Article, pk=object_id)
        if not self.has_view_or_change_permission(request, article):
            raise PermissionDenied
        return article

    def _context(self, request, article, **extra):
        return {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": article,
            "can_revert": self.has_change_permission(request, article),
            **extra,
        }

    def history_view(self, request, object_id, extra_context=None):
        article = self._story(request, object_id)
        rows = list(
            Article.history.filter(id=article.pk)
            .select_related("history_user")
            .order_by("-history_date", "-history_id")[:200]
        )
        for newer, older in zip(rows, rows[1:], strict=False):
            newer.summary = "、".join(c.label for c in history.changes(older, newer)) or "—"
        if rows:
            rows[-1].summary = "创建" if rows[-1].history_type == "+" else "—"
        context = self._context(request, article, title=f"修改历史：{article}", rows=rows)
        return TemplateResponse(request, "admin/archive/article/story_history.html", context)

    def history_compare_view(self, request, object_id):
        article = self._story(request, object_id)
        ids = [v for v in (request.GET.get("from", ""), request.GET.get("to", "")) if v.isdigit()]
        rows = {r.history_id: r for r in Article.history.filter(id=article.pk, history_id__in=ids)}
        if len(ids) != 2 or len(rows) != len(set(ids)):
            messages.error(request, "请选择这篇稿件的两个版本进行比较。")
            return HttpResponseRedirect(reverse("admin:archive_article_history", args=[article.pk]))
        older, newer = sorted(
            (rows[int(i)] for i in ids), key=lambda r: (r.history_date, r.history_id)
        )
        context = self._context(
            request,
            article,
            title=f"比较版本：{article}",
            older=older,
            newer=newer,
            changes=history.changes(older, newer),
        )
        return TemplateResponse(request, "admin/archive/article/story_compare.html", context)

    def history_revert_view(self, request, object_id, history_id):
        article = self._story(request, object_id)
        if request.method != "POST" or not self.has_change_permission(request, article):
            raise PermissionDenied
        row = get_object_or_404(Article.history, id=article.pk, history_id=history_id)
        loaded = request.POST.get("loaded_version", "")
        if loaded != str(article.version):
            self.message_user(
                request,
                stale_message(article.pk, int(loaded) if loaded.isdigit() else None),
                messages.ERROR,
            )
        else:
            services.article_revert(article=article, row=row, user=request.user)
            self.message_user(
                request, f"已恢复到第 {row.version} 版（作为新版本保存）。", messages.SUCCESS
            )
        return HttpResponseRedirect(reverse("admin:archive_article_history", args=[article.pk]))


@admin.register(Article)
class ArticleAdmin(
    StoryHistoryViews,
    PublishingActions,
    BumpsContentVersion,
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
    search_help_text = "按标题、引题、副标题或地区名查找（繁体亦可）"
    show_full_result_count = False
    paginator = CappedCountPaginator
    list_per_page = 50
    autocomplete_fields = ["section"]
    readonly_fields = ["version", "created_by", "created_at", "updated_at", "preview_link"]
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
                "fields": ["version", "created_by", "created_at", "updated_at", "loaded_version"],
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

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"user": request.user})

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "status" and not roles.can_publish(request.user):
            allowed = roles.allowed_statuses(request.user)
            kwargs["choices"] = [c for c in db_field.choices if c[0] in allowed]
            kwargs["error_messages"] = {"invalid_choice": ArticleAdminForm.NOT_PUBLISHER}
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and roles.can_change(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and roles.can_change(request.user, obj)

    def get_changelist(self, request, **kwargs):
        return ListingOrderedChangeList

    def get_search_results(self, request, queryset, search_term):
        """Stories with every term in the title part of their search document: kicker,
        headline, subtitle and region names, folded (Traditional input, any case).

        Django's icontains over three columns walked the list newest first and read
        every headline of a million stories for a rare term (a second a search). A
        rare term is now looked up in the search index, which costs in proportion to
        its matches; a term so common that the index would offer too many to check
        (发展: 1.8 s) still walks the list, where matches are near.
        """
        query = Query.parse(search_term)
        if not query:  # nothing typed, or only punctuation, which no title is searched by
            return (queryset.none() if search_term.strip() else queryset), False
        common = Article.objects.offers_at_least(query, walk_above(), title=True)
        return queryset.in_title(query, indexed=not common), False

    def get_object(self, request, object_id, from_field=None):
        if from_field is not None:
            return super().get_object(request, object_id, from_field)
        # The change form shows who created the story: fetched with it, not after.
        try:
            return self.get_queryset(request).select_related("created_by").get(pk=object_id)
        except (Article.DoesNotExist, ValidationError, ValueError):
            return None

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        obj.skip_history_when_saving = True  # recorded once the inlines are saved too
        try:
            super().save_model(request, obj, form, change)
        finally:
            del obj.skip_history_when_saving

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # Regions, bylines and photo credits are saved by now: re-derive the listing
        # rows and search document, and record the whole story as this version.
        derived.refresh([form.instance.pk])
        history.record(form.instance, created=not change, user=request.user)

    def view_on_site(self, obj):
        # Only a public story has a public page; a draft's would be a 404.
        return obj.get_absolute_url() if obj.is_public else None


class PhotoForm(StaleGuardForm):
    """A photo edited on its own page carries its story's version: a photo editor's
    save and an editor's save of the story cannot overwrite each other."""

    class Meta:
        model = Photo
        fields = ["image", "caption", "alt_text", "order"]

    def story(self):
        return self.instance.article if self.instance.pk else None


class PhotoCreditsInline(PreloadedAutocompleteAdmin, admin.TabularInline):
    model = Credit
    fk_name = "photo"
    fields = ["contributor", "role", "order"]
    autocomplete_fields = ["contributor"]
    extra = 0
    verbose_name = "图片署名"
    verbose_name_plural = "图片署名（摄影、提供）"


@admin.register(Photo)
class PhotoAdmin(BumpsContentVersion, admin.ModelAdmin):
    """The photo editor's desk: every photo with its caption and credits."""

    form = PhotoForm
    list_display = ["__str__", "article", "credit_line"]
    list_select_related = ["article"]
    # Newest first, read backwards along the primary key: the model's order (a photo's
    # place within its story) made every page sort all of a million stories' photos.
    ordering = ["-pk"]
    search_fields = ["caption", "article__headline"]
    show_full_result_count = False
    paginator = CappedCountPaginator
    inlines = [PhotoCreditsInline]
    fields = ["article_link", "image", "caption", "alt_text", "order", "loaded_version"]
    readonly_fields = ["article_link"]
    formfield_overrides = PHOTO_UPLOAD

    def get_queryset(self, request):
        # The credit line of every listed photo, in one query rather than two a row.
        credits = Credit.objects.select_related("contributor")
        return super().get_queryset(request).prefetch_related(Prefetch("credits", credits))

    def get_search_results(self, request, queryset, search_term):
        # Django's icontains, over the photos of the stories the search index offers
        # for the term (their documents hold captions and headlines) unless it offers
        # too many: read over every photo, a search took seconds at a million stories.
        queryset, duplicates = super().get_search_results(request, queryset, search_term)
        query = Query.parse(search_term)
        if query and not Article.objects.offers_at_least(query, walk_above()):
            queryset = queryset.filter(article__in=Article.objects.offered(query))
        return queryset, duplicates

    @admin.display(description="所属稿件")
    def article_link(self, obj):
        url = reverse("admin:archive_article_change", args=[obj.article_id])
        return format_html('<a href="{}">{}</a>', url, obj.article.headline)

    def has_add_permission(self, request):
        return False  # a photo is added inside its story

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # A new version of the story: open story forms are now stale, and the
        # story's history shows the photo change.
        story = form.instance.article
        history.save_without_history(story)
        derived.refresh([story.pk])
        history.record(story, user=request.user, reason="修改图片")


@admin.register(Contributor)
class ContributorAdmin(RefreshesSearchOnRename, BumpsContentVersion, admin.ModelAdmin):
    mention = "contributor_id"
    actions = ["merge"]
    list_display = ["name", "kind", "description", "slug"]
    list_filter = ["kind"]
    search_fields = ["name", "slug", "description"]
    ordering = ["sort_key", "pk"]
    show_full_result_count = False
    readonly_fields = ["sort_key", "bylines", "photo_credits"]
    fields = [
        "name",
        "kind",
        "description",
        "slug",
        "sort_key",
        "bylines",
        "photo_credits",
    ]

    @admin.action(description="合并所选记录（同一人或同一机构）", permissions=["merge"])
    def merge(self, request, queryset):
        chosen = list(queryset.order_by("pk"))
        if len(chosen) < 2:
            self.message_user(request, "请至少选择两条记录再合并。", messages.WARNING)
            return None
        keep = next((c for c in chosen if str(c.pk) == request.POST.get("keep")), None)
        if request.POST.get("post") == "yes" and keep is not None:
            others = [c for c in chosen if c != keep]
            moved = services.contributors_merge(keep=keep, merged=others, user=request.user)
            names = "、".join(str(c) for c in others)
            self.message_user(
                request, f"已把 {names} 并入 {keep}：移交 {moved} 条署名。", messages.SUCCESS
            )
            return None
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "合并作者/供稿方",
            "chosen": chosen,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/archive/contributor/merge.html", context)

    def has_merge_permission(self, request):
        return self.has_change_permission(request) and self.has_delete_permission(request)

    @admin.display(description="署名稿件")
    def bylines(self, obj):
        if not obj.pk:
            return "—"
        credits = (
            obj.credits.filter(
                article__in=newest_stories(Article.objects.bylined(obj, unpublished=True))
            )
            .select_related("article")
            .order_by("-article__published_at", "-article_id")
        )
        rows = format_html_join(
            "",
            '<li><a href="{}">{}</a>（{}，{}）</li>',
            (
                (
                    reverse("admin:archive_article_change", args=[c.article_id]),
                    c.article.headline,
                    c.get_role_display(),
                    c.article.get_status_display(),
                )
                for c in credits
            ),
        )
        every = reverse("admin:archive_article_changelist") + f"?contributor={obj.pk}"
        return format_html('<ul>{}</ul><a href="{}">查看全部署名稿件</a>', rows, every)

    @admin.display(description="署名图片")
    def photo_credits(self, obj):
        if not obj.pk:
            return "—"
        stories = newest_stories(Article.objects.photographed(obj, unpublished=True))
        credits = (
            obj.credits.filter(photo__article__in=stories)
            .select_related("photo__article")
            .order_by("-photo__article__published_at", "-photo_id")
        )
        rows = format_html_join(
            "",
            '<li>{}（{}）— <a href="{}">{}</a></li>',
            (
                (
                    c.photo.caption or "（无说明）",
                    c.get_role_display(),
                    reverse("admin:archive_article_change", args=[c.photo.article_id]),
                    c.photo.article.headline,
                )
                for c in credits
            ),
        )
        return format_html("<ul>{}</ul>", rows) if credits else "—"


@admin.register(Section)
class SectionAdmin(BumpsContentVersion, admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "slug"]


@admin.register(Region)
class RegionAdmin(RefreshesSearchOnRename, BumpsContentVersion, admin.ModelAdmin):
    mention = "region_id"
    list_display = ["name", "code", "level", "parent", "slug"]
    list_filter = ["level"]
    search_fields = ["name", "short_name", "code", "slug"]
    list_select_related = ["parent"]
    ordering = ["code"]
    list_per_page = 120

    def has_delete_permission(self, request, obj=None):
        # The gazetteer comes from a data migration; stories point at it.
        return False

    def get_readonly_fields(self, request, obj=None):
        # A region's place in the hierarchy (its code) decides which lists include
        # its stories; names and slugs may be corrected, the hierarchy may not.
        return ["code", "level", "parent"] if obj else []


from archive import admin_import  # noqa: E402, F401  (registers the page import screen)
