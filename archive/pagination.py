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

    def encode(self) -> str:
        micros = round(self.ts.timestamp() * 1_000_000)
        return f"{'n' if self.forward else 'p'}{micros}.{self.pk}"

    @classmethod
    def decode(cls, value: str) -> "Cursor":
        try:
            direction, rest = value[0], value[1:]
            micros, pk = rest.split(".")
            if direction not in "np" or not micros.lstrip("-").isdigit() or not pk.isdigit():
                raise ValueError
            ts = datetime.datetime.fromtimestamp(int(micros) / 1_000_000, tz=datetime.UTC)
            return cls(direction == "n", ts, int(pk))
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


def keyset_page(queryset, cursor: str | None, *, per_page: int, newest_first: bool = True):
    """One page of ``queryset`` after (or before) ``cursor``; a malformed cursor is a 400."""
    queryset = sortable(queryset)
    position = Cursor.decode(cursor) if cursor else None
    forward = position.forward if position else True
    descending = newest_first == forward
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
    rows = list(queryset.order_by(*order)[: per_page + 1])
    more = len(rows) > per_page
    rows = rows[:per_page]
    if not forward:
        rows.reverse()
    if not rows:
        return KeysetPage([], None, None)
    has_next = more if forward else position is not None
    has_previous = position is not None if forward else more
    first, last = rows[0], rows[-1]
    return KeysetPage(
        rows,
        Cursor(True, last.sort_ts, last.sort_id).encode() if has_next else None,
        Cursor(False, first.sort_ts, first.sort_id).encode() if has_previous else None,
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
