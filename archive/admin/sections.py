"""The paper's sections (栏目)."""

from django.contrib import admin

from archive.admin.deletion import ListsWhatEditorsKnow
from archive.admin.writes import FollowsWrites
from archive.models import Section


@admin.register(Section)
class SectionAdmin(ListsWhatEditorsKnow, FollowsWrites, admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "slug"]
