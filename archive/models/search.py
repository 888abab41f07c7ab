from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchQueryField, SearchVectorField
from django.db import models
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast


def indexed_matches(column: str, tsquery: str) -> RawSQL:
    """The ids of stories whose ``column`` (``vector`` or ``title_vector``) matches
    ``tsquery``, as a subquery answered by the GIN index alone (PostgreSQL).

    ``OFFSET 0`` keeps the planner from merging it into the outer query, where it
    might instead test ``vector @@ …`` row by row on a walk of a list, reading each
    story's out-of-line token vector (kilobytes a row; PostgreSQL does not count that
    cost). Fenced, it is one bitmap scan of the index, then a hash of ids.
    """
    assert column in ("vector", "title_vector")
    return RawSQL(
        f"SELECT article_id FROM {SearchDocument._meta.db_table} "
        f"WHERE {column} @@ %s::tsquery OFFSET 0",
        [tsquery],
    )


class IndexMatch(models.Func):
    """``vector @@ 'query'::tsquery`` (PostgreSQL), the query given in ``tsquery`` text form.

    The query is cast, not parsed by ``to_tsquery``: the tokens are bigrams made
    in Python and must reach the index unchanged by any text search parser.
    """

    arg_joiner = " @@ "
    template = "(%(expressions)s)"
    output_field = models.BooleanField()

    def __init__(self, vector: str, tsquery: str):
        super().__init__(models.F(vector), Cast(models.Value(tsquery), SearchQueryField()))


class SearchDocument(models.Model):
    """A story's text as search sees it: folded, one line per field, and its index tokens.

    Derived data, never edited by hand: ``archive.search.documents`` rewrites it on
    every write path, and ``manage.py rebuild_search_index`` rebuilds it in bulk.
    The title part (kicker, headline, subtitle and the names of the story's
    regions) comes first, so a term whose first occurrence lies within
    ``title_length`` characters is in the title: the relevance order uses that.
    """

    article = models.OneToOneField(
        "archive.Article",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="search_document",
    )
    document = models.TextField()
    title_length = models.PositiveIntegerField()
    # Bigram tokens without positions (see archive.search.terms); PostgreSQL only.
    vector = SearchVectorField(null=True)
    title_vector = SearchVectorField(null=True)

    # GIN indexes exist on PostgreSQL only (SQLite cannot build them), so they are
    # not Meta.indexes: migration 0008 creates them, and bulk loads drop and rebuild
    # them through archive.bulkload like any other deferred index.
    postgres_indexes = [
        GinIndex(fields=["vector"], name="search_vector_gin"),
        GinIndex(fields=["title_vector"], name="search_title_gin"),
    ]

    def __str__(self):
        return f"Search document of {self.article_id}"
