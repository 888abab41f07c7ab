"""The story body as editors type it, and the blocks readers see.

Editors write plain text in the admin: one paragraph per line, and a
subhead on a line of its own that starts with "## ". Nothing is stored as
HTML, so templates escape every block like any other text.
"""

from dataclasses import dataclass

SUBHEAD_MARK = "##"
PARAGRAPH, SUBHEAD = "paragraph", "subhead"


@dataclass(frozen=True)
class Block:
    """A paragraph or a subhead: of a stored story, or of one the importer found."""

    kind: str  # PARAGRAPH or SUBHEAD
    text: str

    @property
    def is_subhead(self) -> bool:
        return self.kind == SUBHEAD


def parse(text: str) -> list[Block]:
    blocks = []
    for line in (text or "").splitlines():
        line = line.strip()
        if not line:
            continue
        if line.startswith(SUBHEAD_MARK):
            heading = line.lstrip("#").strip()
            if heading:
                blocks.append(Block(SUBHEAD, heading))
        else:
            blocks.append(Block(PARAGRAPH, line))
    return blocks


def compose(blocks) -> str:
    """The editable text of ``blocks`` given as Block or (kind, text) pairs."""
    lines = []
    for kind, text in ((b.kind, b.text) if isinstance(b, Block) else b for b in blocks):
        lines.append(f"{SUBHEAD_MARK} {text}" if kind == SUBHEAD else text)
    return "\n\n".join(lines)
