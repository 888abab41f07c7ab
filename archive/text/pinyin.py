"""Pinyin for slugs and sort keys, with the readings pypinyin gets wrong.

pypinyin reads characters as common words. Place names and surnames often
take a rarer reading (莲都 is Liandu, not Liandou; the surname 单 is Shan,
曾 is Zeng), so those are overridden here before any conversion.
"""

import re

from pypinyin import Style, lazy_pinyin, load_phrases_dict

# Official readings of place names that pypinyin misreads or whose
# tone matters for sorting (台州 and 天台 take the first tone: Tāi).
PLACE_READINGS = {
    "莲都": [["lián"], ["dū"]],
    "台州": [["tāi"], ["zhōu"]],
    "天台": [["tiān"], ["tāi"]],
    "丽水": [["lí"], ["shuǐ"]],
    "乐清": [["yuè"], ["qīng"]],
    "长兴": [["cháng"], ["xīng"]],
    "嵊州": [["shèng"], ["zhōu"]],
    "嵊泗": [["shèng"], ["sì"]],
    "婺城": [["wù"], ["chéng"]],
    "鄞州": [["yín"], ["zhōu"]],
    "衢州": [["qú"], ["zhōu"]],
    "衢江": [["qú"], ["jiāng"]],
    # Elsewhere in China (the national gazetteer's slugs).
    "朝阳": [["cháo"], ["yáng"]],
    "涡阳": [["guō"], ["yáng"]],
    "洪洞": [["hóng"], ["tóng"]],
    "单县": [["shàn"], ["xiàn"]],
    "长治": [["cháng"], ["zhì"]],
    "长垣": [["cháng"], ["yuán"]],
    "都安": [["dū"], ["ān"]],
    "六安": [["lù"], ["ān"]],
}
load_phrases_dict(PLACE_READINGS)

# Surnames whose reading differs from the character's everyday reading.
# Compound surnames come first so that 尉迟 wins over 尉.
SURNAME_READINGS = {
    "尉迟": ["yu4", "chi2"],
    "万俟": ["mo4", "qi2"],
    "长孙": ["zhang3", "sun1"],
    "单": ["shan4"],
    "曾": ["zeng1"],
    "解": ["xie4"],
    "仇": ["qiu2"],
    "朴": ["piao2"],
    "区": ["ou1"],
    "查": ["zha1"],
    "盖": ["ge3"],
    "覃": ["qin2"],
    "缪": ["miao4"],
    "翟": ["zhai2"],
    "柏": ["bai3"],
    "种": ["chong2"],
    "隗": ["wei3"],
    "召": ["shao4"],
    "繁": ["po2"],
    "员": ["yun4"],
    "秘": ["bi4"],
    "尉": ["yu4"],
}
_SURNAMES_LONGEST_FIRST = sorted(SURNAME_READINGS, key=len, reverse=True)

_NON_SLUG = re.compile(r"[^a-z0-9]+")


def syllables(text: str, *, person: bool = False, tones: bool = False) -> list[str]:
    """Pinyin syllables of ``text``; Latin letters and digits pass through as words."""
    style = Style.TONE3 if tones else Style.NORMAL
    prefix: list[str] = []
    if person:
        for surname in _SURNAMES_LONGEST_FIRST:
            if text.startswith(surname) and len(text) > len(surname):
                reading = SURNAME_READINGS[surname]
                prefix = reading if tones else [re.sub(r"\d", "", s) for s in reading]
                text = text[len(surname) :]
                break
    rest = lazy_pinyin(text, style=style, neutral_tone_with_five=True, errors="default")
    words = [w.strip().lower() for w in prefix + rest]
    return [w for w in words if w]


def slugify(text: str, *, person: bool = False, separator: str = "-") -> str:
    """An ASCII slug from the pinyin of ``text``: 建德 → "jian-de" (or "jiande")."""
    parts = [_NON_SLUG.sub("-", s).strip("-") for s in syllables(text, person=person)]
    return separator.join(p for p in parts if p)


def sort_key(text: str, *, person: bool = False) -> str:
    """A key that sorts Chinese names in dictionary (pinyin, then tone) order.

    Syllables are separated by spaces so that "li an" sorts before "lian",
    as in a Chinese dictionary.
    """
    return " ".join(syllables(text, person=person, tones=True))
