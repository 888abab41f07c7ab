"""Every division of China since 1980, with names over time and successors
(``archive.gazetteer.national``); the 102 Zhejiang rows of 0002 are updated in place."""

from django.db import migrations

from archive.gazetteer import national
from archive.gazetteer.zhejiang_2024 import REGIONS


def load(apps, schema_editor):
    national.load(
        apps.get_model("archive", "Region"),
        apps.get_model("archive", "RegionName"),
        apps.get_model("archive", "RegionSuccession"),
    )


def unload(apps, schema_editor):
    Region = apps.get_model("archive", "Region")
    apps.get_model("archive", "RegionSuccession").objects.all().delete()
    apps.get_model("archive", "RegionName").objects.all().delete()
    kept = {row[0] for row in REGIONS}
    Region.objects.exclude(code__in=kept, last_year__isnull=True).update(parent=None)
    Region.objects.exclude(code__in=kept, last_year__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("archive", "0016_national_gazetteer")]
    operations = [migrations.RunPython(load, unload)]
