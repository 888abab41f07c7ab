"""How the page parser's time grows with the page: 1,000 to 10,000 lines.

    python -m bench.importer

The page is the sample page repeated (two stories per 128 lines, each copy with its
columns out of order as printed), parsed against Zhejiang's divisions, as
``import_page --dry-run`` does on a database without the regions table. Figures in
bench/README.md ("The importer on long pages").
"""

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from archive.gazetteer import zhejiang_2024  # noqa: E402
from archive.ingest import parser, places, source  # noqa: E402

SAMPLE = ROOT / "archive" / "demo" / "page.txt"
SIZES = (1_000, 2_000, 5_000, 10_000)


def page_of(lines: int) -> str:
    sample = SAMPLE.read_text(encoding="utf-8").splitlines()
    out: list[str] = []
    while len(out) < lines:
        out += sample
    return "\n".join(out[:lines])


def main() -> None:
    gazetteer = places.Gazetteer.load([row[:3] for row in zhejiang_2024.REGIONS])
    parser.parse(source.check(page_of(200)), gazetteer)  # loads jieba's dictionary
    print(f"{'lines':>7} {'KB':>6} {'stories':>8} {'median s':>9} {'ms/line':>8}")
    for size in SIZES:
        text = source.check(page_of(size))
        times = []
        for _ in range(3):
            start = time.perf_counter()
            page = parser.parse(text, gazetteer)
            times.append(time.perf_counter() - start)
        median = statistics.median(times)
        print(
            f"{size:>7} {len(text.encode()) // 1024:>6} {len(page.stories):>8}"
            f" {median:>9.2f} {1000 * median / size:>8.3f}"
        )


if __name__ == "__main__":
    main()
