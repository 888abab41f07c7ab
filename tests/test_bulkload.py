"""Big loads drop and rebuild secondary indexes (PostgreSQL); none is ever left missing."""

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from archive.management.commands import generate_archive
from archive.models import Article, ArticleRegion, StoryListing

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


def generate(**options):
    call_command(
        "generate_archive", contributors=30, chunk=20, no_progress=True, stdout=None, **options
    )


def test_a_deferred_load_ends_with_every_index_in_place():
    assert expected() <= index_names()
    generate(articles=60, defer_indexes="yes")
    assert Article.objects.count() >= 60
    assert expected() <= index_names()


def test_an_interrupted_deferred_load_rebuilds_its_indexes(monkeypatch):
    calls = {"n": 0}
    write = generate_archive.Command.write_chunk

    def interrupted(self, *args):
        calls["n"] += 1
        if calls["n"] == 2:
            assert not expected() & index_names()  # dropped while loading
            raise KeyboardInterrupt
        return write(self, *args)

    monkeypatch.setattr(generate_archive.Command, "write_chunk", interrupted)
    with pytest.raises(CommandError, match="已中断"):
        generate(articles=60, defer_indexes="yes")
    assert Article.objects.filter(origin="synthetic").count() == 20
    assert expected() <= index_names()


def test_indexes_a_killed_load_left_missing_are_rebuilt_by_the_next_run():
    with connection.schema_editor() as editor:
        editor.remove_index(StoryListing, StoryListing._meta.indexes[0])
    assert "listing_newest_idx" not in index_names()
    generate(articles=0)
    assert "listing_newest_idx" in index_names()
