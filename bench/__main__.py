"""python -m bench --sizes 10000,1000000 --json out.json

For each size: create (or reuse) the PostgreSQL database ``xianzhi_bench_<size>``,
fill it with ``generate_archive``, then measure every page in a fresh process.
Prints a table with medians, p95s, query counts and the ratio of the largest
size's median to the smallest's, checks the targets and writes the JSON.
"""

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg

from bench.measure import percentile

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/postgres"
RATIO_TARGET, FLOOR_TARGET, QUERY_TARGET = 1.5, 10.0, 10
MODES = ("cache", "nocache")


def database_url(base: str, name: str) -> str:
    parts = urlsplit(base)
    return urlunsplit(parts._replace(path=f"/{name}"))


def ensure_database(base: str, name: str) -> None:
    with psycopg.connect(base.replace("postgres://", "postgresql://", 1), autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def run(args, env, capture=False):
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, check=True, text=True,
        stdout=subprocess.PIPE if capture else None,
    )  # fmt: skip


def prepare(size: int, options) -> tuple[dict, dict]:
    """The environment for this size's database, created, migrated and filled."""
    name = f"xianzhi_bench_{size}"
    ensure_database(options.database_url, name)
    env = os.environ | {
        "DATABASE_URL": database_url(options.database_url, name),
        "DJANGO_SETTINGS_MODULE": "bench.settings",
    }
    run(["manage.py", "migrate", "--noinput", "-v0"], env)
    with psycopg.connect(env["DATABASE_URL"].replace("postgres://", "postgresql://", 1)) as conn:
        query = "SELECT count(*) FROM archive_article WHERE origin = 'synthetic'"
        existing = conn.execute(query).fetchone()[0]
    start = time.perf_counter()
    run(
        ["manage.py", "generate_archive", "--articles", str(size), "--seed", str(options.seed)], env
    )
    generated = {"generate_s": round(time.perf_counter() - start, 1), "generated": size - existing}
    return env, generated


def merge(rounds: list[dict]) -> dict:
    """One result from several rounds: every sample counts towards the median and p95."""
    merged = rounds[-1]
    for name, page in merged["pages"].items():
        samples = [s for r in rounds for s in r["pages"][name].pop("samples_ms")]
        page.update(
            median_ms=statistics.median(samples),
            p95_ms=percentile(samples, 95),
            samples=len(samples),
        )
    return merged


def measure(sizes: list[int], options) -> dict[int, dict]:
    """Rounds that alternate sizes, so a slow spell of the machine hits every size alike."""
    prepared = {size: prepare(size, options) for size in sizes}
    samples = {(size, mode): [] for size in sizes for mode in MODES}
    for _ in range(options.rounds):
        for size in sizes:
            for mode in MODES:
                args = ["-m", "bench.measure", str(options.reps), str(options.warmup), mode]
                samples[size, mode].append(
                    json.loads(run(args, prepared[size][0], capture=True).stdout)
                )
    return {
        size: prepared[size][1] | {mode: merge(samples[size, mode]) for mode in MODES}
        for size in sizes
    }


def table(sizes: list[int], results: dict[int, dict], mode: str) -> tuple[list[str], dict]:
    """Rows for one mode, and per page: ratio of medians (largest/smallest) and × floor."""
    small, large = results[sizes[0]][mode], results[sizes[-1]][mode]
    floor = large["pages"]["floor"]["median_ms"]
    head = (
        f"{'page':30}"
        + "".join(f"{'med ' + str(s):>12}{'p95 ' + str(s):>12}{'q':>4}" for s in sizes)
        + f"{'ratio':>8}{'×floor':>8}"
    )
    lines, derived = [head, "-" * len(head)], {}
    for name, page in large["pages"].items():
        ratio = page["median_ms"] / small["pages"][name]["median_ms"]
        over_floor = page["median_ms"] / floor
        page["ratio"], page["x_floor"] = round(ratio, 2), round(over_floor, 2)
        derived[name] = (ratio, over_floor, page["kind"])
        row = f"{name:30}"
        for s in sizes:
            p = results[s][mode]["pages"][name]
            row += f"{p['median_ms']:12.2f}{p['p95_ms']:12.2f}{p['queries']:4}"
        lines.append(row + f"{ratio:8.2f}{over_floor:8.1f}")
    return lines, derived


def report(sizes: list[int], results: dict[int, dict]) -> tuple[str, list[str]]:
    """Targets: medians flat in both modes; public pages near the floor as served (cached);
    query counts (of the uncached work) equal across sizes and small."""
    lines, failures = [], []
    for mode, title in (("cache", "as served (page cache on)"), ("nocache", "page cache off")):
        rows, derived = table(sizes, results, mode)
        lines += ["", f"== {title} ==", *rows]
        for name, (ratio, over_floor, kind) in derived.items():
            if name == "floor":
                continue
            if ratio > RATIO_TARGET:
                failures.append(f"{name} ({mode}): median ratio {ratio:.2f} > {RATIO_TARGET}")
            if mode == "cache" and kind == "public" and over_floor > FLOOR_TARGET:
                failures.append(f"{name}: {over_floor:.1f}× the floor > {FLOOR_TARGET}")
            if mode == "nocache":
                queries = {results[s][mode]["pages"][name]["queries"] for s in sizes}
                if len(queries) > 1 or max(queries) > QUERY_TARGET:
                    failures.append(f"{name}: queries {sorted(queries)}")
    for s in sizes:
        made = results[s]["generated"]
        lines.append(
            f"generate_archive --articles {s}: {results[s]['generate_s']} s"
            + (f" ({made} stories generated)" if made else " (database reused)")
        )
    return "\n".join(lines), failures


def main():
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--sizes", default="10000,1000000")
    parser.add_argument("--json", dest="json_path", default="bench/results.json")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--reps", type=int, default=30, help="timed requests per page and round")
    parser.add_argument("--rounds", type=int, default=3, help="rounds, alternating the sizes")
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL")
        or os.environ.get("DATABASE_URL")
        or DEFAULT_URL,
        help="a PostgreSQL server to create the benchmark databases on",
    )
    options = parser.parse_args()
    sizes = sorted(int(s) for s in options.sizes.split(","))
    results = measure(sizes, options)
    table, failures = report(sizes, results)
    print(table)
    print("\n".join(["", "targets met"] if not failures else ["", "TARGETS MISSED:", *failures]))
    Path(options.json_path).write_text(
        json.dumps(
            {
                "machine": {"platform": platform.platform(), "cpus": os.cpu_count()},
                "date": datetime.now(UTC).isoformat(timespec="seconds"),
                "command": " ".join(sys.argv),
                "sizes": {str(s): results[s] for s in sizes},
                "targets": {
                    "ratio": RATIO_TARGET,
                    "x_floor": FLOOR_TARGET,
                    "queries": QUERY_TARGET,
                },
                "failures": failures,
            },
            ensure_ascii=False,
            indent=2,
        )
    )
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
