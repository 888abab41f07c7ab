"""Build ``archive/gazetteer/china/*.tsv`` from the public ``areacodes`` data.

    python scripts/build_gazetteer.py [../shared/gazetteer]

Reads ``areacodes-result.csv`` (one row per code and name, 1980–2025) and
``successors.csv`` (the successor links with year and approval document), and writes
three tab-separated files the migration loads:

- ``regions.tsv``: one line per division, as one identity: a code that only changed
  its name (120110 东郊区 → 东丽区) is one division; a code reused for another place
  (132201 邢台市, later 南宫市) is two. Its key is ``code@first year``.
- ``names.tsv``: each division's names over time, with the parent of each period.
- ``successions.tsv``: successor links between divisions, with the year, whether the
  predecessor lived on (a part of its area moved), and the document.

Slugs are made here, once, and committed: a later pypinyin cannot rewrite URLs. The
102 current Zhejiang divisions keep the slugs they had (``zhejiang_2024``); other
current divisions take the pinyin of their short name, or their parent's slug before
it where that is taken (``nanjing-gulou``); abolished ones the pinyin of their short or
full name, then with their parent, then with their first year.
"""

import csv
import re
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from archive.gazetteer.zhejiang_2024 import REGIONS as ZHEJIANG_2024  # noqa: E402
from archive.text.pinyin import slugify  # noqa: E402

OUT = ROOT / "archive" / "gazetteer" / "china"
LEVELS = {"省级": "province", "地级": "city", "县级": "county"}
LEVEL_ORDER = {"province": 0, "city": 1, "county": 2}
OPEN = 9999  # the last year of a division still in use

ETHNIC = [
    "维吾尔",
    "柯尔克孜",
    "乌孜别克",
    "俄罗斯",
    "鄂温克",
    "鄂伦春",
    "达斡尔",
    "哈萨克",
    "塔吉克",
    "塔塔尔",
    "土家",
    "布依",
    "朝鲜",
    "哈尼",
    "傈僳",
    "仡佬",
    "拉祜",
    "纳西",
    "仫佬",
    "锡伯",
    "景颇",
    "毛南",
    "撒拉",
    "布朗",
    "阿昌",
    "普米",
    "基诺",
    "德昂",
    "保安",
    "裕固",
    "门巴",
    "独龙",
    "赫哲",
    "珞巴",
    "东乡",
    "高山",
    "蒙古",
    "各",
    "汉",
    "壮",
    "满",
    "回",
    "苗",
    "彝",
    "藏",
    "侗",
    "瑶",
    "白",
    "黎",
    "傣",
    "畲",
    "水",
    "佤",
    "羌",
    "土",
    "怒",
    "京",
]
SUFFIXES = [
    "特别行政区",
    "自治区",
    "自治州",
    "自治县",
    "自治旗",
    "行政区",
    "地区",
    "林区",
    "特区",
    "省",
    "市",
    "县",
    "区",
    "盟",
]


def short_name(name: str) -> str:
    """柯城区 → 柯城, 景宁畲族自治县 → 景宁, 广西壮族自治区 → 广西; a name that would
    be left with one character keeps its suffix (沙县, 郊区), as does a 矿区 (井陉矿区
    is not 井陉县)."""
    if name.endswith("矿区"):
        return name
    core = name
    for suffix in SUFFIXES:
        if core.endswith(suffix) and len(core) > len(suffix):
            core = core[: -len(suffix)]
            break
    if name.endswith(("自治区", "自治州", "自治县", "自治旗")):
        stripped = True
        while stripped:
            stripped = False
            for people in ETHNIC:
                for tail in (people + "族", people):
                    if core.endswith(tail) and len(core) - len(tail) >= 2:
                        core = core[: -len(tail)]
                        stripped = True
                        break
                if stripped:
                    break
    return core if len(core) >= 2 else name


_DIGITS = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"零": 0}


def _number(text: str) -> int:
    """十二 → 12, 二十一 → 21, 三十 → 30, 九 → 9."""
    if "十" not in text:
        return _DIGITS[text]
    tens, _, ones = text.partition("十")
    return (_DIGITS[tens] if tens else 1) * 10 + (_DIGITS[ones] if ones else 0)


def arabic_date(text: str) -> str:
    """二〇〇一年二月二日 → 2001年2月2日, as later documents write their dates; the
    rest as it is."""
    match = re.fullmatch(
        r"([〇零一二三四五六七八九]{4})年([一二三四五六七八九十]{1,3})月([一二三四五六七八九十]{1,3})日?",
        text,
    )
    if not match:
        return text
    year = "".join(str(_DIGITS[c]) for c in match[1])
    return f"{year}年{_number(match[2])}月{_number(match[3])}日"


def _year(text: str) -> int:
    return int(text[:4]) if text else OPEN


def _successor_codes(text: str) -> list[tuple[str, int | None]]:
    found = []
    for part in filter(None, (text or "").split(";")):
        match = re.fullmatch(r"(\d{6})(?:\[(\d{4})\])?", part.strip())
        if match:
            found.append((match[1], int(match[2]) if match[2] else None))
    return found


def read_rows(source: Path) -> list[dict]:
    with open(source / "areacodes-result.csv", encoding="utf-8-sig", newline="") as f:
        rows = []
        for raw in csv.DictReader(f):
            rows.append(
                {
                    "code": raw["代码"],
                    "province": raw["一级行政区"],
                    "prefecture": raw["二级行政区"],
                    "name": raw["名称"],
                    "level": LEVELS[raw["级别"]],
                    "first": _year(raw["启用时间"]),
                    "last": _year(raw["变更/弃用时间"]),
                    "successors": _successor_codes(raw["新代码"]),
                }
            )
    return rows


def divisions(rows: list[dict]) -> list[list[dict]]:
    """Rows grouped into divisions: rows of one code follow each other as one division
    while each names the code itself among its successors (a renaming), or none."""
    by_code = defaultdict(list)
    for row in rows:
        by_code[row["code"]].append(row)
    found = []
    for code_rows in by_code.values():
        code_rows.sort(key=lambda r: (r["first"], r["last"]))
        current = [code_rows[0]]
        for row in code_rows[1:]:
            before = current[-1]
            codes = [code for code, _ in before["successors"]]
            renamed = not codes or before["code"] in codes
            if renamed and row["first"] - before["last"] <= 1:
                current.append(row)
            else:
                found.append(current)
                current = [row]
        found.append(current)
    return found


def _overlap(a_first, a_last, b_first, b_last) -> int:
    return min(a_last, b_last) - max(a_first, b_first)


def build(source: Path):
    rows = read_rows(source)
    groups = divisions(rows)
    regions = []
    for group in groups:
        latest = group[-1]
        regions.append(
            {
                "key": f"{group[0]['code']}@{group[0]['first']}",
                "code": group[0]["code"],
                "level": latest["level"],
                "first": group[0]["first"],
                "last": latest["last"],
                "rows": group,
            }
        )
    by_code = defaultdict(list)
    for region in regions:
        by_code[region["code"]].append(region)
        for row in region["rows"]:
            row["region"] = region
    provinces = {r["rows"][-1]["name"]: r for r in regions if r["level"] == "province"}
    prefectures = defaultdict(list)  # (province, name) → divisions of that name
    for region in regions:
        if region["level"] == "city":
            for row in region["rows"]:
                prefectures[(row["province"], row["name"])].append(region)

    def best(candidates, first, last):
        scored = [(_overlap(first, last, c["first"], c["last"]), c) for c in candidates]
        scored = [(s, c) for s, c in scored if s >= 0]
        return max(scored, key=lambda sc: (sc[0], sc[1]["first"]))[1] if scored else None

    for row in rows:
        row["parent"] = None
        if row["level"] == "province":
            continue
        province = provinces[row["province"]]
        parent = None
        if row["level"] == "county" and row["prefecture"] not in ("", "直辖"):
            parent = best(
                prefectures.get((row["province"], row["prefecture"]), []), row["first"], row["last"]
            )
            if parent is None:
                parent = best(by_code.get(row["code"][:4] + "00", []), row["first"], row["last"])
        row["parent"] = parent or province

    # Successor links, with the year and document from successors.csv.
    documents = {}
    with open(source / "successors.csv", encoding="utf-8-sig", newline="") as f:
        for raw in csv.DictReader(f):
            key = (raw["code"], raw["name"], _year(raw["start"]), raw["successor_code"])
            documents.setdefault(key, []).append(
                (int(raw["change_year"]), raw["document_number"], arabic_date(raw["document_date"]))
            )
    links = {}
    for row in rows:
        region = row["region"]
        for code, marked_year in row["successors"]:
            found = documents.get((row["code"], row["name"], row["first"], code), [])
            if marked_year is not None:
                found = [f for f in found if f[0] == marked_year] or [(marked_year, "", "")]
            elif not found:
                found = [(row["last"] if row["last"] != OPEN else row["first"], "", "")]
            else:
                found = [f for f in found if f[0] == max(y for y, _, _ in found)]
            for year, number, date in found:
                successor = best(by_code.get(code, []), year, year) or best(
                    by_code.get(code, []), year, OPEN
                )
                if successor is None or successor is region:
                    continue
                partial = marked_year is not None or region["last"] > year
                key = (region["key"], successor["key"], year)
                if key not in links or (number and not links[key]["document"]):
                    links[key] = {
                        "from": region["key"],
                        "to": successor["key"],
                        "year": year,
                        "partial": partial,
                        "document": number,
                        "date": date,
                    }
    return (
        regions,
        rows,
        sorted(links.values(), key=lambda link: (link["from"], link["year"], link["to"])),
    )


def assign_slugs(regions: list[dict]) -> None:
    fixed = {code: slug for code, _name, _short, slug in ZHEJIANG_2024}
    taken = set(fixed.values())
    for region in regions:
        region["slug"] = None
        if region["last"] == OPEN and region["code"] in fixed:
            region["slug"] = fixed[region["code"]]

    def order(region):
        return (
            region["last"] != OPEN,
            LEVEL_ORDER[region["level"]],
            region["code"],
            region["first"],
        )

    for region in sorted(regions, key=order):
        if region["slug"]:
            continue
        latest = region["rows"][-1]
        short = slugify(short_name(latest["name"]), separator="") or region["code"]
        full = slugify(latest["name"], separator="") or region["code"]
        parent = latest["parent"]
        above = (
            parent["slug"]
            if parent and parent.get("slug")
            else (slugify(latest["province"], separator="") if parent else "")
        )
        if region["last"] == OPEN:
            options = [short, f"{above}-{short}", f"{above}-{full}"]
        else:
            options = [short, full, f"{above}-{full}"]
        options.append(f"{options[-1]}-{region['first']}")
        slug = next((o.strip("-") for o in options if o.strip("-") not in taken), None)
        if slug is None:
            slug = options[-1]
            n = 2
            while f"{slug}-{n}" in taken:
                n += 1
            slug = f"{slug}-{n}"
        taken.add(slug)
        region["slug"] = slug


def write(regions, rows, links) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    year = lambda y: "" if y == OPEN else str(y)  # noqa: E731
    with open(OUT / "regions.tsv", "w", encoding="utf-8", newline="") as f:
        f.write("key\tcode\tlevel\tfirst\tlast\tslug\n")
        for r in sorted(regions, key=lambda r: (r["code"], r["first"])):
            f.write(
                f"{r['key']}\t{r['code']}\t{r['level']}\t{r['first']}\t{year(r['last'])}\t{r['slug']}\n"
            )
    with open(OUT / "names.tsv", "w", encoding="utf-8", newline="") as f:
        f.write("key\tname\tshort_name\tfirst\tlast\tparent\n")
        for row in sorted(rows, key=lambda r: (r["code"], r["first"])):
            parent = row["parent"]["key"] if row["parent"] else ""
            f.write(
                f"{row['region']['key']}\t{row['name']}\t{short_name(row['name'])}\t"
                f"{row['first']}\t{year(row['last'])}\t{parent}\n"
            )
    with open(OUT / "successions.tsv", "w", encoding="utf-8", newline="") as f:
        f.write("from\tto\tyear\tpartial\tdocument\tdate\n")
        for link in links:
            f.write(
                f"{link['from']}\t{link['to']}\t{link['year']}\t{int(link['partial'])}\t"
                f"{link['document']}\t{link['date']}\n"
            )


def main() -> None:
    source = Path(sys.argv[1] if len(sys.argv) > 1 else ROOT.parent / "shared" / "gazetteer")
    regions, rows, links = build(source)
    assign_slugs(regions)
    write(regions, rows, links)
    print(f"{len(regions)} divisions, {len(rows)} names, {len(links)} successor links → {OUT}")


if __name__ == "__main__":
    main()
