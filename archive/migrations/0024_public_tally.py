"""The public tally (``PublicTally``, ``TalliedStory``), built for the stories already
there: the same three set-based statements as ``listings.rebuild_tally``, written out
so that this migration keeps working when that function changes."""

import datetime

import django.db.models.deletion
from django.db import migrations, models

REGION, SECTION = 1, 4
PAST = datetime.date.min


def build(apps, schema_editor):
    connection = schema_editor.connection
    quote = connection.ops.quote_name
    table = {
        name: quote(apps.get_model("archive", name)._meta.db_table)
        for name in ("Article", "StoryListing", "PublicTally", "TalliedStory")
    }
    now = datetime.datetime.now(datetime.UTC)
    start = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    if connection.vendor == "postgresql":
        month = "(date_trunc('month', published_at AT TIME ZONE 'UTC'))::date"
        day = "(published_at AT TIME ZONE 'UTC')::date"
    else:
        month, day = "date(published_at, 'start of month')", "date(published_at)"
    start = connection.ops.adapt_datetimefield_value(start)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table['TalliedStory']} (article_id, month, day, section) "
            f"SELECT id, CASE WHEN published_at < %s THEN %s ELSE {month} END, "
            f"CASE WHEN published_at < %s THEN NULL ELSE {day} END, "
            f"COALESCE(section_id, 0) FROM {table['Article']} "
            "WHERE status = 'published' AND published_at IS NOT NULL",
            [start, connection.ops.adapt_datefield_value(PAST), start],
        )
        for daily, period in ((False, "month"), (True, "day")):
            cursor.execute(
                f"INSERT INTO {table['PublicTally']} (facet, subject_id, daily, period, n) "
                f"SELECT l.facet, l.subject_id, %s, t.{period}, COUNT(*) "
                f"FROM {table['StoryListing']} l "
                f"JOIN {table['TalliedStory']} t ON t.article_id = l.article_id "
                f"WHERE l.facet = {REGION} AND t.{period} IS NOT NULL "
                f"GROUP BY l.facet, l.subject_id, t.{period}",
                [daily],
            )
            cursor.execute(
                f"INSERT INTO {table['PublicTally']} (facet, subject_id, daily, period, n) "
                f"SELECT {SECTION}, section, %s, {period}, COUNT(*) "
                f"FROM {table['TalliedStory']} WHERE {period} IS NOT NULL "
                f"GROUP BY section, {period}",
                [daily],
            )


class Migration(migrations.Migration):

    dependencies = [
        ('archive', '0023_print_edition_index'),
    ]

    operations = [
        migrations.CreateModel(
            name='TalliedStory',
            fields=[
                ('article', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='+', serialize=False, to='archive.article')),
                ('month', models.DateField()),
                ('day', models.DateField(null=True)),
                ('section', models.BigIntegerField(help_text='Section id, 0: none.')),
            ],
            options={
                'verbose_name': '已计数报道',
                'verbose_name_plural': '已计数报道',
            },
        ),
        migrations.CreateModel(
            name='PublicTally',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('facet', models.PositiveSmallIntegerField(choices=[(1, '地区'), (4, '栏目')])),
                ('subject_id', models.BigIntegerField(help_text='Region id, or section id (0: none).')),
                ('daily', models.BooleanField(default=False)),
                ('period', models.DateField(help_text="The day, or the month's first (UTC), or PAST.")),
                ('n', models.IntegerField(default=0)),
            ],
            options={
                'verbose_name': '公开计数',
                'verbose_name_plural': '公开计数',
                'constraints': [models.UniqueConstraint(fields=('facet', 'daily', 'period', 'subject_id'), name='tally_once_per_period')],
            },
        ),
        migrations.RunPython(build, migrations.RunPython.noop),
    ]
