"""The importer's warnings kept with the import and with each draft, who checked them
and when; page numbers 1–999 in forms. On PostgreSQL the new columns cost no rewrite of
the story table (a constant default, NULLs)."""

import django.core.validators
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("archive", "0017_load_national_gazetteer"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="article",
            name="import_checked_at",
            field=models.DateTimeField(
                blank=True, editable=False, null=True, verbose_name="导入提示核对时间"
            ),
        ),
        migrations.AddField(
            model_name="article",
            name="import_checked_by",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="导入提示核对人",
            ),
        ),
        migrations.AddField(
            model_name="article",
            name="import_warnings",
            field=models.JSONField(
                blank=True, db_default=[], default=list, editable=False, verbose_name="导入提示"
            ),
        ),
        migrations.AddField(
            model_name="pageimport",
            name="warnings",
            field=models.JSONField(blank=True, default=dict, verbose_name="导入提示"),
        ),
        migrations.AlterField(
            model_name="article",
            name="page_number",
            field=models.PositiveSmallIntegerField(
                blank=True,
                null=True,
                validators=[
                    django.core.validators.MinValueValidator(1),
                    django.core.validators.MaxValueValidator(999),
                ],
                verbose_name="版次",
            ),
        ),
        migrations.AlterField(
            model_name="historicalarticle",
            name="page_number",
            field=models.PositiveSmallIntegerField(
                blank=True,
                null=True,
                validators=[
                    django.core.validators.MinValueValidator(1),
                    django.core.validators.MaxValueValidator(999),
                ],
                verbose_name="版次",
            ),
        ),
        migrations.AlterField(
            model_name="pageimport",
            name="page_number",
            field=models.PositiveSmallIntegerField(
                blank=True,
                null=True,
                validators=[
                    django.core.validators.MinValueValidator(1),
                    django.core.validators.MaxValueValidator(999),
                ],
                verbose_name="版次",
            ),
        ),
    ]
