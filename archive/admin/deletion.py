"""What a delete confirmation lists: the rows an editor knows from the admin, in Chinese.

Django lists every row the delete takes with it, the derived and bookkeeping ones too:
a story's listing and search rows ("Story listing: 署名 50: 25"), the link rows of a
many-to-many field ("User-group关系: User_groups object (9)"), the admin's own log. No
admin page shows them and their names are Django's English; they go with the row they
hang on, and the list leaves them out. Each remaining row reads "图片：说明", with the
full-width colon of Chinese text (Django writes "图片: 说明").
"""

from functools import cache

from django.apps import apps
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import capfirst


def shown_models(site) -> set:
    """The models an editor meets in the admin: those with pages, and their inlines'."""
    found = set()

    def add(model_admin):
        for inline in getattr(model_admin, "inlines", ()):  # nested_admin's have their own
            found.add(inline.model)
            add(inline)

    for model, model_admin in site._registry.items():
        found.add(model)
        add(model_admin)
    return found


@cache
def _unshown(site) -> tuple[tuple[str, ...], frozenset[str]]:
    """How Django labels the rows ("Story listing: ") and the counts of the models no
    page shows, but for a name an editor knows from a page (whichever model bears it)."""
    shown = shown_models(site)
    known = {str(model._meta.verbose_name) for model in shown}
    unshown = [
        model._meta
        for model in apps.get_models(include_auto_created=True)
        if model not in shown and str(model._meta.verbose_name) not in known
    ]
    return (
        tuple(f"{capfirst(opts.verbose_name)}: " for opts in unshown),
        frozenset(str(opts.verbose_name_plural) for opts in unshown),
    )


def _listed(items: list, unshown: tuple[str, ...]) -> list:
    """The nested list of rows without the unshown ones (and what hangs on them)."""
    kept, dropped = [], False
    for item in items:
        if isinstance(item, list):
            if not dropped:
                kept.append(_listed(item, unshown))
            continue
        dropped = str(item).startswith(unshown)
        if not dropped:
            chinese = str(item).replace(": ", "：", 1)
            kept.append(mark_safe(chinese) if isinstance(item, SafeString) else chinese)
    return kept


class ListsWhatEditorsKnow:
    """For a ModelAdmin: its delete confirmations (the page and the delete action) list
    only rows an editor knows, and count only those."""

    def get_deleted_objects(self, objs, request):
        rows, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        unshown_rows, unshown_counts = _unshown(self.admin_site)
        counts = {name: n for name, n in counts.items() if str(name) not in unshown_counts}
        return (
            _listed(rows, unshown_rows),
            counts,
            perms_needed,
            _listed(protected, ()),
        )
