"""Running a bulk command's chunks in several processes (PostgreSQL).

A bulk load spends most of its time in Python (building documents and token
vectors), one core's worth, while the server and the other cores wait. Chunks
that write disjoint rows can run side by side, each in its own process, its own
connection and its own transaction: a chunk is written whole or not at all, as
when one process writes them in turn.

Ctrl-C stops the workers at once: their open transactions die with their
connections and roll back, and the committed chunks stay.
"""

import multiprocessing
import os
import signal
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager

from django.db import connection, connections, transaction

MAX_WORKERS = 4


def default_count() -> int:
    """One process per core, up to ``MAX_WORKERS``."""
    return max(1, min(os.cpu_count() or 1, MAX_WORKERS))


def possible() -> bool:
    """Other processes see only committed rows: not inside a transaction (tests), and
    SQLite allows one writer at a time anyway."""
    return connection.vendor == "postgresql" and not connection.in_atomic_block


def _ignore_interrupts() -> None:
    # The parent alone handles Ctrl-C, by terminating the workers.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _run(task: tuple[Callable, tuple]):
    function, args = task
    with transaction.atomic():
        return function(*args)


@contextmanager
def pool(count: int):
    """``count`` worker processes, or None where only this process may write (one
    worker asked for, inside a transaction, or SQLite)."""
    if count <= 1 or not possible():
        yield None
        return
    # A forked child must not share the parent's connection: close it first; each
    # side opens its own when it next needs one.
    connections.close_all()
    context = multiprocessing.get_context("fork")
    with context.Pool(count, initializer=_ignore_interrupts) as processes:
        yield processes  # leaving terminates them, also on Ctrl-C


def submit(processes, function: Callable, *args):
    """Run ``function(*args)`` in one transaction in one of ``processes``; an
    ``AsyncResult`` whose ``get()`` returns its result or raises its error."""
    return processes.apply_async(_run, ((function, args),))


def each_in_transaction(
    function: Callable, chunks: Iterable[tuple], *, workers: int = 1
) -> Iterator:
    """``function(*chunk)`` for every chunk, each in one transaction; its results as they
    come (in order with one worker, in the order they finish with several).

    ``function`` must be importable by name (it is sent to the workers by pickling).
    """
    with pool(workers) as processes:
        if processes is None:
            for chunk in chunks:
                yield _run((function, chunk))
        else:
            # imap_unordered: a slow chunk does not hold back the others' progress.
            yield from processes.imap_unordered(_run, [(function, chunk) for chunk in chunks])
