"""A picture of the sample page, drawn from its stories' text, for the demo's page
viewer: the banner across the top, then each story in its own block of columns, and
where each block lies (fractions of the image) for the story areas.

Drawn with the Noto CJK fonts of the operating system's ``fonts-noto-cjk`` package
(SIL Open Font License 1.1; nothing of them is copied into the project). Where no CJK
font is installed, ``draw`` returns None and the demo goes without a page image,
saying so: a picture of Chinese text in a font without Chinese would be empty boxes.
"""

import functools
import io
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

FONT_FOLDERS = [
    Path("/usr/share/fonts/opentype/noto"),
    Path("/usr/share/fonts/noto-cjk"),  # Fedora, Arch
    Path("/usr/local/share/fonts"),
]
SERIF, SERIF_BOLD = "NotoSerifCJK-Regular.ttc", "NotoSerifCJK-Bold.ttc"
SANS_BOLD = "NotoSansCJK-Bold.ttc"
SIMPLIFIED = 2  # index of the Simplified Chinese face in Noto's CJK collections

WIDTH, HEIGHT = 1600, 2300
MARGIN = 70
INK = (28, 28, 28)
RED = (164, 22, 26)
PAPER = (250, 247, 238)


@dataclass(frozen=True)
class DrawnStory:
    headline: str
    byline: str
    body: str


def font_path(name: str) -> Path | None:
    for folder in FONT_FOLDERS:
        if (folder / name).exists():
            return folder / name
    return None


def _font(name: str, size: int):
    return ImageFont.truetype(str(font_path(name)), size, index=SIMPLIFIED)


@functools.lru_cache(maxsize=2)  # the tests load the demo many times: drawn once
def draw(
    banner: str, stories: tuple[DrawnStory, ...], *, page_label: str
) -> tuple[bytes, list[tuple[float, float, float, float]]] | None:
    """The page as PNG bytes and each story's area (x, y, width, height as fractions),
    or None without a CJK font."""
    if not all(font_path(name) for name in (SERIF, SERIF_BOLD, SANS_BOLD)):
        return None
    page = Image.new("RGB", (WIDTH, HEIGHT), PAPER)
    pen = ImageDraw.Draw(page)
    label = _font(SERIF, 26)
    pen.text((MARGIN, 40), page_label, font=label, fill=INK)
    pen.line((MARGIN, 84, WIDTH - MARGIN, 84), fill=INK, width=3)
    title = _font(SANS_BOLD, 110)
    pen.text((WIDTH // 2, 150), banner, font=title, fill=RED, anchor="mt")
    pen.line((MARGIN, 300, WIDTH - MARGIN, 300), fill=RED, width=6)

    areas = []
    top, bottom = 330, HEIGHT - 80
    block_height = (bottom - top - 40 * (len(stories) - 1)) // max(1, len(stories))
    for n, story in enumerate(stories):
        y0 = top + n * (block_height + 40)
        _story(pen, story, MARGIN, y0, WIDTH - 2 * MARGIN, block_height)
        box = (MARGIN - 10, y0 - 10, WIDTH - 2 * MARGIN + 20, block_height + 20)
        areas.append(
            tuple(round(v / side, 4) for v, side in zip(box, (WIDTH, HEIGHT) * 2, strict=True))
        )
        if n + 1 < len(stories):
            rule = y0 + block_height + 20
            pen.line((MARGIN, rule, WIDTH - MARGIN, rule), fill=INK, width=2)
    out = io.BytesIO()
    page.save(out, "PNG")
    return out.getvalue(), areas


def _story(pen, story: DrawnStory, x: int, y: int, width: int, height: int) -> None:
    headline = _font(SERIF_BOLD, 64)
    pen.text((x + width // 2, y + 10), story.headline, font=headline, fill=INK, anchor="mt")
    byline = _font(SERIF, 28)
    pen.text((x + width // 2, y + 100), story.byline, font=byline, fill=INK, anchor="mt")
    text = _font(SERIF, 26)
    columns, gap, line = 4, 36, 40
    column_width = (width - gap * (columns - 1)) // columns
    first_line = y + 160
    rows = (y + height - first_line) // line
    lines = _wrapped(pen, story.body, text, column_width)
    for column in range(columns):
        cx = x + column * (column_width + gap)
        for row in range(rows):
            index = column * rows + row
            if index >= len(lines):
                return
            pen.text((cx, first_line + row * line), lines[index], font=text, fill=INK)


def _wrapped(pen, body: str, font, width: int) -> list[str]:
    """The body's paragraphs broken into lines that fit ``width``, each paragraph indented
    by two full-width spaces as Chinese papers set them."""
    lines = []
    for paragraph in body.split("\n"):
        paragraph = paragraph.strip()
        if not paragraph:
            continue
        # A subhead (body markup "## …") is set flush, without the indent.
        subhead = paragraph.startswith("## ")
        current = "" if subhead else "\u3000\u3000"
        paragraph = paragraph.removeprefix("## ")
        for character in paragraph:
            if pen.textlength(current + character, font=font) > width:
                lines.append(current)
                current = ""
            current += character
        lines.append(current)
    return lines
