"""What the parser finds on a page: plain data, ready for ``--json`` and the importer."""

import datetime
from dataclasses import dataclass, field

from archive.ingest.credits import Credit
from archive.text.body import PARAGRAPH, SUBHEAD, Block

__all__ = ["PARAGRAPH", "SUBHEAD", "Block", "Page", "Photo", "Story"]


@dataclass
class Photo:
    caption: str
    credits: list[Credit] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"caption": self.caption, "credits": [c.as_dict() for c in self.credits]}


@dataclass
class Story:
    headline: str
    kicker: str = ""
    subtitle: str = ""
    byline: str = ""  # the printed wording, where it says more than the names
    contributors: list[Credit] = field(default_factory=list)
    photos: list[Photo] = field(default_factory=list)
    body: list[Block] = field(default_factory=list)  # archive.text.body's blocks
    regions: list[tuple[str, str, bool]] = field(default_factory=list)  # code, name, primary
    warnings: list[str] = field(default_factory=list)
    # The warnings about place names out of use on the page's date (萧山市 in 2025), also
    # in ``warnings``: the importer repeats them once the drafts are made.
    old_names: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "kicker": self.kicker,
            "headline": self.headline,
            "subtitle": self.subtitle,
            "byline": self.byline,
            "contributors": [c.as_dict() for c in self.contributors],
            "photos": [p.as_dict() for p in self.photos],
            "body": [{"type": b.kind, "text": b.text} for b in self.body],
            "regions": [
                {"code": code, "name": name, "primary": primary}
                for code, name, primary in self.regions
            ],
            "warnings": self.warnings,
        }


@dataclass
class Page:
    banner: str = ""
    stories: list[Story] = field(default_factory=list)
    unplaced: list[str] = field(default_factory=list)  # text no story could claim
    warnings: list[str] = field(default_factory=list)
    date: datetime.date | None = None  # as the page prints it
    page_number: int | None = None

    def as_dict(self) -> dict:
        return {
            "banner": self.banner,
            "date": self.date.isoformat() if self.date else None,
            "page": self.page_number,
            "articles": [s.as_dict() for s in self.stories],
            "unplaced": self.unplaced,
            "warnings": self.warnings,
        }
