"""Long text compressed with lz4 rather than PostgreSQL's default pglz (PostgreSQL 14+).

A story's body is about 3 KB of UTF-8, past the 2 KB at which PostgreSQL compresses
a row: pglz made compression a tenth of a bulk load's time, and lz4 compresses and
decompresses several times faster for a slightly larger row. New values only: rows
already stored keep their compression until they are rewritten.
"""

from django.db import migrations

COLUMNS = {
    "archive_article": ["lede", "body"],
    "archive_historicalarticle": ["lede", "body"],
    "archive_searchdocument": ["document"],
    "archive_pageimport": ["text"],
}


def compress_with(method):
    def alter(apps, schema_editor):
        connection = schema_editor.connection
        if connection.vendor != "postgresql" or connection.pg_version < 140000:
            return
        for table, columns in COLUMNS.items():
            for column in columns:
                schema_editor.execute(
                    f"ALTER TABLE {table} ALTER COLUMN {column} SET COMPRESSION {method}"
                )

    return alter


class Migration(migrations.Migration):
    dependencies = [
        ("archive", "0012_photo_upload_checks"),
    ]

    operations = [
        migrations.RunPython(compress_with("lz4"), compress_with("pglz")),
    ]
