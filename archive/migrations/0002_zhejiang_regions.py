"""Zhejiang province, its 11 prefecture-level cities and 90 county-level divisions, as
of 2024 (the rows and their source: ``archive.gazetteer.zhejiang_2024``)."""

from django.db import migrations

from archive.gazetteer import zhejiang_2024
from archive.gazetteer.zhejiang_2024 import REGIONS


def load(apps, schema_editor):
    zhejiang_2024.load(apps.get_model("archive", "Region"))


def unload(apps, schema_editor):
    Region = apps.get_model("archive", "Region")
    codes = [row[0] for row in REGIONS]
    Region.objects.filter(level="county", code__in=codes).delete()
    Region.objects.filter(level="city", code__in=codes).delete()
    Region.objects.filter(code__in=codes).delete()


class Migration(migrations.Migration):
    dependencies = [("archive", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
