"""A real streaming replica for tests/test_replica.py.

``standby`` (one per session) starts a PostgreSQL server of its own (a *primary*, made
with initdb in a temporary directory) holding a copy of the test database pytest-django
made, copies that server with pg_basebackup and starts the copy as a hot standby on
another port. Whatever the tests commit on the primary reaches the standby by streaming,
as in production. The primary is a server of its own so that pg_basebackup copies the
test database only, not every database of the machine's server (a benchmark's 17 GB one
made the copy a minute of the suite and 19 GB of disk). PostgreSQL refuses to run as
root, so both run as the ``postgres`` system user.

``replica_database`` (one per module) points the alias ``default`` at the primary and
adds the alias ``replica`` pointing at the standby's copy, for that module. Where no
standby can be built (SQLite, no server binaries, not root or postgres) both skip with
the reason.
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
class Cluster:
    """A PostgreSQL server of the tests' own, in a temporary directory."""

    bindir: Path
    datadir: Path
    port: int
    user: str

    @property
    def log(self) -> Path:
        return self.datadir.parent / f"{self.datadir.name}.log"

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

    def configure(self, **settings) -> None:
        """Settings after initdb's (or, in a standby, after the primary's copied ones),
        and trust on this machine only, replication included."""
        settings = {
            "port": self.port,
            "listen_addresses": "'127.0.0.1'",
            "unix_socket_directories": f"'{self.datadir.parent}'",
            "fsync": "off",
            **settings,
        }
        with (self.datadir / "postgresql.conf").open("a") as conf:
            conf.writelines(f"{name} = {value}\n" for name, value in settings.items())
        (self.datadir / "pg_hba.conf").write_text(
            "local all all trust\nhost all all 127.0.0.1/32 trust\n"
            "host replication all 127.0.0.1/32 trust\n"
        )

    def start(self, port_wait: float = 10.0) -> None:
        """Start the server on its port. Restarted after a stop, it keeps the port the
        tests' alias names, which the kernel may not give back at once (seen in CI:
        "Address already in use" 0.8 s after a fast shutdown): wait up to ``port_wait``
        seconds for it."""
        deadline = time.monotonic() + port_wait
        while True:
            try:
                self._pg_ctl("start", "-w", "-t", "120")
                break
            except RuntimeError as error:
                if "already in use" not in str(error) or time.monotonic() > deadline:
                    raise
                time.sleep(0.5)
        self.query("SELECT 1")  # accepts connections (a hot standby: reached consistency)

    def stop(self) -> None:
        self._pg_ctl("stop", "-w", "-m", "fast")

    def running(self) -> bool:
        return (self.datadir / "postmaster.pid").exists()

    def query(self, sql: str, params=()):
        import psycopg

        with psycopg.connect(
            host="127.0.0.1", port=self.port, user=self.user, dbname="postgres", autocommit=True
        ) as conn:
            cursor = conn.execute(sql, params)
            return cursor.fetchone()[0] if cursor.description else None

    def destroy(self) -> None:
        if self.running():
            with contextlib.suppress(RuntimeError):
                self._pg_ctl("stop", "-w", "-m", "immediate")


@dataclass
class Standby(Cluster):
    primary: Cluster | None = None

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
        super().destroy()
        if self.primary:
            self.primary.destroy()
        shutil.rmtree(self.datadir.parent, ignore_errors=True)


def _bindir(major: int) -> Path:
    debian = Path(f"/usr/lib/postgresql/{major}/bin")
    if (debian / "pg_basebackup").exists():
        return debian
    found = shutil.which("pg_basebackup")
    if found:
        return Path(found).parent
    raise Unavailable("pg_basebackup is not installed")


def _free_port(taken: tuple[int, ...] = ()) -> int:
    for port in PORTS:
        if port in taken:
            continue
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) != 0:
                return port
    raise Unavailable(f"no free port in {PORTS.start}–{PORTS.stop - 1}")


def _start_on_a_free_port(cluster: Cluster, taken: tuple[int, ...] = (), **settings) -> None:
    """Start ``cluster`` on a free port; another run's server may take the one found free
    before this one binds it (two checkouts' suites at once), so try a few."""
    for attempt in range(5):
        cluster.port = _free_port(taken)
        cluster.configure(**settings)
        try:
            cluster.start(port_wait=0)  # another port at once, not a wait
            return
        except RuntimeError as error:
            if "already in use" not in str(error) or attempt == 4:
                raise
            time.sleep(0.2)


def _run(args: list[str], what: str, **kwargs) -> None:
    done = _as_postgres(args, timeout=600, **kwargs)
    if done.returncode:
        raise Unavailable(f"{what} failed: {done.stderr.strip()[-2000:]}")


def build(settings_dict: dict) -> Standby:
    """A running hot standby of a copy of the database ``settings_dict`` (a Django
    database) names, on a primary server of its own."""
    import psycopg

    if os.geteuid() != 0 and pwd.getpwuid(os.geteuid()).pw_name != "postgres":
        raise Unavailable("PostgreSQL runs only as the postgres user: run the tests as root")
    source = {
        "host": settings_dict["HOST"] or "127.0.0.1",
        "port": str(settings_dict["PORT"] or 5432),
        "user": settings_dict["USER"] or "postgres",
        "dbname": settings_dict["NAME"],
    }
    with psycopg.connect(**source, password=settings_dict["PASSWORD"]) as conn:
        major = conn.info.server_version // 10000
        encoding, collate, ctype = conn.execute(
            "SELECT pg_encoding_to_char(encoding), datcollate, datctype FROM pg_database "
            "WHERE datname = current_database()"
        ).fetchone()
    bindir = _bindir(major)
    workdir = Path(tempfile.mkdtemp(prefix="xianzhi-standby-"))
    if os.geteuid() == 0:
        shutil.chown(workdir, "postgres", "postgres")
    primary = Cluster(bindir, workdir / "primary", 0, "postgres")
    standby = Standby(bindir, workdir / "standby", 0, "postgres", primary=primary)
    try:
        _run(
            [
                str(bindir / "initdb"),
                *("-D", str(primary.datadir), "-U", "postgres", "-A", "trust", "--no-sync"),
                *("-E", encoding, "--lc-collate", collate, "--lc-ctype", ctype),
            ],
            "initdb",
        )
        _start_on_a_free_port(primary)
        # The test database as it is now (schema, the data migrations' rows), copied.
        primary.query(f'CREATE DATABASE "{source["dbname"]}"')
        env = {**os.environ, "PGPASSWORD": settings_dict["PASSWORD"] or ""}
        dump = subprocess.run(
            [
                str(bindir / "pg_dump"),
                *("-h", source["host"], "-p", source["port"], "-U", source["user"]),
                *("--no-owner", "--no-privileges", source["dbname"]),
            ],
            capture_output=True,
            timeout=600,
            env=env,
        )
        if dump.returncode:
            raise Unavailable(f"pg_dump failed: {dump.stderr.decode()[-2000:]}")
        _run(
            [
                str(bindir / "psql"),
                *("-h", "127.0.0.1", "-p", str(primary.port), "-U", "postgres"),
                *("-q", "-v", "ON_ERROR_STOP=1", "-d", source["dbname"]),
            ],
            "restoring the test database",
            input=dump.stdout.decode(),
        )
        at_least = {name: primary.query(f"SHOW {name}") for name in AT_LEAST_PRIMARYS}
        _run(
            [
                str(bindir / "pg_basebackup"),
                *("-h", "127.0.0.1", "-p", str(primary.port), "-U", "postgres"),
                *("-D", str(standby.datadir), "-R", "-X", "stream", "--checkpoint=fast"),
                *("--no-sync", "--no-manifest"),
            ],
            "pg_basebackup",
        )
        _start_on_a_free_port(standby, (primary.port,), hot_standby="on", **at_least)
    except Exception as error:
        standby.destroy()
        if isinstance(error, Unavailable):
            raise
        raise Unavailable(f"the standby did not start: {error}") from error
    return standby


@pytest.fixture(scope="session")
def standby(django_db_setup, django_db_blocker):
    """A hot standby of a copy of the test database, for the whole session."""
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
    """For this module: the alias ``default`` on the standby's primary, and the alias
    ``replica`` on the standby's copy of the test database.

    ``replica`` is a test mirror of ``default``: a transactional test empties the primary
    after it (the standby follows), never the read-only replica itself. The test
    database of the machine's server is left as it was.
    """
    from django.db import connections

    default = connections["default"]
    on_primary = {"HOST": "127.0.0.1", "PORT": str(standby.primary.port)}
    kept = {name: default.settings_dict[name] for name in on_primary}
    default.close()
    default.settings_dict.update(on_primary)  # connections.settings["default"] itself
    replica = copy.deepcopy(default.settings_dict)
    replica.update(PORT=str(standby.port))
    replica["TEST"]["MIRROR"] = "default"
    connections.settings["replica"] = replica
    yield standby
    with contextlib.suppress(Exception):
        connections["replica"].close()
    del connections.settings["replica"]
    with contextlib.suppress(AttributeError):
        delattr(connections._connections, "replica")
    default.close()
    default.settings_dict.update(kept)
