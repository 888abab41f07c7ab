"""A real streaming replica for tests/test_replica.py.

``standby`` (one per session) copies the PostgreSQL server the tests run on with
pg_basebackup into a temporary directory and starts the copy as a hot standby on
another port. The test database pytest-django made is in the copy, and whatever the
tests commit on the primary reaches it by streaming, as in production. PostgreSQL
refuses to run as root, so the standby runs as the ``postgres`` system user.

``replica_database`` (one per module) adds the database alias ``replica`` pointing at
the standby's copy of the test database. Where no standby can be built (SQLite, no
server binaries, not root or postgres, replication refused) both skip with the reason.
"""

import contextlib
import copy
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

REPLICATION_LINE = "host replication all 127.0.0.1/32 trust"
PORTS = range(5439, 5460)
# Settings a hot standby refuses to start with if they are below the primary's.
AT_LEAST_PRIMARYS = (
    "max_connections",
    "max_worker_processes",
    "max_wal_senders",
    "max_prepared_transactions",
    "max_locks_per_transaction",
)


class Unavailable(Exception):
    """Why no standby can be built on this machine (the skip reason)."""


def _as_postgres(args: list[str], **kwargs) -> subprocess.CompletedProcess:
    if os.geteuid() == 0:
        args = ["runuser", "-u", "postgres", "--", *args]
    return subprocess.run(args, capture_output=True, text=True, **kwargs)


@dataclass
class Standby:
    bindir: Path
    datadir: Path
    port: int
    user: str

    @property
    def log(self) -> Path:
        return self.datadir.parent / "standby.log"

    def _pg_ctl(self, *args: str) -> None:
        done = _as_postgres(
            [str(self.bindir / "pg_ctl"), "-D", str(self.datadir), "-l", str(self.log), *args],
            timeout=120,
        )
        if done.returncode:
            raise RuntimeError(f"pg_ctl {' '.join(args)}: {done.stderr}\n{self.log_tail()}")

    def log_tail(self) -> str:
        with contextlib.suppress(OSError):
            return "\n".join(self.log.read_text().splitlines()[-15:])
        return ""

    def start(self) -> None:
        self._pg_ctl("start", "-w", "-t", "120")
        self.query("SELECT 1")  # accepts connections: hot standby reached consistency

    def stop(self) -> None:
        self._pg_ctl("stop", "-w", "-m", "fast")

    def running(self) -> bool:
        return (self.datadir / "postmaster.pid").exists()

    def query(self, sql: str, params=()):
        import psycopg

        with psycopg.connect(
            host="127.0.0.1", port=self.port, user=self.user, dbname="postgres", autocommit=True
        ) as conn:
            return conn.execute(sql, params).fetchone()[0]

    def pause_replay(self) -> None:
        """Stop applying WAL: the standby keeps receiving it but shows nothing new."""
        self.query("SELECT pg_wal_replay_pause()")
        for _ in range(100):
            if self.query("SELECT pg_get_wal_replay_pause_state()") == "paused":
                return
            time.sleep(0.05)
        raise RuntimeError("the standby did not pause its replay")

    def resume_replay(self) -> None:
        self.query("SELECT pg_wal_replay_resume()")

    def catch_up(self, primary_position: str, timeout: float = 120) -> None:
        """Wait until the standby has applied the primary's WAL up to ``primary_position``."""
        deadline = time.monotonic() + timeout
        while not self.query("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [primary_position]):
            if time.monotonic() > deadline:
                raise RuntimeError(f"the standby did not reach {primary_position}")
            time.sleep(0.05)

    def destroy(self) -> None:
        if self.running():
            with contextlib.suppress(RuntimeError):
                self._pg_ctl("stop", "-w", "-m", "immediate")
        shutil.rmtree(self.datadir.parent, ignore_errors=True)


def _bindir(major: int) -> Path:
    debian = Path(f"/usr/lib/postgresql/{major}/bin")
    if (debian / "pg_basebackup").exists():
        return debian
    found = shutil.which("pg_basebackup")
    if found:
        return Path(found).parent
    raise Unavailable("pg_basebackup is not installed")


def _free_port() -> int:
    for port in PORTS:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) != 0:
                return port
    raise Unavailable(f"no free port in {PORTS.start}–{PORTS.stop - 1}")


def _allow_replication(primary) -> bool:
    """Add the replication line to the primary's pg_hba.conf (root only); whether it did."""
    hba = Path(primary.execute("SHOW hba_file").fetchone()[0])
    if os.geteuid() != 0 or not hba.exists():
        return False
    lines = hba.read_text().splitlines()
    if REPLICATION_LINE in lines:
        return False
    hba.write_text("\n".join([*lines, REPLICATION_LINE, ""]))
    primary.execute("SELECT pg_reload_conf()")
    time.sleep(0.5)  # the postmaster rereads the file on SIGHUP
    return True


def build(settings_dict: dict) -> Standby:
    """A running hot standby of the server ``settings_dict`` (a Django database) points at."""
    import psycopg

    if os.geteuid() != 0 and pwd.getpwuid(os.geteuid()).pw_name != "postgres":
        raise Unavailable("PostgreSQL runs only as the postgres user: run the tests as root")
    host, port = settings_dict["HOST"] or "127.0.0.1", str(settings_dict["PORT"] or 5432)
    if host not in ("127.0.0.1", "localhost"):
        raise Unavailable(f"the database is on {host}, not this machine")
    user = settings_dict["USER"] or "postgres"
    conninfo = {"host": "127.0.0.1", "port": port, "user": user, "dbname": "postgres"}
    with psycopg.connect(
        **conninfo, password=settings_dict["PASSWORD"], autocommit=True
    ) as primary:
        major = primary.info.server_version // 10000
        at_least = {
            name: primary.execute(f"SHOW {name}").fetchone()[0] for name in AT_LEAST_PRIMARYS
        }
        bindir = _bindir(major)
        standby_port = _free_port()
        workdir = Path(tempfile.mkdtemp(prefix="xianzhi-standby-"))
        if os.geteuid() == 0:
            shutil.chown(workdir, "postgres", "postgres")
        standby = Standby(bindir, workdir / "data", standby_port, user)
        basebackup = [
            str(bindir / "pg_basebackup"),
            *("-h", "127.0.0.1", "-p", port, "-U", user, "-D", str(standby.datadir)),
            *("-R", "-X", "stream", "--checkpoint=fast", "--no-sync", "--no-manifest"),
        ]
        done = _as_postgres(basebackup, timeout=1800)
        if done.returncode and "replication" in done.stderr and _allow_replication(primary):
            shutil.rmtree(standby.datadir, ignore_errors=True)
            done = _as_postgres(basebackup, timeout=1800)
    if done.returncode:
        shutil.rmtree(workdir, ignore_errors=True)
        raise Unavailable(f"pg_basebackup failed: {done.stderr.strip()}")
    # Debian keeps the server's configuration outside its data directory: the copy has none.
    settings = {
        "port": standby_port,
        "listen_addresses": "'127.0.0.1'",
        "unix_socket_directories": f"'{workdir}'",
        "hot_standby": "on",
        "fsync": "off",
        **at_least,
    }
    (standby.datadir / "postgresql.conf").write_text(
        "".join(f"{name} = {value}\n" for name, value in settings.items())
    )
    (standby.datadir / "pg_hba.conf").write_text(
        "local all all trust\nhost all all 127.0.0.1/32 trust\n"
    )
    (standby.datadir / "pg_ident.conf").write_text("")
    if os.geteuid() == 0:
        for name in ("postgresql.conf", "pg_hba.conf", "pg_ident.conf"):
            shutil.chown(standby.datadir / name, "postgres", "postgres")
    try:
        standby.start()
    except Exception as error:
        standby.destroy()
        raise Unavailable(f"the standby did not start: {error}") from error
    return standby


@pytest.fixture(scope="session")
def standby(django_db_setup, django_db_blocker):
    """A hot standby of the test database's server, for the whole session."""
    from django.db import connections

    if connections["default"].vendor != "postgresql":
        pytest.skip("a streaming replica needs PostgreSQL (DATABASE_URL is not PostgreSQL)")
    try:
        built = build(connections["default"].settings_dict)
    except Unavailable as why:
        pytest.skip(f"no streaming replica on this machine: {why}")
    yield built
    built.destroy()


@pytest.fixture(scope="module")
def replica_database(standby):
    """The alias ``replica``: the standby's copy of the test database, for this module.

    A test mirror of ``default``: a transactional test empties the primary after it
    (the standby follows), never the read-only replica itself.
    """
    from django.db import connections

    replica = copy.deepcopy(connections["default"].settings_dict)
    replica.update(HOST="127.0.0.1", PORT=str(standby.port))
    replica["TEST"]["MIRROR"] = "default"
    connections.settings["replica"] = replica
    yield standby
    with contextlib.suppress(Exception):
        connections["replica"].close()
    del connections.settings["replica"]
    with contextlib.suppress(AttributeError):
        delattr(connections._connections, "replica")
