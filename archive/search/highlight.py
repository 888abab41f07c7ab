"""Search matches marked in text shown to readers, escaped like any other text.

PostgreSQL's ``ts_headline`` cannot do this for Chinese (it knows words, not
bigrams), so matches are found here, in the folded text, with the same folding
as the index; positions map back to the original text one to one, so a
Traditional query marks the text as the story prints it.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from archive.text.folding import fold

SNIPPET_BEFORE = 20  # characters of context before a passage's first match
SNIPPET_LENGTH = 90
# A second, shorter passage for the words the first one lacks (they occur too far
# from the others): a reader sees every word that the text holds, in two lines at most.
SECOND_LENGTH = 50
MAX_MATCHES = 200  # of one term in one text: enough to place a passage


@dataclass(frozen=True)
class _Match:
    start: int
    end: int
    term: int  # which of the query's terms


@dataclass(frozen=True)
class _Passage:
    text: int  # which of the texts
    start: int
    end: int
    terms: frozenset


def _patterns(terms: Iterable[str]) -> list[re.Pattern]:
    # A space in a phrase matches any run of whitespace, as the search document
    # collapses them.
    return [
        re.compile(r"\s+".join(re.escape(word) for word in term.split()))
        for term in dict.fromkeys(terms)
        if term.split()
    ]


def _matches(text: str, patterns: list[re.Pattern]) -> list[_Match]:
    """Every match of each term in ``text``, by start; none if folding changes its
    length (a rare case folding), since positions would not map back."""
    folded = fold(text)
    if len(folded) != len(text):
        return []
    found = []
    for term, pattern in enumerate(patterns):
        for number, match in enumerate(pattern.finditer(folded)):
            if number == MAX_MATCHES:
                break
            found.append(_Match(*match.span(), term))
    return sorted(found, key=lambda match: (match.start, -match.end))


def _spans(matches: Iterable[_Match], start: int = 0, end: int | None = None) -> list:
    """The marked stretches: matches within ``start``–``end``, overlapping ones joined
    (城区 and 柯城 in 柯城区 mark it whole)."""
    spans: list[list[int]] = []
    for match in matches:
        left, right = max(match.start, start), match.end if end is None else min(match.end, end)
        if left >= right:
            continue
        if spans and left < spans[-1][1]:
            spans[-1][1] = max(spans[-1][1], right)
        else:
            spans.append([left, right])
    return spans


def _marked(text: str, spans: list, start: int = 0, end: int | None = None) -> str:
    end = len(text) if end is None else end
    out, at = [], start
    for left, right in spans:
        out += [escape(text[at:left]), "<mark>", escape(text[left:right]), "</mark>"]
        at = right
    out.append(escape(text[at:end]))
    return "".join(out)


def highlight(text: str, terms: Iterable[str]) -> SafeString:
    """``text``, escaped, with every match of every term of ``terms`` in ``<mark>``."""
    text = text or ""
    return mark_safe(_marked(text, _spans(_matches(text, _patterns(terms)))))


def _best_passage(index: int, text: str, matches: list[_Match], wanted, length: int):
    """The passage of ``text``, ``length`` characters from a little before a match of a
    ``wanted`` term, in which matches of the most ``wanted`` terms start; the earliest
    of equals. One pass: both ends of the passage only move forward."""
    matches = [match for match in matches if match.term in wanted]
    held: dict[int, int] = {}  # term: its matches starting in the passage
    best, low, high = None, 0, 0
    for first in matches:
        start = max(0, first.start - SNIPPET_BEFORE)
        end = min(len(text), start + length)
        while high < len(matches) and matches[high].start < end:
            held[matches[high].term] = held.get(matches[high].term, 0) + 1
            high += 1
        while matches[low].start < start:
            held[matches[low].term] -= 1
            if not held[matches[low].term]:
                del held[matches[low].term]
            low += 1
        if best is None or len(held) > len(best.terms):
            best = _Passage(index, start, end, frozenset(held))
            if len(held) == len(wanted):
                break
    return best


def _choose(texts: list[str], found: list[list[_Match]], wanted, length: int):
    """The passage with the most ``wanted`` terms among all ``texts``; the earliest of equals."""
    best = None
    for index, (text, matches) in enumerate(zip(texts, found, strict=True)):
        passage = _best_passage(index, text, matches, wanted, length)
        if passage and (best is None or len(passage.terms) > len(best.terms)):
            best = passage
            if len(best.terms) == len(wanted):
                break
    return best


def _in_order(passages: list[_Passage]) -> list[_Passage]:
    """``passages`` in reading order, those of one text that overlap joined."""
    joined: list[_Passage] = []
    for passage in sorted(passages, key=lambda passage: (passage.text, passage.start)):
        last = joined[-1] if joined else None
        if last and last.text == passage.text and passage.start <= last.end:
            end = max(last.end, passage.end)
            joined[-1] = _Passage(last.text, last.start, end, last.terms | passage.terms)
        else:
            joined.append(passage)
    return joined


def snippet(texts: Iterable[str], terms: Iterable[str]) -> SafeString | None:
    """A short passage of ``texts`` (the lede, paragraphs and captions, in order) in
    which as many of the query's terms occur as one passage can hold, escaped, with
    every match in it marked; then, if other terms occur further off, a shorter
    passage with the most of them. None when no text matches (a title match only)."""
    patterns = _patterns(terms)
    texts = [" ".join((text or "").split()) for text in texts]
    found = [_matches(text, patterns) for text in texts]
    present = frozenset(match.term for matches in found for match in matches)
    first = _choose(texts, found, present, SNIPPET_LENGTH)
    if first is None:
        return None
    passages = [first]
    if missing := present - first.terms:
        passages.append(_choose(texts, found, missing, SECOND_LENGTH))
    out: list[str] = []
    for passage in _in_order(passages):
        text, matches = texts[passage.text], found[passage.text]
        # A match the passage's ends would cut is shown whole.
        start = min([passage.start] + [m.start for m in matches if m.start < passage.start < m.end])
        end = max([passage.end] + [m.end for m in matches if m.start < passage.end < m.end])
        if (start or out) and not (out and out[-1] == "…"):
            out.append("…")
        out.append(_marked(text, _spans(matches, start, end), start, end))
        if end < len(text):
            out.append("…")
    return mark_safe("".join(out))
