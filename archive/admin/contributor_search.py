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
from archive.models import Contributor, SearchDocument, StoryListing
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
    if connections[queryset.db].vendor != "postgresql":
        return queryset.filter(pk__in=credited)
    ids = list(credited.values_list("article_id", flat=True)[: IDS_AT_MOST + 1])
    return queryset.filter(AmongIds("pk", ids) if len(ids) <= IDS_AT_MOST else Q(pk__in=credited))


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

    On PostgreSQL one query (``resolve``) finds, for each term rare in titles, the ids
    of its stories: those the title index offers with the term in their title, and
    those credited to the contributors it names. The list then reads them by id, and
    PostgreSQL, knowing how many, either fetches them all (a few) or walks the list
    newest first until it has a page (a prolific writer's 11,000 of a million:
    4,500 stories walked, 20 ms). A term common in titles, or naming contributors of
    too many stories, is checked story by story along the list, where its matches are
    near. Elsewhere every term is checked so, the names looked up inside the list's
    own queries.
    """
    if connections[queryset.db].vendor == "postgresql":
        found = resolve(query, using=queryset.db)
    else:
        found = Resolved({t: named_by(t) for t in query.terms}, dict.fromkeys(query.terms), None)
    conditions, positions = [], {}
    for i, term in enumerate(query.terms):
        named, stories = found.named[term], found.stories[term]
        if stories is not None:
            # One array parameter: PostgreSQL plans knowing how many, and Django does
            # not prepare 11,000 parameters one by one.
            conditions.append(AmongIds("pk", stories))
            continue
        # Along the list: the story's document joined, as ``in_title`` does (an EXISTS
        # per story would be answered by hashing every document holding the term).
        positions[f"title_at_{i}"] = StrIndex("search_document__document", Value(term))
        title = Q(
            **{f"title_at_{i}__gt": 0, f"title_at_{i}__lte": F("search_document__title_length")}
        )
        # The credited check first, an index probe; PostgreSQL tries an OR's arms in order.
        conditions.append(title if named == [] else Q(credited_to(named)) | title)
    queryset = queryset.alias(**positions).filter(*conditions)
    return queryset.filter(pk__in=found.candidates) if found.candidates else queryset


class AmongIds(Func):
    """``field = ANY(%s)``: ``ids`` as one array parameter (PostgreSQL), passed as it is
    (an ArrayField value would prepare each of 11,000 ids, 20 ms)."""

    output_field = BooleanField()

    def __init__(self, field: str, ids: list[int]):
        super().__init__(F(field))
        self.ids = ids

    def as_sql(self, compiler, connection, **extra):
        field, params = compiler.compile(self.get_source_expressions()[0])
        return f"{field} = ANY(%s)", [*params, self.ids]


@dataclass
class Resolved:
    named: dict  # term → the contributors it names: ids, or a subquery (not PostgreSQL)
    stories: dict[str, list[int] | None]  # term → its stories' ids; None: checked along the list
    candidates: RawSQL | None  # stories holding every match, when few; else None


def resolve(query: Query, *, using: str) -> Resolved:
    """In one query, for each term: the contributors it names and, when the title index
    offers fewer stories for it than ``index_search.walk_above`` (where walking the
    list is cheaper), the ids of the stories it matches (at most that many too).

    With several terms, one of them common, also how many stories the index offers for
    all of them or credits to any named contributor: a story matching every term is
    among those (发展 经济 at a million: both common alone, together rarer).
    """
    limit = index_search.walk_above()
    ctes, columns, params, tail = [], [], [], []
    for i, term in enumerate(query.terms):
        named, named_params = named_by(term).query.get_compiler(using).as_sql()
        offered = indexed_matches("title_vector", Query((term,)).tsquery())
        ctes += [
            f"named_{i} AS MATERIALIZED ({named})",
            f"offered_{i} AS MATERIALIZED ({offered.sql} LIMIT %s)",
        ]
        params += [*named_params, *offered.params, limit]
        columns.append(f"ARRAY(SELECT * FROM named_{i})")
        title, title_params = _in_title_among(term, f"SELECT * FROM offered_{i}", using)
        credited, credited_params = _sql(
            credited_stories(RawSQL(f"SELECT * FROM named_{i}", [])), using
        )
        # CASE: the documents are read only for a term the index offers few stories for.
        columns.append(
            f"CASE WHEN (SELECT count(*) FROM offered_{i}) < %s "
            f"THEN ARRAY(({title}) UNION ({credited}) LIMIT %s) END"
        )
        tail += [limit, *title_params, *credited_params, limit + 1]
    if len(query.terms) > 1:
        anyone = " UNION ".join(f"SELECT * FROM named_{i}" for i in range(len(query.terms)))
        sql, union_params = _union(query, RawSQL(anyone, []), using)
        columns.append(f"(SELECT count(*) FROM ({sql} LIMIT %s) AS candidates)")
        tail += [*union_params, limit]
    with connections[using].cursor() as cursor:
        cursor.execute(f"WITH {', '.join(ctes)} SELECT {', '.join(columns)}", params + tail)
        row = cursor.fetchone()
    named = {term: row[2 * i] for i, term in enumerate(query.terms)}
    stories = {
        term: ids if ids is not None and len(ids) <= limit else None
        for term, ids in ((term, row[2 * i + 1]) for i, term in enumerate(query.terms))
    }
    candidates = None
    if len(query.terms) > 1 and None in stories.values() and row[-1] < limit:
        everyone = sorted({pk for ids in named.values() for pk in ids})
        candidates = RawSQL(*_union(query, everyone, using))
    return Resolved(named, stories, candidates)


def _sql(queryset, using: str) -> tuple[str, list]:
    return queryset.query.get_compiler(using).as_sql()


def _in_title_among(term: str, stories: str, using: str) -> tuple[str, list]:
    """SQL for the ids of ``stories`` (SQL of ids) with ``term`` in their title part."""
    documents = (
        SearchDocument.objects.filter(article_id__in=RawSQL(stories, []))
        .alias(at=StrIndex("document", Value(term)))
        .filter(at__gt=0, at__lte=F("title_length"))
        .values("article_id")
    )
    return _sql(documents, using)


def _union(query: Query, contributors, using: str) -> tuple[str, list]:
    """The ids the title index offers for all of ``query``, then those credited to
    ``contributors`` (duplicates left in: the caller asks ``IN``)."""
    offered = indexed_matches("title_vector", query.tsquery())
    if isinstance(contributors, list) and not contributors:
        return offered.sql, list(offered.params)
    sql, params = _sql(credited_stories(contributors), using)
    return f"({offered.sql}) UNION ALL ({sql})", [*offered.params, *params]
