"""nested-admin's ``formsetsort`` template filter, without its server error.

The filter puts an inline's rows in the order of their position field. When a form
comes back with a validation error it sorts the posted positions as they are: two
rows with the same number (an editor typing 1 twice) make it compare the rows
themselves, and a number that is not one makes ``int()`` fail; either way the editor
gets a 500 instead of the form and its error (upstream issue
theatlantic/django-nested-admin#213, open). This version sorts by number, keeps the
rows' own order among equal numbers and puts blank or invalid ones last.
"""

from nested_admin.templatetags import nested_admin as nested_admin_tags


def formsetsort(formset, field_name):
    if not field_name:
        return formset
    rows = list(formset)

    def position(index_row):
        index, row = index_row
        try:
            number = int(row.form[field_name].data)
        except (TypeError, ValueError):
            number = None
        if number is None or number == -1:  # -1: nested-admin's "new row, not placed yet"
            return (1, 0, index)
        return (0, number, index)

    return [row for _, row in sorted(enumerate(rows), key=position)]


def install() -> None:
    """Replace the filter in nested-admin's tag library (its templates load it by name)."""
    nested_admin_tags.register.filters["formsetsort"] = formsetsort
