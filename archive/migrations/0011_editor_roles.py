"""The newsroom's roles as groups with their permissions.

记者 (reporter): writes and corrects their own stories (bylines, photos, regions
inside them), submits them for review; cannot publish (the admin enforces "own" and
"not published", see archive.editorial.roles). 图片编辑 (photo editor): photos, their credits
and contributors; reads stories. 编辑 (editor): every story and page import,
publishes and withdraws, reverts history, merges contributors. 管理员
(administrator): all of that plus user accounts and roles.
"""

from django.db import migrations

ARCHIVE = "archive"

ROLES = {
    "记者": [
        "add_article", "change_article", "view_article",
        "add_articleregion", "change_articleregion", "delete_articleregion", "view_articleregion",
        "add_credit", "change_credit", "delete_credit", "view_credit",
        "add_photo", "change_photo", "delete_photo", "view_photo",
        "add_contributor", "view_contributor", "view_section", "view_region",
    ],
    "图片编辑": [
        "view_article", "view_articleregion",
        "add_credit", "change_credit", "delete_credit", "view_credit",
        "add_photo", "change_photo", "delete_photo", "view_photo",
        "add_contributor", "change_contributor", "view_contributor",
        "view_section", "view_region",
    ],
    "编辑": [
        "add_article", "change_article", "delete_article", "view_article",
        "publish_article", "change_any_article",
        "add_articleregion", "change_articleregion", "delete_articleregion", "view_articleregion",
        "add_credit", "change_credit", "delete_credit", "view_credit",
        "add_photo", "change_photo", "delete_photo", "view_photo",
        "add_contributor", "change_contributor", "delete_contributor", "view_contributor",
        "add_section", "change_section", "view_section",
        "change_region", "view_region",
        "add_pageimport", "view_pageimport",
    ],
}  # fmt: skip


def _permissions(apps, codenames, app_label=ARCHIVE):
    Permission = apps.get_model("auth", "Permission")
    found = list(
        Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames)
    )
    missing = set(codenames) - {p.codename for p in found}
    assert not missing, f"permissions not found: {sorted(missing)}"
    return found


def create_roles(apps, schema_editor):
    # Permissions are normally created after all migrations; create them now.
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.set(_permissions(apps, codenames))
    administrator, _ = Group.objects.get_or_create(name="管理员")
    administrator.permissions.set(
        Permission.objects.filter(content_type__app_label__in=[ARCHIVE, "auth", "axes"])
    )


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=[*ROLES, "管理员"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("archive", "0010_history_and_roles"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
