"""Search matches marked in text shown to readers, escaped like any other text.

PostgreSQL's ``ts_headline`` cannot do this for Chinese (it knows words, not
bigrams), so matches are found here, in the folded text, with the same folding
as the index; positions map back to the original text one to one.
"""

import re
from collections.abc import Iterable

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from archive.text.folding import fold

SNIPPET_BEFORE = 20  # characters of context before the first match
SNIPPET_LENGTH = 90


def _pattern(terms: Iterable[str]) -> re.Pattern | None:
    # Longest first, so "柯城区" is marked whole rather than as "柯城"; a space in a
    # phrase matches any run of whitespace, as the search document collapses them.
    parts = [
        r"\s+".join(re.escape(word) for word in term.split())
        for term in sorted(set(terms), key=len, reverse=True)
    ]
    return re.compile("|".join(parts)) if parts else None


def _spans(text: str, pattern: re.Pattern | None) -> list[tuple[int, int]]:
    folded = fold(text)
    if pattern is None or len(folded) != len(text):
        return []  # a rare case-folding that changes length: show the text unmarked
    return [match.span() for match in pattern.finditer(folded)]


def _marked(text: str, spans: list[tuple[int, int]], start: int = 0, end: int | None = None):
    end = len(text) if end is None else end
    out, at = [], start
    for left, right in spans:
        left, right = max(left, start), min(right, end)
        if left >= right:
            continue
        out += [escape(text[at:left]), "<mark>", escape(text[left:right]), "</mark>"]
        at = right
    out.append(escape(text[at:end]))
    return mark_safe("".join(out))


def highlight(text: str, terms: Iterable[str]) -> SafeString:
    """``text``, escaped, with every match of ``terms`` in ``<mark>``."""
    return _marked(text, _spans(text, _pattern(terms)))


def snippet(texts: Iterable[str], terms: Iterable[str]) -> SafeString | None:
    """A short passage around the first match in the first of ``texts`` that has one,
    escaped, with its matches marked; None when no text matches (a title-only match)."""
    pattern = _pattern(terms)
    for text in texts:
        text = " ".join((text or "").split())
        spans = _spans(text, pattern)
        if not spans:
            continue
        start = max(0, spans[0][0] - SNIPPET_BEFORE)
        end = min(len(text), start + SNIPPET_LENGTH)
        passage = _marked(text, spans, start, end)
        return mark_safe(("…" if start else "") + passage + ("…" if end < len(text) else ""))
    return None
