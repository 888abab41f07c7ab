from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import connections, models
from django.db.models.expressions import RawSQL


def indexed_matches(column: str, tsquery: str) -> RawSQL:
    """The ids of stories whose ``column`` (``vector`` or ``title_vector``) matches
    ``tsquery``, as a subquery answered by the GIN index alone (PostgreSQL).

    ``OFFSET 0`` keeps the planner from merging it into the outer query, where it
    might instead test ``vector @@ …`` row by row on a walk of a list, reading each
    story's out-of-line token vector (kilobytes a row; PostgreSQL does not count that
    cost). Fenced, it is one bitmap scan of the index over the narrow tokens table,
    then a hash of ids that a walk of any list probes for nearly nothing.
    """
    assert column in ("vector", "title_vector")
    return RawSQL(
        f"SELECT article_id FROM {SearchTokens._meta.db_table} "
        f"WHERE {column} @@ %s::tsquery OFFSET 0",
        [tsquery],
    )


def indexed_match_count(column: str, tsquery: str, *, at_most: int, using: str) -> int:
    """How many stories ``indexed_matches`` offers, counted up to ``at_most``: the index
    scan and at most that many rows (milliseconds even for the commonest bigram)."""
    assert column in ("vector", "title_vector")
    with connections[using].cursor() as cursor:
        cursor.execute(
            f"SELECT count(*) FROM (SELECT 1 FROM {SearchTokens._meta.db_table} "
            f"WHERE {column} @@ %s::tsquery LIMIT %s) AS offered",
            [tsquery, at_most],
        )
        return cursor.fetchone()[0]


class SearchDocument(models.Model):
    """A story's text as search sees it: folded, one line per field or paragraph.

    Derived data, never edited by hand: ``archive.search.documents`` rewrites it on
    every write path, and ``manage.py rebuild_search_index`` rebuilds it in bulk.
    The title part (kicker, headline, subtitle and the names of the story's
    regions) comes first, so a term whose first occurrence lies within
    ``title_length`` characters is in the title: the relevance order uses that.
    On PostgreSQL the document stays in the row (migration 0008), since every
    candidate is checked against it.
    """

    article = models.OneToOneField(
        "archive.Article",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="search_document",
    )
    document = models.TextField()
    title_length = models.PositiveIntegerField()

    class Meta:
        verbose_name = verbose_name_plural = "检索文档"

    def __str__(self):
        return f"第 {self.article_id} 篇稿件的检索文档"


class SearchTokens(models.Model):
    """The bigram tokens of a story's search document, under GIN indexes (PostgreSQL).

    A table of its own, with the large vector stored out of line, so its rows are a
    few dozen bytes: an index lookup visits a page per hundred matches, where the
    wide document rows would cost a page per two. Empty on SQLite, which has no index.
    """

    article = models.OneToOneField(
        "archive.Article",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="search_tokens",
    )
    # Bigram tokens without positions (see archive.search.terms).
    vector = SearchVectorField()
    title_vector = SearchVectorField()

    # GIN indexes exist on PostgreSQL only (SQLite cannot build them), so they are
    # not Meta.indexes: migration 0008 creates them, and bulk loads drop and rebuild
    # them through archive.bulkload like any other deferred index.
    postgres_indexes = [
        GinIndex(fields=["vector"], name="search_vector_gin"),
        GinIndex(fields=["title_vector"], name="search_title_gin"),
    ]

    class Meta:
        verbose_name = verbose_name_plural = "检索词元"

    def __str__(self):
        return f"第 {self.article_id} 篇稿件的检索词元"
