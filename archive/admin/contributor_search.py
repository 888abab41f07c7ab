"""Finding stories by their contributors on the editors' story desk: the contributors
a search term names, and the stories credited to them (bylines and photo credits),
read from the listing index."""

from dataclasses import dataclass

from django.db import connections
from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    F,
    Func,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import StrIndex

from archive.admin import index_search
from archive.models import Contributor, StoryListing
from archive.models.search import indexed_matches
from archive.search.terms import Query

# A term that is part of many names (张, 华) adds the stories of this many of them: an
# exact name first, then the most credited. A name typed in full finds its one or two
# namesakes; a surname alone would otherwise add thousands of people's stories.
CONTRIBUTORS_PER_TERM = 20
CREDIT_FACETS = [StoryListing.Facet.BYLINE, StoryListing.Facet.PHOTO]
# A contributor's stories read by id up to this many (a prolific writer has 11,000 at a
# million stories: 3 ms to read their ids); past it, one in twenty stories is theirs.
IDS_AT_MOST = 50_000


def credited_stories(contributors):
    """The ids of the stories credited to ``contributors`` (ids, or a subquery of them),
    as a byline or on a photo, drafts and scheduled stories included."""
    return StoryListing.objects.filter(facet__in=CREDIT_FACETS, subject_id__in=contributors).values(
        "article_id"
    )


def credited_only(queryset, contributors: list[int]):
    """``queryset``'s stories credited to ``contributors``.

    On PostgreSQL by their ids, fetched first: asked ``pk IN (subquery)``, the planner
    guesses the set's size from statistics of a column that holds region ids too, and
    took an organisation's 66 stories for region 17's 100,000, walking the whole list
    newest first for them (11 s). Knowing how many, it fetches a few and walks the list
    for many. Past ``IDS_AT_MOST``, walking is right anyway."""
    credited = credited_stories(contributors)
    using = queryset.db
    if connections[using].vendor != "postgresql":
        return queryset.filter(pk__in=credited)
    sql, params = _sql(credited, using)
    with connections[using].cursor() as cursor:
        cursor.execute(
            f"SELECT ids::text, cardinality(ids) FROM (SELECT ARRAY({sql} LIMIT %s) AS ids "
            "OFFSET 0) AS credited",
            [*params, IDS_AT_MOST + 1],
        )
        ids, count = cursor.fetchone()
    return queryset.filter(AmongIds("pk", ids) if count <= IDS_AT_MOST else Q(pk__in=credited))


def named_by(term: str):
    """The contributors a (folded) search term names, as a subquery of ids: those whose
    name contains it or whose slug it is, at most ``CONTRIBUTORS_PER_TERM``, an exact
    name first, then the most credited (counted only among the names it matches)."""
    credits = (
        StoryListing.objects.filter(facet__in=CREDIT_FACETS, subject_id=OuterRef("pk"))
        .order_by()
        .values("subject_id")
        .annotate(n=Count("*"))
        .values("n")
    )
    # Folded terms are lower case; only a term with letters of two cases asks UPPER() of
    # every name (three times the plain LIKE's 3 ms over 20,000 names).
    contains = "name__icontains" if term != term.upper() else "name__contains"
    return (
        Contributor.objects.filter(Q(**{contains: term}) | Q(slug=term))
        .order_by(
            Case(When(name=term, then=Value(0)), default=Value(1)),
            Subquery(credits).desc(nulls_last=True),
            "pk",
        )
        .values("pk")[:CONTRIBUTORS_PER_TERM]
    )


def credited_to(contributors) -> Exists:
    """The story is credited to one of ``contributors`` (ids, or a subquery of them): a
    probe of the listing index's unique key by story. Not ``pk IN (…)``: beside the title
    check, under OR, PostgreSQL would test it row by row, and it misjudges the size of
    the set (subject ids of contributors and regions share one column), taking a
    million-story linear probe over a hash for a prolific writer (5 s)."""
    return Exists(
        StoryListing.objects.filter(
            article_id=OuterRef("pk"), facet__in=CREDIT_FACETS, subject_id__in=contributors
        )
    )


def in_title_or_credited(queryset, query: Query):
    """Stories where each term of ``query`` is in the title part or in the name of a
    contributor credited on them (``named_by``).

    On PostgreSQL one query (``resolve``) finds the ids of the stories that may match:
    for one term, or several when those are fewer, the stories the title index offers
    and those credited to the contributors named; else, for each term rare in titles,
    its own. The list reads only those, and PostgreSQL, knowing how many, either
    fetches them all (a few) or walks the list newest first until it has a page (a
    prolific writer's 11,000 of a million: 4,500 stories walked, 20 ms). A story not
    credited to them is checked against its document, as a title search always was.
    A term common in titles, or naming contributors of too many stories, is checked
    story by story along the list, where its matches are near. Elsewhere every term is
    checked so, the names looked up inside the list's own queries.
    """
    if connections[queryset.db].vendor == "postgresql":
        found = resolve(query, using=queryset.db)
    else:
        every = dict.fromkeys(query.terms)
        found = Resolved({t: named_by(t) for t in query.terms}, every, every, None)
    conditions, positions = [], {}
    if found.candidates is not None:
        conditions.append(AmongIds("pk", found.candidates))
    for i, term in enumerate(query.terms):
        named, stories = found.named[term], found.stories[term]
        if stories is not None:
            conditions.append(AmongIds("pk", stories))
            if not found.offered[term]:
                continue  # only credited stories: no title to check
        # The story's document joined, as ``in_title`` does (an EXISTS per story would
        # be answered by hashing every document holding the term).
        positions[f"title_at_{i}"] = StrIndex("search_document__document", Value(term))
        title = Q(
            **{f"title_at_{i}__gt": 0, f"title_at_{i}__lte": F("search_document__title_length")}
        )
        # The credited check first, an index probe; PostgreSQL tries an OR's arms in order.
        conditions.append(title if named == [] else Q(credited_to(named)) | title)
    return queryset.alias(**positions).filter(*conditions)


class AmongIds(Func):
    """``field = ANY(%s)``: the ids as one parameter, a PostgreSQL array in its text
    form, as read from the database: PostgreSQL plans knowing how many, and 11,000 ids
    are neither parsed into Python nor adapted back (10 ms a query)."""

    output_field = BooleanField()

    def __init__(self, field: str, ids: str):
        super().__init__(F(field))
        self.ids = ids

    def as_sql(self, compiler, connection, **extra):
        field, params = compiler.compile(self.get_source_expressions()[0])
        return f"{field} = ANY(%s::bigint[])", [*params, self.ids]


@dataclass
class Resolved:
    named: dict  # term → the contributors it names: ids, or a subquery (not PostgreSQL)
    stories: dict[str, str | None]  # term → the ids that may match (an array's text), or None
    offered: dict[str, int | None]  # term → stories the title index offers for it
    candidates: str | None  # several terms: the ids that may match all (an array's text)


def resolve(query: Query, *, using: str) -> Resolved:
    """In one query: the contributors each term names and the stories that may match,
    as ids, where they are fewer than ``index_search.walk_above`` (past it walking the
    list is cheaper), each list at most that long.

    With several terms, first the stories the index offers for all of them and those
    credited to any named contributor: a story matching every term is among those (发展
    经济: both common alone, together rarer). Only when those are too many, for each
    term, the stories offered for it (counted) and those credited to its names.
    """
    limit = index_search.walk_above()
    several = len(query.terms) > 1
    ctes, params = [], []
    columns, tail = [], []  # (SQL, how the outer query reads it), and their parameters

    def ids(array: str) -> list[str]:
        # Read as text, with its length: 11,000 ids are neither parsed into Python nor
        # adapted back when the list's queries pass them on (10 ms a query).
        return [f"{array}::text", f"cardinality({array})"]

    for i, term in enumerate(query.terms):
        named, named_params = named_by(term).query.get_compiler(using).as_sql()
        offered = indexed_matches(Query((term,)).tsquery(), title=True)
        # A CTE is read only where a column asks for it: a term's offered stories only
        # where the stories of all the terms are too many.
        ctes += [
            f"named_{i} AS MATERIALIZED ({named})",
            f"offered_{i} AS MATERIALIZED ({offered.sql} LIMIT %s)",
        ]
        params += [*named_params, *offered.params, limit]
    few = "(SELECT count(*) FROM candidates) < %s"
    if several:
        anyone = " UNION ".join(f"SELECT * FROM named_{i}" for i in range(len(query.terms)))
        sql, union_params = _union(query, RawSQL(anyone, []), using)
        ctes.append(f"candidates AS MATERIALIZED ({sql} LIMIT %s)")
        params += [*union_params, limit]
        columns.append((f"CASE WHEN {few} THEN ARRAY(SELECT DISTINCT * FROM candidates) END", ids))
        tail.append(limit)
    for i in range(len(query.terms)):
        credited, credited_params = _sql(
            credited_stories(RawSQL(f"SELECT * FROM named_{i}", [])), using
        )
        count = f"(SELECT count(*) FROM offered_{i})"
        stories = (
            f"CASE WHEN {count} < %s "
            f"THEN ARRAY((SELECT * FROM offered_{i}) UNION ({credited}) LIMIT %s) END"
        )
        stories_params = [limit, *credited_params, limit + 1]
        if several:  # asked only when the stories of all the terms are too many
            count, stories = (
                f"CASE WHEN NOT {few} THEN {count} END",
                (f"CASE WHEN NOT {few} THEN {stories} END"),
            )
            stories_params = [limit, *stories_params]
        columns += [
            (f"ARRAY(SELECT * FROM named_{i})", lambda name: [name]),
            (count, lambda name: [name]),
            (stories, ids),
        ]
        tail += [*([limit] if several else []), *stories_params]
    inner = ", ".join(f"{sql} AS c{n}" for n, (sql, _) in enumerate(columns))
    outer = ", ".join(e for n, (_, read) in enumerate(columns) for e in read(f"c{n}"))
    with connections[using].cursor() as cursor:
        cursor.execute(
            # OFFSET 0: not merged into the outer query, which would read each array twice.
            f"WITH {', '.join(ctes)} SELECT {outer} FROM (SELECT {inner} OFFSET 0) AS found",
            params + tail,
        )
        row = list(cursor.fetchone())
    candidates = _listed(*row[:2], limit) if several else None
    row = row[2:] if several else row
    named, offered, stories = {}, {}, {}
    for i, term in enumerate(query.terms):
        named[term], offered[term], text, length = row[4 * i : 4 * i + 4]
        stories[term] = _listed(text, length, limit)
    return Resolved(named, stories, offered, candidates)


def _listed(ids: str | None, length: int | None, limit: int) -> str | None:
    """An array of ids (its text), if there is one of at most ``limit`` ids."""
    return ids if ids is not None and length <= limit else None


def _sql(queryset, using: str) -> tuple[str, list]:
    return queryset.query.get_compiler(using).as_sql()


def _union(query: Query, contributors, using: str) -> tuple[str, list]:
    """The ids the title index offers for all of ``query``, then those credited to
    ``contributors`` (duplicates left in: the caller asks ``IN``)."""
    offered = indexed_matches(query.tsquery(), title=True)
    if isinstance(contributors, list) and not contributors:
        return offered.sql, list(offered.params)
    sql, params = _sql(credited_stories(contributors), using)
    return f"({offered.sql}) UNION ALL ({sql})", [*offered.params, *params]
