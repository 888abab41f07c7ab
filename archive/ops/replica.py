"""Which database a request reads: the read replica while it is up and close behind,
the primary otherwise (production settings, when DATABASE_REPLICA_URL is set).

Only anonymous GET and HEAD requests read the replica; the decision is taken once,
when the request starts, and holds for the whole request (``ReadReplica``). A signed-in
user (an editor) reads the primary throughout, so the page after a save shows it;
so do POSTs (a login reads the account just created), management commands and tasks.

The replica is skipped, for this process:

- while it lags: once a second at most, the primary's WAL position is noted and the
  replica's replayed position read; the replica is "behind by" the age of the newest
  note it has replayed past. More than ``ARCHIVE_REPLICA_MAX_LAG_SECONDS`` behind, or no
  such note yet (a process's first second), and requests read the primary. Unlike the
  replica's own replay timestamp, this also counts a replica that has stopped receiving.
- for ``DOWN_SECONDS`` after it failed to answer, at the check or in the middle of a
  request; such a request is answered again from the primary, not with an error.

So a reader sees the archive at most ``ARCHIVE_REPLICA_MAX_LAG_SECONDS`` plus one
second (the check interval) old: a withdrawn story is gone from every public page by
then. docs/deploy.md says the same for operators.
"""

import contextlib
import contextvars
import threading
import time
from collections import deque

from django.conf import settings
from django.db import DatabaseError, connections

from archive.ops.health import database_gone

REPLICA = "replica"
CHECK_SECONDS = 1.0  # how often a process measures the replica's lag, at most
DOWN_SECONDS = 5.0  # how long a replica that failed to answer is left alone

_reads_replica = contextvars.ContextVar("reads_replica", default=False)


def reads_replica() -> bool:
    """Whether the current request reads the replica (``archive.ops.routers``)."""
    return _reads_replica.get()


def _position(alias: str, function: str) -> int | None:
    with connections[alias].cursor() as cursor:
        cursor.execute(f"SELECT ({function}() - '0/0'::pg_lsn)::bigint")
        return cursor.fetchone()[0]


class ReplicaHealth:
    """Whether this process may read the replica now: up, and close enough behind."""

    def __init__(self, check_seconds: float = CHECK_SECONDS, down_seconds: float = DOWN_SECONDS):
        self.check_seconds = check_seconds
        self.down_seconds = down_seconds
        self.usable = False
        self.next_check = 0.0
        # (when, the primary's WAL position then), oldest first
        self._notes: deque[tuple[float, int]] = deque()
        self._checking = threading.Lock()

    def ok(self) -> bool:
        now = time.monotonic()
        if now < self.next_check or not self._checking.acquire(blocking=False):
            return self.usable  # another thread is measuring: its last answer stands
        try:
            self.next_check = now + self.check_seconds
            self.usable = self._lag(now) <= settings.ARCHIVE_REPLICA_MAX_LAG_SECONDS
        except DatabaseError:
            self.mark_down()
        finally:
            self._checking.release()
        return self.usable

    def _lag(self, now: float) -> float:
        """Seconds the replica is behind the primary at most (infinite: unknown)."""
        self._notes.append((now, _position("default", "pg_current_wal_lsn")))
        replayed = _position(REPLICA, "pg_last_wal_replay_lsn")  # None: not a standby
        horizon = now - settings.ARCHIVE_REPLICA_MAX_LAG_SECONDS
        while self._notes and self._notes[0][0] < horizon:
            self._notes.popleft()  # too old to make the replica usable
        replayed_past = [
            when for when, position in self._notes if replayed is not None and position <= replayed
        ]
        return now - max(replayed_past) if replayed_past else float("inf")

    def mark_down(self) -> None:
        """The replica failed to answer: the primary for ``down_seconds``, then try again."""
        self.usable = False
        self.next_check = time.monotonic() + self.down_seconds
        with contextlib.suppress(Exception):
            connections[REPLICA].close()  # a broken connection is not reused

    def reset(self) -> None:
        self.usable = False
        self.next_check = 0.0
        self._notes.clear()


health = ReplicaHealth()


class ReadReplica:
    """Middleware (after AuthenticationMiddleware): decides, once per request, whether
    it reads the replica, and answers from the primary when the replica fails mid-way."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        use = (
            REPLICA in connections.settings
            and request.method in ("GET", "HEAD")
            and not request.user.is_authenticated
            and health.ok()
        )
        token = _reads_replica.set(use)
        try:
            return self.get_response(request)
        finally:
            _reads_replica.reset(token)

    def process_exception(self, request, exception):
        """The replica went away during this request: the same view again, from the
        primary (reads only: only GET and HEAD read the replica)."""
        match = request.resolver_match
        if not (reads_replica() and match and database_gone(exception)):
            return None
        health.mark_down()
        _reads_replica.set(False)  # reset by __call__'s token at the request's end
        response = match.func(request, *match.args, **match.kwargs)
        if callable(getattr(response, "render", None)):
            response = response.render()
        return response
