"""Folding reader input so Traditional characters find Simplified text."""

import functools

from opencc import OpenCC

# Full-width Latin letters and digits (ＡＩ２０２５) to ASCII, and the ideographic
# space to a plain one. Full-width punctuation stays: it is how Chinese is written.
_WIDE_ALNUM = {
    **{cp: cp - 0xFEE0 for cp in range(0xFF10, 0xFF1A)},
    **{cp: cp - 0xFEE0 for cp in range(0xFF21, 0xFF3B)},
    **{cp: cp - 0xFEE0 for cp in range(0xFF41, 0xFF5B)},
    0x3000: 0x20,
}


@functools.cache
def _t2s() -> OpenCC:
    return OpenCC("t2s")


def fold(value: str) -> str:
    """Traditional to Simplified, full-width letters and digits to ASCII."""
    return _t2s().convert((value or "").translate(_WIDE_ALNUM)).strip()
