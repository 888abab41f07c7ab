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

import math
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import F, Q
from django.utils import timezone

from archive.caching import counts
from archive.models import StoryListing
from archive.pagination import Cursor, ordered, sortable

# Small: a rare term checks the whole window for nothing before the index is asked
# (each check reads and decompresses a document: 3,000 cost 30–60 ms at a million
# stories), while a common one fills a page within its first few dozen stories.
WINDOW = 500
# How much further than the window's density says a walk reaches for the rest of a
# page: a window of 500 holding a few matches often overstates a term's density, and a
# walk that falls short pays for the index's matches as well (衢江 at a million: a walk of
# 2,400 stories, 61 ms, then 39 ms sorting its matches; with 3 it asks the index at once).
MARGIN = 3
MAX_WALK = 12_000  # stories a page may walk beyond the window before asking the index
WALK_COST = 2.5  # a story checked on the walk (a TOAST read) costs as much as 2.5 matches sorted
# A check of the title part alone decompresses a slice of the document (``in_title``):
# 8 µs a story at a million, against 30 µs for the whole and about 6 µs a match sorted.
TITLE_WALK_COST = 1.0
OFFERED = 100  # the index's newest matches whose text a page checks before all of them


def _within(queryset, edge, descending: bool):
    """``queryset`` up to and including ``edge`` (a sort key), the plain range first so
    that it bounds the index scan, then the tie-break."""
    if edge is None:
        return queryset
    ts, pk = edge
    if descending:
        return queryset.filter(sort_ts__gte=ts).filter(Q(sort_ts__gt=ts) | Q(sort_id__gte=pk))
    return queryset.filter(sort_ts__lte=ts).filter(Q(sort_ts__lt=ts) | Q(sort_id__lte=pk))


def region_keys(region):
    """The sort keys of a region's list, read from its listing index alone.

    Counting a window in the region's list itself would join each of its thousands of
    listing rows to its story to check the story's status (tens of milliseconds). The
    listing rows may include stories the list leaves out (unpublished, or outside its
    other filters): the window then holds fewer of the list's stories, which costs
    speed, never results, since every window and walk is checked against the list.
    """
    return StoryListing.objects.filter(
        facet=StoryListing.Facet.REGION, subject_id=region.pk, published_at__lte=timezone.now()
    ).annotate(sort_ts=F("published_at"), sort_id=F("article_id"))


@dataclass
class SearchTier:
    """The stories of ``base`` (a filtered, unsearched list) that ``narrow`` keeps;
    ``keys``, if given, holds the sort keys of at least every story of ``base``."""

    base: object
    narrow: Callable  # (queryset, indexed: bool) -> queryset
    offer: Callable  # queryset -> the stories the index offers (a superset of narrow's)
    keys: object = None
    walk_cost: float = WALK_COST  # a story checked on the walk, in matches sorted
    exact: bool = False  # the index's matches need no check (``Query.exact``)
    # What the first page's walk learnt, newest first: (n, k), the list's newest n stories
    # (by their keys; n None: all of them) hold exactly k matches. The count starts there
    # (``counting.capped_count``) instead of checking those stories again.
    newest: tuple[int | None, int] | None = None

    def _edge(self, base, position, descending: bool, size: int):
        """The sort key of the ``size``-th story after ``position``: an index-only range."""
        return (
            ordered(self.keys if self.keys is not None else base, position, descending=descending)
            .values_list("sort_ts", "sort_id")[size - 1 : size]
            .first()
        )

    def _walk(self, base, position, edge, descending: bool, limit: int) -> list:
        nearby = _within(self.narrow(base, False), edge, descending)
        return list(ordered(nearby, position, descending=descending)[:limit])

    def rows(self, position: Cursor | None, *, descending: bool, limit: int) -> list:
        base = sortable(self.base)
        first = position is None and descending
        edge = self._edge(base, position, descending, WINDOW)
        rows = self._walk(base, position, edge, descending, limit)
        if len(rows) < limit and first:
            self.newest = (WINDOW if edge is not None else None, len(rows))
        if len(rows) == limit or edge is None:  # a full page, or the window held the rest
            return rows
        # The window says how common the term is here. Walk on if the rest of the page
        # should be near, and nearer than the index's matches are many.
        if rows:
            further = math.ceil((limit - len(rows)) * WINDOW / len(rows) * MARGIN)
            expected_matches = len(rows) / WINDOW * counts.published_total()
            if further <= MAX_WALK and further * self.walk_cost < expected_matches:
                end = self._edge(base, position, descending, WINDOW + further)
                rows += self._walk(base, Cursor(True, *edge), end, descending, limit - len(rows))
                if len(rows) < limit and first:
                    self.newest = (WINDOW + further if end is not None else None, len(rows))
                if len(rows) == limit or end is None:
                    return rows
        # The index's matches sorted by their keys first (from an index, not the table)
        # and the text of the newest few checked: checking every match's text before
        # sorting (PostgreSQL's choice for the plain query) costs four times as much,
        # a TOAST read each (4,000 matches: 130 ms at a million stories).
        rows = self._offered(base, position, descending, limit)
        if len(rows) == limit:
            return rows
        if self.exact:
            return rows  # every match the index holds, none false
        # Fewer than a page among the newest offered: the index has few matches (or
        # the newest were false ones, rarely), and reading every match costs little.
        return list(ordered(self.narrow(base, True), position, descending=descending)[:limit])

    def _offered(self, base, position, descending: bool, limit: int) -> list:
        """The page among the newest ``OFFERED`` stories the index offers.

        Checking a match's text reads its document, the largest row of a story; the
        index's matches are nearly always true ones, so when they are many, only the
        newest few are checked: a county's name offers its thousands of stories (the
        region names are in the title part), of which a page needs twenty. Where the
        index decides alone (``exact``), its newest matches are the page.
        """
        newest = ordered(self.offer(base), position, descending=descending)
        # The matches' ids in order first, from their keys alone (the story rows of every
        # match, read to sort them, cost 170 ms for 柯's 10,000 at a million).
        if self.exact:
            chosen = base.filter(pk__in=newest.values("sort_id")[:limit])
        else:
            chosen = self.narrow(base, False).filter(pk__in=newest.values("sort_id")[:OFFERED])
        return list(ordered(chosen, position, descending=descending)[:limit])


def tiers(base, query, *, relevance: bool, place=None) -> list[SearchTier]:
    """The querysets to read in turn: one, or by relevance stories with every term in
    the title part first, then the rest; each newest first. ``place`` is the region
    ``base`` is limited to, if any: the index lookups are narrowed to it too."""
    keys = region_keys(place) if place is not None else None
    exact = base.index_decides(query)

    def offer(qs, title=False):
        return qs.offered(query, title=title, place=place)

    if not relevance:
        return [
            SearchTier(
                base,
                lambda qs, indexed: qs.matching(query, indexed=indexed, place=place),
                offer,
                keys,
                exact=exact,
            )
        ]
    return [
        SearchTier(
            base,
            lambda qs, indexed: qs.in_title(query, indexed=indexed, place=place),
            lambda qs: offer(qs, title=True),
            keys,
            TITLE_WALK_COST,
            exact,
        ),
        SearchTier(
            base,
            lambda qs, indexed: qs.beyond_title(query, indexed=indexed, place=place),
            offer,
            keys,
        ),
    ]
