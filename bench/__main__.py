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
# The admin's story search by a contributor's name and its contributor filter (issue 22):
# their matches grow with the archive by design, so no ratio; a median under this at the
# largest size instead.
BY_CONTRIBUTOR_MS = 200.0
# The print edition (issue 23): its pages' medians at the largest size within 1.3× of the
# smallest's. Issue 24: a page of a busy day within 1.5× of its like on a day of five
# stories at the same size (bench.editions). The busy page's viewer is held to that only:
# the generator's days fill up with the archive, so across sizes it compares 9 areas on
# a day of 16 pages with 2 on a day of 4 (its like, "edition page viewer", compares the
# same shape across sizes).
EDITION_RATIO, DAY_RATIO = 1.3, 1.5
SAME_SIZE_PAIRS = {
    "edition day busiest": "edition day small",
    "edition page viewer busiest": "edition page viewer",
}
NOT_ACROSS_SIZES = {"edition page viewer busiest"}
MODES = ("cache", "nocache")
# With --cold, also every cache off (counts and the edition's days made afresh on each
# request): the work a page does once per public change. Reported, not targeted.
COLD = "cold"
# Search at the largest size: p95 per query and order, single user (issue 24: under 100 ms
# for every query class, newest first and by relevance, in a county too; issue 4 asked
# 150 and 300), speed-up over icontains (issue 4), search tables per story (issue 24).
NEWEST_P95, RELEVANCE_P95, SPEEDUP_TARGET = 100.0, 100.0, 20.0
SEARCH_KB_PER_STORY = 4.0
# Seconds per million stories: generating them (issue 3), rebuilding their search (issue 4);
# checked where a run generated or reindexed at least a million.
GENERATE_S, REINDEX_S = 600.0, 1200.0


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
    """The environment for this size's database, created, migrated and filled (with
    ``--as-is``, only found: measured as it stands), with the page image the print
    edition's pages show (``bench.editions``, idempotent)."""
    name = f"xianzhi_bench_{size}"
    env = os.environ | {
        "DATABASE_URL": database_url(options.database_url, name),
        "DJANGO_SETTINGS_MODULE": "bench.settings",
    }
    if options.as_is:
        run(["-m", "bench.editions"], env)
        return env, {"generate_s": 0.0, "generated": 0}
    ensure_database(options.database_url, name)
    run(["manage.py", "migrate", "--noinput", "-v0"], env)
    with psycopg.connect(env["DATABASE_URL"].replace("postgres://", "postgresql://", 1)) as conn:
        query = "SELECT count(*) FROM archive_article WHERE origin = 'synthetic'"
        existing = conn.execute(query).fetchone()[0]
    start = time.perf_counter()
    run(
        ["manage.py", "generate_archive", "--articles", str(size), "--seed", str(options.seed)], env
    )
    generated = {"generate_s": round(time.perf_counter() - start, 1), "generated": size - existing}
    if options.reindex:
        start = time.perf_counter()
        run(["manage.py", "rebuild_search_index"], env)
        generated["reindex_s"] = round(time.perf_counter() - start, 1)
    run(["-m", "bench.editions"], env)  # the print edition's page image, where missing
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
    modes = (*MODES, COLD) if options.cold else MODES
    samples = {(size, mode): [] for size in sizes for mode in modes}
    for _ in range(options.rounds if "pages" in options.parts else 0):
        for size in sizes:
            for mode in modes:
                args = ["-m", "bench.measure", str(options.reps), str(options.warmup), mode]
                args += [options.pages] if options.pages else []
                samples[size, mode].append(
                    json.loads(run(args, prepared[size][0], capture=True).stdout)
                )
    results = {
        size: prepared[size][1]
        | ({mode: merge(samples[size, mode]) for mode in modes} if samples[size, MODES[0]] else {})
        for size in sizes
    }
    if "search" in options.parts:
        for size in sizes:
            args = ["-m", "bench.search", str(options.search_reps), "2", str(options.slow_reps)]
            results[size]["search"] = json.loads(run(args, prepared[size][0], capture=True).stdout)
    return results


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


def search_report(sizes: list[int], results: dict[int, dict]) -> tuple[list[str], list[str]]:
    """Targets (issue 4): recall 100% and no false match at every size; at the largest,
    p95 per query under 150 ms newest first and 300 ms by relevance (alone and with a
    county), and the search's first page ≥ 20× faster than icontains over all queries."""
    lines, failures = [], []
    variants = ("all newest", "county newest", "all relevance", "county relevance")
    for size in sizes:
        found = results[size]["search"]
        head = (
            f"{'query':14}{'in sample':>10}{'recall':>8}{'false':>6}"
            + "".join(f"{'p95 ' + v:>22}" for v in variants)
            + f"{'q':>4}{'icontains':>11}{'search':>8}{'×':>7}"
        )
        lines += ["", f"== search, {size} stories (county: {found['county']}) ==", head]
        lines.append("-" * len(head))
        plain_total = search_total = 0.0
        for entry in found["queries"]:
            recall, pages = entry["recall"], entry["pages"]
            orm = [entry["orm all"], entry["orm county"]]
            plain = sum(o["icontains_median_ms"] for o in orm)
            searched = sum(o["search_median_ms"] for o in orm)
            plain_total, search_total = plain_total + plain, search_total + searched
            lines.append(
                f"{entry['query']:14}{recall['truth']:>10}{recall['recall']:>8.0%}"
                f"{recall['false']:>6}"
                + "".join(f"{pages[v]['p95_ms']:>22.1f}" for v in variants)
                + f"{max(p['queries'] for p in pages.values()):>4}"
                + f"{plain:>11.1f}{searched:>8.1f}{plain / searched:>7.1f}"
            )
            if recall["missed"] or recall["false"]:
                failures.append(f"search {size} {entry['query']}: recall {recall}")
            if size == sizes[-1]:
                for variant in variants:
                    limit = NEWEST_P95 if "newest" in variant else RELEVANCE_P95
                    if pages[variant]["p95_ms"] > limit:
                        failures.append(
                            f"search {entry['query']} {variant}: p95 "
                            f"{pages[variant]['p95_ms']:.1f} ms > {limit} ms"
                        )
        speedup = plain_total / search_total
        lines.append(
            f"icontains {plain_total:.0f} ms, search {search_total:.0f} ms in all "
            f"(first page, medians summed): {speedup:.1f}× faster"
        )
        found["speedup"] = round(speedup, 1)
        if size == sizes[-1] and speedup < SPEEDUP_TARGET:
            failures.append(f"search speed-up {speedup:.1f}× < {SPEEDUP_TARGET}×")
        sizes_mib = found["sizes"]
        lines.append(
            "search tables {search_table_total_mib} MiB in all, "
            "{search_kb_per_story} KB a story (document heap {document_table_heap_mib}, "
            "GIN {search_vector_gin_mib} + title GIN {search_title_gin_mib}); "
            "stories table {articles_total_mib} MiB".format(**sizes_mib)
        )
        if size >= 1_000_000 and sizes_mib["search_kb_per_story"] > SEARCH_KB_PER_STORY:
            failures.append(
                f"search tables {sizes_mib['search_kb_per_story']} KB a story "
                f"> {SEARCH_KB_PER_STORY} KB"
            )
        if "reindex_s" in results[size]:
            lines.append(f"rebuild_search_index: {results[size]['reindex_s']} s")
            limit = REINDEX_S * size / 1e6
            if size >= 1_000_000 and results[size]["reindex_s"] > limit:
                failures.append(f"reindex of {size}: {results[size]['reindex_s']} s > {limit} s")
    return lines, failures


def day_report(sizes: list[int], results: dict[int, dict]) -> tuple[list[str], list[str]]:
    """Issue 24: at each size, a busy day's pages against their like on a day of five
    stories (``SAME_SIZE_PAIRS``), medians in the same run; checked at the largest size."""
    lines, failures = [], []
    for mode in (*MODES, COLD):
        for size in sizes:
            pages = results[size].get(mode, {}).get("pages", {})
            for busy_name, small_name in SAME_SIZE_PAIRS.items():
                if busy_name not in pages or small_name not in pages:
                    continue
                busy, small = pages[busy_name]["median_ms"], pages[small_name]["median_ms"]
                lines.append(
                    f"{size:>9} {mode:8} {busy_name:28} {busy:7.2f} ms / {small_name:20}"
                    f" {small:7.2f} ms = {busy / small:.2f}"
                )
                if size == sizes[-1] and busy / small > DAY_RATIO and mode != COLD:
                    failures.append(
                        f"{busy_name} / {small_name} ({mode}): {busy / small:.2f} > {DAY_RATIO}"
                    )
    if not lines:
        return [], failures
    about = results[sizes[-1]][MODES[0]]["about"]
    days = ", ".join(f"{k[len('edition_') :]}: {v}" for k, v in about.items() if "edition" in k)
    head = ["", "== the print edition: busy against small at the same size (issue 24) =="]
    return [*head, f"at {sizes[-1]}: {days}", *lines], failures


def report(sizes: list[int], results: dict[int, dict]) -> tuple[str, list[str]]:
    """Targets: medians flat in both modes (pages by contributor: under 200 ms at the
    largest size instead); public pages near the floor as served (cached); query counts
    (of the uncached work) equal across sizes and small."""
    lines, failures = [], []
    if "search" in results[sizes[0]]:
        lines, failures = search_report(sizes, results)
    titles = {
        "cache": "as served (page cache on)",
        "nocache": "page cache off",
        COLD: "made afresh (every cache off; not targeted)",
    }
    for mode, title in titles.items():
        if mode not in results[sizes[0]]:
            continue
        rows, derived = table(sizes, results, mode)
        lines += ["", f"== {title} ==", *rows]
        for name, (ratio, over_floor, kind) in derived.items():
            if name == "floor" or mode == COLD:
                continue
            largest = results[sizes[-1]][mode]["pages"][name]["median_ms"]
            if kind == "admin by contributor":
                if largest > BY_CONTRIBUTOR_MS:
                    failures.append(
                        f"{name} ({mode}): median {largest:.1f} ms > {BY_CONTRIBUTOR_MS} ms"
                    )
            elif name in NOT_ACROSS_SIZES:
                pass  # held to its like at the same size instead (day_report)
            elif ratio > (limit := EDITION_RATIO if name.startswith("edition") else RATIO_TARGET):
                failures.append(f"{name} ({mode}): median ratio {ratio:.2f} > {limit}")
            if mode == "cache" and kind == "public" and over_floor > FLOOR_TARGET:
                failures.append(f"{name}: {over_floor:.1f}× the floor > {FLOOR_TARGET}")
            if mode == "nocache":
                queries = {results[s][mode]["pages"][name]["queries"] for s in sizes}
                if len(queries) > 1 or max(queries) > QUERY_TARGET:
                    failures.append(f"{name}: queries {sorted(queries)}")
    day_lines, day_failures = day_report(sizes, results)
    lines, failures = lines + day_lines, failures + day_failures
    for s in sizes:
        made = results[s]["generated"]
        lines.append(
            f"generate_archive --articles {s}: {results[s]['generate_s']} s"
            + (f" ({made} stories generated)" if made else " (database reused)")
        )
        limit = GENERATE_S * made / 1e6
        if made >= 1_000_000 and results[s]["generate_s"] > limit:
            failures.append(f"generating {made}: {results[s]['generate_s']} s > {limit} s")
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
        "--parts", default="pages,search", help="what to measure: pages, search or both"
    )
    parser.add_argument(
        "--pages",
        default="",
        help="measure only the pages whose names contain one of these (comma-separated; "
        "the floor always): --pages 'admin search,admin filter'",
    )
    parser.add_argument(
        "--as-is",
        action="store_true",
        help="measure the existing databases as they stand: no migrate, no generate "
        "(databases others are using, or code with a migration not yet committed); the "
        "print edition's page image is still filed where missing (bench.editions)",
    )
    parser.add_argument(
        "--cold",
        action="store_true",
        help="also measure with every cache off (counts, the edition's days): reported, "
        "not targeted; best with --pages",
    )
    parser.add_argument("--search-reps", type=int, default=10, help="timed requests per query")
    parser.add_argument("--slow-reps", type=int, default=2, help="timed icontains runs per query")
    parser.add_argument(
        "--reindex", action="store_true", help="time a full rebuild_search_index per size"
    )
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL")
        or os.environ.get("DATABASE_URL")
        or DEFAULT_URL,
        help="a PostgreSQL server to create the benchmark databases on",
    )
    options = parser.parse_args()
    options.parts = set(options.parts.split(","))
    sizes = sorted(int(s) for s in options.sizes.split(","))
    # Other work on the machine moves every figure: the 1, 5 and 15 minute load averages.
    load = {"start": os.getloadavg()}
    results = measure(sizes, options)
    load["end"] = os.getloadavg()
    table, failures = report(sizes, results)
    print(table)
    print(f"load average at start {load['start']}, at end {load['end']}")
    print("\n".join(["", "targets met"] if not failures else ["", "TARGETS MISSED:", *failures]))
    Path(options.json_path).write_text(
        json.dumps(
            {
                "machine": {
                    "platform": platform.platform(),
                    "cpus": os.cpu_count(),
                    "load_average": {k: [round(v, 2) for v in a] for k, a in load.items()},
                },
                "date": datetime.now(UTC).isoformat(timespec="seconds"),
                "command": " ".join(sys.argv),
                "sizes": {str(s): results[s] for s in sizes},
                "targets": {
                    "ratio": RATIO_TARGET,
                    "by_contributor_median_ms": BY_CONTRIBUTOR_MS,
                    "edition_ratio": EDITION_RATIO,
                    "edition_day_ratio": DAY_RATIO,
                    "x_floor": FLOOR_TARGET,
                    "queries": QUERY_TARGET,
                    "search_newest_p95_ms": NEWEST_P95,
                    "search_relevance_p95_ms": RELEVANCE_P95,
                    "search_speedup": SPEEDUP_TARGET,
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
