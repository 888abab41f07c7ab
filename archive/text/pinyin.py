"""Pinyin for slugs and sort keys, with the readings pypinyin gets wrong.

pypinyin reads characters as common words. Place names and surnames often
take a rarer reading (莲都 is Liandu, not Liandou; the surname 单 is Shan,
曾 is Zeng), so those are overridden here before any conversion.
"""

import functools
import re
import unicodedata

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


# A typed pinyin search splits into at most this many readings (xian: xian or xi-an).
MAX_READINGS = 8
MAX_TYPED = 100  # letters; a name is never longer
_TYPED_SEPARATORS = re.compile(r"[^a-z]+")


@functools.cache
def _syllable_set() -> frozenset[str]:
    """Every toneless syllable pypinyin knows (ü written v, as in slugs), but the
    vowel-less interjections (m, n, ng, hm), which would split any typed name."""
    from pypinyin.contrib.tone_convert import to_normal
    from pypinyin.pinyin_dict import pinyin_dict

    found = set()
    for readings in pinyin_dict.values():
        for reading in readings.split(","):
            found.add(to_normal(reading).replace("ü", "v"))
    return frozenset(s for s in found if s.isascii() and s.isalpha() and set(s) & set("aeiouv"))


@functools.cache
def _syllable_prefixes() -> frozenset[str]:
    return frozenset(s[:i] for s in _syllable_set() for i in range(1, len(s) + 1))


def typed_readings(typed: str) -> list[str]:
    """The ways typed pinyin splits into syllables, each as a slug would write it
    (zhengchen, "zheng chen", Zhèng Chén → zheng-chen; xian → xian, xi-an); where it
    splits no way into whole syllables, the last may be one not finished (zheng ch →
    zheng-ch). Tone marks and numbers, spaces and apostrophes are dropped; ü and u:
    are v. Empty when it is not pinyin."""
    text = unicodedata.normalize("NFD", typed.lower().replace("u:", "v"))
    text = text.replace("u\u0308", "v")
    text = "".join(c for c in text if not unicodedata.combining(c))
    words = [w for w in _TYPED_SEPARATORS.split(text) if w]
    if sum(map(len, words)) > MAX_TYPED:
        return []
    for unfinished in (False, True):
        readings = [""]
        for i, word in enumerate(words):
            last = unfinished and i == len(words) - 1
            readings = [
                f"{reading}-{split}" if reading else split
                for reading in readings
                for split in _splits(word, unfinished=last)
            ][:MAX_READINGS]
        if any(readings):
            return readings
    return []


@functools.lru_cache(maxsize=4096)
def _splits(word: str, *, unfinished: bool) -> tuple[str, ...]:
    """``word`` as syllables joined by hyphens, every way it splits (longest first
    syllables first), at most ``MAX_READINGS``; ``unfinished``: the last may be a
    syllable's start. Each ending is split once (cached), so a long word costs its
    length, not the number of ways it could split."""
    if not word:
        return ("",)
    found = []
    for end in range(min(len(word), 6), 0, -1):  # zhuang: no syllable is longer
        head, rest = word[:end], word[end:]
        if head in _syllable_set() or (unfinished and not rest and head in _syllable_prefixes()):
            found += [
                f"{head}-{tail}" if tail else head for tail in _splits(rest, unfinished=unfinished)
            ]
            if len(found) >= MAX_READINGS:
                break
    return tuple(found[:MAX_READINGS])
