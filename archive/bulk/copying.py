"""COPY into PostgreSQL: the one writer of every bulk path (the synthetic generator's
tables, the search documents and tokens)."""

from contextlib import ExitStack

from django.db import connection


def copy_rows(table: str, columns, rows, *, types: list[str] | None = None, cursor=None) -> None:
    """COPY ``rows`` into ``table``; in PostgreSQL's binary format when ``types`` names
    the columns' types. ``cursor``: a psycopg cursor with the adapters the rows need
    (by default, the default connection's)."""
    quote = connection.ops.quote_name
    binary = " (FORMAT BINARY)" if types else ""
    sql = f"COPY {quote(table)} ({', '.join(quote(c) for c in columns)}) FROM STDIN{binary}"
    with ExitStack() as stack:
        if cursor is None:
            cursor = stack.enter_context(connection.cursor()).cursor
        with cursor.copy(sql) as copy:
            if types:
                copy.set_types(types)
            for row in rows:
                copy.write_row(row)
