"""``import_page PAGE --dry-run --json`` on every test page and on the sample page gives
exactly the truth written with the page (fields, photos with credits, body in order)."""

import io
import json

import pytest
from django.core.management import call_command

from tests.sample_page import BANNER, PAGE, STORIES
from tests.test_ingest import NAMES, PAGES, truth, without_warnings

pytestmark = pytest.mark.django_db


def dry_run(path) -> dict:
    out = io.StringIO()
    call_command("import_page", str(path), "--dry-run", "--json", stdout=out, stderr=io.StringIO())
    data = json.loads(out.getvalue())
    return {
        "banner": data["banner"],
        "date": data["date"],
        "page": data["page"],
        "stories": [
            {
                "kicker": a["kicker"],
                "headline": a["headline"],
                "subtitle": a["subtitle"],
                "byline": a["byline"],
                "contributors": [[c["name"], c["role"]] for c in a["contributors"]],
                "photos": [
                    {
                        "caption": p["caption"],
                        "credits": [[c["name"], c["kind"], c["role"]] for c in p["credits"]],
                    }
                    for p in a["photos"]
                ],
                "body": [
                    b["text"] if b["type"] == "paragraph" else [b["type"], b["text"]]
                    for b in a["body"]
                ],
                "regions": [[r["code"], r["primary"]] for r in a["regions"]],
            }
            for a in data["articles"]
        ],
        "unplaced": data["unplaced"],
    }


@pytest.mark.parametrize("name", NAMES)
def test_dry_run_json_of_each_test_page_is_its_truth(name):
    assert dry_run(PAGES / f"{name}.txt") == without_warnings(truth(name))


def test_dry_run_json_of_the_sample_page_is_its_truth():
    data = dry_run(PAGE)
    assert data["banner"] == BANNER and data["unplaced"] == []
    assert [
        (s["kicker"], s["headline"], s["subtitle"], s["body"], s["photos"]) for s in data["stories"]
    ] == [
        (
            s["kicker"],
            s["headline"],
            s["subtitle"],
            [text if kind == "paragraph" else [kind, text] for kind, text in s["body"]],
            [
                {"caption": p["caption"], "credits": [list(c) for c in p["credits"]]}
                for p in s["photos"]
            ],
        )
        for s in STORIES
    ]
