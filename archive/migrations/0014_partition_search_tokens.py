"""The search tokens table split in two by a hash of the story id (PostgreSQL).

PostgreSQL 15 builds a GIN index on one core: a million stories' token vectors
take five minutes, while a 2-core machine's other core has little to do. Split
in two, the halves' indexes build side by side (``archive.bulk.loading``): 156 s
instead of 290 s. Queries are unchanged; each reads both halves' indexes.
The table is rebuilt with its rows, then its keys, settings and indexes as
migration 0008 made them.
"""

import copy

from django.contrib.postgres.indexes import GinIndex
from django.db import migrations

TABLE = "archive_searchtokens"
PARTITIONS = 2
SETTINGS = [
    f"ALTER TABLE {TABLE} ALTER COLUMN vector SET STORAGE EXTERNAL",
    f"ALTER TABLE {TABLE} ALTER COLUMN vector SET STATISTICS 1000",
    f"ALTER TABLE {TABLE} ALTER COLUMN title_vector SET STATISTICS 1000",
]


def rebuild(partitions: int):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        model = apps.get_model("archive", "SearchTokens")
        execute = schema_editor.execute
        by_hash = " PARTITION BY HASH (article_id)" if partitions else ""
        execute(
            f"CREATE TABLE {TABLE}_new (article_id bigint NOT NULL, "
            f"vector tsvector NOT NULL, title_vector tsvector NOT NULL){by_hash}"
        )
        for remainder in range(partitions):
            execute(
                f"CREATE TABLE {TABLE}_{remainder} PARTITION OF {TABLE}_new "
                f"FOR VALUES WITH (MODULUS {partitions}, REMAINDER {remainder})"
            )
        for statement in SETTINGS:
            execute(statement.replace(TABLE, f"{TABLE}_new"))
        execute(f"INSERT INTO {TABLE}_new SELECT article_id, vector, title_vector FROM {TABLE}")
        execute(f"DROP TABLE {TABLE}")
        execute(f"ALTER TABLE {TABLE}_new RENAME TO {TABLE}")
        execute(f"ALTER TABLE {TABLE} ADD PRIMARY KEY (article_id)")
        # The foreign key as Django names it: "altered" from a field without one.
        field = model._meta.get_field("article")
        unconstrained = copy.copy(field)
        unconstrained.db_constraint = False
        schema_editor.alter_field(model, unconstrained, field)
        for column, name in (("vector", "search_vector_gin"), ("title_vector", "search_title_gin")):
            # Each part's index named as archive.bulkload names it when it rebuilds them.
            for remainder in range(partitions):
                execute(
                    f"CREATE INDEX {TABLE}_{remainder}_{name} ON {TABLE}_{remainder} "
                    f"USING gin ({column})"
                )
            schema_editor.add_index(model, GinIndex(fields=[column], name=name))

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("archive", "0013_lz4_compression"),
    ]

    operations = [
        migrations.RunPython(rebuild(PARTITIONS), rebuild(0)),
    ]
