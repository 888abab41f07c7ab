"""Which regions a story is about.

Names are counted where they name the place, not wherever their characters occur:

- a short name that is also an everyday word (江山, 南湖, 江北, 天台) counts only as
  the headline's "X：" or in its full form (江山市);
- a name inside a person's name (总经理杨金华表示) or leading an organisation's
  (杭州优邦置业, 衢州控股集团) does not count;
- a township (洋溪街道, 华墅乡) counts for the county it belongs to
  (``zhejiang_towns.tsv``, see ``scripts/extract_towns.py``);
- the primary region is the one the headline names before "：" (柯城：…), else
  the county named most; others are kept when named repeatedly, never a region that
  contains the primary one (柯城区's stories are already 衢州's).
"""

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from archive.ingest.credits import SURNAMES

TOWNS = Path(__file__).with_name("zhejiang_towns.tsv")

# Short names that are everyday words or other places' names as often as these
# counties' (天台 a rooftop, 临海 by the sea, 玉环 a person, 西湖 the lake, 南湖 in
# many cities): they count only in full (天台县) or as the headline's "X：".
_AMBIGUOUS = (  # noqa: SIM905 - a word list reads better as words
    "江山 南湖 江北 天台 普陀 西湖 上城 长兴 平湖 定海 常山 镇海 象山 三门 路桥 浦江 龙泉 "
    "平阳 龙湾 永嘉 滨江 钱塘 临海 开化 玉环 仙居 文成 鹿城 云和 金东 吴兴 秀洲 宁海"
).split()
AMBIGUOUS = frozenset(_AMBIGUOUS)

_ORGANISATION = re.compile(
    r"^[\u4e00-\u9fff]{0,6}?(?:有限|公司|集团|置业|银行|控股|实业|股份|地产|酒店|商贸|科技有限)"
)
_SPEECH = re.compile(r"^(?:表示|介绍|说|认为|坦言|指出|告诉|称|透露|笑着|直言)")
_TITLE = re.compile(
    r"(?:经理|负责人|书记|主任|局长|县长|区长|市长|村民|董事长|总监|院长|校长|老师|先生|女士)$"
)


@dataclass(frozen=True)
class Place:
    code: str
    name: str
    short_name: str

    @property
    def level(self) -> str:
        if self.code.endswith("0000"):
            return "province"
        if self.code.endswith("00"):
            return "city"
        return "county"

    def contains(self, other: "Place") -> bool:
        if self.level == "province":
            return other.code[:2] == self.code[:2] and other != self
        if self.level == "city":
            return other.code[:4] == self.code[:4] and other != self
        return False


@dataclass
class Gazetteer:
    """The regions a story can be tagged with, and the townships inside them."""

    places: list[Place]
    towns: dict[str, list[str]] = field(default_factory=dict)  # town name -> county codes

    @classmethod
    def load(cls, regions) -> "Gazetteer":
        """From (code, name, short name) rows, with Zhejiang's townships."""
        places = [Place(*row) for row in regions]
        known = {p.code for p in places}
        towns: dict[str, list[str]] = {}
        for line in TOWNS.read_text(encoding="utf-8").splitlines():
            if line and not line.startswith("#"):
                code, name = line.split("\t")
                if code in known:
                    towns.setdefault(name, []).append(code)
        return cls(places, towns)

    def by_code(self, code: str) -> Place:
        return next(p for p in self.places if p.code == code)

    def named(self, text: str) -> Place | None:
        """The region ``text`` names exactly (full or short name)."""
        text = text.strip()
        return next((p for p in self.places if text in (p.name, p.short_name)), None)

    def mentions(self, text: str) -> Counter:
        """How often each region is named in ``text`` (a township for its county)."""
        found: Counter = Counter()
        taken = [False] * len(text)
        # Longest names first, so 洋溪街道 is not also 洋溪, and 建德市 not also 建德.
        names = [(p.name, p, True) for p in self.places]
        names += [(p.short_name, p, False) for p in self.places if p.short_name != p.name]
        names += [(town, None, True) for town in self.towns]
        for name, place, full in sorted(names, key=lambda n: -len(n[0])):
            if len(name) < 2 or (not full and name in AMBIGUOUS):
                continue
            for match in re.finditer(re.escape(name), text):
                start, end = match.span()
                if any(taken[start:end]):
                    continue
                for i in range(start, end):
                    taken[i] = True
                if _not_a_place(text, start, end):
                    continue
                if place is None:
                    codes = self.towns[name]
                    if len(codes) == 1:  # a township name shared by two counties says nothing
                        found[self.by_code(codes[0])] += 1
                else:
                    found[place] += 1
        return found


def _not_a_place(text: str, start: int, end: int) -> bool:
    before, after = text[max(0, start - 6) : start], text[end : end + 8]
    if _ORGANISATION.match(after):
        return True
    # 总经理杨金华表示: a surname before the name and a verb of speech after it.
    return (
        bool(before)
        and before[-1] in SURNAMES
        and bool(_SPEECH.match(after) or _TITLE.search(before[:-1]))
    )


def tag(gazetteer: Gazetteer, headline: str, text: str) -> list[tuple[Place, bool]]:
    """(region, is primary) for a story with this headline and text."""
    counts = gazetteer.mentions(headline + "\n" + text)
    primary = None
    if match := re.match(r"^\s*([^：:\s]{2,8})\s*[：:]", headline):
        primary = gazetteer.named(match.group(1))
    if primary is None:
        ranked = sorted(
            (p for p in counts if p.level == "county"), key=lambda p: (-counts[p], p.code)
        ) or sorted(counts, key=lambda p: (-counts[p], p.code))
        primary = ranked[0] if ranked else None
    if primary is None:
        return []
    others = [
        p
        for p, n in sorted(counts.items(), key=lambda item: (-item[1], item[0].code))
        if p != primary and n >= 2 and not p.contains(primary) and not primary.contains(p)
    ]
    return [(primary, True), *((p, False) for p in others)]
