"""python -m bench.load [--duration 60] [--connections 32] [--json …] [--long-tail]

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

4. **Long tail** (issue 24; ``--long-tail``, or the kinds ``longtail-story``,
   ``longtail-search`` and ``floor`` in ``--kinds``): what an archive's readers really
   send, every URL asked once, so the page cache never helps. ``longtail-story``:
   distinct public story pages (up to 30,000); ``longtail-search``: up to 20,000
   distinct searches drawn from the corpus in seven classes (a rare character, a
   common one, a common word, a contributor's name, a phrase, two words, no match),
   half of them within a county, some by relevance; both at ``--connections``, wrk
   walking the list without replacement (``WALK_LUA``), each request's time logged by
   wrk itself, so every class gets its own percentiles. ``floor``: a second server with
   the page cache off (``ARCHIVE_PAGE_CACHE_SECONDS=0``), one connection, one request
   after another: the median of /healthz (the floor), of distinct story pages, of the
   list pages (home, /stories/, county pages, feeds) and of the API's story list, and
   each one's ratio to the floor. Writes ``bench/results-longtail.json`` by default.

Needs wrk (``apt-get install wrk``; the long tail needs Debian's LuaJIT build, whose
``ffi`` gives each request's time) and root for pg_ctlcluster; not a unit test.
"""

import argparse
import json
import math
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
from collections import Counter
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
        # This run's own remake slots, not those of another server of this checkout.
        "ARCHIVE_PAGE_REMAKE_DIR": str(Path(static_root).parent / "remakes"),
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


# The long tail (issue 24) --------------------------------------------------------------

LONGTAIL_STORIES = 30000
LONGTAIL_SEARCHES = 20000
LONGTAIL_KINDS = ("longtail-story", "longtail-search", "floor")
# Targets at 1,000,000 stories (issue 24): responses per second at 32 connections, and
# the uncached pages' medians as multiples of /healthz's.
LONGTAIL_TARGETS = {"longtail-story": 200, "longtail-search": 100}
FLOOR_TARGETS = {"story": 4, "list": 6}

# wrk walking a list without replacement: each thread has one connection and asks for
# the URLs at its own index, then every ``step``-th (the number of threads) after it,
# so no URL is asked twice across threads; a thread whose share is done stops. With one
# connection per thread, request() and response() alternate, so each request's time is
# known: written to the thread's own log as "index status start_µs elapsed_µs", timed
# with CLOCK_MONOTONIC through LuaJIT's ffi (Lua has no finer clock than a second).
WALK_LUA = """
local ffi = require("ffi")
ffi.cdef[[
typedef struct { long tv_sec; long tv_nsec; } xianzhi_timespec;
int clock_gettime(int clock, xianzhi_timespec *tp);
]]
local clock = ffi.new("xianzhi_timespec")
local function now_us()
  ffi.C.clock_gettime(1, clock)
  return tonumber(clock.tv_sec) * 1000000 + tonumber(clock.tv_nsec) / 1000
end
local paths = {}
for line in io.lines("%(paths)s") do paths[#paths + 1] = line end
local made = 0
function setup(thread)
  made = made + 1
  thread:set("walk_id", made)
end
function init(args)
  walk_step = %(threads)d
  walk_index = walk_id - walk_step
  walk_log = io.open("%(log)s." .. walk_id, "w")
  walk_log:setvbuf("line")
end
function request()
  walk_index = walk_index + walk_step
  if walk_index > #paths then
    wrk.thread:stop()  -- this thread's share is done; this last request is not logged
    return wrk.format("GET", "/healthz")
  end
  walk_started = now_us()
  return wrk.format("GET", paths[walk_index])
end
function response(status, headers, body)
  walk_log:write(string.format("%%d %%d %%.0f %%.0f\\n", walk_index, status, walk_started,
    now_us() - walk_started))
end
"""


def percentiles(records: list[tuple[int, int, float, float]]) -> dict:
    """p50, p95, p99 (nearest rank) and max in ms of ``records``' elapsed times."""
    times = sorted(r[3] / 1000 for r in records)

    def rank(q: float) -> float | None:
        return round(times[max(0, math.ceil(len(times) * q) - 1)], 1) if times else None

    return {"p50": rank(0.5), "p95": rank(0.95), "p99": rank(0.99), "max": rank(1)}


def summarize(records: list[tuple[int, int, float, float]], seconds: float) -> dict:
    """Responses per second, statuses and latency percentiles of ``records`` (index,
    status, start µs, elapsed µs) over a run of ``seconds``, of all responses and of
    the 200s alone (a 503 from a full server is quick and makes no page)."""
    statuses: dict[int, int] = {}
    for r in records:
        statuses[r[1]] = statuses.get(r[1], 0) + 1
    ok = [r for r in records if r[1] == 200]
    return {
        "responses_per_s": round(len(records) / seconds, 1) if seconds else None,
        "ok_per_s": round(len(ok) / seconds, 1) if seconds else None,
        "responses": len(records),
        "statuses": dict(sorted(statuses.items())),
        "non_200": len(records) - len(ok),
        "latency_ms": percentiles(records),
        "ok_latency_ms": percentiles(ok),
    }


def run_walk(
    paths: list[str], duration: int, connections: int, workdir: str
) -> tuple[dict, list[tuple[int, int, float, float]]]:
    """wrk at ``connections`` asking for ``paths`` in order, each at most once, for
    ``duration`` seconds or until the list is done. Returns the summary and each
    response's (index into ``paths``, status, start µs, elapsed µs)."""
    tag = f"{time.monotonic_ns()}"
    paths_file = Path(workdir) / f"walk-{tag}.txt"
    paths_file.write_text("\n".join(paths) + "\n", encoding="utf-8")
    log = Path(workdir) / f"walk-{tag}.log"
    script = Path(workdir) / f"walk-{tag}.lua"
    script.write_text(
        WALK_LUA % {"paths": paths_file, "threads": connections, "log": log}, encoding="utf-8"
    )
    out = subprocess.run(
        ["wrk", f"-t{connections}", f"-c{connections}", f"-d{duration}s", "--timeout", "10s",
         "-s", str(script), BASE],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    records = []
    for part in Path(workdir).glob(f"walk-{tag}.log.*"):
        for line in part.read_text().splitlines():
            index, status, started, elapsed = line.split()
            records.append((int(index) - 1, int(status), float(started), float(elapsed)))
    records.sort(key=lambda r: r[2])
    # The rate over the time the responses took: wrk runs out its duration even when
    # the list was done before.
    seconds = (max(r[2] + r[3] for r in records) - records[0][2]) / 1e6 if records else 0
    socket_errors = re.search(r"Socket errors: (.*)", out)
    summary = summarize(records, seconds) | {
        "seconds": round(seconds, 1),
        "urls": len(paths),
        "distinct_urls_asked": len({paths[r[0]] for r in records}),
        "list_done": len(records) >= len(paths) - connections,
        "socket_errors": socket_errors.group(1) if socket_errors else "",
    }
    return summary, records


def connect(database_url: str) -> psycopg.Connection:
    return psycopg.connect(database_url.replace("postgres://", "postgresql://", 1))


def public_ids(conn: psycopg.Connection, n: int, rng: random.Random) -> list[int]:
    """About ``n`` public story ids spread over the archive, in random order; none of
    them among the ``story`` kind's (``id % 97 = 0``)."""
    stories = conn.execute(
        "SELECT greatest(reltuples, 1) FROM pg_class WHERE relname = 'archive_article'"
    ).fetchone()[0]
    step = max(1, int(stories // (n * 1.25)))
    ids = [
        row[0]
        for row in conn.execute(
            "SELECT id FROM archive_article WHERE status = 'published' "
            "AND published_at <= now() AND id %% %s = 0 AND id %% 97 <> 0 LIMIT %s",
            (step, n),
        )
    ]
    rng.shuffle(ids)
    return ids


def corpus_sample(conn: psycopg.Connection, n: int = 3000) -> tuple[list[str], list[str]]:
    """The search documents of about ``n`` public stories spread over the archive, and
    the counties those stories are filed under."""
    stories = conn.execute(
        "SELECT greatest(reltuples, 1) FROM pg_class WHERE relname = 'archive_article'"
    ).fetchone()[0]
    step = max(1, int(stories // (n * 1.25)))
    rows = conn.execute(
        "SELECT a.id, d.document FROM archive_article a "
        "JOIN archive_searchdocument d ON d.article_id = a.id "
        "WHERE a.status = 'published' AND a.published_at <= now() AND a.id %% %s = 1 LIMIT %s",
        (step, n),
    ).fetchall()
    counties = [
        r[0]
        for r in conn.execute(
            "SELECT DISTINCT r.slug FROM archive_articleregion ar "
            "JOIN archive_region r ON r.id = ar.region_id "
            "WHERE r.level = 'county' AND ar.article_id = ANY(%s) ORDER BY r.slug",
            ([row[0] for row in rows],),
        )
    ] or [r[0] for r in conn.execute("SELECT slug FROM archive_region WHERE level = 'county'")]
    return [row[1] for row in rows], counties


SEARCH_CLASSES = (
    "rare character",
    "common character",
    "common word",
    "name",
    "phrase",
    "two words",
    "no match",
)


def search_queries(
    documents: list[str], names: list[str], counties: list[str], rng: random.Random, n: int
) -> list[tuple[str, str]]:
    """``n`` distinct search URLs as (class, URL), drawn from ``documents``' text, in
    random order: about as many of each class, half within a county, a quarter by
    relevance. A rare character is one in the quarter of the corpus's characters found
    in the fewest documents; a common one among the 100 found in the most; a common word
    among the 300 commonest two-character runs; a name a contributor's of three
    characters; a phrase four to six characters of a story's text; two words, two or
    three characters each from two places in one story, separated by a space; no match,
    two to four characters no sampled story has."""
    runs = [re.findall(r"[\u4e00-\u9fff]{2,}", document) for document in documents]
    char_df: Counter = Counter()
    word_df: Counter = Counter()
    for story in runs:
        char_df.update(set("".join(story)))
        word_df.update({run[i : i + 2] for run in story for i in range(len(run) - 1)})
    by_df = sorted(char_df, key=lambda c: (char_df[c], c))
    rare = by_df[: max(20, len(by_df) // 4)]
    common = [c for c, _ in char_df.most_common(100)]
    words = [w for w, _ in word_df.most_common(300)]
    unused = [chr(c) for c in range(0x4E00, 0x9FA6) if chr(c) not in char_df]
    long_runs = [run for story in runs for run in story if len(run) >= 6]
    names = [name for name in names if re.fullmatch(r"[\u4e00-\u9fff]{3}", name)]
    stories = [story for story in runs if len(story) >= 2]

    def piece(run: str, size: int) -> str:
        start = rng.randrange(len(run) - size + 1)
        return run[start : start + size]

    def two_words() -> str:
        first, second = rng.sample(rng.choice(stories), 2)
        return f"{piece(first, rng.randint(2, min(3, len(first))))} {piece(second, 2)}"

    draw = {
        "rare character": lambda: rng.choice(rare),
        "common character": lambda: rng.choice(common),
        "common word": lambda: rng.choice(words),
        "name": lambda: rng.choice(names),
        "phrase": lambda: piece(rng.choice(long_runs), rng.randint(4, 6)),
        "two words": two_words,
        "no match": lambda: "".join(rng.sample(unused, rng.randint(2, 4))),
    }
    seen: set[str] = set()
    queries = []
    for i in range(n):
        kind = SEARCH_CLASSES[i % len(SEARCH_CLASSES)]
        # Every other query of a class within a county; a single character has only so
        # many distinct URLs without one, so past 50 draws it takes a county too.
        within = (i // len(SEARCH_CLASSES)) % 2 == 1
        for attempt in range(100):  # a URL already drawn: draw again
            params = {"q": draw[kind]()}
            if within or attempt >= 50:
                params["region"] = rng.choice(counties)
            if rng.random() < 0.25:
                params["order"] = "relevance"
            url = "/stories/?" + urllib.parse.urlencode(params)
            if url not in seen and params["q"] not in SEARCH_TERMS:  # the search kind's
                seen.add(url)
                queries.append((kind, url))
                break
    rng.shuffle(queries)
    return queries


def longtail_paths(database_url: str, rng: random.Random) -> dict:
    """The long tail's URLs: story ids (for the story pages, the warm-up and the floor),
    search URLs by class, counties for the list pages."""
    with connect(database_url) as conn:
        ids = public_ids(conn, LONGTAIL_STORIES + 3000, rng)
        documents, counties = corpus_sample(conn)
        names = [
            r[0]
            for r in conn.execute(
                "SELECT name FROM archive_contributor WHERE char_length(name) = 3 "
                "ORDER BY id LIMIT 5000"
            )
        ]
    warm = 1000
    searches = search_queries(documents, names, counties, rng, LONGTAIL_SEARCHES + warm)
    return {
        # The warm-ups are stories the long tail never asks for. The floor's server is
        # another (page cache off) and asks its story pages one after another, then at
        # the long tail's connections those the first run left: all but the warm-up's,
        # so neither runs out (2,000 ran out in a run at 300 pages a second).
        "story_warm": [f"/stories/{i}/" for i in ids[:warm]],
        "story_floor": [f"/stories/{i}/" for i in ids[warm:]],
        "story": [f"/stories/{i}/" for i in ids[3000:]],
        "search_warm": [url for _, url in searches[:warm]],
        "search": searches[warm:],
        "counties": counties,
        "corpus_sample": len(documents),
    }


def longtail(kind: str, paths: dict, duration: int, connections: int, workdir: str) -> dict:
    """Distinct story pages or searches at ``connections``, each asked once, after a
    5 s warm-up on other URLs of the same kind."""
    name = kind.removeprefix("longtail-")
    run_walk(paths[f"{name}_warm"], 5, connections, workdir)
    urls = paths[name] if name == "story" else [url for _, url in paths[name]]
    summary, records = run_walk(urls, duration, connections, workdir)
    if name == "search":
        classes: dict[str, list] = {c: [] for c in SEARCH_CLASSES}
        for record in records:
            classes[paths[name][record[0]][0]].append(record)
        summary["classes"] = {c: summarize(rows, summary["seconds"]) for c, rows in classes.items()}
        for c, rows in classes.items():
            asked = [paths[name][r[0]][1] for r in rows]
            summary["classes"][c]["within_a_county"] = sum("&region=" in u for u in asked)
        summary["queries"] = {
            "distinct": len(urls),
            "within_a_county": sum("&region=" in url for url in urls),
            "by_relevance": sum("order=relevance" in url for url in urls),
            "corpus_sample_stories": paths["corpus_sample"],
            "examples": {
                c: [urllib.parse.unquote_plus(url) for k, url in paths[name] if k == c][:3]
                for c in SEARCH_CLASSES
            },
        }
    # Pages made: a 503 (every remake slot busy) is an answer, not the page.
    summary["target_ok_per_s"] = LONGTAIL_TARGETS[kind]
    summary["target_met"] = (summary["ok_per_s"] or 0) >= LONGTAIL_TARGETS[kind]
    return summary


def floor_paths(paths: dict, rng: random.Random) -> dict[str, tuple[str, list[str]]]:
    """Per kind: its group (floor, story or list) and the URLs it asks for one after
    another. With the page cache off a list URL is made afresh however often it is asked."""
    counties = paths["counties"]
    many = 50000

    def cycle(urls: list[str]) -> list[str]:
        return [urls[i % len(urls)] for i in range(many)]

    some = rng.sample(counties, min(50, len(counties)))
    return {
        "healthz": ("floor", ["/healthz"] * many),
        "story": ("story", paths["story_floor"]),
        "home": ("list", ["/"] * many),
        "stories": ("list", ["/stories/"] * many),
        "county": ("list", cycle([f"/regions/{slug}/" for slug in some])),
        "feed": ("list", ["/feeds/stories/"] * many),
        "county feed": ("list", cycle([f"/regions/{slug}/feed/" for slug in some])),
        "api stories": ("list", ["/api/stories/"] * many),
    }


def floor(paths: dict, duration: int, workdir: str, rounds: int = 2) -> dict:
    """One connection, one request after another, the page cache off: each kind's
    median against /healthz's. The kinds take turns (``rounds`` of ``duration`` /
    (2 × rounds) s each, at least 2 s), so a machine busy for a while weighs on all."""
    kinds = floor_paths(paths, random.Random(3))
    seconds = max(2, duration // (2 * rounds))
    done = dict.fromkeys(kinds, 0)
    records: dict[str, list] = {kind: [] for kind in kinds}
    spent: dict[str, float] = dict.fromkeys(kinds, 0.0)
    for kind, (_, urls) in kinds.items():  # warm-up: counts, fragments, connections
        run_walk(urls[-20:] if kind == "story" else urls[:20], 1, 1, workdir)
    for _ in range(rounds):
        for kind, (_, urls) in kinds.items():
            summary, rows = run_walk(urls[done[kind] :], seconds, 1, workdir)
            done[kind] += len(rows)
            records[kind] += rows
            spent[kind] += summary["seconds"]
    results = {kind: summarize(rows, spent[kind]) for kind, rows in records.items()}
    # Medians of the 200s (none but 200s expected: no remake slots with the cache off).
    base = results["healthz"]["ok_latency_ms"]["p50"]
    for kind, (group, _) in kinds.items():
        median = results[kind]["ok_latency_ms"]["p50"]
        results[kind]["group"] = group
        results[kind]["times_floor"] = round(median / base, 2) if median and base else None
        if group in FLOOR_TARGETS:
            results[kind]["target_times_floor"] = FLOOR_TARGETS[group]
            results[kind]["target_met"] = (
                results[kind]["times_floor"] is not None
                and results[kind]["times_floor"] <= FLOOR_TARGETS[group]
            )
    results["story"]["distinct_urls_asked"] = done["story"]
    return results


def floor_load(paths: dict, seconds: int, connections: int, workdir: str, skip: int) -> dict:
    """The same kinds at ``connections``, the page cache off: each kind's pages per second
    against /healthz's, the cost of a page made afresh as a multiple of the server's
    cheapest answer when every core is busy (story pages after the ``skip`` the
    one-connection run asked)."""
    kinds = floor_paths(paths, random.Random(4))
    results = {}
    for kind, (group, urls) in kinds.items():
        run_walk(urls[-200:], 2, connections, workdir)  # warm-up
        asked = urls[skip:] if kind == "story" else urls
        summary, _ = run_walk(asked, seconds, connections, workdir)
        results[kind] = {
            "group": group,
            "ok_per_s": summary["ok_per_s"],
            "non_200": summary["non_200"],
            "p50_ms": summary["latency_ms"]["p50"],
        }
    base = results["healthz"]["ok_per_s"]
    for r in results.values():
        r["times_floor"] = round(base / r["ok_per_s"], 2) if r["ok_per_s"] else None
        if r["group"] in FLOOR_TARGETS:
            r["target_met"] = r["times_floor"] is not None and (
                r["times_floor"] <= FLOOR_TARGETS[r["group"]]
            )
    return results


def print_longtail(results: dict) -> None:
    def mark(met: bool) -> str:
        return "met" if met else "NOT met"

    def row(name: str, r: dict) -> str:
        line, ok = r["latency_ms"], r["ok_latency_ms"]
        return (
            f"{name:24}{r['responses_per_s']!s:>8}{r['ok_per_s']!s:>8}{line['p50']!s:>8}"
            f"{line['p95']!s:>8}{line['p99']!s:>8}{ok['p50']!s:>8}{ok['p99']!s:>8}"
            f"{r['responses']:>8}{r['non_200']:>8}"
        )

    rows = []
    for kind in ("longtail-story", "longtail-search"):
        if kind in results:
            r = results[kind]
            target = f">= {r['target_ok_per_s']} pages/s: {mark(r['target_met'])}"
            rows.append(f"{row(kind, r)}   target {target}")
            rows += [row(f"  {name}", c) for name, c in r.get("classes", {}).items()]
    if rows:
        print("\nlong tail: every URL asked once (ms; 'all': every response, '200': pages made)")
        print(
            f"{'':24}{'resp/s':>8}{'200/s':>8}{'p50':>8}{'p95':>8}{'p99':>8}"
            f"{'200 p50':>8}{'200 p99':>8}{'asked':>8}{'non-200':>8}"
        )
        print("\n".join(rows))
    if "floor" in results:
        print("\nuncached (page cache off), one connection, one request after another")
        print(f"{'':24}{'p50 ms':>9}{'p95 ms':>9}{'x floor':>9}{'asked':>8}{'non-200':>8}")
        for kind, r in results["floor"].items():
            target = (
                f"   target <= {r['target_times_floor']}x: {mark(r['target_met'])}"
                if "target_met" in r
                else ""
            )
            line = r["ok_latency_ms"]
            print(
                f"{kind:24}{line['p50']!s:>9}{line['p95']!s:>9}{r['times_floor']!s:>9}"
                f"{r['responses']:>8}{r['non_200']:>8}{target}"
            )
    if "floor_load" in results:
        print("\nuncached (page cache off) at the long tail's connections: pages per second")
        print(f"{'':24}{'pages/s':>9}{'p50 ms':>9}{'x floor':>9}{'non-200':>8}")
        for kind, r in results["floor_load"].items():
            target = (
                f"   target <= {FLOOR_TARGETS[r['group']]}x: {mark(r['target_met'])}"
                if "target_met" in r
                else ""
            )
            print(
                f"{kind:24}{r['ok_per_s']!s:>9}{r['p50_ms']!s:>9}{r['times_floor']!s:>9}"
                f"{r['non_200']:>8}{target}"
            )


def start_server(options, env: dict, workdir: str, name: str) -> subprocess.Popen:
    """gunicorn with ``config/gunicorn.py`` on ``PORT``, answering /healthz."""
    # The server's own output (the warnings it logs while the database is down) goes
    # to a file, not between the figures.
    server_log = Path(workdir) / f"{name}.log"
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "config/gunicorn.py", "config.wsgi",
         "--bind", f"127.0.0.1:{PORT}", "--workers", str(options.workers),
         "--access-logfile", options.access_log, "--error-logfile", str(server_log)],
        cwd=ROOT, env=env, start_new_session=True,
        stdout=server_log.open("a"), stderr=subprocess.STDOUT,
    )  # fmt: skip
    print(f"server log: {server_log}", flush=True)
    try:
        wait_for(BASE + "/healthz")
    except BaseException:
        stop_server(server)
        raise
    return server


def stop_server(server: subprocess.Popen) -> None:
    """SIGTERM, and SIGKILL past gunicorn's graceful timeout (30 s: a busy server's
    workers finish the requests they hold first)."""
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=40)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=10)


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
        "--kinds",
        default="home,story,region,list,search",
        help="empty: the fault run only; also " + ", ".join(LONGTAIL_KINDS),
    )
    parser.add_argument(
        "--long-tail",
        action="store_true",
        help="the long tail alone: --kinds " + ",".join(LONGTAIL_KINDS) + " --no-fault",
    )
    parser.add_argument(
        "--access-log", default="/dev/null", help="gunicorn's access log (default: none)"
    )
    parser.add_argument("--no-fault", action="store_true")
    parser.add_argument("--attack", action="store_true", help="run the cache-busting attacker")
    parser.add_argument(
        "--json",
        dest="json_path",
        default=None,
        help="default: bench/results-longtail.json with --long-tail, else bench/results-load.json",
    )
    options = parser.parse_args()
    if options.long_tail:
        options.kinds, options.no_fault = ",".join(LONGTAIL_KINDS), True
    if options.json_path is None:
        options.json_path = (
            "bench/results-longtail.json" if options.long_tail else "bench/results-load.json"
        )
    kinds = [kind for kind in options.kinds.split(",") if kind]
    pages = [kind for kind in kinds if kind not in LONGTAIL_KINDS]
    tail = [kind for kind in kinds if kind in LONGTAIL_KINDS]
    served = pages or options.attack or not options.no_fault or set(tail) - {"floor"}

    paths = sample_paths(options.database_url, random.Random(1))
    long_paths = longtail_paths(options.database_url, random.Random(24)) if tail else {}
    workdir = tempfile.mkdtemp(prefix="xianzhi-load-")
    env = server_env(options.database_url, str(Path(workdir) / "static"), options.redis_url)
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
                   cwd=ROOT, env=env, check=True)  # fmt: skip
    results: dict = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "database": options.database_url.rsplit("/", 1)[-1],
        "duration_s": options.duration,
        "connections": options.connections,
        "workers": options.workers,
        "gunicorn": "config/gunicorn.py",
        "shared_cache": bool(options.redis_url),
        "load_average": {"start": os.getloadavg()},
        "pages": {},
    }
    if served:
        server = start_server(options, env, workdir, "gunicorn")
        try:
            for kind in pages:
                run_wrk(paths[kind], 5, options.connections, workdir)  # warm up
                results["pages"][kind] = run_wrk(
                    paths[kind], options.duration, options.connections, workdir
                )
                print(kind, json.dumps(results["pages"][kind], ensure_ascii=False), flush=True)
            for kind in tail:
                if kind != "floor":
                    results[kind] = longtail(
                        kind, long_paths, options.duration, options.connections, workdir
                    )
                    print(kind, json.dumps(results[kind], ensure_ascii=False), flush=True)
            if options.attack:
                results["attack"] = attack(
                    options.database_url, options.duration, options.connections, workdir
                )
                print("attack", json.dumps(results["attack"], ensure_ascii=False), flush=True)
            if not options.no_fault:
                mix = [p for k in ("story", "region", "list", "search") for p in paths[k][:500]]
                results["fault"] = fault(mix, options.duration, options.connections, workdir)
                print("fault", json.dumps(results["fault"], ensure_ascii=False), flush=True)
            results["gunicorn_pid_unchanged"] = server.poll() is None
        finally:
            stop_server(server)
    if "floor" in tail:
        # The same server with the page cache off: every page made afresh, a list URL
        # however often it is asked (counts and fragments cached as they are in production).
        server = start_server(
            options,
            # One client asking for the API's list hundreds of times: not throttled
            # (120/min by address in production), so it times the list, not 429s.
            env | {"ARCHIVE_PAGE_CACHE_SECONDS": "0", "API_ANON_RATE": "1000000/min"},
            workdir,
            "gunicorn-uncached",
        )
        try:
            results["floor"] = floor(long_paths, options.duration, workdir)
            results["floor_load"] = floor_load(
                long_paths,
                max(5, options.duration // 4),
                options.connections,
                workdir,
                skip=results["floor"]["story"]["distinct_urls_asked"],
            )
        finally:
            stop_server(server)
    results["load_average"]["end"] = os.getloadavg()
    print_longtail(results)
    Path(options.json_path).write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n")
    print(f"wrote {options.json_path}")


if __name__ == "__main__":
    main()
