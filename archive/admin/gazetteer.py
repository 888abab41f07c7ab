"""The gazetteer: regions' names and slugs may be corrected, their hierarchy may not."""

from django.contrib import admin

from archive.admin.writes import FollowsWrites
from archive.models import Region


@admin.register(Region)
class RegionAdmin(FollowsWrites, admin.ModelAdmin):
    renamed = "region"
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
