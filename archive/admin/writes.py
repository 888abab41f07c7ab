"""How the admin's one-model saves and deletes (sections, contributors, regions) are
followed: through ``after_write``, like every other write, and a rename rewrites the
search documents of the stories that name the renamed record (a background job the
editor is told about)."""

from archive.admin.jobs import announce
from archive.editorial import services
from archive.editorial.aftermath import after_write


class FollowsWrites:
    """Every admin write readers could see invalidates their cached pages."""

    renamed = None  # the keyword of ``services.names_changed`` for this model, if any

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if self.renamed and change and {"name", "short_name"} & set(form.changed_data):
            announce(request, services.names_changed(**{self.renamed: obj}, user=request.user))
        else:
            after_write()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        after_write()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        after_write()
