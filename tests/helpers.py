"""Helpers shared by several test modules.

Reading admin pages and forms as an editor's browser would (what a form submits, the
inlines' prefixes, one more inline row), the text a reader sees on a page, the search
index's rows, and the stories the public must not see.
"""

import html
import re
from html.parser import HTMLParser

from django.db import connection
from django.urls import reverse

from archive.models import Article, SearchDocument
from archive.models.search import TITLE_VECTOR, VECTOR

CHANGELIST = reverse("admin:archive_article_changelist")

# Factory arguments for each kind of story the public must not see.
HIDDEN = {
    "draft": {"draft": True},
    "scheduled": {"scheduled": True},
    "in review": {"status": Article.Status.REVIEW},
    "withdrawn": {"status": Article.Status.WITHDRAWN},
}


# --- reading pages the way an editor sees them ---------------------------------------------


def page(response) -> str:
    return response.content.decode()


class FormReader(HTMLParser):
    """What a browser would submit from the form with ``form_id`` (before any button)."""

    def __init__(self, form_id: str):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.fields: list[tuple[str, str]] = []
        self._select = None
        self._select_options: list[tuple[str, bool]] = []
        self._option = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("id") == self.form_id
            return
        name = attrs.get("name")
        if not self.inside:
            return
        if tag == "input" and name and "disabled" not in attrs:
            kind = attrs.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    self.fields.append((name, attrs.get("value") or "on"))
            elif kind not in ("submit", "button", "file", "image", "reset"):
                self.fields.append((name, attrs.get("value") or ""))
        elif tag == "select" and name:
            self._select, self._select_options = name, []
        elif tag == "option" and self._select:
            self._option = [attrs.get("value"), "", "selected" in attrs]
        elif tag == "textarea" and name:
            self._textarea = [name, ""]

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data
        elif self._option is not None:
            self._option[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "textarea" and self._textarea is not None:
            name, text = self._textarea
            # Browsers drop the newline Django writes right after <textarea>.
            self.fields.append((name, text.removeprefix("\n")))
            self._textarea = None
        elif tag == "option" and self._option is not None:
            value, text, selected = self._option
            self._select_options.append((text if value is None else value, selected))
            self._option = None
        elif tag == "select" and self._select:
            chosen = [value for value, selected in self._select_options if selected]
            if not chosen and self._select_options:
                chosen = [self._select_options[0][0]]  # a browser submits the first option
            self.fields.extend((self._select, value) for value in chosen)
            self._select = None


def form_data(response, form_id: str = "article_form") -> dict[str, str]:
    assert response.status_code == 200
    reader = FormReader(form_id)
    reader.feed(page(response))
    assert reader.fields, f"no form #{form_id} on the page"
    return dict(reader.fields)


def inline_formset(response, inline_class):
    """The formset the page rendered for the inline of ``inline_class``."""
    (formset,) = (
        inline.formset
        for inline in response.context["inline_admin_formsets"]
        if isinstance(inline.opts, inline_class)
    )
    return formset


def inline_prefix(response, inline_class) -> str:
    """The management-form prefix the page gave to the inline of ``inline_class``."""
    return inline_formset(response, inline_class).prefix


def add_inline_row(data: dict, prefix: str, **values) -> None:
    """Fill one more row of an inline, as the "add another" link would."""
    n = int(data[f"{prefix}-TOTAL_FORMS"])
    data[f"{prefix}-TOTAL_FORMS"] = str(n + 1)
    for field, value in values.items():
        data[f"{prefix}-{n}-{field}"] = str(value)


def change_url(article) -> str:
    return reverse("admin:archive_article_change", args=[article.pk])


# --- what a reader sees, what search holds -------------------------------------------------


def visible_text(response):
    return html.unescape(re.sub(r"<[^>]+>", "", response.content.decode()))


def search_rows() -> list[tuple]:
    """Every story's document and, on PostgreSQL, the tokens its index entries hold, as text."""
    documents = list(SearchDocument.objects.order_by("article_id").values_list())
    if connection.vendor != "postgresql":
        return documents
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT article_id, {VECTOR}::text, {TITLE_VECTOR}::text "
            "FROM archive_searchdocument ORDER BY article_id"
        )
        return documents + cursor.fetchall()
