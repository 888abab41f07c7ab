"""Bulk loads that do not pay for index maintenance row by row (PostgreSQL).

Inserting a million stories into indexes ordered by publication time scatters
writes over indexes far larger than memory; building each index once afterwards
is a sort. ``deferred_indexes`` drops the models' ``Meta.indexes`` and
``postgres_indexes`` (never the primary keys or unique constraints) for the
duration and builds them again, also after Ctrl-C. ``restore_indexes`` repairs
what a killed process left behind.
"""

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from functools import partial

from django.contrib.postgres.indexes import GinIndex
from django.db import connection

from archive import workers

BUILD_MEMORY = "512MB"  # maintenance_work_mem for each build, its session only
BUILDERS = 2  # indexes built at once


def declared(model) -> list:
    """The model's secondary indexes: ``Meta.indexes``, and on PostgreSQL ``postgres_indexes``."""
    extra = getattr(model, "postgres_indexes", []) if connection.vendor == "postgresql" else []
    return [*model._meta.indexes, *extra]


def _missing(model) -> list:
    with connection.cursor() as cursor:
        present = connection.introspection.get_constraints(cursor, model._meta.db_table)
    return [index for index in declared(model) if index.name not in present]


def _build(model, index) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"SET maintenance_work_mem = '{BUILD_MEMORY}'")
        if connection.in_atomic_block:
            # Inside one transaction (tests), deferred foreign-key checks still
            # pending would forbid CREATE INDEX: run them now.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    with connection.schema_editor() as editor:
        editor.add_index(model, index)


def _run(statement: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement)


def _in_thread(task: Callable) -> None:
    try:
        task()
    finally:
        connection.close()  # this thread's own connection


def restore_indexes(models, *, then: list[str] = ()) -> list[str]:
    """Build every declared index of ``models`` that the database lacks, then run the
    statements ``then`` (say, ``VACUUM`` of tables these builds do not touch).

    Outside a transaction, two at a time on two connections: a GIN index's build runs on
    one core for minutes, and the other builds and statements run beside it meanwhile.
    """
    missing = [(model, index) for model in models for index in _missing(model)]
    missing.sort(key=lambda pair: not isinstance(pair[1], GinIndex))  # the longest first
    tasks = [partial(_build, *pair) for pair in missing] + [partial(_run, s) for s in then]
    if len(tasks) > 1 and workers.possible():
        with ThreadPoolExecutor(BUILDERS) as pool:
            for _ in pool.map(_in_thread, tasks):
                pass
    else:
        for task in tasks:
            task()
    return [index.name for _, index in missing]


@contextmanager
def deferred_indexes(models, *, enabled: bool = True, then: list[str] = ()):
    """Drop the secondary indexes of ``models`` for the duration; build them again at the
    end, and run the statements ``then`` beside the builds (``restore_indexes``)."""
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
    except BaseException:  # Ctrl-C too: the indexes, and nothing more
        restore_indexes(models)
        raise
    restore_indexes(models, then=then)
