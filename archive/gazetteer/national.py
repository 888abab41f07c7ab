"""Every division of China since 1980, with its names over time and its successors.

The data is the public-domain (CC0) ``areacodes`` compilation of the Ministry of Civil
Affairs' yearly code lists (1980–2025) and the approval documents of each change,
turned into the three files of ``china/`` by ``scripts/build_gazetteer.py``:
divisions (one per identity, with its slug), their names with the parent of each
period, and successor links. Migration 0017 loads it; a later gazetteer is data of its
own, so these files never change meaning.
"""

import csv
from pathlib import Path

DATA = Path(__file__).with_name("china")


def _rows(name: str) -> list[dict]:
    with open(DATA / name, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter="\t"))


def _year(text: str) -> int | None:
    return int(text) if text else None


def load(region_model, name_model, succession_model, *, batch: int = 2000) -> None:
    """Create or update every division with the given models (a migration's historical
    ones or the real ones). A division already here under its code and in use (the
    102 Zhejiang rows of migration 0002, and whatever stories hang on them) is updated
    in place and keeps its slug."""
    regions = _rows("regions.tsv")
    names = _rows("names.tsv")
    existing = {}
    for region in region_model.objects.all():
        existing.setdefault(region.code, []).append(region)
    taken = set(region_model.objects.values_list("slug", flat=True))

    latest = {}  # key → its last name row
    for row in names:
        latest[row["key"]] = row
    by_key, created, updated = {}, [], []
    for row in regions:
        name = latest[row["key"]]
        fields = {
            "code": row["code"],
            "level": row["level"],
            "first_year": int(row["first"]),
            "last_year": _year(row["last"]),
            "name": name["name"],
            "short_name": name["short_name"],
        }
        same_code = existing.get(row["code"], [])
        here = [
            r
            for r in same_code
            if (r.first_year, r.last_year) == (fields["first_year"], fields["last_year"])
        ] or [r for r in same_code if r.last_year is None and fields["last_year"] is None]
        if here:
            region = here[0]
            for field, value in fields.items():
                setattr(region, field, value)
            updated.append(region)
        else:
            slug, n = row["slug"], 1
            while slug in taken:  # a division an editor added by hand holds it
                n += 1
                slug = f"{row['slug']}-{n}"
            taken.add(slug)
            region = region_model(slug=slug, **fields)
            created.append(region)
        by_key[row["key"]] = region
    # Parents before children (provinces, then prefectures, then counties), so each new
    # row is inserted with its parent and only the rows already here need an update.
    parent_of = {key: name["parent"] for key, name in latest.items()}
    key_of = {id(region): key for key, region in by_key.items()}
    for level in ("province", "city", "county"):
        batch_rows = [r for r in created if r.level == level]
        for region in batch_rows:
            parent = parent_of[key_of[id(region)]]
            region.parent_id = by_key[parent].pk if parent else None
        region_model.objects.bulk_create(batch_rows, batch_size=batch)
        if batch_rows and batch_rows[0].pk is None:  # backends that return no ids
            ids = {
                (code, first): pk
                for pk, code, first in region_model.objects.filter(level=level).values_list(
                    "pk", "code", "first_year"
                )
            }
            for region in batch_rows:
                region.pk = ids[(region.code, region.first_year)]
    for region in updated:
        parent = parent_of[key_of[id(region)]]
        region.parent_id = by_key[parent].pk if parent else None
    region_model.objects.bulk_update(
        updated,
        ["code", "level", "first_year", "last_year", "name", "short_name", "parent"],
        batch_size=batch,
    )

    name_model.objects.filter(region__in=list(by_key.values())).delete()
    name_model.objects.bulk_create(
        [
            name_model(
                region_id=by_key[row["key"]].pk,
                name=row["name"],
                short_name=row["short_name"],
                first_year=int(row["first"]),
                last_year=_year(row["last"]),
                parent_id=by_key[row["parent"]].pk if row["parent"] else None,
            )
            for row in names
        ],
        batch_size=batch,
    )
    succession_model.objects.all().delete()
    succession_model.objects.bulk_create(
        [
            succession_model(
                predecessor_id=by_key[row["from"]].pk,
                successor_id=by_key[row["to"]].pk,
                year=int(row["year"]),
                partial=row["partial"] == "1",
                document=row["document"],
                document_date=row["date"],
            )
            for row in _rows("successions.tsv")
        ],
        batch_size=batch,
    )
