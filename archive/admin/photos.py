"""The photo desk: every photo with its caption and credits, newest first. A save goes
through ``services.photo_save``, which checks the editor's role."""

from django.contrib import admin
from django.db.models import Prefetch
from django.urls import reverse
from django.utils.html import format_html

from archive.admin import index_search
from archive.admin.credits import PhotoCreditForm
from archive.admin.deletion import ListsWhatEditorsKnow
from archive.admin.stale import StaleGuardAdmin, StaleGuardForm
from archive.admin.widgets import PHOTO_UPLOAD, PreloadedAutocompleteAdmin
from archive.editorial import roles, services
from archive.models import Article, Credit, Photo
from archive.pagination import CappedCountPaginator
from archive.search.terms import Query


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
    form = PhotoCreditForm
    fields = ["contributor", "role", "order"]
    autocomplete_fields = ["contributor"]
    extra = 0
    verbose_name = "图片署名"
    verbose_name_plural = "图片署名（摄影、提供）"


@admin.register(Photo)
class PhotoAdmin(ListsWhatEditorsKnow, StaleGuardAdmin, admin.ModelAdmin):
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
        if query and not Article.objects.offers_at_least(query, index_search.walk_above()):
            queryset = queryset.filter(article__in=Article.objects.offered(query))
        return queryset, duplicates

    @admin.display(description="所属稿件")
    def article_link(self, obj):
        url = reverse("admin:archive_article_change", args=[obj.article_id])
        return format_html('<a href="{}">{}</a>', url, obj.article.headline)

    def has_add_permission(self, request):
        return False  # a photo is added inside its story

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and roles.can_change_photo(
            request.user, obj
        )

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and roles.can_delete_photo(
            request.user, obj
        )

    def save_model(self, request, obj, form, change):
        pass  # saved with its credits, in save_related

    def save_related(self, request, form, formsets, change):
        # A new version of the story: open story forms are now stale, and the
        # story's history shows the photo change (services.photo_save).
        services.photo_save(
            photo=form.instance,
            user=request.user,
            save_related=lambda: super(PhotoAdmin, self).save_related(
                request, form, formsets, change
            ),
        )

    def delete_model(self, request, obj):
        services.photos_delete(photos=[obj], user=request.user)

    def delete_queryset(self, request, queryset):
        services.photos_delete(photos=queryset, user=request.user)
