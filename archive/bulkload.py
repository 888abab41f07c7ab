"""Bulk loads that do not pay for index maintenance row by row (PostgreSQL).

Inserting a million stories into indexes ordered by publication time scatters
writes over indexes far larger than memory; building each index once afterwards
is a sort. ``deferred_indexes`` drops the models' ``Meta.indexes`` and
``postgres_indexes`` (never the primary keys or unique constraints) for the
duration and builds them again, also after Ctrl-C. ``restore_indexes`` repairs
what a killed process left behind.
"""

from contextlib import contextmanager

from django.db import connection

BUILD_MEMORY = "512MB"  # maintenance_work_mem for the rebuild, this session only


def declared(model) -> list:
    """The model's secondary indexes: ``Meta.indexes``, and on PostgreSQL ``postgres_indexes``."""
    extra = getattr(model, "postgres_indexes", []) if connection.vendor == "postgresql" else []
    return [*model._meta.indexes, *extra]


def _missing(model) -> list:
    with connection.cursor() as cursor:
        present = connection.introspection.get_constraints(cursor, model._meta.db_table)
    return [index for index in declared(model) if index.name not in present]


def restore_indexes(models) -> list[str]:
    """Build every declared index of ``models`` that the database lacks."""
    built = []
    for model in models:
        for index in _missing(model):
            with connection.cursor() as cursor:
                cursor.execute(f"SET maintenance_work_mem = '{BUILD_MEMORY}'")
                if connection.in_atomic_block:
                    # Inside one transaction (tests), deferred foreign-key checks still
                    # pending would forbid CREATE INDEX: run them now.
                    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                    cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            with connection.schema_editor() as editor:
                editor.add_index(model, index)
            built.append(index.name)
    return built


@contextmanager
def deferred_indexes(models, *, enabled: bool = True):
    if not enabled or connection.vendor != "postgresql":
        yield
        return
    for model in models:
        absent = {index.name for index in _missing(model)}
        with connection.schema_editor() as editor:
            for index in declared(model):
                if index.name not in absent:
                    editor.remove_index(model, index)
    try:
        yield
    finally:
        restore_indexes(models)
