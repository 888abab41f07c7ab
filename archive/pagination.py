"""Pagination that costs the same at any archive size.

Keyset (cursor) pagination for readers: every page is one index range scan, however deep.

A cursor names the last story seen — its sort time and id — and the direction to
go from it, so "older" and "newer" links never use OFFSET. Querysets are ordered
by two annotations, ``sort_ts`` and ``sort_id``; list querysets driven by the
``StoryListing`` index provide their own, others get the story's own columns.
"""

import datetime
from dataclasses import dataclass

from django.core.exceptions import BadRequest
from django.core.paginator import Paginator
from django.db.models import F, Q
from django.utils.functional import cached_property

SORT_TS, SORT_ID = "sort_ts", "sort_id"


@dataclass(frozen=True)
class Cursor:
    forward: bool  # True: continue in the list's order; False: go back
    ts: datetime.datetime
    pk: int
    tier: int | None = None  # which of several querysets read in turn (relevance order)

    def encode(self) -> str:
        micros = round(self.ts.timestamp() * 1_000_000)
        tier = "" if self.tier is None else f".{self.tier}"
        return f"{'n' if self.forward else 'p'}{micros}.{self.pk}{tier}"

    @classmethod
    def decode(cls, value: str) -> "Cursor":
        try:
            direction, rest = value[0], value[1:]
            micros, pk, *tier = rest.split(".")
            numbers = [micros.lstrip("-"), pk, *tier]
            if direction not in "np" or len(tier) > 1 or not all(n.isdigit() for n in numbers):
                raise ValueError
            ts = datetime.datetime.fromtimestamp(int(micros) / 1_000_000, tz=datetime.UTC)
            return cls(direction == "n", ts, int(pk), int(tier[0]) if tier else None)
        except (ValueError, IndexError, OverflowError, OSError) as error:
            raise BadRequest("无效的翻页参数。") from error


@dataclass
class KeysetPage:
    object_list: list
    next_cursor: str | None
    previous_cursor: str | None

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self):
        return len(self.object_list)

    @property
    def has_other_pages(self) -> bool:
        return bool(self.next_cursor or self.previous_cursor)


def sortable(queryset):
    """The queryset with ``sort_ts``/``sort_id``, from its own columns if not already set."""
    if SORT_TS in queryset.query.annotations:
        return queryset
    return queryset.annotate(sort_ts=F("published_at"), sort_id=F("pk"))


def ordered(queryset, position: Cursor | None, *, descending: bool):
    """``queryset`` beyond ``position``, ordered in the given direction."""
    queryset = sortable(queryset)
    if position:
        if descending:
            queryset = queryset.filter(sort_ts__lte=position.ts).filter(
                Q(sort_ts__lt=position.ts) | Q(sort_id__lt=position.pk)
            )
        else:
            queryset = queryset.filter(sort_ts__gte=position.ts).filter(
                Q(sort_ts__gt=position.ts) | Q(sort_id__gt=position.pk)
            )
    order = ("-sort_ts", "-sort_id") if descending else ("sort_ts", "sort_id")
    return queryset.order_by(*order)


def _rows(tier, position: Cursor | None, *, descending: bool, limit: int) -> list:
    """Up to ``limit`` rows of ``tier`` beyond ``position``: a queryset, or an object
    that reads its own rows (``archive.search.listing.SearchTier``)."""
    if hasattr(tier, "rows"):
        return tier.rows(position, descending=descending, limit=limit)
    return list(ordered(tier, position, descending=descending)[:limit])


def keyset_page(queryset, cursor: str | None, *, per_page: int, newest_first: bool = True):
    """One page of ``queryset`` after (or before) ``cursor``; a malformed cursor is a 400."""
    return tiered_page([queryset], cursor, per_page=per_page, newest_first=newest_first)


def tiered_page(tiers: list, cursor: str | None, *, per_page: int, newest_first: bool = True):
    """One page of several querysets read one after the other, each by keyset.

    Search by relevance reads "every term in the title" and then "the rest" this
    way: each tier is read like any list, and a page that straddles two tiers also
    reads the next one. Cursors of a multi-tier list name their tier.
    """
    position = Cursor.decode(cursor) if cursor else None
    tiered = len(tiers) > 1
    if position and (position.tier is not None) != tiered:
        raise BadRequest("无效的翻页参数。")
    start = (position.tier or 0) if position else 0
    if start >= len(tiers):
        raise BadRequest("无效的翻页参数。")
    forward = position.forward if position else True
    descending = newest_first == forward
    found: list[tuple[int, object]] = []
    for tier in range(start, len(tiers)) if forward else range(start, -1, -1):
        rows = _rows(
            tiers[tier],
            position if tier == start else None,
            descending=descending,
            limit=per_page + 1 - len(found),
        )
        found += [(tier, row) for row in rows]
        if len(found) > per_page:
            break
    more = len(found) > per_page
    found = found[:per_page]
    if not forward:
        found.reverse()
    if not found:
        return KeysetPage([], None, None)
    has_next = more if forward else position is not None
    has_previous = position is not None if forward else more
    (first_tier, first), (last_tier, last) = found[0], found[-1]

    def cursor_at(forward: bool, tier: int, row) -> str:
        return Cursor(forward, row.sort_ts, row.sort_id, tier if tiered else None).encode()

    return KeysetPage(
        [row for _, row in found],
        cursor_at(True, last_tier, last) if has_next else None,
        cursor_at(False, first_tier, first) if has_previous else None,
    )


COUNT_CAP = 1_000


class CappedCountPaginator(Paginator):
    """For the admin: counts at most ``COUNT_CAP`` rows, so a page costs the same at any size.

    Past the cap the admin says "至少 1000 篇" and pages up to the cap; editors
    narrow a list with filters and search rather than paging that deep.
    """

    @cached_property
    def count(self):
        return self.object_list.order_by()[:COUNT_CAP].count()

    @property
    def capped(self) -> bool:
        return self.count >= COUNT_CAP
