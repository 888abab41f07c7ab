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
import struct
import sys
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from archive.text.folding import fold

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


_BITS = 21  # a code point's bits (U+10FFFF < 2**21)


def _token_keys(text: str) -> np.ndarray:
    """``document_tokens(text)`` as sorted distinct integers, vectorised: a story's ~1,000
    characters make ~1,000 tokens, too many to handle one Python string at a time in a
    bulk load. A key is a token's first character shifted left plus its second
    character + 1 (0 for a lone character), so the keys' order is PostgreSQL's order of
    lexemes (the bytes of UTF-8, which keep code point order; a prefix first).
    """
    codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    word = _alnum()[codes]
    pairs = word[:-1] & word[1:]
    ends = word & ~np.append(word[1:], False)  # a run's last character
    keys = np.concatenate(
        [(codes[:-1][pairs] << _BITS) | (codes[1:][pairs] + 1), codes[ends] << _BITS]
    )
    keys.sort()
    return keys[np.append(True, keys[1:] != keys[:-1])] if len(keys) else keys


def document_vector(text: str, extra: Iterable[str] = ()) -> bytes:
    """The ``tsvector`` of ``document_tokens(text)`` and the ``extra`` lexemes (no
    letter or digit first), in PostgreSQL's binary format: the server only copies it,
    five times cheaper than parsing the text form of a story's ~1,500 lexemes.

    The format: the number of lexemes, then each lexeme in order as UTF-8 ending in
    NUL, followed by its number of positions (none: two zero bytes).
    """
    keys = _token_keys(text)
    first, second = keys >> _BITS, keys & ((1 << _BITS) - 1)
    paired = second > 0
    # Five code points a lexeme: first, second (dropped for a lone character), three NULs.
    slots = np.zeros((len(keys), 5), dtype=np.uint32)
    slots[:, 0], slots[:, 1] = first, second - paired
    keep = np.ones(slots.shape, dtype=bool)
    keep[:, 1] = paired
    lexemes = slots[keep].tobytes().decode("utf-32-le").encode()
    # The extra lexemes (places: ``#`` and digits) sort before every token; were they
    # not to, PostgreSQL would sort the lexemes itself.
    leading = sorted({lexeme.encode() for lexeme in extra})
    head = struct.pack("!i", len(keys) + len(leading))
    return b"".join([head, *(lexeme + b"\0\0\0" for lexeme in leading), lexemes])


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
