"""The search index built from the documents themselves; the token table goes (PostgreSQL).

The token vectors were stored as well as indexed: 7 KB a story of out-of-line data
that no query read, beside 3.4 KB of document and 1 KB of GIN index. Now the GIN
indexes are expression indexes over ``archive_search_vector(document, places)``, a SQL
function that makes the same bigram tokens from the stored document, so the tokens
exist once, in the index. The document table takes over the token table's shape: split
in two by a hash of the story id (the halves' indexes build side by side), narrow rows
with the document compressed (lz4) out of line, so an index lookup of 10,000 matches
visits a hundred pages, and the places of the story (``#<region id>``, the tokens that
narrow a search to a region) in a short column of their own.

Reversing restores the old tables with their documents but no tokens: run
``rebuild_search_index`` of the older code after it.
"""

import copy

from django.db import migrations, models

# Letters and digits are everything but these (a frozen copy of
# archive.search.terms.SEPARATORS, which the query's tokens follow).
SEPARATORS = (
    r"\u0001-\u002f\u003a-\u0040\u005b-\u0060\u007b-\u00a9\u00ab-\u00b1\u00b4"
    r"\u00b6-\u00b8\u00bb\u00bf\u00d7\u00f7\u02c2-\u02c5\u02d2-\u02df\u02e5-\u02eb"
    r"\u02ed\u02ef-\u02ff\u2000-\u206f\u2072-\u2073\u207a-\u207e\u208a-\u208f"
    r"\u209d-\u2101\u2103-\u2106\u2108-\u2109\u2114\u2116-\u2118\u211e-\u2123"
    r"\u2125\u2127\u2129\u212e\u213a-\u213b\u2140-\u2144\u214a-\u214d\u214f"
    r"\u218a-\u245f\u249c-\u24e9\u2500-\u2775\u2794-\u2bff\u3000-\u3004"
    r"\u3008-\u3020\u302a-\u3030\u3036-\u3037\u303d-\u303f\ufe10-\ufe6f"
    r"\uff00-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65\uffbf-\uffc1"
    r"\uffc8-\uffc9\uffd0-\uffd1\uffd8-\uffd9\uffdd-\uffef"
)

# Every pair of neighbouring letters or digits, and each run's last one alone, plus the
# places: separators become spaces, the text an array of characters, each character
# paired with the next (two set-returning calls in one select list run in step). It
# takes about 0.35 ms a story; its declared cost (1,000 operators) is high enough that
# the planner never computes it row by row over the table where an index serves, and
# not so high that the recheck it charges for each match (never run: a GIN lookup
# without weights is exact) makes it prefer a lazy nested loop over thousands of
# matches to hashing them once (at 100,000: 3 s for 暨 by relevance at a million).
FUNCTION = rf"""
CREATE OR REPLACE FUNCTION archive_search_vector(document text, places text)
RETURNS tsvector LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE COST 1000 AS $fn$
  SELECT array_to_tsvector(array_cat(string_to_array(nullif(places, ''), ' '), ARRAY(
    SELECT CASE WHEN next IS NULL OR next = ' ' THEN this ELSE this || next END
    FROM (SELECT unnest(chars) AS this, unnest(chars[2:]) AS next) AS pairs
    WHERE this <> ' ')))
  FROM (SELECT string_to_array(
    regexp_replace(document, '[{SEPARATORS}]', ' ', 'g'), NULL) AS chars) AS split
$fn$
"""
TABLE = "archive_searchdocument"
TOKENS = "archive_searchtokens"
PARTITIONS = 2
INDEXES = {
    "search_vector_gin": "archive_search_vector(document, places)",
    "search_title_gin": 'archive_search_vector("left"(document, title_length), places)',
}


def _key(apps, schema_editor, model_name):
    """Add the primary key and Django's foreign key to a table rebuilt without them."""
    model = apps.get_model("archive", model_name)
    schema_editor.execute(f"ALTER TABLE {model._meta.db_table} ADD PRIMARY KEY (article_id)")
    field = model._meta.get_field("article")
    unconstrained = copy.copy(field)
    unconstrained.db_constraint = False
    schema_editor.alter_field(model, unconstrained, field)


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        schema_editor.delete_model(apps.get_model("archive", "SearchTokens"))
        return
    execute = schema_editor.execute
    execute(FUNCTION)
    execute(
        f"CREATE TABLE {TABLE}_new (article_id bigint NOT NULL, "
        "document text COMPRESSION lz4 NOT NULL, "
        "title_length integer NOT NULL CHECK (title_length >= 0), places text NOT NULL) "
        "PARTITION BY HASH (article_id)"
    )
    for remainder in range(PARTITIONS):
        execute(
            f"CREATE TABLE {TABLE}_{remainder} PARTITION OF {TABLE}_new "
            f"FOR VALUES WITH (MODULUS {PARTITIONS}, REMAINDER {remainder}) "
            "WITH (toast_tuple_target = 128)"
        )
    # The places are the '#…' lexemes of the old title vectors (short: read quickly).
    execute(
        f"INSERT INTO {TABLE}_new SELECT d.article_id, d.document, d.title_length, "
        "coalesce(array_to_string(ARRAY(SELECT lexeme FROM unnest(t.title_vector) "
        "WHERE left(lexeme, 1) = '#' ORDER BY lexeme), ' '), '') "
        f"FROM {TABLE} d LEFT JOIN {TOKENS} t USING (article_id)"
    )
    execute(f"DROP TABLE {TOKENS}")
    execute(f"DROP TABLE {TABLE}")
    execute(f"ALTER TABLE {TABLE}_new RENAME TO {TABLE}")
    _key(apps, schema_editor, "SearchDocument")
    for name, expression in INDEXES.items():
        # Each part's index named as archive.bulk.loading names it when it rebuilds them.
        for remainder in range(PARTITIONS):
            execute(
                f"CREATE INDEX {TABLE}_{remainder}_{name} ON {TABLE}_{remainder} "
                f"USING gin (({expression}))"
            )
        execute(f"CREATE INDEX {name} ON {TABLE} USING gin (({expression}))")
    execute(f"ANALYZE {TABLE}")


def backward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        schema_editor.create_model(apps.get_model("archive", "SearchTokens"))
        return
    execute = schema_editor.execute
    execute(
        f"CREATE TABLE {TABLE}_old (article_id bigint NOT NULL, "
        "document text COMPRESSION lz4 NOT NULL, "
        "title_length integer NOT NULL CHECK (title_length >= 0), places text NOT NULL) "
        "WITH (toast_tuple_target = 8160)"
    )
    execute(f"ALTER TABLE {TABLE}_old ALTER COLUMN document SET STORAGE MAIN")
    execute(f"INSERT INTO {TABLE}_old SELECT * FROM {TABLE}")
    execute(f"DROP TABLE {TABLE}")
    execute(f"ALTER TABLE {TABLE}_old RENAME TO {TABLE}")
    execute("DROP FUNCTION archive_search_vector(text, text)")
    _key(apps, schema_editor, "SearchDocument")
    schema_editor.create_model(apps.get_model("archive", "SearchTokens"))


class Migration(migrations.Migration):
    dependencies = [
        ("archive", "0024_public_tally"),
    ]

    operations = [
        migrations.AddField(
            model_name="searchdocument",
            name="places",
            field=models.TextField(blank=True, default=""),
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="SearchTokens")],
            database_operations=[migrations.RunPython(forward, backward)],
        ),
    ]
