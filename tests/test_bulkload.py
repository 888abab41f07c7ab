"""Big loads drop and rebuild secondary indexes and foreign keys (PostgreSQL); none is ever
left missing, and a key restored checks every row."""

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection

from archive.bulk import generate as generation
from archive.bulk import loading
from archive.models import Article, ArticleRegion, Credit, Photo, SearchDocument, StoryListing

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="index deferral is PostgreSQL's"),
]

MODELS = [Article, ArticleRegion, StoryListing]


def index_names() -> set[str]:
    with connection.cursor() as cursor:
        return {
            name
            for model in MODELS
            for name in connection.introspection.get_constraints(cursor, model._meta.db_table)
        }


def expected() -> set[str]:
    return {index.name for model in MODELS for index in model._meta.indexes}


def foreign_keys() -> set[tuple[str, str]]:
    """(table, column) of every enforced foreign key and every foreign-key column's own
    index among the loaded tables: ("index", "archive_credit.contributor_id") and so on."""
    found = set()
    with connection.cursor() as cursor:
        for model in generation.INDEXED:
            table = model._meta.db_table
            for c in connection.introspection.get_constraints(cursor, table).values():
                if c["foreign_key"]:
                    found.add(("key", f"{table}.{c['columns'][0]}"))
                elif c["index"] and not c["unique"] and (c["columns"] or [""])[0].endswith("_id"):
                    found.add(("index", f"{table}.{c['columns'][0]}"))
    return found


def generate(**options):
    call_command(
        "generate_archive", contributors=30, chunk=20, no_progress=True, stdout=None, **options
    )


def test_a_deferred_load_ends_with_every_index_in_place():
    assert expected() <= index_names()
    generate(articles=60, defer_indexes="yes")
    assert Article.objects.count() >= 60
    assert expected() <= index_names()


def test_a_deferred_load_checks_keys_once_and_ends_with_every_key_in_place(monkeypatch):
    before = foreign_keys()
    assert ("key", "archive_credit.contributor_id") in before
    assert ("index", "archive_credit.contributor_id") in before
    assert ("key", "archive_searchdocument.article_id") in before
    seen = []
    write = generation.write_chunk

    def watched(*args):
        seen.append(foreign_keys())
        return write(*args)

    monkeypatch.setattr(generation, "write_chunk", watched)
    generate(articles=60, defer_indexes="yes")
    assert seen and all(not keys for keys in seen)  # no per-row checks while loading
    assert foreign_keys() == before
    assert Credit.objects.filter(contributor__isnull=False).count() >= 60


def test_a_key_restored_after_a_load_refuses_rows_it_would_have_refused(monkeypatch):
    write = generation.write_chunk

    def corrupting(*args):
        first = write(*args)
        Photo.objects.filter(article_id__gte=first).update(article_id=10**9)  # no such story
        return first

    monkeypatch.setattr(generation, "write_chunk", corrupting)
    with pytest.raises(IntegrityError, match="archive_photo"):
        generate(articles=20, defer_indexes="yes")


def test_an_interrupted_deferred_load_rebuilds_its_indexes(monkeypatch):
    calls = {"n": 0}
    write = generation.write_chunk
    keys = foreign_keys()

    def interrupted(*args):
        calls["n"] += 1
        if calls["n"] == 2:
            assert not expected() & index_names()  # dropped while loading
            assert not foreign_keys()
            raise KeyboardInterrupt
        return write(*args)

    monkeypatch.setattr(generation, "write_chunk", interrupted)
    with pytest.raises(CommandError, match="已中断"):
        generate(articles=60, defer_indexes="yes")
    assert Article.objects.filter(origin="synthetic").count() == 20
    assert expected() <= index_names()
    assert foreign_keys() == keys


def test_indexes_a_killed_load_left_missing_are_rebuilt_by_the_next_run():
    with connection.schema_editor() as editor:
        editor.remove_index(StoryListing, StoryListing._meta.indexes[0])
    assert "listing_newest_idx" not in index_names()
    generate(articles=0)
    assert "listing_newest_idx" in index_names()


def test_keys_a_killed_load_left_missing_are_restored_by_the_next_run():
    keys = foreign_keys()
    credit = Credit._meta.get_field("contributor")
    document = SearchDocument._meta.get_field("article")
    with connection.schema_editor() as editor:
        for model, field in [(Credit, credit), (SearchDocument, document)]:
            bare = loading._as_found(field, constraint=False, index=False)
            editor.alter_field(model, field, bare)
    assert ("key", "archive_credit.contributor_id") not in foreign_keys()
    assert ("index", "archive_credit.contributor_id") not in foreign_keys()
    generate(articles=0)
    assert foreign_keys() == keys


def test_story_bodies_are_compressed_with_lz4():
    # pglz took a tenth of a bulk load's time compressing bodies (migration 0013).
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attcompression FROM pg_attribute "
            "WHERE attrelid = 'archive_article'::regclass AND attname = 'body'"
        )
        assert cursor.fetchone()[0] == "l"


def gin_parts(name: str) -> tuple[list[str], bool]:
    """The partition indexes of a partitioned index, and whether it is whole (valid)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relid::regclass::text FROM pg_partition_tree(%s::regclass) "
            "WHERE isleaf ORDER BY 1",
            [name],
        )
        parts = [row[0] for row in cursor.fetchall()]
        cursor.execute("SELECT indisvalid FROM pg_index WHERE indexrelid = %s::regclass", [name])
        return parts, cursor.fetchone()[0]


def test_a_partitioned_index_is_rebuilt_part_by_part_and_whole():
    whole = (
        [
            "archive_searchdocument_0_search_vector_gin",
            "archive_searchdocument_1_search_vector_gin",
        ],
        True,
    )
    assert gin_parts("search_vector_gin") == whole
    generate(articles=40, defer_indexes="yes")
    assert gin_parts("search_vector_gin") == whole


def test_a_part_a_killed_load_left_alone_is_adopted_by_the_next_run():
    index = SearchDocument.postgres_indexes[0]
    with connection.schema_editor() as editor:
        editor.remove_index(SearchDocument, index)
    loading._build(SearchDocument, index, "archive_searchdocument_1")
    generate(articles=0)
    assert gin_parts("search_vector_gin") == (
        [
            "archive_searchdocument_0_search_vector_gin",
            "archive_searchdocument_1_search_vector_gin",
        ],
        True,
    )
