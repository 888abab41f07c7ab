"""How many stories a search finds, counted up to a cap at about the cost of a page.

An exact count of a common term (发展 is in 97% of a million stories) checks every
story's document: seconds. A reader needs "约 37 篇" or "many", not 971,404, so a
count stops past ``CAP``: the list says "约 N 篇" up to it, "CAP 篇以上" beyond.
Proving "more than N" means checking N + 1 documents (about 10 µs each at a million
stories): a cap of 200 costs a few milliseconds, one of 1,000 up to 150 (measured
in bench/README.md).

Up to the cap the count is exact: the bigram index may offer a story holding the
query's bigrams apart, or one that is not public; only the substring check and the
list's own filters decide, as for the list itself. The count is read like a page
(``archive.search.listing``), since the planner cannot tell a common term of several
bigrams from a rare one: first the newest ``WINDOW`` stories of the list are checked
without the index, and a common term passes the cap there or on a further walk;
otherwise the index offers the rest, each offered story is checked as the scan yields
it, and the scan stops once the count passes the cap.
"""

import hashlib
import math

from django.db import connections
from django.db.models.expressions import RawSQL

from archive.caching import counts
from archive.models import Article
from archive.models.search import indexed_matches
from archive.pagination import ordered
from archive.search import listing

CAP = 200
WINDOW = 200  # the newest stories checked first, to tell a common term from a rare one
MAX_WALK = 5_000  # stories a count may walk beyond the window (about 50 ms at a million)
# A story checked on a walk costs about as much as this many matches in the index's
# bitmap (10 µs against 0.6 µs for 高标准农田's four bigrams at a million stories).
WALK_COST = 16


def _check(matches):
    """``matches`` narrowed to the candidate of the enclosing query (a lookup by id, in
    a lateral subquery the planner runs once per candidate, as the candidates come)."""
    check = matches.order_by().filter(pk=RawSQL("candidate.id", ())).values("pk")[:1]
    return check.query.sql_with_params()


def _tally(candidates, matches, *, using: str) -> tuple[int, int]:
    """How many ``candidates`` (a query of story ids) there are, and how many of them
    are among ``matches``."""
    candidates_sql, candidates_params = candidates.query.sql_with_params()
    check_sql, check_params = _check(matches)
    with connections[using].cursor() as cursor:
        cursor.execute(
            f"SELECT count(*), count(checked.pk) FROM ({candidates_sql}) AS candidate(id) "
            f"LEFT JOIN LATERAL ({check_sql}) AS checked(pk) ON true",
            [*candidates_params, *check_params],
        )
        return cursor.fetchone()


def _offered(tsquery: str, matches, limit: int, *, using: str) -> int:
    """How many of the stories the index offers for ``tsquery`` are among ``matches``,
    counted up to ``limit``: each is checked as the index scan yields it, and the scan
    stops at the ``limit``-th match."""
    check_sql, check_params = _check(matches)
    offered = indexed_matches(tsquery)
    with connections[using].cursor() as cursor:
        cursor.execute(
            f"SELECT count(*) FROM (SELECT 1 FROM ({offered.sql}) AS candidate(id) "
            f"CROSS JOIN LATERAL ({check_sql}) AS checked(pk) LIMIT %s) AS found",
            [*offered.params, *check_params, limit],
        )
        return cursor.fetchone()[0]


def capped_count(stories, query, *, place=None, keys=None, newest=None) -> int:
    """How many of ``stories`` match ``query``, exact up to ``CAP``; ``CAP + 1`` means more.

    ``place``, the region ``stories`` is limited to, narrows the index's offer to it
    (see ``ArticleQuerySet.matching``); ``keys`` holds the sort keys of at least every
    story of ``stories`` (``listing.region_keys``), read instead of the list itself to
    find its newest stories; ``newest``, what a page's walk of the same list found
    (``listing.SearchTier.newest``), is taken as the window's tally.
    """
    over = CAP + 1
    matches = stories.matching(query, indexed=False)
    if connections[stories.db].vendor != "postgresql":
        return matches.order_by().values("pk")[:over].count()  # the walk, without an index
    walked, found = newest if newest is not None else (WINDOW, None)
    if walked is None or (found or 0) > CAP:  # the page's walk checked the list, or enough
        return min(found, over)
    newest = ordered(keys if keys is not None else stories, None, descending=True)
    newest = newest.values("sort_id")
    if found is None:
        size, found = _tally(newest[:WINDOW], matches, using=stories.db)
        if found > CAP or size < WINDOW:
            return min(found, over)
    if found:
        # Walk on where the window says the cap is near, and nearer than the index's
        # matches are many (its cost is theirs: a bitmap of every match).
        further = math.ceil((over - found) * walked / found * 1.2)
        # The archive's size, as the page's own walk estimates it: a region's count
        # costs seconds to make at a million stories, and the walk is bounded anyway.
        expected_matches = found / walked * counts.published_total()
        if further <= MAX_WALK and further * WALK_COST < expected_matches:
            size, more = _tally(newest[walked : walked + further], matches, using=stories.db)
            found, walked = found + more, walked + further
            if found > CAP or size < further:
                return min(found, over)
    # Where the index decides alone (``Query.exact``), what it offers is checked against
    # the list's filters only, not read.
    rest = (stories if query.exact else matches).exclude(pk__in=newest[:walked])
    tsquery = query.tsquery(place=place and place.pk)
    return found + _offered(tsquery, rest, over - found, using=stories.db)


def public_match_count(query, *, region=None, newest=None) -> int:
    """The public stories matching ``query`` (within ``region``), as ``capped_count``
    counts them (``newest``: what a page of that list, newest first, found), cached as
    the lists' other counts are (``archive.caching.counts``)."""
    digest = hashlib.sha256("\n".join(query.terms).encode()).hexdigest()[:32]

    def compute() -> int:
        stories = Article.objects.published()
        if region is None:
            return capped_count(stories, query, newest=newest)
        return capped_count(
            stories.in_region(region),
            query,
            place=region,
            keys=listing.region_keys(region),
            newest=newest,
        )

    return counts.cached(f"search:{region.pk if region else ''}:{digest}", compute)
