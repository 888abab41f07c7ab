"""Folding text so that Traditional characters, full-width letters and case do not matter.

Search folds both the stories' text and the reader's query with the same
character-for-character table. A per-character map keeps substrings intact
(if a story contains the query, the folded story contains the folded query),
which OpenCC's phrase-level conversion does not promise: it converts a
character differently by context. The table is OpenCC's own Traditional to
Simplified character dictionary, minus the characters that are also in
everyday Simplified use (乾, 於, 著: the dictionary lists them as mapping to
themselves among other readings), so plain Simplified text never changes.
"""

import functools
import sys
from pathlib import Path

import numpy as np
import opencc

# Full-width Latin letters and digits (ＡＩ２０２５) to ASCII, and the ideographic
# space to a plain one. Full-width punctuation stays: it is how Chinese is written.
_WIDE_ALNUM = {
    **{cp: cp - 0xFEE0 for cp in range(0xFF10, 0xFF1A)},
    **{cp: cp - 0xFEE0 for cp in range(0xFF21, 0xFF3B)},
    **{cp: cp - 0xFEE0 for cp in range(0xFF41, 0xFF5B)},
    0x3000: 0x20,
}


# Lower case one character at a time, so folding never depends on context: Greek
# final sigma folds like any sigma, and İ (whose lower case is two characters) to i.
_SPECIAL_LOWER = {ord("ς"): ord("σ"), ord("İ"): ord("i")}


def _lower(code: int) -> int:
    if code in _SPECIAL_LOWER:
        return _SPECIAL_LOWER[code]
    lower = chr(code).lower()
    return ord(lower) if len(lower) == 1 else code


@functools.cache
def _table() -> dict[int, int]:
    dictionary = Path(opencc.__file__).parent / "dictionary" / "TSCharacters.txt"
    simplified = {}
    for line in dictionary.read_text(encoding="utf-8").splitlines():
        traditional, _, readings = line.partition("\t")
        readings = readings.split()
        if len(traditional) == 1 and traditional not in readings and len(readings[0]) == 1:
            simplified[ord(traditional)] = ord(readings[0])
    table = dict(_WIDE_ALNUM)
    for code, target in simplified.items():
        seen = {code}
        while target in simplified and target not in seen:  # 薴 → 苧 → 苎
            seen.add(target)
            target = simplified[target]
        table[code] = target
    for code in range(sys.maxunicode + 1):
        target = _lower(table.get(code, code))
        if target != code:
            table[code] = target
    return table


@functools.cache
def _array() -> np.ndarray:
    """The same table as an array indexed by code point, for long texts."""
    array = np.arange(sys.maxunicode + 1, dtype=np.uint32)
    table = _table()
    array[np.fromiter(table.keys(), np.uint32)] = np.fromiter(table.values(), np.uint32)
    return array


LONG = 200  # from this length a vectorised lookup beats str.translate


def fold(value: str) -> str:
    """Traditional to Simplified, full-width letters and digits to ASCII, lower case.

    Strictly one character for one character, so positions in the folded text are
    positions in the original, and a folded text contains the folded form of every
    substring of the original.
    """
    value = value or ""
    if len(value) < LONG:
        return value.translate(_table())
    codes = np.frombuffer(value.encode("utf-32-le"), dtype=np.uint32)
    return _array()[codes].tobytes().decode("utf-32-le")
