"""python -m bench.load [--duration 60] [--connections 32] [--json bench/results-load.json]

Load and faults against the 1,000,000-story benchmark database (``python -m bench``
builds it), served as in production: gunicorn on loopback with the production
settings (page cache and connection pool on, HTTPS redirect off for loopback).

1. **Load**: wrk at ``--connections`` for ``--duration`` seconds per page kind, each
   request a different URL drawn from the archive (random stories, counties,
   search terms, list filters), so the page cache helps only as it would for
   real readers. Reports requests per second, latency percentiles and errors.
2. **Attack** (``--attack``): readers of cached pages (the home page, the region list,
   city and county pages, the unfiltered list) at ``--connections`` / 2, first alone,
   then beside an attacker who asks for a different URL every time on 14 connections:
   unknown parameters (``?bust=N``, ``?utm_source=N``) on cached pages and sitemaps,
   and distinct real pages (searches for random words, sitemap pages, story pages).
   Reports both runs; the readers' p99 should stay within 2× of their run alone.
3. **Fault**: the same load on a mix of pages while PostgreSQL is restarted
   (``pg_ctlcluster … restart``); /healthz is polled every 0.1 s. Reports what
   the site answered (200 / 503 / anything else) and how long after PostgreSQL
   was back the site served pages again, without touching gunicorn.

Needs wrk (``apt-get install wrk``) and root for pg_ctlcluster; not a unit test.
"""

import argparse
import json
import os
import random
import re
import secrets
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
PORT = 8100
BASE = f"http://127.0.0.1:{PORT}"
SEARCH_TERMS = [
    "柯城",
    "高标准农田",
    "招商",
    "洋溪街道",
    "乡村振兴",
    "光电",
    "民宿",
    "AI",
    "共富",
    "康养",
]

# Tallies every response status per wrk thread; printed as JSON when done.
LUA = """
local paths = {}
for line in io.lines("%(paths)s") do paths[#paths + 1] = line end
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) counts = {} end
function request() return wrk.format("GET", paths[math.random(#paths)]) end
%(delay)s
function response(status, headers, body) counts[status] = (counts[status] or 0) + 1 end
function done(summary, latency, requests)
  local total = {}
  for _, thread in ipairs(threads) do
    for status, n in pairs(thread:get("counts")) do total[status] = (total[status] or 0) + n end
  end
  local parts = {}
  for status, n in pairs(total) do parts[#parts + 1] = string.format('"%%d": %%d', status, n) end
  io.write("STATUSES {" .. table.concat(parts, ", ") .. "}\\n")
  io.write(string.format("LATENCY %%f %%f %%f %%f\\n", latency:percentile(50) / 1000,
    latency:percentile(95) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
"""


def sample_paths(database_url: str, rng: random.Random) -> dict[str, list[str]]:
    """URLs for each page kind, drawn from the published archive."""
    with psycopg.connect(database_url.replace("postgres://", "postgresql://", 1)) as conn:
        ids = [
            row[0]
            for row in conn.execute(
                "SELECT id FROM archive_article WHERE status = 'published' "
                "AND published_at <= now() AND id % 97 = 0 LIMIT 5000"
            )
        ]
        counties = [r[0] for r in conn.execute("SELECT slug FROM archive_region")]
        authors = [
            r[0] for r in conn.execute("SELECT slug FROM archive_contributor ORDER BY id LIMIT 500")
        ]
    n = 2000
    return {
        "home": ["/"],
        "story": [f"/stories/{rng.choice(ids)}/" for _ in range(n)],
        "region": [f"/regions/{rng.choice(counties)}/" for _ in range(n)],
        "list": [
            rng.choice(
                [
                    f"/stories/?region={rng.choice(counties)}",
                    f"/stories/?author={rng.choice(authors)}",
                    "/stories/?order=oldest",
                    f"/stories/?date_after=20{rng.randint(10, 24)}-0{rng.randint(1, 9)}-01",
                ]
            )
            for _ in range(n)
        ],
        "search": [
            "/stories/?"
            + urllib.parse.urlencode({"q": rng.choice(SEARCH_TERMS)})
            + (f"&region={rng.choice(counties)}" if rng.random() < 0.5 else "")
            for _ in range(n)
        ],
    }


# Readers read: each connection pauses between pages, so they do not load the server
# to its limit by themselves (wrk with no pause measures the server's limit, and any
# second load then slows the first by as much as it adds).
READER_PAUSE_MS = 50
CACHED_READS = [
    "/",
    "/regions/",
    "/stories/",
    "/regions/quzhou/",
    "/regions/kecheng/",
    "/regions/hangzhou/",
    "/regions/jiande/",
]


def attack_paths(ids: list[int], rng: random.Random, n: int = 20000) -> list[str]:
    """A different URL each time: parameters no page reads, and real pages never asked
    for before (a search for two random characters, a sitemap page, a story)."""
    words = "县城乡村镇街道农业工业旅游文化教育医疗交通水利生态环保科技产业项目"
    kinds = [
        lambda i: f"/sitemap-stories.xml?bust={i}",
        lambda i: f"/?utm_source={i}",
        lambda i: f"/regions/?bust={i}",
        lambda i: "/stories/?" + urllib.parse.urlencode({"q": "".join(rng.sample(words, 2))}),
        lambda i: f"/sitemap-stories.xml?p={rng.randint(1, 200)}",
        lambda i: f"/stories/{rng.choice(ids)}/?bust={i}",
    ]
    return [rng.choice(kinds)(i) for i in range(n)]


def attack(database_url: str, duration: int, connections: int, workdir: str) -> dict:
    """Cached readers alone, then beside a cache-busting attacker."""
    with psycopg.connect(database_url.replace("postgres://", "postgresql://", 1)) as conn:
        ids = [r[0] for r in conn.execute(
            "SELECT id FROM archive_article WHERE status = 'published' AND id % 13 = 0 LIMIT 20000"
        )]  # fmt: skip
    readers = max(1, connections // 2)
    # Warm: every reader page cached in every process (made one at a time, in the
    # machine's remake slots, a cold home page with its region counts ≈ 1 s each).
    run_wrk(CACHED_READS, 20, readers, workdir)
    alone = run_wrk(CACHED_READS, duration, readers, workdir, READER_PAUSE_MS)
    attacker: dict = {}
    thread = threading.Thread(
        target=lambda: attacker.update(
            run_wrk(attack_paths(ids, random.Random(2)), duration + 4, 14, workdir)
        )
    )
    thread.start()
    time.sleep(2)  # the attack under way before the readers are measured
    beside = run_wrk(CACHED_READS, duration, readers, workdir, READER_PAUSE_MS)
    thread.join()
    return {
        "readers_alone": alone,
        "readers_beside_attacker": beside,
        "attacker": attacker,
        "p99_ratio": round(beside["latency_ms"]["p99"] / alone["latency_ms"]["p99"], 2),
    }


def server_env(database_url: str, static_root: str, redis_url: str) -> dict:
    return os.environ | {
        "REDIS_URL": redis_url,  # empty: each process keeps its own page cache
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": database_url,
        "DJANGO_SECURE_SSL_REDIRECT": "0",  # loopback HTTP; production sits behind TLS
        "DJANGO_STATIC_ROOT": static_root,
        "DJANGO_LOG_LEVEL": "WARNING",
    }


def wait_for(url: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.3)
    raise SystemExit(f"the server did not answer {url} within {seconds} s")


def run_wrk(
    paths: list[str], duration: int, connections: int, workdir: str, pause_ms: int = 0
) -> dict:
    """wrk on ``paths`` (a random one each request); ``pause_ms``: each connection waits
    that long between requests (readers who read), else asks again at once."""
    paths_file = Path(workdir) / f"paths-{random.random()}.txt"
    paths_file.write_text("\n".join(paths) + "\n", encoding="utf-8")
    script = Path(workdir) / f"tally-{random.random()}.lua"
    delay = f"function delay() return {pause_ms} end" if pause_ms else ""
    script.write_text(LUA % {"paths": paths_file, "delay": delay}, encoding="utf-8")
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--timeout", "10s",
         "-s", str(script), BASE],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    statuses = json.loads(re.search(r"STATUSES (\{.*\})", out).group(1))
    p50, p95, p99, worst = map(float, re.search(r"LATENCY (\S+) (\S+) (\S+) (\S+)", out).groups())
    socket_errors = re.search(r"Socket errors: (.*)", out)
    return {
        "requests_per_s": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "statuses": {int(k): v for k, v in statuses.items()},
        "latency_ms": {"p50": p50, "p95": p95, "p99": p99, "max": worst},
        "socket_errors": socket_errors.group(1) if socket_errors else "",
    }


def poll_health(stop: threading.Event, log: list) -> None:
    while not stop.is_set():
        started = time.monotonic()
        try:
            with urllib.request.urlopen(BASE + "/healthz", timeout=2) as response:
                status = response.status
        except urllib.error.HTTPError as error:
            status = error.code
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            status = 0  # no answer at all
        log.append((started, status))
        time.sleep(max(0, 0.1 - (time.monotonic() - started)))


def fault(paths: list[str], duration: int, connections: int, workdir: str) -> dict:
    cluster = os.listdir("/etc/postgresql")[0]
    run_wrk(paths, 5, connections, workdir)  # warm up, as before every load
    log: list = []
    stop = threading.Event()
    poller = threading.Thread(target=poll_health, args=(stop, log), daemon=True)
    poller.start()
    result: dict = {}
    load = threading.Thread(
        target=lambda: result.update(run_wrk(paths, duration, connections, workdir))
    )
    load.start()
    time.sleep(duration / 4)
    stopped_at = time.monotonic()
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", cluster, "main", "stop", "-m", "fast"],
        check=True,
    )
    time.sleep(3)  # down long enough to be seen
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", cluster, "main", "start"], check=True
    )
    started_at = time.monotonic()
    load.join()
    stop.set()
    poller.join()
    after = [(t, s) for t, s in log if t >= started_at]
    back = next((t for t, s in after if s == 200), None)
    during = [s for t, s in log if stopped_at <= t < started_at]
    return {
        **result,
        "database_down_s": round(started_at - stopped_at, 2),
        "healthz_while_down": {str(s): during.count(s) for s in sorted(set(during))},
        "recovered_after_database_start_s": round(back - started_at, 2) if back else None,
        "healthz_polls": len(log),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database-url", default="postgres://postgres@127.0.0.1:5432/xianzhi_bench_1000000"
    )
    parser.add_argument("--duration", type=int, default=60)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument(
        "--redis-url", default="", help="a shared cache for the workers (default: none)"
    )
    parser.add_argument(
        "--kinds", default="home,story,region,list,search", help="empty: the fault run only"
    )
    parser.add_argument(
        "--access-log", default="/dev/null", help="gunicorn's access log (default: none)"
    )
    parser.add_argument("--no-fault", action="store_true")
    parser.add_argument("--attack", action="store_true", help="run the cache-busting attacker")
    parser.add_argument("--json", dest="json_path", default="bench/results-load.json")
    options = parser.parse_args()

    paths = sample_paths(options.database_url, random.Random(1))
    workdir = tempfile.mkdtemp(prefix="xianzhi-load-")
    env = server_env(options.database_url, str(Path(workdir) / "static"), options.redis_url)
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
                   cwd=ROOT, env=env, check=True)  # fmt: skip
    # The server's own output (the warnings it logs while the database is down) goes
    # to a file, not between the figures.
    server_log = Path(workdir) / "gunicorn.log"
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "config/gunicorn.py", "config.wsgi",
         "--bind", f"127.0.0.1:{PORT}", "--workers", str(options.workers),
         "--access-logfile", options.access_log, "--error-logfile", str(server_log)],
        cwd=ROOT, env=env, start_new_session=True,
        stdout=server_log.open("a"), stderr=subprocess.STDOUT,
    )  # fmt: skip
    print(f"server log: {server_log}", flush=True)
    results: dict = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "duration_s": options.duration,
        "connections": options.connections,
        "workers": options.workers,
        "gunicorn": "config/gunicorn.py",
        "shared_cache": bool(options.redis_url),
        "pages": {},
    }
    try:
        wait_for(BASE + "/healthz")
        for kind in filter(None, options.kinds.split(",")):
            run_wrk(paths[kind], 5, options.connections, workdir)  # warm up
            results["pages"][kind] = run_wrk(
                paths[kind], options.duration, options.connections, workdir
            )
            print(kind, json.dumps(results["pages"][kind], ensure_ascii=False), flush=True)
        if options.attack:
            results["attack"] = attack(
                options.database_url, options.duration, options.connections, workdir
            )
            print("attack", json.dumps(results["attack"], ensure_ascii=False), flush=True)
        if not options.no_fault:
            mix = [p for kind in ("story", "region", "list", "search") for p in paths[kind][:500]]
            results["fault"] = fault(mix, options.duration, options.connections, workdir)
            print("fault", json.dumps(results["fault"], ensure_ascii=False), flush=True)
        results["gunicorn_pid_unchanged"] = server.poll() is None
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    Path(options.json_path).write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n")
    print(f"wrote {options.json_path}")


if __name__ == "__main__":
    main()
