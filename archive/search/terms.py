"""Reader queries and index tokens: pure Python, shared by the index and the query.

The index holds, for every run of letters and digits in a story's folded text,
each pair of neighbouring characters (a bigram) and the run's last character
alone: the database makes them from the stored document (``archive_search_vector``,
migration 0025); ``document_tokens`` is the same rule in Python. If a story
contains a query string, it contains every bigram of it, and each single character
of the query starts one of its tokens; so the index query "every bigram, and a
prefix match for a lone character" finds every story that contains the string,
and a substring check on the candidates removes the few that hold the bigrams
apart. No word segmenter is involved, so names no dictionary knows are found like
any other string.
"""

import re
from dataclasses import dataclass

from archive.text.folding import fold

MAX_TERMS = 10
# A phrase in straight, full-width or Chinese quotation marks; else a run of non-space.
_PART = re.compile(r'["＂]([^"＂]*)["＂]|“([^”]*)”|「([^」]*)」|『([^』]*)』|(\S+)')
_QUOTES = '"＂“”「」『』'
# Letters and digits are everything but these: punctuation, symbols, spaces and
# controls of the blocks where text has them, as a character class that Python's and
# PostgreSQL's regular expressions read alike. Frozen (migration 0025 holds the same
# in the index's function), so a newer Unicode database changes neither side: a
# character outside these blocks that is no letter (an emoji) counts as one, on both.
SEPARATORS = (
    r"\u0001-\u002f\u003a-\u0040\u005b-\u0060\u007b-\u00a9\u00ab-\u00b1\u00b4"
    r"\u00b6-\u00b8\u00bb\u00bf\u00d7\u00f7\u02c2-\u02c5\u02d2-\u02df\u02e5-\u02eb"
    r"\u02ed\u02ef-\u02ff\u2000-\u206f\u2072-\u2073\u207a-\u207e\u208a-\u208f"
    r"\u209d-\u2101\u2103-\u2106\u2108-\u2109\u2114\u2116-\u2118\u211e-\u2123"
    r"\u2125\u2127\u2129\u212e\u213a-\u213b\u2140-\u2144\u214a-\u214d\u214f"
    r"\u218a-\u245f\u249c-\u24e9\u2500-\u2775\u2794-\u2bff\u3000-\u3004"
    r"\u3008-\u3020\u302a-\u3030\u3036-\u3037\u303d-\u303f\ufe10-\ufe6f"
    r"\uff00-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65\uffbf-\uffc1"
    r"\uffc8-\uffc9\uffd0-\uffd1\uffd8-\uffd9\uffdd-\uffef"
)
_RUN = re.compile(f"[^{SEPARATORS}]+")
# Zero-width spaces, joiners and byte order marks a pasted query may carry.
_INVISIBLE = re.compile("[\u200b-\u200f\u2060-\u2064\ufeff]")


def runs(text: str) -> list[str]:
    return _RUN.findall(text)


def document_tokens(text: str) -> set[str]:
    """The index tokens of folded ``text``."""
    tokens = set()
    for run in runs(text):
        tokens.update(run[i : i + 2] for i in range(len(run)))  # the last is one character
    return tokens


def _term_tokens(term: str) -> list[tuple[str, bool]]:
    """(token, is_prefix) pairs that every text containing ``term`` has in its index."""
    found = []
    for run in runs(term):
        if len(run) == 1:
            found.append((run, True))
        else:
            found.extend((run[i : i + 2], False) for i in range(len(run) - 1))
    return found


def _lexeme(token: str) -> str:
    return "'" + token.replace("\\", "\\\\").replace("'", "''") + "'"


def place_token(region_id: int) -> str:
    """The token of a region in the vectors of the stories tagged with it or with a region
    inside it. ``#`` is no letter or digit, so no text token or query prefix meets it."""
    return f"#{region_id}"


@dataclass(frozen=True)
class Query:
    """What a reader asked for: folded terms that must all occur, each as written."""

    terms: tuple[str, ...] = ()

    @classmethod
    def parse(cls, raw: str) -> "Query":
        """Words separated by spaces must all occur; a quoted phrase occurs exactly.

        Terms without a letter or digit (stray punctuation) are dropped, and so is a
        term contained in another, which adds nothing.
        """
        terms: list[str] = []
        raw = _INVISIBLE.sub("", raw or "")
        for match in _PART.finditer(fold(raw)):
            phrase = next((g for g in match.groups()[:4] if g is not None), None)
            term = phrase if phrase is not None else match.group(5).strip(_QUOTES)
            term = " ".join(term.split())
            if runs(term) and term not in terms:
                terms.append(term)
        kept = [t for t in terms if not any(t != other and t in other for other in terms)]
        return cls(tuple(kept))

    def __bool__(self) -> bool:
        return bool(self.terms)

    @property
    def exact(self) -> bool:
        """Whether the index alone decides: every term one or two letters or digits,
        whose token (the bigram itself, or a prefix of the tokens a character starts)
        a text holds exactly when it contains the term. Longer terms' bigrams may lie
        apart in a text, and only a substring check tells."""
        return all(len(term) <= 2 and runs(term) == [term] for term in self.terms)

    def __str__(self) -> str:
        return " ".join(f'"{term}"' if " " in term else term for term in self.terms)

    def tsquery(self, *, place: int | None = None) -> str:
        """The index query, as the text form of a ``tsquery``: every token must be present,
        and with ``place`` (a region id) the story must be tagged with it or a region inside it."""
        seen, parts = set(), [_lexeme(place_token(place))] if place is not None else []
        for term in self.terms:
            for token, prefix in _term_tokens(term):
                if (token, prefix) not in seen:
                    seen.add((token, prefix))
                    parts.append(_lexeme(token) + (":*" if prefix else ""))
        return " & ".join(parts)
