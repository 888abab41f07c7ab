"""Reader queries and index tokens: pure Python, shared by the index and the query.

The index holds, for every run of letters and digits in a story's folded text,
each pair of neighbouring characters (a bigram) and the run's last character
alone. If a story contains a query string, it contains every bigram of it, and
each single character of the query starts one of its tokens; so the index
query "every bigram, and a prefix match for a lone character" finds every story
that contains the string, and a substring check on the candidates removes
the few that hold the bigrams apart. No word segmenter is involved, so names
no dictionary knows are found like any other string.
"""

import functools
import re
import sys
from dataclasses import dataclass

import numpy as np

from archive.text import fold

MAX_TERMS = 10
# A phrase in straight, full-width or Chinese quotation marks; else a run of non-space.
_PART = re.compile(r'["＂]([^"＂]*)["＂]|“([^”]*)”|「([^」]*)」|『([^』]*)』|(\S+)')
_QUOTES = '"＂“”「」『』'
_RUN = re.compile(r"[^\W_]+")  # letters and digits of any script
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


@functools.cache
def _alnum() -> np.ndarray:
    return np.array([chr(c).isalnum() for c in range(sys.maxunicode + 1)], dtype=bool)


_QUOTE, _SPACE = ord("'"), ord(" ")


def document_tsvector(text: str) -> str:
    """``document_tokens(text)`` as the text form of a PostgreSQL ``tsvector`` (no
    positions), vectorised: a story's ~1,000 characters make
    ~1,000 tokens, too many to build one Python string at a time in a bulk load.

    Tokens may repeat; PostgreSQL's tsvector input removes duplicates.
    """
    codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    word = _alnum()[codes]
    pairs = word[:-1] & word[1:]
    ends = word & ~np.append(word[1:], False)  # a run's last character
    first, second, last = codes[:-1][pairs], codes[1:][pairs], codes[ends]
    # Each token as five characters: 'ab' and a space, or 'a' and two spaces.
    out = np.full((len(first) + len(last), 5), _SPACE, dtype=np.uint32)
    out[:, 0] = _QUOTE
    out[: len(first), 1], out[: len(first), 2], out[: len(first), 3] = first, second, _QUOTE
    out[len(first) :, 1], out[len(first) :, 2] = last, _QUOTE
    return out.tobytes().decode("utf-32-le").rstrip()


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


def place_lexeme(region_id: int) -> str:
    """The token of a region in the vectors of the stories tagged with it or with a region
    inside it. ``#`` is no letter or digit, so no text token or query prefix meets it."""
    return f"'#{region_id}'"


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

    def __str__(self) -> str:
        return " ".join(f'"{term}"' if " " in term else term for term in self.terms)

    def tsquery(self, *, place: int | None = None) -> str:
        """The index query, as the text form of a ``tsquery``: every token must be present,
        and with ``place`` (a region id) the story must be tagged with it or a region inside it."""
        seen, parts = set(), [place_lexeme(place)] if place is not None else []
        for term in self.terms:
            for token, prefix in _term_tokens(term):
                if (token, prefix) not in seen:
                    seen.add((token, prefix))
                    parts.append(_lexeme(token) + (":*" if prefix else ""))
        return " & ".join(parts)
