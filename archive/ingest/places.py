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


# Division names that are also everyday words or name a part of many cities (城区,
# 新城区, 古城区, 市中区, 郊区, 东区; 海城市 in 沿海城市): outside the home province, and
# when retired, they count only written after their city's or province's name
# (北京市东城区).
_GENERIC = re.compile(r"^(?:.?城|.?郊|.?市|市.|矿|[东西南北中])区$|^海城市$")


@dataclass(frozen=True)
class Place:
    """A division in use on the page's date. ``home``: in the paper's own province,
    where its short name names it too; elsewhere only its full name does (短名 like
    朝阳, 南山, 新华 are everyday words nationwide)."""

    code: str
    name: str
    short_name: str
    home: bool = True

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


@dataclass(frozen=True)
class OtherName:
    """A full name that is not its division's name on the page's date, and the
    divisions in use then that it names, in code order: a name ``retired`` by then (the
    years it was in use: 萧山市 1987–2001 names 萧山区 in 2025; 江干区 1983–2021 names
    上城区 and 钱塘区, which took its area over), or one a division dropped that year
    (``retired`` empty: the data has years, not days)."""

    name: str
    places: tuple[Place, ...]
    retired: str = ""

    def note(self) -> str:
        """The warning for a story tagged by this name."""
        now = "、".join(p.name for p in self.places)
        return f"“{self.name}”是旧地名（{self.retired}），已按{now}标注。"


@dataclass(frozen=True)
class _Reading:
    """One thing a name on the page may mean."""

    places: tuple[Place, ...]
    other: OtherName | None = None
    within: tuple[str, ...] = ()  # names that, written just before it, choose this reading
    only_within: bool = False  # a generic name (城区): counts only after its city's name


@dataclass
class Gazetteer:
    """The regions a story can be tagged with, and the townships inside them."""

    places: list[Place]
    towns: dict[str, list[str]] = field(default_factory=dict)  # town name -> county codes
    others: list[OtherName] = field(default_factory=list)
    _table: list | None = field(default=None, init=False, repr=False, compare=False)
    _lookup: tuple | None = field(default=None, init=False, repr=False, compare=False)

    @classmethod
    def load(cls, regions, *, others=(), counties: dict | None = None) -> "Gazetteer":
        """From (code, name, short name[, home]) rows, with Zhejiang's townships.

        ``others``: the other names (``OtherName``) of the page's date; ``counties``:
        each county code of today to the code of the county that held its area on the
        page's date, or None (a town of 萧山区 is 萧山市's in 1998); without it,
        today's."""
        places = [Place(*row) for row in regions]
        known = {p.code for p in places}
        towns: dict[str, list[str]] = {}
        for line in TOWNS.read_text(encoding="utf-8").splitlines():
            if line and not line.startswith("#"):
                code, name = line.split("\t")
                if counties is not None:
                    code = counties.get(code)
                if code in known:
                    towns.setdefault(name, []).append(code)
        return cls(places, towns, list(others))

    def by_code(self, code: str) -> Place:
        return next(p for p in self.places if p.code == code)

    def named(self, text: str) -> Place | None:
        """The region ``text`` names exactly (full name, or a home region's short name,
        the home province's first; a name out of use names the first region that took
        its area over)."""
        text = text.strip()
        found = sorted(
            (p for p in self.places if text == p.name or (p.home and text == p.short_name)),
            key=lambda p: not p.home,
        )
        if not _GENERIC.match(text):  # 城区 or 郊区 alone names no one place
            found += [o.places[0] for o in self.others if o.name == text and o.places]
        found = [p for p in found if p.home or not _GENERIC.match(text)]
        return found[0] if found else None

    def mentions(self, text: str) -> Counter:
        """How often each region is named in ``text`` (a township for its county)."""
        return self._scan(text)[0]

    def _scan(self, text: str) -> tuple[Counter, list[OtherName]]:
        """The regions named in ``text`` with how often, and the other names
        (``OtherName``) that named them, in the order first found."""
        found: Counter = Counter()
        others: list[OtherName] = []
        taken = [False] * len(text)
        # Every occurrence of every name, in the order the names rank (longest first),
        # found by looking each position's substrings up: one pass over the text.
        index, lengths, prefixes = self._index()
        hits = []
        for start in range(len(text) - 1):
            if text[start : start + 2] not in prefixes:
                continue
            for length in lengths:
                if (rank := index.get(text[start : start + length])) is not None:
                    hits.append((rank, start, length))
        table = self._names()
        for rank, start, length in sorted(hits):
            end = start + length
            if any(taken[start:end]):
                continue
            for i in range(start, end):
                taken[i] = True
            readings = table[rank][1]
            home = all(p.home for r in readings for p in r.places)
            if _not_a_place(text, start, end, elsewhere=not home):
                continue
            reading = _chosen(readings, text[max(0, start - 12) : start])
            if reading is None:  # a name several places share says nothing
                continue
            for place in reading.places:
                found[place] += 1
            if reading.other is not None and reading.other not in others:
                others.append(reading.other)
        return found, others

    def _index(self) -> tuple[dict[str, int], list[int], frozenset[str]]:
        """Each name's rank in ``_names``, the names' lengths (longest first) and their
        first two characters."""
        if self._lookup is None:
            table = self._names()
            self._lookup = (
                {name: rank for rank, (name, _readings) in enumerate(table)},
                sorted({len(name) for name, _readings in table}, reverse=True),
                frozenset(name[:2] for name, _readings in table),
            )
        return self._lookup

    def _names(self) -> list[tuple[str, list[_Reading]]]:
        """Every name with what it may mean, longest first, so 洋溪街道 is not also
        洋溪, and 建德市 not also 建德. Of equally long names a full name of the date
        goes first, then a short name, another name, a township."""
        if self._table is None:
            table: dict[str, tuple[int, list[_Reading]]] = {}

            def add(name: str, rank: int, reading: _Reading) -> None:
                if len(name) < 2:
                    return
                held = table.setdefault(name, (rank, []))
                if held[0] == rank:
                    held[1].append(reading)
                elif rank < held[0]:
                    table[name] = (rank, [reading])

            within = self._containers()
            by_code = {p.code: p for p in reversed(self.places)}  # the first of a code
            for p in self.places:
                generic = not p.home and bool(_GENERIC.match(p.name))
                add(p.name, 0, _Reading((p,), within=within[p], only_within=generic))
                if p.home and p.short_name != p.name and p.short_name not in AMBIGUOUS:
                    add(p.short_name, 1, _Reading((p,), within=within[p]))
            for other in self.others:
                if not other.places:
                    continue
                generic = bool(_GENERIC.match(other.name)) or (
                    len(other.name) < 3 and not all(p.home for p in other.places)
                )
                near = tuple(n for p in other.places for n in within[p])
                retired = other if other.retired else None
                add(other.name, 2, _Reading(other.places, retired, near, generic))
            for town, codes in self.towns.items():
                for code in codes:
                    add(town, 3, _Reading((by_code[code],)))
            self._table = sorted(
                ((name, readings) for name, (_rank, readings) in table.items()),
                key=lambda item: -len(item[0]),
            )
        return self._table

    def _containers(self) -> dict[Place, tuple[str, ...]]:
        """Each place's city's and province's names (full, and short where it counts)."""
        by_code = {p.code: p for p in self.places}
        found = {}
        for p in self.places:
            names = []
            for code in {p.code[:4] + "00", p.code[:2] + "0000"} - {p.code}:
                if (above := by_code.get(code)) is not None:
                    names.append(above.name)
                    if len(above.short_name) >= 2:
                        names.append(above.short_name)
            found[p] = tuple(names)
        return found


def _chosen(readings: list[_Reading], before: str) -> _Reading | None:
    """The reading a name has here: the one whose city or province is written just
    before it (上海市普陀区), else the only one, else the only one in the home
    province (普陀区 is 舟山's), else none."""
    fits = [r for r in readings if any(before.endswith(n) for n in r.within)]
    if not fits:
        fits = [r for r in readings if not r.only_within]
        if len({r.places for r in fits}) > 1:
            fits = [r for r in fits if all(p.home for p in r.places)]
    return fits[0] if len({r.places for r in fits}) == 1 else None


def _not_a_place(text: str, start: int, end: int, *, elsewhere: bool = False) -> bool:
    before, after = text[max(0, start - 6) : start], text[end : end + 8]
    if _ORGANISATION.match(after):
        return True
    # Another province's full name inside a word: 中山市场, 新城区域.
    if elsewhere and text[end - 1 : end + 1] in ("市场", "区域"):
        return True
    # 总经理杨金华表示: a surname before the name and a verb of speech after it.
    return (
        bool(before)
        and before[-1] in SURNAMES
        and bool(_SPEECH.match(after) or _TITLE.search(before[:-1]))
    )


def tag(gazetteer: Gazetteer, headline: str, text: str) -> list[tuple[Place, bool]]:
    """(region, is primary) for a story with this headline and text."""
    return regions(gazetteer, headline, text)[0]


def regions(
    gazetteer: Gazetteer, headline: str, text: str
) -> tuple[list[tuple[Place, bool]], list[str]]:
    """``tag``, with a warning for each name out of use on the page's date that tagged
    the story. Such a name tags every division that took its area over (江干区 in 2025:
    上城区 and 钱塘区), the first in code order primary where it is the primary."""
    counts, others = gazetteer._scan(headline + "\n" + text)
    primary = None
    if match := re.match(r"^\s*([^：:\s]{2,8})\s*[：:]", headline):
        primary = gazetteer.named(match.group(1))
    if primary is None:
        ranked = sorted(
            (p for p in counts if p.level == "county"), key=lambda p: (-counts[p], p.code)
        ) or sorted(counts, key=lambda p: (-counts[p], p.code))
        primary = ranked[0] if ranked else None
    if primary is None:
        return [], []
    tagged = [primary] + [
        p
        for p, n in sorted(counts.items(), key=lambda item: (-item[1], item[0].code))
        if p != primary and n >= 2 and not p.contains(primary) and not primary.contains(p)
    ]
    notes = []
    for other in others:
        if any(p in tagged for p in other.places):
            tagged += [
                p
                for p in other.places
                if p not in tagged and not p.contains(primary) and not primary.contains(p)
            ]
            notes.append(other.note())
    return [(p, p == primary) for p in tagged], notes
