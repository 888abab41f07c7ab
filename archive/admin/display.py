"""How the admin shows values: a yes or no as 是 or 否, and a colon after Chinese as
Chinese text writes it (：)."""

import re
from collections.abc import Iterable

from django.contrib import admin
from django.utils.safestring import SafeString, mark_safe


def yes_no(field: str, description: str):
    """A read-only column or field showing ``field`` of the row as 是/否. Django shows a
    boolean as an icon whose text, which screen readers read out, is "True"/"False"."""

    @admin.display(description=description, ordering=field)
    def shown(self, obj):
        value = getattr(obj, field)
        return "—" if value is None else ("是" if value else "否")

    shown.__name__ = f"{field}_shown"
    return shown


def full_width_colons(html: SafeString, after: Iterable[str]) -> SafeString:
    """A widget's ``html`` with the ASCII colon (and space) that Django's template writes
    after each of ``after`` made the full-width colon. Only colons change in Django's
    escaped output, so it stays safe."""
    for text in after:
        html = re.sub(rf"{re.escape(str(text))}: ?", f"{text}：", html)
    return mark_safe(html)
