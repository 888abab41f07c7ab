"""Reading search results a page at a time, newest first or by relevance, at any size.

A page of "newest stories containing X" can be read two ways. Walking the list's
own newest-first index and checking each story costs in proportion to how far one
must walk to find a page of matches: cheap for common terms, ruinous for rare
ones. Asking the bigram index for every match and sorting them costs in proportion
to the number of matches: cheap for rare terms, ruinous for common ones. The
planner chooses from estimates, and for several bigrams that occur together
(高标/标准/准农/农田) it multiplies their frequencies and underestimates a common
term by orders of magnitude.

So each page first checks a bounded window: the next ``WINDOW`` stories of the
list, without the index. If that fills the page, done (common terms). If not,
matches are rarer than one in ``WINDOW / page size`` here, and the index query,
whose cost is the number of matches, runs (rare terms). Either way a page costs at
most a window plus that many matches. The limit: a term common long ago but rare
in the newest ``WINDOW`` stories of a list costs its full match count.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Q

from archive.pagination import Cursor, ordered, sortable

WINDOW = 3_000


@dataclass
class SearchTier:
    """The stories of ``base`` (a filtered, unsearched list) that ``narrow`` keeps."""

    base: object
    narrow: Callable  # (queryset, indexed: bool) -> queryset

    def rows(self, position: Cursor | None, *, descending: bool, limit: int) -> list:
        base = sortable(self.base)
        # The last story of the window: an index-only range of WINDOW entries.
        edge = (
            ordered(base, position, descending=descending)
            .values_list("sort_ts", "sort_id")[WINDOW - 1 : WINDOW]
            .first()
        )
        nearby = self.narrow(base, False)
        if edge is not None:
            ts, pk = edge
            within = (
                Q(sort_ts__gt=ts) | Q(sort_ts=ts, sort_id__gte=pk)
                if descending
                else Q(sort_ts__lt=ts) | Q(sort_ts=ts, sort_id__lte=pk)
            )
            nearby = nearby.filter(within)
        rows = list(ordered(nearby, position, descending=descending)[:limit])
        if len(rows) == limit or edge is None:  # a full page, or the window held the rest
            return rows
        return list(ordered(self.narrow(base, True), position, descending=descending)[:limit])


def tiers(base, query, *, relevance: bool) -> list[SearchTier]:
    """The querysets to read in turn: one, or by relevance stories with every term in
    the title part first, then the rest; each newest first."""
    if not relevance:
        return [SearchTier(base, lambda qs, indexed: qs.matching(query, indexed=indexed))]
    return [
        SearchTier(base, lambda qs, indexed: qs.in_title(query, indexed=indexed)),
        SearchTier(base, lambda qs, indexed: qs.beyond_title(query, indexed=indexed)),
    ]
