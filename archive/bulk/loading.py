"""Bulk loads that do not pay for index maintenance and key checks row by row (PostgreSQL).

Inserting a million stories into indexes ordered by publication time scatters
writes over indexes far larger than memory; building each index once afterwards
is a sort. Likewise each row's foreign keys are checked by a query of its own,
where adding the constraint afterwards checks every row in one join. As
``pg_restore`` does, ``deferred_indexes`` drops the models' ``Meta.indexes`` and
``postgres_indexes``, their foreign-key constraints and those keys' own indexes
(never the primary keys or unique constraints) for the duration and builds them
again, also after Ctrl-C. ``restore_indexes`` repairs what a killed process left
behind. A partitioned table's indexes are built partition by partition, side by
side: PostgreSQL 15 builds a GIN index on one core.
"""

import copy
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from functools import partial

from django.contrib.postgres.indexes import GinIndex
from django.db import connection

from archive.bulk import workers

# maintenance_work_mem for each build, its session only: room for a B-tree's sort,
# but a GIN build's accumulator is faster kept small, where it stays in the CPU's
# caches (a million stories' token index: 290 s at 64 MB, 317 s at 16 MB, 376 s at 512 MB).
BUILD_MEMORY = "512MB"
GIN_BUILD_MEMORY = "64MB"
BUILDERS = 2  # indexes built at once


def declared(model) -> list:
    """The model's secondary indexes: ``Meta.indexes``, and on PostgreSQL ``postgres_indexes``."""
    extra = getattr(model, "postgres_indexes", []) if connection.vendor == "postgresql" else []
    return [*model._meta.indexes, *extra]


def foreign_keys(model) -> list:
    """The model's foreign keys that the database enforces."""
    return [f for f in model._meta.local_fields if f.remote_field and f.db_constraint]


def partitions(model) -> list[str]:
    """The tables of a partitioned model's partitions; none for a plain table."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT inhrelid::regclass::text FROM pg_inherits "
            "WHERE inhparent = %s::regclass ORDER BY 1",
            [model._meta.db_table],
        )
        return [row[0] for row in cursor.fetchall()]


def tables(model) -> list[str]:
    """The tables that hold the model's rows: its partitions, or its own."""
    if connection.vendor != "postgresql":
        return [model._meta.db_table]
    return partitions(model) or [model._meta.db_table]


def _constraints(model) -> dict:
    with connection.cursor() as cursor:
        return connection.introspection.get_constraints(cursor, model._meta.db_table)


def _key_state(field, present: dict) -> tuple[bool, bool]:
    """Whether the database has ``field``'s foreign-key constraint, and its own index
    (True where the field declares none)."""
    on_column = [c for c in present.values() if c["columns"] == [field.column]]
    constraint = any(c["foreign_key"] for c in on_column)
    index = not (field.db_index and not field.unique) or any(
        c["index"] and not c["unique"] and not c["primary_key"] for c in on_column
    )
    return constraint, index


def _as_found(field, constraint: bool, index: bool):
    """``field`` as the database holds it: the schema editor alters from this to that."""
    found = copy.copy(field)
    found.db_constraint = constraint
    found.db_index = field.db_index and index
    return found


def _prepare(memory: str) -> None:
    """Give this session's next build ``memory``; inside one transaction (tests), run the
    deferred foreign-key checks still pending, which would forbid CREATE INDEX and
    ALTER TABLE."""
    with connection.cursor() as cursor:
        cursor.execute(f"SET maintenance_work_mem = '{memory}'")
        if connection.in_atomic_block:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def _build(model, index, partition: str | None = None) -> None:
    """Build ``index``; or only its part on one ``partition``, which building it on the
    partitioned table then adopts instead of building again."""
    _prepare(GIN_BUILD_MEMORY if isinstance(index, GinIndex) else BUILD_MEMORY)
    with connection.schema_editor() as editor:
        if partition is None:
            editor.add_index(model, index)
            return
        statement = index.create_sql(model, editor)
        statement.rename_table_references(model._meta.db_table, partition)
        statement.parts["name"] = editor.quote_name(f"{partition}_{index.name}")
        editor.execute(str(statement).replace("CREATE INDEX", "CREATE INDEX IF NOT EXISTS", 1))


def _constrain(model, field, constraint: bool, index: bool) -> None:
    """Add what ``field`` lacks of its constraint (checking every row) and index."""
    _prepare(BUILD_MEMORY)
    with connection.schema_editor() as editor:
        editor.alter_field(model, _as_found(field, constraint, index), field)


def _run(statement: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement)


def _in_thread(task: Callable) -> None:
    try:
        task()
    finally:
        connection.close()  # this thread's own connection


def _in_turn(tasks: list[Callable]) -> None:
    for task in tasks:
        task()


def run(tasks: list[Callable | str]) -> None:
    """Run ``tasks`` (functions, or SQL statements) in order; outside a transaction, two
    at a time on two connections."""
    tasks = [partial(_run, task) if isinstance(task, str) else task for task in tasks]
    if len(tasks) > 1 and workers.possible():
        with ThreadPoolExecutor(BUILDERS) as pool:
            for _ in pool.map(_in_thread, tasks):
                pass
    else:
        for task in tasks:
            task()


def restore_indexes(models, *, then: list[str] = ()) -> list[str]:
    """Build every declared index and foreign key of ``models`` that the database lacks,
    then run the statements ``then`` (say, ``VACUUM`` of tables these builds do not
    touch); return the names of the indexes and key fields restored.

    Outside a transaction, two at a time on two connections: a GIN index's build runs on
    one core for minutes, and the other builds and statements run beside it meanwhile.
    """
    indexes, keys = [], []
    for model in models:
        present = _constraints(model)
        indexes += [(model, i) for i in declared(model) if i.name not in present]
        for field in foreign_keys(model):
            state = _key_state(field, present)
            if not all(state):
                keys.append((model, field, *state))
    indexes.sort(key=lambda pair: not isinstance(pair[1], GinIndex))  # the longest first
    parts = {model: partitions(model) for model in models}
    # The constraints one after another: adding one locks two tables, and two added at
    # once could each wait for the other's. A constraint on a table with a GIN build
    # would wait for it: those come last.
    busy = {model for model, index in indexes if isinstance(index, GinIndex)}
    run(
        [
            *(partial(_build, m, i, part) for m, i in indexes for part in parts[m]),
            *(partial(_build, m, i) for m, i in indexes if not parts[m]),
            partial(_in_turn, [partial(_constrain, *k) for k in keys if k[0] not in busy]),
            *then,
        ]
    )
    _in_turn(
        [
            *(partial(_build, m, i) for m, i in indexes if parts[m]),  # adopts the parts
            *(partial(_constrain, *key) for key in keys if key[0] in busy),
        ]
    )
    return [index.name for _, index in indexes] + [f"{m.__name__}.{f.name}" for m, f, *_ in keys]


@contextmanager
def deferred_indexes(models, *, enabled: bool = True, then: list[str] = ()):
    """Drop the secondary indexes and foreign keys of ``models`` for the duration; build
    them again at the end, and run the statements ``then`` beside the builds
    (``restore_indexes``)."""
    if not enabled or connection.vendor != "postgresql":
        yield
        return
    for model in models:
        present = _constraints(model)
        with connection.schema_editor() as editor:
            for index in declared(model):
                if index.name in present:
                    editor.remove_index(model, index)
            for field in foreign_keys(model):
                state = _key_state(field, present)
                if any(state):
                    bare = _as_found(field, constraint=False, index=False)
                    editor.alter_field(model, _as_found(field, *state), bare)
    try:
        yield
    except BaseException:  # Ctrl-C too: the indexes, and nothing more
        restore_indexes(models)
        raise
    restore_indexes(models, then=then)
