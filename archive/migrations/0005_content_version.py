from django.db import migrations, models


def create_counter(apps, schema_editor):
    apps.get_model("archive", "ContentVersion").objects.create(pk=1, value=0)


class Migration(migrations.Migration):
    dependencies = [("archive", "0004_fill_story_listing")]

    operations = [
        migrations.CreateModel(
            name="ContentVersion",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("value", models.BigIntegerField(default=0)),
            ],
            options={"verbose_name": "内容版本"},
        ),
        migrations.RunPython(create_counter, migrations.RunPython.noop),
    ]
