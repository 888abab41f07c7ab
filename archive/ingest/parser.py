"""OCR text of a printed page in, its stories out. No Django here.

The method, in the order it runs (docs/importer.md has it with its limits):

1. **Lines.** Each non-empty line, with the number of blank lines before it: this
   OCR leaves a run of blank lines where a picture was.
2. **Page furniture.** Dates, page numbers and the page's editor at the top; the
   banner (the page's section name) is its first short line.
3. **Story heads.** A byline (names with or without role words, ``本报讯（记者 …）``)
   with up to three short title lines above it: kicker, headline, subtitle.
4. **Photos.** A credit line (``许军 摄``, ``（图片由…提供）``) with the short line
   beside it as caption (before it, or after it when the credit comes first); a
   courtesy line with no caption beside it credits the story's uncredited photo.
5. **Segments.** The text between these landmarks, in OCR order. A segment right
   under a story's head belongs to it; the others are orphans.
6. **Joins.** A segment ending mid-sentence continues in the segment that picks the
   sentence up: the next one in OCR order when nothing better offers, another where
   a word spans the join (``joins.word_across``).
7. **Orphans.** A chain of segments with no head goes to the story whose places (and
   then vocabulary) it shares; with no evidence, to the story before it.
8. **Blocks.** Lines ending mid-sentence are joined to the next; short unpunctuated
   lines between finished sentences are subheads.
9. **Regions** (``places.tag``) and **warnings** for what an editor should check.

Every input line ends up in a field or in ``Page.unplaced``.
"""

import re
from collections import Counter
from dataclasses import dataclass, field

from archive.ingest import credits as credit_lines
from archive.ingest import joins, places
from archive.ingest.credits import PHOTO_ROLES, Credit
from archive.ingest.page import PARAGRAPH, SUBHEAD, Block, Page, Photo, Story

TITLE_MAX = 40  # characters in a kicker, headline or subtitle line
SUBHEAD_MAX = 24
CAPTION_MAX = 80
PICTURE_GAP = 2  # blank lines that mark where a picture stood

_DATE = re.compile(r"^\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日(?:\s*星期[一二三四五六日天])?$")
_PAGE = re.compile(r"^(?:第\s*)?(?P<n>\d{1,3})\s*版(?:\s*[:：]?\s*(?P<name>\S{2,12}))?$")
_NEWS_LEAD = re.compile(
    r"^(?:本报讯|(?:新华社|中新社)[^\s，。]{0,10}电)\s*(?:[（(](?P<credit>[^）)]*)[）)])?"
)
_PICTURE = re.compile(r"^图为")


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
    lead: str = ""  # the news lead's text after "本报讯（…）", which is body


@dataclass
class Segment:
    lines: list[int]  # indexes into ``lines``, in OCR order
    after: str  # "head", "photo", "credit" or "page": what came just before it
    head: int | None = None  # the story it sits under, if right under a head
    photos_before: list[int] = field(default_factory=list)  # photos between it and the last
    marker: bool = False  # stands for a loose credit line: text never joins across it
    next: "Segment | None" = None
    previous: "Segment | None" = None


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
        self.page = Page()

    # --- 2. page furniture -------------------------------------------------------------

    def furniture(self) -> list[Credit]:
        editors = []
        for i, line in enumerate(self.lines[:6]):
            if _DATE.match(line.text):
                self.page.date, self.used[i] = line.text, "date"
            elif match := _PAGE.match(line.text):
                self.page.page_number, self.used[i] = int(match.group("n")), "page"
                if match.group("name") and not self.page.banner:
                    self.page.banner = match.group("name")
            elif line.text.startswith(("责任编辑", "本版编辑", "编辑")) and (
                found := credit_lines.parse_line(line.text)
            ):
                editors += found
                self.used[i] = "editor"
        return editors

    # --- 3. story heads ----------------------------------------------------------------

    def _title_like(self, i: int) -> bool:
        text = self.lines[i].text
        return (
            i not in self.used
            and len(text) <= TITLE_MAX
            and not joins.ends_sentence(text.rstrip("！？!?"))
            and "。" not in text
            and text[-1] not in "，,、；;："
            and credit_lines.parse_line(text) is None
        )

    def heads(self) -> list[Head]:
        found: list[Head] = []
        for i, line in enumerate(self.lines):
            if i in self.used:
                continue
            lead = _NEWS_LEAD.match(line.text)
            byline = None if lead else credit_lines.parse_line(line.text)
            if lead:
                byline = credit_lines.parse_line(lead.group("credit") or "") or []
            elif not byline or any(c.role in PHOTO_ROLES for c in byline):
                continue
            titles = []
            j = i - 1
            while j >= 0 and len(titles) < 3 and self._title_like(j):
                titles.insert(0, j)
                j -= 1
                if self.lines[j + 1].gap >= PICTURE_GAP:
                    break
            if not titles:
                continue
            words = line.text if lead is None else (lead.group("credit") or "")
            names_only = all(credit_lines.is_person_name(w) for w in words.split())
            head = Head(i, titles, byline, byline="" if names_only else words)
            if lead:
                head.lead = line.text[lead.end() :].strip()
            found.append(head)
            for t in titles:
                self.used[t] = "title"
            self.used[i] = "byline"
        # The page's first line above a two-line head is the banner, not a kicker,
        # when it is short and undivided (经济大省挑大梁), as section names are.
        if found and not self.page.banner:
            first = found[0]
            top = first.titles[0]
            text = self.lines[top].text
            if (
                len(first.titles) >= 2
                and all(k in self.used and self.used[k] != "title" for k in range(top))
                and len(text) <= 12
                and " " not in text
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

    # --- 4. photos ---------------------------------------------------------------------

    def _caption_like(self, i: int) -> bool:
        if i < 0 or i >= len(self.lines) or i in self.used:
            return False
        text = self.lines[i].text
        return len(text) <= CAPTION_MAX and credit_lines.parse_line(text) is None

    def photos(self) -> dict[int, Photo]:
        """Photos by the index of their first line; unmatched courtesy lines kept apart."""
        found: dict[int, Photo] = {}
        self.loose_credits: dict[int, list[Credit]] = {}
        for i, line in enumerate(self.lines):
            if i in self.used:
                continue
            if split := credit_lines.split_trailing(line.text):
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
            if (
                i not in self.used
                and line.gap >= PICTURE_GAP
                and len(line.text) <= 30
                and not joins.ends_sentence(line.text)
                and i > 0
                and self.used.get(i - 1) in ("byline", "title")
            ):
                found[i] = Photo(line.text)
                self.used[i] = "photo"
        return found

    # --- 5–7. segments, joins, orphans ---------------------------------------------------

    def segments(self, heads: list[Head], photos: dict[int, Photo]) -> list[Segment]:
        head_at = {h.line: n for n, h in enumerate(heads)}
        found: list[Segment] = []
        current: Segment | None = None
        after, head, photos_before = "page", None, []
        for i in range(len(self.lines)):
            if i in head_at:
                current, after, head, photos_before = None, "head", head_at[i], []
            elif i in photos:
                current, photos_before = None, [*photos_before, i]
                after = "head" if after == "head" and head is not None else "photo"
            elif i in self.loose_credits:
                current, after, head, photos_before = None, "credit", None, []
                found.append(Segment([], "credit", marker=True))
            elif i not in self.used:
                if current is None:
                    current = Segment([], after, head if after == "head" else None, photos_before)
                    found.append(current)
                    after, head, photos_before = "text", None, []
                current.lines.append(i)
        return found

    def link(self, segments: list[Segment]) -> None:
        """Join segments that end mid-sentence to the segment that carries on."""
        text_segments = [s for s in segments if not s.marker]
        candidates = []
        for n, left in enumerate(text_segments):
            last = self.lines[left.lines[-1]].text
            if joins.ends_sentence(last):
                continue
            for right in text_segments:
                if right is left:
                    continue
                if left.head is not None and right.head is not None and left.head != right.head:
                    continue
                first = self.lines[right.lines[0]].text
                score = {2: 3, 1: 1, 0: 0}[joins.word_across(last, first)]
                # Next in OCR order, with only photos between: the same column.
                if (
                    n + 1 < len(text_segments)
                    and text_segments[n + 1] is right
                    and right.after in ("photo", "text")
                ):
                    score += 2
                if joins.leans_back(first) or right.after == "head":
                    score -= 1  # a story's first line under its head usually opens it
                if score >= 2:
                    candidates.append((score, n, left, right))
        for _score, _n, left, right in sorted(candidates, key=lambda c: (-c[0], c[1])):
            if left.next is not None or right.previous is not None:
                continue
            probe = right
            while probe is not None and probe is not left:
                probe = probe.next
            if probe is left:
                continue  # a cycle
            left.next, right.previous = right, left

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
                found[-1].text = joins.join(found[-1].text, text)
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
    heads = parser.heads()
    photos = parser.photos()
    segments = parser.segments(heads, photos)
    parser.link(segments)
    stories = [_story(parser, head, editors) for head in heads]

    # Each chain of segments to its story: the head it holds, else what it is about,
    # else the story before it (unless a closing credit ended that one).
    position = {id(s): n for n, s in enumerate(segments)}
    owned: dict[int, list[list[Segment]]] = {n: [] for n in range(len(stories))}
    by_topic: dict[int, list[str]] = {n: [] for n in range(len(stories))}
    previous = None
    for chain in parser.chains(segments):
        owners = {s.head for s in chain if s.head is not None}
        owner = owners.pop() if len(owners) == 1 else _by_topic(parser, stories, chain, segments)
        if owner is not None and not owners and chain[0].head is None:
            by_topic[owner].append(parser.lines[chain[0].lines[0]].text)
        elif owner is None and chain[0].after != "credit":
            owner = previous
        if owner is None:
            for segment in chain:
                page.unplaced += [parser.lines[i].text for i in segment.lines]
                parser.used.update((i, "unplaced") for i in segment.lines)
            continue
        owned[owner].append(chain)
        previous = owner

    for n, story in enumerate(stories):
        # The chain under the story's head first, then the others in OCR order.
        chains = sorted(owned[n], key=lambda c: (all(s.head != n for s in c), position[id(c[0])]))
        body = parser.blocks([i for chain in chains for s in chain for i in s.lines])
        story.body = ([Block(PARAGRAPH, heads[n].lead)] if heads[n].lead else []) + body
        found = [p for chain in chains for s in chain for p in s.photos_before]
        story.photos = [photos[p] for p in sorted(found)]
    for index in sorted(set(photos) - {p for s in segments for p in s.photos_before}):
        owner = _photo_owner(index, heads)  # a photo with no text after it on the page
        if owner is None:
            page.unplaced.append(photos[index].caption)
        else:
            stories[owner].photos.append(photos[index])
    for i, credits in parser.loose_credits.items():
        owner = _photo_owner(i, heads)
        uncredited = (
            [p for p in stories[owner].photos if not p.credits] if owner is not None else []
        )
        for photo in uncredited:
            photo.credits = list(credits)
        if not uncredited:
            page.unplaced.append(parser.lines[i].text)
    for n, story in enumerate(stories):
        _tag(parser.gazetteer, story)
        _warn(story, by_topic[n])
    page.unplaced += [line.text for i, line in enumerate(parser.lines) if i not in parser.used]
    page.stories = stories
    return page


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


def _photo_owner(index: int, heads: list[Head]) -> int | None:
    owner = None
    for n, head in enumerate(heads):
        if head.line < index:
            owner = n
    return owner


def _by_topic(parser, stories, chain, segments) -> int | None:
    """The story this headless chain is about: its places first, then its words."""
    text = "".join(parser.lines[i].text for s in chain for i in s.lines)
    if not stories:
        return None
    scores = Counter()
    mentioned = parser.gazetteer.mentions(text)
    for n, story in enumerate(stories):
        own = _story_text(parser, n, chain, segments)
        home = places.tag(parser.gazetteer, story.headline, own)
        for place, _primary in home:
            scores[n] += mentioned.get(place, 0)
    if scores:
        best = scores.most_common(2)
        if len(best) == 1 or best[0][1] > best[1][1]:
            return best[0][0]
    return None


def _story_text(parser, n: int, exclude, segments) -> str:
    own = [s for s in segments if s.head == n and s not in exclude]
    return "".join(parser.lines[i].text for s in own for i in s.lines)


def _tag(gazetteer: places.Gazetteer, story: Story) -> None:
    text = "\n".join([story.kicker, story.subtitle, *(b.text for b in story.body)])
    story.regions = [
        (place.code, place.name, primary)
        for place, primary in places.tag(gazetteer, story.headline, text)
    ]


def _warn(story: Story, placed_by_topic: list[str]) -> None:
    if not story.body:
        story.warnings.append("没有找到正文。")
    else:
        if word := joins.leans_back(story.body[0].text):
            story.warnings.append(f"正文以“{word}”开头：开头可能在别的版面。")
        if not joins.ends_sentence(story.body[-1].text):
            story.warnings.append("正文在句中结束：后文可能转到别的版面。")
    for first in placed_by_topic:
        story.warnings.append(f"“{first[:12]}…”一段不在标题下，按内容归入本篇，请核对位置。")
    for photo in story.photos:
        if not photo.credits:
            story.warnings.append(f"图片“{photo.caption[:12]}”没有署名。")
    if not story.regions:
        story.warnings.append("没有认出报道的地区。")
