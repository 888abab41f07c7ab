"""Rows read by statements written by hand, made into model instances as the ORM makes them.

Where a read is the long tail's cost (a story page, the bylines and regions of a list
page's stories), building and compiling querysets and running ``prefetch_related`` cost
the interpreter more than PostgreSQL takes to run the statements. Such a read writes its
statements once per process from the models' own columns (``columns``), runs them on a
cursor PostgreSQL plans once per connection (``hand_cursor``), and makes each row into
instances as the ORM's iterable does (``instance``: the backend's and the fields'
converters, then ``Model.from_db``), set as prefetched where the ORM would set them
(``prefetched``). Tests hold each such read to the ORM's own.
"""

import functools

from django.db import connections
from django.db.models import Model


def table(model: type[Model]) -> str:
    return f'"{model._meta.db_table}"'


def columns(model: type[Model], alias: str) -> str:
    """Every concrete column of ``model``, in its fields' order, of the table ``alias``."""
    return ", ".join(f'{alias}."{field.column}"' for field in model._meta.concrete_fields)


def hand_cursor(connection):
    """A cursor whose statements PostgreSQL plans once per connection.

    PostgreSQL took longer to plan the story page's statement than to run it (0.4–0.5 ms
    against 0.2–0.3 on a warm connection, 1.5–2 ms to plan on a new one). Prepared, the
    statements are planned once per pooled connection. Django's own cursors bind
    parameters on the client and never prepare (so an ORM query's plan is always made
    for its values); a cursor that binds on the server prepares what it runs where the
    connection's ``prepare_threshold`` allows (``config.settings.base``). Elsewhere, and
    where queries are logged (DEBUG, a test counting them: the log shows a statement
    with its values only as the client binds them), the connection's usual cursor."""
    threshold = connection.settings_dict["OPTIONS"].get("prepare_threshold")
    if connection.vendor != "postgresql" or threshold is None or connection.queries_logged:
        return connection.cursor()
    from django.db.backends.postgresql.base import ServerBindingCursor

    connection.ensure_connection()
    raw = connection.connection
    # Django's own cursor making (its time zone set as for any cursor), this class.
    usual, raw.cursor_factory = raw.cursor_factory, ServerBindingCursor
    try:
        with connection.wrap_database_errors:
            made = connection.create_cursor()
    finally:
        raw.cursor_factory = usual
    return connection._prepare_cursor(made)


def any_of(connection, column: str, values: list) -> tuple[str, list]:
    """``column`` is one of ``values``: one statement for any number of them on
    PostgreSQL (an array), a placeholder each elsewhere."""
    if connection.vendor == "postgresql":
        return f"{column} = ANY(%s)", [list(values)]
    return f"{column} IN ({', '.join(['%s'] * len(values))})", list(values)


def split(connection, row: tuple, *models) -> list:
    """``row`` cut into an instance of each of ``models`` (by its column count), then
    the row's remaining values as one tuple."""
    out, start = [], 0
    for model in models:
        width = len(model._meta.concrete_fields)
        out.append(instance(connection, model, row[start : start + width]))
        start += width
    return [*out, row[start:]]


def instance(connection, model: type[Model], values) -> Model:
    """A model instance from a row of its concrete columns, as the ORM's iterable makes
    one: the backend's and the fields' converters applied, then ``from_db``."""
    values = list(values)
    for at, converters, column in _converters(model, connection.alias):
        for converter in converters:
            values[at] = converter(values[at], column, connection)
    return model.from_db(connection.alias, None, values)


@functools.cache
def _converters(model: type[Model], alias: str) -> list:
    """(position, converters, column) for each of ``model``'s columns that has any
    (a JSON field's decoding, SQLite's dates), as ``SQLCompiler.get_converters`` finds them."""
    connection, found = connections[alias], []
    for at, field in enumerate(model._meta.concrete_fields):
        column = field.get_col(model._meta.db_table)
        converters = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
        if converters:
            found.append((at, converters, column))
    return found


def prefetched(owner: Model, name: str, objects: list) -> None:
    """Set ``objects`` as the prefetched result of ``owner``'s related manager ``name``."""
    queryset = getattr(owner, name).get_queryset()
    queryset._result_cache, queryset._prefetch_done = objects, True
    owner.__dict__.setdefault("_prefetched_objects_cache", {})[name] = queryset
