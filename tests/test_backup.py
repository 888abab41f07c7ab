"""`manage.py export_archive` / `import_archive`: a backup round-trips the whole archive.

Run this file on PostgreSQL and on SQLite.
"""

import datetime
import io
import json
import shutil
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from archive import demo
from archive.bulk import backup
from archive.editorial import services
from archive.models import (
    Article,
    ArticleRegion,
    ContentVersion,
    Contributor,
    Credit,
    PageImport,
    Photo,
    Region,
    SearchDocument,
    Section,
    StoryListing,
)
from tests.factories import ContributorFactory, PhotoCreditFactory, full_story

pytestmark = pytest.mark.django_db

PUBLISHED = "龙港新城十年崛起记"
DRAFT = "柯城未定稿的乡村调查"
SCHEDULED = "乐清明日将刊的渔港故事"
IMAGE_NAME = "柯城夜景.jpg"


def jpeg(colour) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 6), colour).save(out, "JPEG")
    return out.getvalue()


@pytest.fixture
def media_root(tmp_path, settings):
    root = tmp_path / "media_root"
    root.mkdir()
    settings.MEDIA_ROOT = str(root)
    settings.STORAGES = {
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(root)},
        },
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    return root


@pytest.fixture
def newsroom(media_root, editor, django_user_model):
    """An archive with a bit of everything: stories in every state, a page import,
    bylines, regions, photos with files and credits, renames and a merge in history."""
    reporter = django_user_model.objects.create_user("jizhe", password="another-long-passphrase")
    reporter.groups.add(Group.objects.get(name="记者"))
    proofreaders = Group.objects.create(name="校对")
    proofreaders.permissions.add(Permission.objects.get(codename="view_article"))
    reporter.groups.add(proofreaders)

    page = services.page_import(
        text=demo.PAGE.read_text(encoding="utf-8"), edition_date=demo.EDITION_DATE, user=editor
    )
    first = page.articles.order_by("pk").first()
    services.stories_publish(stories=Article.objects.filter(pk=first.pk), user=editor)

    published = services.story_create(
        headline=PUBLISHED,
        body=[("paragraph", "龙港市从农民城走向新型城镇化，十年间人口翻番。")],
        section_name="县域观察",
        regions=[("330383", True), ("330300", False)],
        bylines=[("王晓丽", "writer"), ("陈建", "correspondent")],
        photos=[{"caption": "龙港新城夜景", "credits": [("许军", "person", "photographer")]}],
        published_at=timezone.now() - datetime.timedelta(days=2),
        user=reporter,
    )
    services.stories_publish(stories=Article.objects.filter(pk=published.pk), user=editor)
    photo = Photo.objects.create(
        article=published,
        image=ContentFile(jpeg("navy"), name=IMAGE_NAME),
        caption="柯城区夜景",
        alt_text="灯火中的街道",
        order=1,
    )
    PhotoCreditFactory(photo=photo)
    # A new file for the photo: its history names both, the backup keeps both.
    photo.image.save("柯城夜景新.jpg", ContentFile(jpeg("olive")))
    services.story_create(
        headline=DRAFT,
        body=[("paragraph", "尚未定稿。")],
        regions=[("330802", True)],
        user=reporter,
    )
    services.story_create(
        headline=SCHEDULED,
        body=[("paragraph", "渔港新貌。")],
        regions=[("330382", True)],
        bylines=[("王晓丽", "writer")],
        status=Article.Status.PUBLISHED,
        published_at=timezone.now() + datetime.timedelta(days=1),
    )
    full_story(regions=("330102",))
    full_story(draft=True)

    renamed = published.credits.get(role=Credit.Role.CORRESPONDENT).contributor
    renamed.name, renamed.description = "陈建平", "温州日报通讯员"
    renamed.save()
    twin = ContributorFactory(name="王晓丽")
    keep = published.credits.get(role=Credit.Role.WRITER).contributor
    services.contributors_merge(keep=keep, merged=[twin], user=editor)
    return {"editor": editor, "reporter": reporter}


def export(directory) -> str:
    out = io.StringIO()
    call_command("export_archive", str(directory), no_progress=True, stdout=out)
    return out.getvalue()


def restore(directory) -> str:
    out = io.StringIO()
    call_command(
        "import_archive", str(directory), no_progress=True, stdout=out, stderr=io.StringIO()
    )
    return out.getvalue()


def media_files(root: Path) -> dict[str, bytes]:
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def dump(media_root) -> dict:
    """Every exported table row by row, with primary keys, and the photo files' bytes."""
    dumped = {
        table.name: list(table.model._base_manager.order_by("pk").values())
        for table in backup.TABLES
    }
    for user in dumped["users"]:
        del user["password"]  # not in a backup, by design
        account = backup.User.objects.get(pk=user["id"])
        user["groups"] = sorted(account.groups.values_list("name", flat=True))
        user["perms"] = sorted(account.user_permissions.values_list("codename", flat=True))
    for group in dumped["groups"]:
        group["perms"] = sorted(
            Group.objects.get(pk=group["id"]).permissions.values_list("codename", flat=True)
        )
    dumped["media"] = media_files(media_root)
    return dumped


def wipe(media_root) -> None:
    """Empty the archive as a fresh `migrate` leaves it: regions and roles stay."""
    PageImport.objects.all().delete()
    Credit.objects.all().delete()
    Article.objects.all().delete()
    Contributor.objects.all().delete()
    Section.objects.all().delete()
    for table in backup.TABLES:  # last: the deletes above wrote history rows
        if table.name.endswith("_history"):
            table.model.objects.all().delete()
    Group.objects.filter(name="校对").delete()
    backup.User.objects.all().delete()
    shutil.rmtree(media_root)
    media_root.mkdir()


def test_a_backup_round_trips_every_row_and_file_unchanged(newsroom, media_root, tmp_path):
    before = dump(media_root)
    assert len(before["media"]) == 2 and before["page_imports"] and before["page_import_articles"]
    assert len(before["contributor_history"]) > len(before["contributors"])  # rename, merge
    assert {a["status"] for a in before["articles"]} >= {"draft", "published"}
    export(tmp_path / "backup")

    wipe(media_root)
    Region.objects.filter(code="330383").update(short_name="改动过")
    assert Article.objects.count() == 0 and not media_files(media_root)
    restore(tmp_path / "backup")

    after = dump(media_root)
    for name in before:
        assert after[name] == before[name], name
    assert after == before


def test_the_backup_describes_itself_and_holds_no_password_hashes(newsroom, tmp_path):
    out = export(tmp_path / "backup")
    assert "已导出" in out
    manifest = json.loads((tmp_path / "backup" / "manifest.json").read_text())
    assert manifest["format"] == backup.FORMAT and manifest["version"] == backup.VERSION
    assert manifest["tables"]["articles"]["rows"] == Article.objects.count()
    assert manifest["tables"]["article_history"]["rows"] == Article.history.count()
    assert "0011_editor_roles" in manifest["migrations"]["archive"]
    assert not {"listings", "search_documents"} & set(manifest["tables"])
    users = (tmp_path / "backup" / "users.jsonl").read_text()
    assert "jizhe" in users and "password" not in users and "md5$" not in users
    lines = (tmp_path / "backup" / "articles.jsonl").read_text().splitlines()
    assert [json.loads(line)["id"] for line in lines] == sorted(
        Article.objects.values_list("pk", flat=True)
    )


def test_restored_accounts_keep_their_roles_but_need_a_new_password(newsroom, media_root, tmp_path):
    export(tmp_path / "backup")
    wipe(media_root)
    restore(tmp_path / "backup")
    reporter = backup.User.objects.get(username="jizhe")
    assert not reporter.has_usable_password()
    assert set(reporter.groups.values_list("name", flat=True)) == {"记者", "校对"}
    assert Article.objects.get(headline=PUBLISHED).created_by == reporter
    assert Article.history.filter(history_user=newsroom["editor"].pk).exists()


def test_search_and_lists_work_after_a_restore_and_drafts_stay_hidden(
    newsroom, media_root, tmp_path, client
):
    export(tmp_path / "backup")
    wipe(media_root)
    version = ContentVersion.current()
    restore(tmp_path / "backup")
    assert ContentVersion.current() > version
    assert SearchDocument.objects.count() == Article.objects.count()
    assert StoryListing.objects.exists()

    def link(headline):  # search marks the matched words inside the headline
        return f'href="{Article.objects.get(headline=headline).get_absolute_url()}"'

    found = client.get(reverse("archive:story_list"), {"q": "龙港新城"})
    assert found.status_code == 200 and link(PUBLISHED) in found.content.decode()
    for hidden, word in [(DRAFT, "未定稿"), (SCHEDULED, "渔港")]:
        page = client.get(reverse("archive:story_list"), {"q": word}).content.decode()
        assert link(hidden) not in page
    region = client.get(reverse("archive:region_detail", args=["longgang"])).content.decode()
    assert PUBLISHED in region
    story = Article.objects.get(headline=PUBLISHED)
    assert client.get(story.get_absolute_url()).status_code == 200


def test_an_import_into_a_database_with_stories_is_refused_and_changes_nothing(
    newsroom, media_root, tmp_path
):
    export(tmp_path / "backup")
    before = dump(media_root)
    with pytest.raises(CommandError, match="已有档案数据"):
        restore(tmp_path / "backup")
    assert dump(media_root) == before


def break_version(directory):
    manifest = json.loads((directory / "manifest.json").read_text())
    manifest["version"] = backup.VERSION + 1
    (directory / "manifest.json").write_text(json.dumps(manifest))


def break_migrations(directory):
    manifest = json.loads((directory / "manifest.json").read_text())
    manifest["migrations"]["archive"].append("0099_from_the_future")
    (directory / "manifest.json").write_text(json.dumps(manifest))


def break_rows(directory):
    path = directory / "articles.jsonl"
    path.write_text(path.read_text(encoding="utf-8").replace(PUBLISHED, "篡改"), encoding="utf-8")


def break_manifest_json(directory):
    (directory / "manifest.json").write_text("{ not json")


def lose_manifest(directory):
    (directory / "manifest.json").unlink()


def lose_a_photo(directory):
    next((directory / "media").rglob("*.jpg")).unlink()


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (break_version, "只能读取版本"),
        (break_migrations, "0099_from_the_future"),
        (break_rows, "articles.jsonl 已损坏"),
        (break_manifest_json, "无法解析"),
        (lose_manifest, "不是备份目录"),
        (lose_a_photo, "media/"),
    ],
)
def test_a_damaged_or_mismatched_backup_is_refused_before_anything_is_written(
    newsroom, media_root, tmp_path, damage, message
):
    export(tmp_path / "backup")
    wipe(media_root)
    damage(tmp_path / "backup")
    with pytest.raises(CommandError, match=message) as refused:
        restore(tmp_path / "backup")
    assert "未写入任何数据" in str(refused.value)
    assert not Article.objects.exists() and not Contributor.objects.exists()
    assert not media_files(media_root)


def test_ctrl_c_during_an_import_rolls_back_rows_and_files(
    newsroom, media_root, tmp_path, monkeypatch
):
    export(tmp_path / "backup")
    wipe(media_root)
    copy_media = backup._Restore.media

    def interrupted(self):
        copy_media(self)  # every row and file written, then the operator presses Ctrl-C
        raise KeyboardInterrupt

    monkeypatch.setattr(backup._Restore, "media", interrupted)
    with pytest.raises(CommandError, match="已中断") as stopped:
        restore(tmp_path / "backup")
    assert stopped.value.returncode == 130
    assert not Article.objects.exists() and not Article.history.exists()
    assert not ArticleRegion.objects.exists()
    assert not media_files(media_root)


def test_export_refuses_a_directory_that_is_not_empty(newsroom, tmp_path):
    (tmp_path / "old").mkdir()
    (tmp_path / "old" / "manifest.json").write_text("{}")
    with pytest.raises(CommandError, match="不为空"):
        export(tmp_path / "old")
    assert (tmp_path / "old" / "manifest.json").read_text() == "{}"
