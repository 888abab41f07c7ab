"""The editors' admin, one module per editor task: ``stories`` (list and form, with
``publishing`` actions and ``history`` views), ``photos`` (the photo desk),
``contributors``, ``sections``, ``gazetteer``, ``page_import``, ``accounts`` (users
and roles), ``login_protection`` (unlocking an editor) and ``task_queue`` (the
background queue's results); beside them the list ``filters``, form ``widgets``,
the ``stale`` form guard, ``index_search``, and how values and deletions read
(``display``, ``deletion``).

Every write an editor makes goes through ``archive.editorial``: the services for
writes that span models (and check the editor's role themselves), ``after_write``
for the rest. Importing this package registers every screen.
"""

from archive.admin import (  # noqa: F401  (each module registers its ModelAdmin)
    accounts,
    contributors,
    edition_pages,
    gazetteer,
    login_protection,
    page_import,
    photos,
    sections,
    stories,
    task_queue,
)
