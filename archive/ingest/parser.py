"""OCR text of a printed page in, its stories out. No Django here.

The method, in the order it runs (docs/importer.md has it with its limits):

1. **Lines.** Each non-empty line, with the number of blank lines before it: this
   OCR leaves a run of blank lines where a picture was.
2. **Page furniture.** A header line (``浙江日报 2025年1月24日 星期五 第3版 要闻``,
   ``3 | 2025年1月24日 星期五 要闻``, or its parts on lines of their own) at the top; the
   page's editors (``责任编辑：王芳``) and jump lines (``（下转第4版）``) anywhere; the
   banner (the page's name) is its first short line, a longer phrase a kicker.
3. **Story heads.** A byline (names with or without role words, ``□ 张三``,
   ``本报评论员``, ``本报讯（记者 …）``, or ``（上接第1版）`` under a headline repeated)
   with up to three short title lines above it: kicker, headline, subtitle. A news
   lead's text opens the body. Under a briefs label (简讯) each item's head line; a
   title over a picture is a photo story.
4. **Photos.** A credit line (``许军 摄``, ``（图片由…提供）``) with the short line
   beside it as caption (before it, or after it when the credit comes first), or on
   the same line; a short line alone where a picture stood; a courtesy line with no
   caption beside it credits the story's uncredited photo, and the byline's
   photographer (``李丽/文 项晨/摄``) any photo still uncredited.
5. **Segments.** The text between these landmarks, in OCR order, cut where OCR may
   have jumped between column blocks: after a line that stops mid-sentence; before a
   line that completes a word such a line starts (``…农家`` + ``乐蓬勃…``), that closes
   a quote opened elsewhere, or that opens with another story's county or quotes its
   people. A segment right under a story's head belongs to it; the others are orphans.
6. **Joins.** A segment ending mid-sentence continues in the segment that picks the
   sentence up, best evidence first across the page: a word spanning the join
   (``joins``), a quote closed, the next one in OCR order when nothing better offers;
   then a clause left open goes on in the column most like it by its words, and the
   one sentence left mid-phrase in the one line of a sentence's last words. Nothing
   joins across a jump line.
7. **Orphans.** A chain of segments with no head goes to the story whose places or
   quoted people it shares; with no evidence, to the story of the text just before it
   (with only photos between), else to the story before it. A story's chains are read
   head first, then down the column past a photo, then in OCR order.
8. **Blocks.** Lines ending mid-sentence are joined to the next; short unpunctuated
   lines between finished sentences are subheads.
9. **Regions** (``places.regions``, against the divisions of the page's date) and
   **warnings** for what an editor should check: an opening that leans on text
   elsewhere (另外…), an end mid-sentence, a jump, text placed away from its head or
   on weak evidence (named, with why), a photo with no credit, no region, a place
   name out of use on the page's date.

Every input line ends up in a field or in ``Page.unplaced``.
"""

import bisect
import datetime
import itertools
import math
import re
from collections import Counter
from dataclasses import dataclass, field, replace

from archive.ingest import credits as credit_lines
from archive.ingest import joins, places
from archive.ingest.credits import PHOTO_ROLES, Credit
from archive.ingest.page import PARAGRAPH, SUBHEAD, Block, Page, Photo, Story

TITLE_MAX = 40  # characters in a kicker, headline or subtitle line
SUBHEAD_MAX = 24
BANNER_MAX = 8  # a page's name (要闻, 经济大省挑大梁); a kicker is a longer phrase
CAPTION_MAX = 80
PICTURE_GAP = 2  # blank lines that mark where a picture stood
WINDOW = 160  # lines apart within which a word split across columns is looked for

_DATE = re.compile(
    r"(?P<y>\d{4})\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日(?:\s*[（(]?星期[一二三四五六日天][）)]?)?"
)
_PAGE = re.compile(r"^(?:第\s*)?(?P<n>\d{1,3})\s*版(?:\s*[:：]?\s*(?P<name>\S{2,12}))?$")
# What else a page's header line may hold around its date: the paper's name (浙江日报),
# the lunar date, the page number (第3版, or "3 |" before it), the page's name (要闻).
_HEADER_PAGE = re.compile(
    r"第\s*(?P<n>\d{1,3})\s*版|(?:^|\s)(?P<lead>\d{1,3})\s*[|｜丨]|[|｜丨]\s*(?P<tail>\d{1,3})\s*$"
)
_PAPER = re.compile(r"^[\u4e00-\u9fff]{2,8}(?:日报|晚报|时报|商报|报)(?=\s|$)")
_LUNAR = re.compile(r"农历\S{2,12}|[（(]?星期[一二三四五六日天][）)]?")
_HEADER_NAME = re.compile(r"^[\u4e00-\u9fff]{2,8}$")
HEADER_LINES = 6  # a page's header sits within its first lines
_NEWS_LEAD = re.compile(
    r"^(?:本报讯|(?:新华社|中新社)[^\s，。]{0,10}电)\s*(?:[（(](?P<credit>[^）)]*)[）)])?"
)
_PICTURE = re.compile(r"^图为")
_COMMENTATOR = re.compile(r"^(?:本报|本刊)?(?:特约)?评论员$")
# The label over a column of briefs (简讯): each item under it is a story of its own.
_BRIEFS = re.compile(
    r"^(?:县域|本地|本市|综合|新闻|经济|社会|乡村|基层)?(?:简讯|快讯|速览|短讯|速递|动态|资讯)$"
    r"|^一句话新闻$"
)
# "（通讯员 王晓东）" closing a brief: its byline.
_CLOSING_BYLINE = re.compile(r"[（(](?P<credit>[^（）()]{2,30})[）)]$")
# Where a story jumps between pages: "（下转第4版）" ends its part here, "（上接第1版）"
# (under the headline repeated) starts it.
_JUMP = re.compile(
    r"^[（(]?\s*(?P<way>上接|接|下转|转)\s*第?\s*(?P<page>[0-9一二三四五六七八九十]{1,3})\s*版\s*[）)]?$"
)


@dataclass
class Line:
    number: int  # 1-based, as an editor's text editor shows it
    text: str
    gap: int  # blank lines before it


@dataclass
class Head:
    line: int  # index of the byline (or news lead) in ``lines``
    titles: list[int]
    credits: list[Credit]
    byline: str = ""
    photo_only: bool = False  # 图片新闻: a title over a photo, with no text of its own
    brief: bool = False  # an item of a briefs column (简讯), its label the kicker


@dataclass
class Segment:
    lines: list[int]  # indexes into ``lines``, in OCR order
    after: str  # what came just before it: "head", "photo", "credit", "jump", "page",
    # or "cut" when ``cut`` split it from the segment before
    head: int | None = None  # the story it sits under, if right under a head
    photos_before: list[int] = field(default_factory=list)  # photos between it and the last
    marker: bool = False  # stands for a loose credit line: text never joins across it
    weak_cut: bool = False  # cut from the one before on weak word evidence only
    after_open: bool = False  # cut after a line that stops mid-sentence
    inferred: str = ""  # why it stands where it does, when the evidence is weak
    jump_from: str = ""  # the page it carries on from ("上接第1版"): nothing here leads to it
    jump_to: str = ""  # the page it carries on to ("下转第4版"): it leads to nothing here
    next: "Segment | None" = None
    previous: "Segment | None" = None


@dataclass
class Header:
    """What a line of page furniture says: ``2025年1月24日 星期五``, ``第3版``,
    ``浙江日报 2025年1月24日 星期五 第3版 要闻``, ``3 | 2025年1月24日 星期五 要闻``."""

    date: datetime.date | None = None
    page: int | None = None
    name: str = ""  # the page's name (版名): 要闻, 县域经济
    bad_date: str = ""  # a printed date no calendar has (2025年2月30日)


def read_header(text: str) -> Header | None:
    """The furniture ``text`` holds, or None when it holds anything else."""
    if match := _PAGE.match(text):
        return Header(page=int(match["n"]), name=match["name"] or "")
    if not (date := _DATE.search(text)):
        return None
    header = Header()
    try:
        header.date = datetime.date(int(date["y"]), int(date["m"]), int(date["d"]))
    except ValueError:
        header.bad_date = f"{date['y']}年{date['m']}月{date['d']}日"
    rest = text[: date.start()] + " " + text[date.end() :]
    if page := _HEADER_PAGE.search(rest):
        header.page = int(page["n"] or page["lead"] or page["tail"])
        rest = rest[: page.start()] + " " + rest[page.end() :]
    rest = _LUNAR.sub(" ", rest).strip(" |｜丨")
    rest = _PAPER.sub("", rest).strip(" |｜丨")
    words = [w for w in re.split(r"[\s|｜丨]+", rest) if w]
    if len(words) > 1 or (words and not _HEADER_NAME.match(words[0])):
        return None  # a sentence that happens to hold a date
    header.name = words[0] if words else ""
    return header


def print_details(text: str) -> tuple[datetime.date | None, int | None]:
    """The date and page number a page's header prints, reading nothing else."""
    date = page = None
    lines = (" ".join(line.split()) for line in text.splitlines())
    for line in itertools.islice(filter(None, lines), HEADER_LINES):
        if header := read_header(line):
            date, page = date or header.date, page or header.page
    return date, page


class _Parser:
    def __init__(self, text: str, gazetteer: places.Gazetteer):
        self.gazetteer = gazetteer
        self.lines: list[Line] = []
        gap = 0
        for number, raw in enumerate(text.splitlines(), 1):
            stripped = " ".join(raw.split())
            if stripped:
                self.lines.append(Line(number, stripped, gap))
                gap = 0
            else:
                gap += 1
        self.used: dict[int, str] = {}  # line index -> what it became
        self.jumps: dict[int, tuple[str, str]] = {}  # line index -> ("from"/"to", page)
        self.page = Page()
        self._open: list[int] | None = None
        self.head_places: list[set] | None = None
        self.head_people: list[set] | None = None
        self.story_people: list[set] | None = None
        self._raw: list[Segment] = []
        self.heads_found: list[Head] = []
        self.head_photos: dict[int, Photo] = {}
        self.story_places: list | None = None

    # --- 2. page furniture -------------------------------------------------------------

    def furniture(self) -> list[Credit]:
        editors = []
        for i, line in enumerate(self.lines):
            if i < HEADER_LINES and (header := read_header(line.text)):
                self.used[i] = "header"
                self._printed(header)
            elif match := _JUMP.match(line.text):
                way = "from" if match.group("way").endswith("接") else "to"
                self.jumps[i] = (way, match.group("page"))
                self.used[i] = "jump"
            elif (found := credit_lines.parse_line(line.text)) and all(
                c.role == credit_lines.EDITOR for c in found
            ):
                # The page's editors, printed at its top or foot.
                editors += found
                self.used[i] = "editor"
        return editors

    def _printed(self, header: "Header") -> None:
        page = self.page
        if header.bad_date:
            page.warnings.append(f"版面印的日期“{header.bad_date}”不是有效日期，已忽略。")
        page.date = page.date or header.date
        page.page_number = page.page_number or header.page
        if header.name and not page.banner:
            page.banner = header.name

    # --- 3. story heads ----------------------------------------------------------------

    def _title_like(self, i: int) -> bool:
        text = self.lines[i].text
        return (
            i not in self.used
            and len(text) <= TITLE_MAX
            and not joins.ends_sentence(text.rstrip("！？!?"))
            and "。" not in text
            and text[-1] not in "，,、；;："
            and len(re.findall(r"[，,；;]", text)) <= 1  # more is a sentence cut short
            and credit_lines.parse_line(text) is None
        )

    def _byline(self, i: int) -> tuple[list[Credit], str, str] | None:
        """What line ``i`` says if it can close a story's head: its credits, their
        wording and the body text after them ("本报讯（记者 …）3月9日，…"); else None."""
        text = self.lines[i].text
        if self.jumps.get(i, ("",))[0] == "from":
            return [], "", ""  # "（上接第1版）" under the headline repeated
        if i in self.used:
            return None
        if _COMMENTATOR.match(text):
            return [], text, ""  # 本报评论员: the paper's voice, no one named
        if lead := _NEWS_LEAD.match(text):
            wording = lead.group("credit") or ""
            return credit_lines.parse_line(wording) or [], wording, text[lead.end() :].strip()
        credits = credit_lines.parse_line(text)
        if not credits or all(c.role in PHOTO_ROLES for c in credits):
            return None  # a photo credit
        return credits, text, ""

    def _titles_above(self, i: int) -> list[int]:
        titles: list[int] = []
        j = i - 1
        while j >= 0 and len(titles) < 3 and self._title_like(j):
            titles.insert(0, j)
            j -= 1
            if self.lines[j + 1].gap >= PICTURE_GAP:
                break
        return titles

    def heads(self) -> list[Head]:
        found: list[Head] = []
        for i, line in enumerate(self.lines):
            if (byline := self._byline(i)) is None or not (titles := self._titles_above(i)):
                continue
            credits, wording, body = byline
            names = credit_lines.AUTHOR_MARK.sub("", wording).split()
            names_only = bool(names) and all(credit_lines.is_person_name(w) for w in names)
            found.append(Head(i, titles, credits, byline="" if names_only else wording))
            self.used.update((t, "title") for t in titles)
            if body:
                line.text = body  # a news lead's line: the rest of it opens the body
            elif i not in self.used:
                self.used[i] = "byline"
        self.brief_labels: dict[int, int] = {}  # an item's headline -> its column's label
        found += self._brief_heads() + self._photo_heads()
        found.sort(key=lambda h: h.titles[1] if h.brief else h.titles[0])
        for head in found:
            if not head.brief and head.titles[0] in self.brief_labels:
                head.titles.insert(0, self.brief_labels[head.titles[0]])
        # The page's first line above a two-line head is the banner, not a kicker,
        # when it is short and undivided (经济大省挑大梁), as section names are: a
        # place before a colon (平湖：…) starts a headline instead.
        if found and not self.page.banner:
            first = found[0]
            top = first.titles[0]
            text = self.lines[top].text
            if (
                len(first.titles) >= 2
                and not first.brief
                and all(k in self.used and self.used[k] != "title" for k in range(top))
                and len(text) <= BANNER_MAX
                and not re.search(r"[\s：:“”‘’\"《》、，,！!？?]", text)
            ):
                self.page.banner = text
                self.used[top] = "banner"
                first.titles.pop(0)
        if not self.page.banner:
            for i, line in enumerate(self.lines):
                if i in self.used:
                    continue
                if self._title_like(i) and (not found or i < found[0].titles[0]):
                    self.page.banner, self.used[i] = line.text, "banner"
                break
        return found

    def _brief_heads(self) -> list[Head]:
        """Under a briefs label (简讯, 县域快讯), each title-like line that a paragraph
        follows and a finished paragraph precedes heads an item of its own, the label
        its kicker; the column ends at a story's head or the page's editors."""
        found = []
        for label, line in enumerate(self.lines):
            if label in self.used or not _BRIEFS.match(line.text):
                continue
            items, labelled = [], []
            for j in range(label + 1, len(self.lines)):
                if j in self.used:
                    if self.used[j] in ("byline", "editor", "jump"):
                        break  # another story's head, or the page's foot
                    if self.used[j] == "title":  # a 本报讯 item's headline
                        labelled.append(j)
                    continue
                text = self.lines[j].text
                if (
                    self._title_like(j)
                    and j + 1 < len(self.lines)
                    and (j + 1) not in self.used
                    and not self._title_like(j + 1)
                    and (j == label + 1 or _finished(self.lines[j - 1].text))
                    and not joins.ends_sentence(text)
                ):
                    items.append(j)
            if not items:
                continue
            self.used[label] = "title"
            self.brief_labels.update(dict.fromkeys(labelled, label))
            for j in items:
                found.append(Head(j, [label, j], [], brief=True))
                self.used[j] = "title"
        return found

    def _photo_heads(self) -> list[Head]:
        """A title-like line standing over a picture (a run of blank lines, then a
        caption and its credit): a photo story (图片新闻), its caption its only text.
        (A story's own photos stand under its byline or between paragraphs, not under
        a line that no text follows.)"""
        found = []
        for i in range(len(self.lines)):
            nxt = i + 1
            if (
                i in self.used
                or nxt + 1 >= len(self.lines)
                or self.lines[nxt].gap < PICTURE_GAP
                or not self._title_like(i)
            ):
                continue
            credit = self.lines[nxt + 1].text
            credits = credit_lines.parse_line(credit)
            split = credit_lines.split_trailing(self.lines[nxt].text)
            if split:
                self.head_photos[nxt] = Photo(*split)
            elif credits and all(c.role in PHOTO_ROLES for c in credits):
                self.head_photos[nxt] = Photo(self.lines[nxt].text, credits)
                self.used[nxt + 1] = "photo"
            else:
                continue
            found.append(Head(i, [i], [], photo_only=True))
            self.used[i], self.used[nxt] = "title", "photo"
        return found

    # --- 4. photos ---------------------------------------------------------------------

    def _caption_like(self, i: int) -> bool:
        if i < 0 or i >= len(self.lines) or i in self.used:
            return False
        text = self.lines[i].text
        return len(text) <= CAPTION_MAX and credit_lines.parse_line(text) is None

    def photos(self) -> dict[int, Photo]:
        """Photos by the index of their first line; unmatched courtesy lines kept apart."""
        found: dict[int, Photo] = dict(self.head_photos)  # photo stories' own
        self.loose_credits: dict[int, list[Credit]] = {}
        for i, line in enumerate(self.lines):
            if i in self.used:
                continue
            split = credit_lines.split_trailing(line.text)
            if split and len(split[0]) <= CAPTION_MAX:
                found[i] = Photo(*split)
                self.used[i] = "photo"
                continue
            credits = credit_lines.parse_line(line.text)
            if not credits or not all(c.role in PHOTO_ROLES for c in credits):
                if _PICTURE.match(line.text) and len(line.text) <= CAPTION_MAX:
                    found[i] = Photo(line.text)
                    self.used[i] = "photo"
                continue
            before, after = i - 1, i + 1
            picture_before = self._caption_like(before) and (
                self.lines[before].gap >= PICTURE_GAP or _PICTURE.match(self.lines[before].text)
            )
            picture_after = self._caption_like(after) and (
                line.gap >= PICTURE_GAP or _PICTURE.match(self.lines[after].text)
            )
            courtesy_only = all(c.role == credit_lines.COURTESY for c in credits)
            if picture_before or (
                not picture_after
                and not courtesy_only
                and self._caption_like(before)
                and len(self.lines[before].text) <= 50
            ):
                found[before] = Photo(self.lines[before].text, credits)
                self.used[before] = self.used[i] = "photo"
            elif picture_after:
                found[i] = Photo(self.lines[after].text, credits)
                self.used[after] = self.used[i] = "photo"
            else:
                self.loose_credits[i] = credits
                self.used[i] = "credit"
        # A short line standing where a picture was, with no credit: a caption.
        for i, line in enumerate(self.lines):
            if i not in self.used and line.gap >= PICTURE_GAP and self._lone_caption(i):
                found[i] = Photo(line.text)
                self.used[i] = "photo"
        return found

    def _open_lines(self, i: int) -> list[int]:
        """The lines within ``WINDOW`` of line ``i`` that stop mid-sentence: a word
        split across columns is looked for that far, so a long page costs linear time."""
        if self._open is None:
            self._open = [j for j in range(len(self.lines)) if self._stops_mid_sentence(j)]
        at = bisect.bisect_left(self._open, i)
        return self._open[max(0, at - WINDOW) : at + WINDOW]

    def _lone_caption(self, i: int) -> bool:
        """A label (洋溪街道全景), or a single short sentence that carries on no other
        line's sentence (a column's first line under a picture may do that)."""
        text = self.lines[i].text
        if _heading_like(text):
            return True
        sentence_ends = len(re.findall(r"[。！？!?]", text))
        return (
            len(text) <= TITLE_MAX
            and joins.ends_sentence(text)
            and sentence_ends == 1
            and not any(
                joins.word_across(self.lines[j].text, text) == 2
                for j in self._open_lines(i)
                if j not in self.used and j != i
            )
        )

    # --- 5–7. segments, joins, orphans ---------------------------------------------------

    def segments(self, heads: list[Head], photos: dict[int, Photo]) -> list[Segment]:
        head_at = {h.line: n for n, h in enumerate(heads)}
        found: list[Segment] = []
        current: Segment | None = None
        after, head, photos_before = "page", None, []
        jump_from = ""  # the page the next segment carries on from
        photo_story = None  # a photo story whose picture comes next
        self.photo_story_of: dict[int, int] = {}  # photo -> its photo story
        for i in range(len(self.lines)):
            if i in self.jumps:
                way, page = self.jumps[i]
                if way == "to" and found and not found[-1].marker:
                    found[-1].jump_to = page
                jump_from = page if way == "from" else ""
                current, after, photos_before = None, "jump", []
            if i in head_at and heads[head_at[i]].photo_only:
                # Its picture is its own; the text after it is someone else's, as
                # after any photo.
                current, photo_story = None, head_at[i]
                continue
            if i in head_at:  # its line is body too when it is a news lead
                current, after, head, photos_before = None, "head", head_at[i], []
            if i in photos and photo_story is not None:
                self.photo_story_of[i] = photo_story
                current, after = None, "photo"
            elif i in photos:
                current, photos_before = None, [*photos_before, i]
                after = "head" if after == "head" and head is not None else "photo"
            elif i in self.loose_credits:
                current, after, head, photos_before = None, "credit", None, []
                found.append(Segment([], "credit", marker=True))
            elif i not in self.used:
                photo_story = None
                if current is None:
                    current = Segment([], after, head if after == "head" else None, photos_before)
                    current.jump_from, jump_from = jump_from, ""
                    found.append(current)
                    after, head, photos_before = "text", None, []
                current.lines.append(i)
        return found

    def cut(self, segments: list[Segment]) -> list[Segment]:
        """Segments split where OCR may have jumped from one column block to another:
        after a line that stops mid-sentence (``link`` puts the pieces back together
        when nothing better offers), and before a line that completes a word another
        such line starts ("…农家" + "乐蓬勃发展…")."""
        open_ends = {i for s in segments for i in s.lines if self._stops_mid_sentence(i)}
        ordered = sorted(open_ends)
        tails = {e: joins.end_of(self.lines[e].text) for e in ordered}
        self._raw = segments
        pieces = []
        weak: dict[int, bool] = {}
        for segment in segments:
            if segment.marker:
                pieces.append(segment)
                continue
            start, first_piece = 0, len(pieces)
            context = segment.head
            if context is None:
                context = self._opens_with_story(segment.lines[0])
            if context is None and segment.after == "photo":  # a column past a photo
                context = _photo_owner(segment.lines[0], self.head_index)
            for k in range(1, len(segment.lines)):
                before, first = segment.lines[k - 1], segment.lines[k]
                # A paragraph opening with another story's county (据慈溪市商务局统计…)
                # where this column has been that of the story whose head is above it.
                named = None if before in open_ends else self._opens_with_story(first)
                if named is None and before not in open_ends:
                    named = self._quotes_another_story(first, context)
                if named is not None and context is None:
                    context = named
                elif named is not None and named != context:
                    pieces.append(_piece(segment, start, k))
                    start, context = k, named
                    continue
                near = bisect.bisect_left(ordered, first)
                quote_elsewhere = joins.closes_first(self.lines[first].text) and not (
                    joins.open_quote(self.lines[before].text)
                )
                ends = [
                    tails[e] for e in ordered[max(0, near - WINDOW) : near + WINDOW] if e != first
                ]
                across = joins.across(ends, joins.start_of(self.lines[first].text))
                if before in open_ends or quote_elsewhere or across:
                    pieces.append(_piece(segment, start, k))
                    start = k
                    # A weak join across a paragraph's end: kept apart only if ``link``
                    # finds the open line it goes on (``rejoin`` undoes it otherwise).
                    weak[first] = across == 1 and before not in open_ends and not quote_elsewhere
            pieces.append(_piece(segment, start, len(segment.lines)))
            pieces[first_piece].jump_to, pieces[-1].jump_to = "", segment.jump_to
        for piece in pieces:
            if not piece.marker and piece.after == "cut":
                piece.weak_cut = weak.get(piece.lines[0], False)
                piece.after_open = piece.lines[0] - 1 in open_ends
        return pieces

    @staticmethod
    def rejoin(segments: list[Segment]) -> list[Segment]:
        """Pieces cut on weak evidence that nothing joined to: back where they were."""
        kept: list[Segment] = []
        for segment in segments:
            before = kept[-1] if kept else None
            if segment.weak_cut and segment.previous is None and before is not None:
                before.lines += segment.lines
                before.jump_to = segment.jump_to
                before.next = segment.next
                if segment.next is not None:
                    segment.next.previous = before
                continue
            kept.append(segment)
        return kept

    def _opens_with_story(self, i: int) -> int | None:
        """The one story whose headline's county line ``i`` names in its first words."""
        if self.head_places is None:
            self.head_places = []
            for head in self.heads_found:
                titles = [self.lines[t].text for t in head.titles]
                tagged = places.tag(self.gazetteer, titles[-1] if titles else "", "")
                self.head_places.append({p for p, primary in tagged if primary})
            self.heads_of_place: dict = {}
            for n, own in enumerate(self.head_places):
                for place in own:
                    self.heads_of_place.setdefault(place, set()).add(n)
        named = self.gazetteer.mentions(self.lines[i].text[:OPENING])
        owners = set().union(*(self.heads_of_place.get(p, set()) for p in named))
        return owners.pop() if len(owners) == 1 else None

    def _quotes_another_story(self, i: int, story: int | None) -> int | None:
        """The one story other than ``story`` whose column under its head quotes the
        person line ``i`` quotes (…雷志强说。 in a 兰溪 column, 雷志强 in 云和's)."""
        if story is None or not (named := people(self.lines[i].text)):
            return None
        if self.head_people is None:
            self.head_people = [
                people(_story_text(self, n, self._raw)) for n in range(len(self.heads_found))
            ]
        if named & self.head_people[story]:
            return None
        owners = {n for n, known in enumerate(self.head_people) if named & known}
        return owners.pop() if len(owners) == 1 else None

    def _stops_mid_sentence(self, i: int) -> bool:
        text = self.lines[i].text
        return not joins.ends_sentence(text) and not _heading_like(text)

    def link(self, segments: list[Segment]) -> None:
        """Join segments that end mid-sentence to the segment that carries on."""
        text_segments = [s for s in segments if not s.marker]
        candidates = []
        for n, left in enumerate(text_segments):
            last = self.lines[left.lines[-1]].text
            if joins.ends_sentence(last) or left.jump_to:
                continue
            for right in text_segments[max(0, n - WINDOW) : n + WINDOW]:
                if right is left or right.jump_from:
                    continue
                if left.head is not None and right.head is not None and left.head != right.head:
                    continue
                first = self.lines[right.lines[0]].text
                across = joins.word_across(last, first)
                # A split word outweighs OCR's order (4 against 2).
                score = {2: 4, 1: 1, 0: 0}[across]
                if across == 1 and right.weak_cut and joins.likely_across(last, first):
                    score += 1  # cut for this join: the paragraph before it ends whole
                    right.inferred = "跨栏相接的词语证据较弱"
                # Quotation marks: a quote left open is closed by the line that goes on.
                if joins.closes_first(first):
                    score += 2 if joins.open_quote(last) else -2
                # Next in OCR order, with only photos between, or cut from this very
                # segment: the same column.
                follows = (
                    n + 1 < len(text_segments)
                    and text_segments[n + 1] is right
                    and right.after in ("photo", "cut")
                )
                if follows:
                    score += 2
                if _heading_like(first):
                    continue  # a sentence never goes on in a subhead
                if right.after == "head" or (joins.leans_back(first) and right.after != "cut"):
                    score -= 1  # a story's first line under its head usually opens it
                if score >= 2:
                    candidates.append((score, follows, n, left, right))
        for *_rank, left, right in sorted(candidates, key=lambda c: (-c[0], not c[1], c[2])):
            if left.next is not None or right.previous is not None:
                continue
            if not _leads_to(right, left):  # else a cycle
                left.next, right.previous = right, left
        for segment in text_segments:
            if segment.previous is None:
                segment.inferred = ""
        if _several_stories(text_segments):
            self._clause_ends(text_segments)

    def _clause_ends(self, segments: list[Segment]) -> None:
        """A sentence left open at a clause's end (…组织非遗展演，) with no word across
        to show where it goes on goes on in a column block that nothing leads to and
        that starts where OCR jumped (after a line that stops mid-sentence and carries
        on elsewhere): the one whose words are most like its own, when clearly so."""
        free = [
            s
            for s in segments
            if s.previous is None
            and (
                s.after_open or (s.after == "head" and _GOES_ON.match(self.lines[s.lines[0]].text))
            )
            and not s.weak_cut
            and not s.jump_from
            # A sentence never goes on in a subhead, nor where a paragraph opens.
            and not _heading_like(self.lines[s.lines[0]].text)
            and not _OPENS.match(self.lines[s.lines[0]].text)
        ]
        for left in segments:
            if not _open_at_clause(self, left):
                continue
            own = _bigrams("".join(self.lines[i].text for i in left.lines))
            near = [s for s in free if s.previous is None and s is not left]
            scored = sorted(
                (
                    (_cosine(own, _bigrams("".join(self.lines[i].text for i in s.lines))), n)
                    for n, s in enumerate(near)
                ),
                reverse=True,
            )
            if not scored or scored[0][0] <= 0:
                continue
            if len(scored) > 1 and scored[0][0] < 1.5 * scored[1][0]:
                continue
            right = near[scored[0][1]]
            if not _leads_to(right, left):
                left.next, right.previous = right, left
                right.inferred = "按用词接在逗号之后"

    def chains(self, segments: list[Segment]) -> list[list[Segment]]:
        return [self._chain(s) for s in segments if s.previous is None and not s.marker]

    @staticmethod
    def _chain(first: Segment) -> list[Segment]:
        chain, probe = [], first
        while probe is not None:
            chain.append(probe)
            probe = probe.next
        return chain

    # --- 8. blocks -----------------------------------------------------------------------

    def blocks(self, indexes: list[int]) -> list[Block]:
        found: list[Block] = []
        open_paragraph = False
        for position, i in enumerate(indexes):
            text = self.lines[i].text
            self.used[i] = "body"
            if open_paragraph:
                found[-1] = Block(PARAGRAPH, joins.join(found[-1].text, text))
            elif (
                len(text) <= SUBHEAD_MAX
                and not joins.ends_sentence(text)
                and not re.search(r"[，。；,;]", text)
                and text[-1] not in "、："
                and position + 1 < len(indexes)
            ):
                found.append(Block(SUBHEAD, text))
                continue
            else:
                found.append(Block(PARAGRAPH, text))
            open_paragraph = not joins.ends_sentence(found[-1].text)
        return found


def parse(text: str, gazetteer: places.Gazetteer) -> Page:
    """The stories of one page of OCR text."""
    parser = _Parser(text, gazetteer)
    page = parser.page
    editors = parser.furniture()
    heads = parser.heads_found = parser.heads()
    parser.head_index = HeadIndex.of(heads)
    photos = parser.photos()
    segments = parser.cut(parser.segments(heads, photos))
    parser.link(segments)
    segments = _fragment_taken(parser, _clause_goes_on_inside(parser, segments))
    segments = parser.rejoin(segments)
    stories = [_story(parser, head, editors) for head in heads]

    owned, moved, owner_of = _place(parser, stories, segments)
    position = {id(s): n for n, s in enumerate(segments)}
    inferred: dict[int, list[tuple[str, str]]] = {}
    for n, story in enumerate(stories):
        chains = _reading_order(owned[n], n, position, lambda i: parser.lines[i].text)
        inferred[n] = [
            (parser.lines[s.lines[0]].text, s.inferred) for c in chains for s in c if s.inferred
        ]
        story.body = parser.blocks([i for chain in chains for s in chain for i in s.lines])
        found = [p for chain in chains for s in chain for p in s.photos_before]
        story.photos = [photos[p] for p in sorted(found)]
    for index, n in parser.photo_story_of.items():
        stories[n].photos.append(photos[index])
    placed = {p for s in segments for p in s.photos_before} | set(parser.photo_story_of)
    for index in sorted(set(photos) - placed):
        owner = _photo_owner(index, parser.head_index)  # a photo with no text after it
        if owner is None:
            page.unplaced.append(photos[index].caption)
        else:
            stories[owner].photos.append(photos[index])
    for i, credits in parser.loose_credits.items():
        owner = _photo_owner(i, parser.head_index)
        uncredited = (
            [p for p in stories[owner].photos if not p.credits] if owner is not None else []
        )
        for photo in uncredited:
            photo.credits = list(credits)
        if not uncredited:
            page.unplaced.append(parser.lines[i].text)
    jumps: dict[int, list[str]] = {n: [] for n in range(len(stories))}
    for segment in segments:
        n = owner_of.get(id(segment))
        if n is not None and segment.jump_from:
            jumps[n].append(f"正文上接第{segment.jump_from}版。")
        if n is not None and segment.jump_to:
            jumps[n].append(f"正文下转第{segment.jump_to}版。")
    told = {w for found in jumps.values() for w in found}
    for i, (way, number) in parser.jumps.items():
        # A jump line with no text of a story before or after it: the story whose head
        # it follows, else the page, is told.
        warning = f"正文{'上接' if way == 'from' else '下转'}第{number}版。"
        if warning not in told:
            owner = _photo_owner(i, parser.head_index)
            (jumps[owner] if owner is not None else page.warnings).append(warning)
    _every_photo_somewhere(parser, page, stories, photos)
    for n, story in enumerate(stories):
        if not heads[n].credits:
            _closing_byline(story)
        _credit_byline_photographers(story)
        _tag(parser.gazetteer, story)
        _warn(story, moved[n], jumps[n], inferred[n])
    page.unplaced += [line.text for i, line in enumerate(parser.lines) if i not in parser.used]
    page.stories = stories
    return page


def _place(parser: _Parser, stories: list[Story], segments: list[Segment]):
    """Each chain of segments to its story: the head it holds, else what it is about,
    else the story of the text just before it on the page (with only photos between),
    else the story before it (unless a closing credit ended that one).

    Returns the chains of each story; for each story the first lines of chains that
    sit away from it on the page (an editor should check those); and the story of
    each segment, by ``id``."""
    owned: dict[int, list[list[Segment]]] = {n: [] for n in range(len(stories))}
    moved: dict[int, list[str]] = {n: [] for n in range(len(stories))}
    owner_of: dict[int, int] = {}  # id(segment) -> story
    position = {id(s): n for n, s in enumerate(segments)}

    def neighbour(segment: Segment) -> int | None:
        n = position[id(segment)]
        if segment.after in ("photo", "cut") and n > 0:
            return owner_of.get(id(segments[n - 1]))
        return None

    chains = parser.chains(segments)
    held: dict[int, int] = {}  # chain -> the story whose head it holds
    for c, chain in enumerate(chains):
        heads = {s.head for s in chain if s.head is not None}
        if len(heads) == 1:
            held[c] = heads.pop()
            owner_of.update((id(s), held[c]) for s in chain)
    previous = None
    for c, chain in enumerate(chains):
        near = neighbour(chain[0])
        if c in held:
            owner, placed = held[c], chain[0].head is None
        elif (owner := _by_topic(parser, stories, chain, segments)) is not None:
            placed = True
        else:
            owner, placed = near, False
            if owner is None and chain[0].after != "credit":
                owner = previous
        if owner is None:
            for segment in chain:
                parser.page.unplaced += [parser.lines[i].text for i in segment.lines]
                parser.used.update((i, "unplaced") for i in segment.lines)
            continue
        if placed and owner != near:
            moved[owner].append(parser.lines[chain[0].lines[0]].text)
        owned[owner].append(chain)
        owner_of.update((id(s), owner) for s in chain)
        previous = owner
    return owned, moved, owner_of


def _closing_byline(story: Story) -> None:
    """A byline printed at a brief's end ("…开放。（通讯员 王晓东）"): taken out of the
    text into the story's byline."""
    if not story.body or not (match := _CLOSING_BYLINE.search(story.body[-1].text)):
        return
    credits = credit_lines.parse_line(match["credit"])
    if not credits or any(c.role in PHOTO_ROLES for c in credits):
        return
    last = story.body[-1]
    story.body[-1] = Block(last.kind, last.text[: match.start()].rstrip())
    names = match["credit"].split()
    if not all(credit_lines.is_person_name(w) for w in names):
        story.byline = match["credit"]
    story.contributors = [*credits, *story.contributors]


def _every_photo_somewhere(parser: _Parser, page: Page, stories, photos) -> None:
    """A photo no text claimed (its column was placed nowhere, or it stands where a
    header or a banner would): the story whose head it follows, else ``unplaced``."""
    held = {id(p) for story in stories for p in story.photos}
    for index, photo in sorted(photos.items()):
        if id(photo) in held:
            continue
        owner = _photo_owner(index, parser.head_index)
        if owner is not None:
            stories[owner].photos.append(photo)
            continue
        # Its caption's and its credit's lines as printed.
        lines = [index] + [
            j for j in (index - 1, index + 1) if parser.used.get(j) == "photo" and j not in photos
        ]
        page.unplaced += [parser.lines[j].text for j in sorted(lines)]


def _reading_order(
    chains: list[list[Segment]], story: int, position, text_of
) -> list[list[Segment]]:
    """A story's chains in reading order: the one under its head first; then the one
    that carries on down the same column past a photo (it comes next in OCR order after
    the last, with only photos between), else the first left in OCR order.

    Except where the text under the head is the story's end (the sample's style: under
    the head, the last column): when it ends as stories end (新的一年…, 下一步…) and does
    not open as they open, while another chain opens so (立春过后，…, 3月8日，…), that
    chain comes first and the head's last."""
    chains = [_unwrapped(c, position) for c in chains]
    left = sorted(chains, key=lambda c: (all(s.head != story for s in c), position[id(c[0])]))
    last = []
    if len(left) > 1 and any(s.head == story for s in left[0]):
        head = left[0]
        openers = [c for c in left[1:] if _OPENING.match(text_of(c[0].lines[0]))]
        if (
            openers
            and not _OPENING.match(text_of(head[0].lines[0]))
            and _ENDING.match(text_of(head[-1].lines[-1]))
        ):
            last = [head]
            left = [openers[0], *(c for c in left[1:] if c is not openers[0])]
    ordered = left[:1]
    left = left[1:]
    while left:
        end = position[id(ordered[-1][-1])]
        below = [c for c in left if position[id(c[0])] == end + 1 and c[0].after == "photo"]
        nxt = below[0] if below else min(left, key=lambda c: position[id(c[0])])
        ordered.append(nxt)
        left.remove(nxt)
    return ordered + last


# How a county story opens (a time, a scene) and ends (the year ahead, the next step).
_OPENING = re.compile(
    r"^(?:\d{1,2}月\d{1,2}日|[^，。]{0,8}(?:过后|伊始|刚过|时节|之际|前夕|期间)，"
    r"|近日|日前|眼下|近期|走进|夜幕降临|清晨|初冬|入冬|立春|新春|春节|仲夏|金秋)"
)
_ENDING = re.compile(
    r"^(?:新的一年|下一步|今后|未来|接下来|[^，。]{0,14}负责人表示，(?:下一步|今年|接下来|将))"
)


def _unwrapped(chain: list[Segment], position) -> list[Segment]:
    """A chain that wraps round its own column: its first segment stands under a photo
    right below its last (…25, 26 | photo | 29, 30 → 22, 23, 24, 25, 26), so the column
    read down past the photo puts 26 before 29: the last segment's last paragraph opens
    the chain (the column's other paragraphs keep their place)."""
    first, last = chain[0], chain[-1]
    if (
        len(chain) < 2
        or first.after != "photo"
        or position[id(first)] != position[id(last)] + 1
        or len(last.lines) < 2
    ):
        return chain
    moved = Segment(last.lines[-1:], "cut", inferred="按栏序移到图片之前")
    kept = replace(last, lines=last.lines[:-1])
    position[id(moved)] = position[id(kept)] = position[id(last)]
    return [moved, *chain[:-1], kept]


def _credit_byline_photographers(story: Story) -> None:
    """Photos printed with no credit of their own are the byline's photographer's
    ("李丽/文 项晨/摄")."""
    photographers = [c for c in story.contributors if c.role == credit_lines.PHOTOGRAPHER]
    for photo in story.photos:
        if not photo.credits:
            photo.credits = list(photographers)


def _story(parser: _Parser, head: Head, editors: list[Credit]) -> Story:
    titles = [parser.lines[t].text for t in head.titles]
    if len(titles) == 1:
        kicker, headline, subtitle = "", titles[0], ""
    elif len(titles) == 2 and titles[1].startswith(("—", "-")):
        kicker, headline, subtitle = "", *titles
    elif len(titles) == 2:
        kicker, headline, subtitle = *titles, ""
    else:
        kicker, headline, subtitle = titles
    return Story(
        headline=headline,
        kicker=kicker,
        subtitle=subtitle.lstrip("—-－ "),
        byline=head.byline,
        contributors=[*head.credits, *editors],
    )


def _finished(text: str) -> bool:
    """Whether a paragraph ends here, a closing byline ("…开放。（通讯员 王晓东）") aside."""
    return joins.ends_sentence(_CLOSING_BYLINE.sub("", text))


def _heading_like(text: str) -> bool:
    """A subhead: short, with no sentence punctuation."""
    return len(text) <= SUBHEAD_MAX and not re.search(r"[，。；,;！？!?]", text)


def _clause_goes_on_inside(parser: _Parser, segments: list[Segment]) -> list[Segment]:
    """A sentence still left open at a clause's end (…以数字化改造为突破口，) goes on
    at a paragraph start inside another column (推动传统产业向…) when the text from there
    to the column's end is clearly more like the open sentence's column than like the
    text above it, and more than any other such place is (pages with several stories)."""
    if not _several_stories(segments):
        return segments
    text = [line.text for line in parser.lines]
    for left in [s for s in segments if not s.marker]:
        if not _open_at_clause(parser, left):
            continue
        own = _bigrams("".join(text[i] for i in left.lines))
        at = segments.index(left)
        scored = []
        for segment in segments[max(0, at - WINDOW) : at + WINDOW]:
            if (
                segment is left
                or segment.marker
                or (segment.head is not None and segment.head == left.head)
            ):
                continue
            for k in range(1, len(segment.lines)):
                first, before = text[segment.lines[k]], text[segment.lines[k - 1]]
                if not joins.ends_sentence(before) or _OPENS.match(first):
                    continue
                if joins.leans_back(first) or _heading_like(first):
                    continue
                if parser._opens_with_story(segment.lines[k]) is not None:
                    continue  # it names whose it is (为破解…难题，镇海区…)
                run = _bigrams("".join(text[i] for i in segment.lines[k:]))
                above = _bigrams("".join(text[i] for i in segment.lines[:k]))
                like, stay = _cosine(own, run), _cosine(above, run)
                if like > 0 and like >= 1.5 * stay:
                    scored.append((like, segment, k))
        scored.sort(key=lambda c: -c[0])
        if not scored or (len(scored) > 1 and scored[0][0] < 1.5 * scored[1][0]):
            continue
        _like, segment, k = scored[0]
        _goes_on_in(segments, left, segment, k, "按用词接在逗号之后")
    return segments


# How paragraphs open; a line that opens like this does not carry on another's sentence.
_OPENS = re.compile(
    r"^(?:[“「《]|\d{1,2}\s*月|在|近年来|据|今年|去年|日前|目前|如今|记者|走进|随着|为了|作为|截至)"
)
OPENING = 16  # characters in which a paragraph names whom it is about (据慈溪市商务局统计)
FRAGMENT_MAX = 10  # characters in a sentence's last words standing as a line of their own


def _fragment_taken(parser: _Parser, segments: list[Segment]) -> list[Segment]:
    """The one sentence on the page left open mid-phrase (…生产计划已经排) with nowhere
    to go, and the one line that is a sentence's last words and nothing more (到了3月。)
    standing inside another column after a finished paragraph: the one goes on in the
    other. With more than one of either, nothing says which goes with which."""
    lefts = [
        s
        for s in segments
        if not s.marker
        and s.next is None
        and not s.jump_to
        and parser._stops_mid_sentence(s.lines[-1])
        and _HAN_END.search(parser.lines[s.lines[-1]].text)
    ]
    fragments = [
        (s, k)
        for s in segments
        if not s.marker
        for k in range(1, len(s.lines))
        if len(parser.lines[s.lines[k]].text) <= FRAGMENT_MAX
        and joins.ends_sentence(parser.lines[s.lines[k]].text)
        and joins.ends_sentence(parser.lines[s.lines[k - 1]].text)
    ]
    if len(lefts) != 1 or len(fragments) != 1:
        return segments
    (left,), ((segment, k),) = lefts, fragments
    _goes_on_in(segments, left, segment, k, "按句子接续")
    return segments


def _goes_on_in(segments: list[Segment], left: Segment, segment: Segment, k: int, why: str):
    """``left``'s sentence goes on at line ``k`` of ``segment``: the lines from there
    are cut off as a piece of their own (keeping where the segment led) and joined to
    ``left``, ``why`` said in the story's warnings."""
    piece = Segment(segment.lines[k:], "cut", jump_to=segment.jump_to, inferred=why)
    segment.lines, segment.jump_to = segment.lines[:k], ""
    if segment.next is not None:
        piece.next, segment.next.previous, segment.next = segment.next, piece, None
    left.next, piece.previous = piece, left
    segments.insert(segments.index(segment) + 1, piece)


def _leads_to(start: Segment, target: Segment) -> bool:
    """Whether following ``next`` from ``start`` reaches ``target``: joining ``target``
    to ``start`` would close a loop."""
    probe = start
    while probe is not None and probe is not target:
        probe = probe.next
    return probe is target


def _several_stories(segments: list[Segment]) -> bool:
    return len({s.head for s in segments if s.head is not None}) > 1


def _open_at_clause(parser: _Parser, left: Segment) -> bool:
    """A segment whose last sentence stops at a clause's end (…组织非遗展演，) and that
    leads nowhere yet."""
    last = parser.lines[left.lines[-1]].text
    return left.next is None and not left.jump_to and last.endswith(_CLAUSE_ENDS)


_HAN_END = re.compile(r"[\u3400-\u9fff]$")
# What a clause opens with when it carries on a sentence (…进行保护修缮，| 并引入…): the
# text under a head may start so, its opening being elsewhere on the page.
_GOES_ON = re.compile(r"^[并且及与或而但也还又即则]")
_CLAUSE_ENDS = ("，", ",", "、", "：", ":", "；", ";", "——")


def _bigrams(text: str) -> Counter:
    runs = re.findall(r"[\u3400-\u9fff]{2,}", text)
    return Counter(run[i : i + 2] for run in runs for i in range(len(run) - 1))


def _cosine(a: Counter, b: Counter) -> float:
    dot = sum(v * b.get(g, 0) for g, v in a.items())
    norm = math.sqrt(sum(v * v for v in a.values())) * math.sqrt(sum(v * v for v in b.values()))
    return dot / norm if norm else 0.0


def _piece(segment: Segment, start: int, end: int) -> Segment:
    """Lines ``start:end`` of ``segment``: the first piece keeps its place on the page."""
    if start == 0:
        return replace(segment, lines=segment.lines[:end])
    return Segment(segment.lines[start:end], "cut")


def _photo_owner(index: int, heads: "HeadIndex") -> int | None:
    """The story whose head last comes before line ``index``."""
    at = bisect.bisect_left(heads.lines, index)
    return heads.owners[at - 1] if at else None


@dataclass
class HeadIndex:
    """Heads' lines in order, with the last story (by number) headed at or before each:
    which story a line falls under, by bisection."""

    lines: list[int]
    owners: list[int]

    @classmethod
    def of(cls, heads: list[Head]) -> "HeadIndex":
        order = sorted(range(len(heads)), key=lambda n: heads[n].line)
        owners, best = [], -1
        for n in order:
            best = max(best, n)
            owners.append(best)
        return cls([heads[n].line for n in order], owners)


def _by_topic(parser, stories, chain, segments) -> int | None:
    """The story this headless chain is about, by the places both name."""
    text = "".join(parser.lines[i].text for s in chain for i in s.lines)
    if not stories:
        return None
    if parser.story_places is None:  # what each story's own text names, read once
        parser.story_places = [
            places.tag(parser.gazetteer, story.headline, _story_text(parser, n, segments))
            for n, story in enumerate(stories)
        ]
    if parser.story_people is None:
        parser.story_people = [
            people(_story_text(parser, n, segments)) for n in range(len(stories))
        ]
    scores = Counter()
    mentioned = parser.gazetteer.mentions(text)
    for n, home in enumerate(parser.story_places):
        for place, _primary in home:
            scores[n] += mentioned.get(place, 0)
    for name in people(text):  # a person quoted again (雷志强说)
        for n, known in enumerate(parser.story_people):
            scores[n] += name in known
    if scores:
        best = scores.most_common(2)
        if len(best) == 1 or best[0][1] > best[1][1]:
            return best[0][0]
    return None


# A person named as the one who speaks (企业负责人雷志强说, 店主吴国平说): the same name
# in two columns puts them in one story.
_SPEAKER = re.compile(
    rf"([{''.join(sorted(credit_lines.SURNAMES))}][\u4e00-\u9fff]{{1,2}})"
    r"(?=说|介绍|表示|坦言|告诉|笑着说|透露|感慨)"
)


def people(text: str) -> set[str]:
    return set(_SPEAKER.findall(text))


def _story_text(parser, n: int, segments) -> str:
    """The text under story ``n``'s head (orphan chains are never part of it)."""
    own = [s for s in segments if s.head == n]
    return "".join(parser.lines[i].text for s in own for i in s.lines)


def _tag(gazetteer: places.Gazetteer, story: Story) -> None:
    # A photo story's caption is all the text it has.
    own = [b.text for b in story.body] or [p.caption for p in story.photos]
    text = "\n".join([story.kicker, story.subtitle, *own])
    tagged, story.old_names = places.regions(gazetteer, story.headline, text)
    story.regions = [(place.code, place.name, primary) for place, primary in tagged]


def _warn(story: Story, moved: list[str], jumps: list[str], inferred=()) -> None:
    if not story.body:
        story.warnings.append("没有找到正文。")
    else:
        if word := joins.leans_back(story.body[0].text):
            story.warnings.append(f"正文以“{word}”开头：开头可能在别的版面。")
        if not joins.ends_sentence(story.body[-1].text):
            story.warnings.append("正文在句中结束：后文可能转到别的版面。")
    story.warnings += jumps
    for first in moved:
        story.warnings.append(f"“{first[:12]}…”一段不在标题下，按内容归入本篇，请核对位置。")
    for first, why in inferred:
        story.warnings.append(f"“{first[:12]}…”的位置是推断的（{why}），请核对。")
    for photo in story.photos:
        if not photo.credits:
            story.warnings.append(f"图片“{photo.caption[:12]}”没有署名。")
    if not story.regions:
        story.warnings.append("没有认出报道的地区。")
    story.warnings += story.old_names
