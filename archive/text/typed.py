"""Text as editors type it, stored one way whatever system typed it.

Browsers send a textarea's line breaks as CRLF, macOS input methods may send a
character decomposed where Windows sends it composed, and a pasted line keeps its
trailing spaces: none of it is visible, but each made a saved story differ from
itself, so its history recorded a change and a compare struck out every paragraph.
"""

import re
import unicodedata

_LINE_BREAK = re.compile(r"\r\n?|[\u2028\u2029]")


def tidy(text: str) -> str:
    """``text`` in NFC, with Unix line breaks, no trailing whitespace on any line (the
    full-width space included) and none around the whole, as Django's forms strip it.
    A paragraph's leading indent inside the text is kept."""
    text = _LINE_BREAK.sub("\n", unicodedata.normalize("NFC", text))
    return "\n".join(line.rstrip() for line in text.split("\n")).strip()
