from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import connections, models
from django.db.models.expressions import RawSQL

# The index expressions (migration 0025 creates the function): a story's tokens, made
# by the database from its stored document, so they are stored once, in the index.
VECTOR = "archive_search_vector(document, places)"
TITLE_VECTOR = "archive_search_vector(left(document, title_length), places)"


def indexed_matches(tsquery: str, *, title: bool = False) -> RawSQL:
    """The ids of stories whose tokens (of the title part alone, with ``title``) match
    ``tsquery``, as a subquery answered by the GIN index alone (PostgreSQL).

    ``OFFSET 0`` keeps the planner from merging it into the outer query, where it
    might instead test the expression row by row on a walk of a list (the function's
    high cost tells it not to, the fence makes sure). Fenced, it is one bitmap scan of
    the index over the narrow document table, then a hash of ids that a walk of any
    list probes for nearly nothing.
    """
    return RawSQL(
        f"SELECT article_id FROM {SearchDocument._meta.db_table} "
        f"WHERE {TITLE_VECTOR if title else VECTOR} @@ %s::tsquery OFFSET 0",
        [tsquery],
    )


def indexed_match_count(tsquery: str, *, title: bool = False, at_most: int, using: str) -> int:
    """How many stories ``indexed_matches`` offers, counted up to ``at_most``: the index
    scan and at most that many rows (milliseconds even for the commonest bigram)."""
    with connections[using].cursor() as cursor:
        cursor.execute(
            f"SELECT count(*) FROM (SELECT 1 FROM {SearchDocument._meta.db_table} "
            f"WHERE {TITLE_VECTOR if title else VECTOR} @@ %s::tsquery LIMIT %s) AS offered",
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

    On PostgreSQL the table is split in two by a hash of the story id, its rows narrow
    (the document compressed, out of line), and the GIN indexes are over tokens the
    database makes from the document (migration 0025): the bigram tokens of
    ``archive.search.terms``, and ``places``, the tokens of the regions the story is
    listed under, which narrow a search within a region to that region's stories.
    """

    article = models.OneToOneField(
        "archive.Article",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="search_document",
    )
    document = models.TextField()
    title_length = models.PositiveIntegerField()
    places = models.TextField(blank=True, default="")

    # GIN indexes exist on PostgreSQL only (SQLite has neither the function nor GIN),
    # so they are not Meta.indexes: migration 0025 creates them, and bulk loads drop
    # and rebuild them through archive.bulk.loading like any other deferred index.
    postgres_indexes = [
        GinIndex(RawSQL(VECTOR, (), SearchVectorField()), name="search_vector_gin"),
        GinIndex(RawSQL(TITLE_VECTOR, (), SearchVectorField()), name="search_title_gin"),
    ]

    class Meta:
        verbose_name = verbose_name_plural = "检索文档"

    def __str__(self):
        return f"第 {self.article_id} 篇稿件的检索文档"
