"""Backups of the whole archive as JSON Lines plus the photo files, and restoring them
into an empty database (``manage.py export_archive`` / ``import_archive``).

A backup is a directory:

    manifest.json    format and version, creation time, the migration state of the
                     exporting database, and per table its model, row count and SHA-256
    users.jsonl …    one JSON object per row, keyed by column (``section_id``), in
                     primary-key order; times in ISO 8601 with their offset
    media/           the photo files, at their storage names

It holds the content and its history, not what is derived from it: listing rows,
search documents and the content version are rebuilt after an import. Sessions,
login lockouts and the admin's action log are not kept.

Users: every account with its groups and permissions, but never its password hash (a
backup is copied around more freely than the database, and a hash is an offline
guessing target); restored accounts get an unusable password and need a new one
(``manage.py changepassword``). ``pg_dump`` is the way to keep passwords too.

Regions, groups and users are matched in the target by code and first year, name and username (the
gazetteer and the roles come from migrations; the operator may have made an account
first), so their ids may differ there: references to them are translated. Everything
else keeps its primary key.
"""

import datetime
import hashlib
import json
import os
import shutil
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from uuid import UUID

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, Permission
from django.core.files import File
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone
from tqdm import tqdm

from archive.editorial.aftermath import after_write
from archive.models import (
    Article,
    ArticleRegion,
    Contributor,
    Credit,
    PageImport,
    Photo,
    Region,
    Section,
)

FORMAT = "xianzhi-archive"
VERSION = 1
MANIFEST = "manifest.json"
MEDIA = "media"
CHUNK = 2_000  # rows per query when exporting, per INSERT batch when importing
MIGRATED_APPS = ("archive", "auth")  # whose tables a backup holds: their schema must match

User = get_user_model()


@dataclass(frozen=True)
class Table:
    name: str  # the file's name, without .jsonl
    model: type[models.Model]
    # Matched in the target by these fields instead of the primary key.
    key: tuple[str, ...] | None = None
    media: str | None = None  # column naming a file in the photo storage


def _key(row: dict, fields: tuple[str, ...]) -> tuple:
    return tuple(row[field] for field in fields)


# In an order that satisfies foreign keys (checked at commit, but readable this way).
TABLES = [
    Table("groups", Group, key=("name",)),
    Table("users", User, key=(User.USERNAME_FIELD,)),
    # A code may name two places over time (330502: 城区, then 吴兴区): with its first year.
    Table("regions", Region, key=("code", "first_year")),
    Table("sections", Section),
    Table("contributors", Contributor),
    Table("articles", Article),
    Table("article_regions", ArticleRegion),
    Table("photos", Photo, media="image"),
    Table("credits", Credit),
    Table("page_imports", PageImport),
    Table("page_import_articles", PageImport.articles.through),
    Table("article_history", Article.history.model),
    Table("photo_history", Photo.history.model, media="image"),
    Table("credit_history", Credit.history.model),
    Table("contributor_history", Contributor.history.model),
]
NOT_EXPORTED = {User: {"password"}}


class BackupError(Exception):
    """The directory is not a backup this database can take, or the database is not
    empty: nothing was written."""


def _photo_storage():
    return Photo._meta.get_field("image").storage


def _fields(model) -> list[models.Field]:
    skip = NOT_EXPORTED.get(model, set())
    return [f for f in model._meta.concrete_fields if f.attname not in skip]


def _natural_permissions(rows) -> dict[int, list[str]]:
    """(owner id, app label, codename) rows as owner id -> ["app.codename", …]."""
    found = defaultdict(list)
    for owner, app_label, codename in rows:
        found[owner].append(f"{app_label}.{codename}")
    return found


def _extras(table: Table) -> Callable[[dict], dict]:
    """What a row of ``table`` carries besides its columns: the many-to-many links of
    users and groups, by name (those tables are small: read whole)."""
    if table.model is User:
        through = User.groups.through.objects.order_by("pk")
        groups = defaultdict(list)
        for user_id, name in through.values_list("user_id", "group__name"):
            groups[user_id].append(name)
        permissions = _natural_permissions(
            User.user_permissions.through.objects.order_by("pk").values_list(
                "user_id", "permission__content_type__app_label", "permission__codename"
            )
        )
        return lambda row: {
            "groups": groups[row["id"]],
            "user_permissions": permissions[row["id"]],
        }
    if table.model is Group:
        permissions = _natural_permissions(
            Group.permissions.through.objects.order_by("pk").values_list(
                "group_id", "permission__content_type__app_label", "permission__codename"
            )
        )
        return lambda row: {"permissions": permissions[row["id"]]}
    return lambda row: {}


def _encode(value):
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()  # to the microsecond, with the offset
    if isinstance(value, Decimal | UUID):
        return str(value)
    raise TypeError(f"cannot write {type(value).__name__} to a backup")


def migration_state() -> dict[str, list[str]]:
    applied = MigrationRecorder(connection).applied_migrations()
    return {app: sorted(name for label, name in applied if label == app) for app in MIGRATED_APPS}


# --- export --------------------------------------------------------------------------


class _MediaCopy:
    """Copies each named photo file once into the backup's media/ directory."""

    def __init__(self, root: Path):
        self.root, self.storage = root, _photo_storage()
        self.files = self.bytes = 0
        self.missing: set[str] = set()

    def copy(self, name: str) -> None:
        if not name or name in self.missing:
            return
        target = self.root / name
        if target.exists():  # a photo's history names its file again
            return
        if not self.storage.exists(name):
            self.missing.add(name)
            return
        target.parent.mkdir(parents=True, exist_ok=True)
        with self.storage.open(name, "rb") as source, target.open("wb") as out:
            shutil.copyfileobj(source, out)
        self.files += 1
        self.bytes += target.stat().st_size

    def summary(self) -> dict:
        return {
            "directory": MEDIA,
            "files": self.files,
            "bytes": self.bytes,
            "missing": sorted(self.missing),
        }


@contextmanager
def _snapshot():
    """One consistent view of every table for the whole export, while editors write on."""
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        yield


def _write_table(table: Table, directory: Path, media: _MediaCopy, bar) -> dict:
    model = table.model
    names = [f.attname for f in _fields(model)]
    extras = _extras(table)
    path = directory / f"{table.name}.jsonl"
    digest, rows = hashlib.sha256(), 0
    queryset = model._base_manager.order_by("pk").values_list(*names)
    with path.open("wb") as out:
        for values in queryset.iterator(chunk_size=CHUNK):
            row = dict(zip(names, values, strict=True))
            row |= extras(row)
            line = json.dumps(row, ensure_ascii=False, separators=(",", ":"), default=_encode)
            data = line.encode() + b"\n"
            out.write(data)
            digest.update(data)
            rows += 1
            if table.media:
                media.copy(row[table.media])
            bar.update(1)
    return {
        "model": model._meta.label,
        "file": path.name,
        "rows": rows,
        "sha256": digest.hexdigest(),
    }


def export_archive(directory: Path, *, progress: bool = True) -> dict:
    """Write the archive into ``directory`` (made by the caller, empty) and return the
    manifest, written last: a directory without one is an unfinished export."""
    media = _MediaCopy(directory / MEDIA)
    media.root.mkdir()
    with _snapshot():
        total = sum(t.model._base_manager.count() for t in TABLES)
        manifest = {
            "format": FORMAT,
            "version": VERSION,
            "created_at": timezone.now().isoformat(),
            "database": connection.vendor,
            "migrations": migration_state(),
            "tables": {},
        }
        with tqdm(total=total, unit="行", disable=not progress, desc="导出") as bar:
            for table in TABLES:
                manifest["tables"][table.name] = _write_table(table, directory, media, bar)
    manifest["media"] = media.summary()
    text = json.dumps(manifest, ensure_ascii=False, indent=2) + "\n"
    (directory / MANIFEST).write_text(text, encoding="utf-8")
    return manifest


# --- checking a backup ---------------------------------------------------------------


def _latest(names: list[str]) -> str:
    return max(names) if names else "zero"


def read_manifest(directory: Path) -> dict:
    """The backup's manifest, if this program and this database's schema can take it."""
    path = directory / MANIFEST
    if not path.is_file():
        raise BackupError(f"{path} 不存在：这不是备份目录，或导出没有完成。")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as error:
        raise BackupError(f"{path} 已损坏，无法解析：{error}") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{path} 不是本系统的备份清单。")
    if manifest.get("version") != VERSION:
        raise BackupError(
            f"备份格式版本为 {manifest.get('version')!r}，本程序只能读取版本 {VERSION}。"
        )
    tables = manifest.get("tables")
    if not isinstance(tables, dict) or set(tables) != {t.name for t in TABLES}:
        raise BackupError(f"{path} 列出的数据表与本程序的不符。")
    for table in TABLES:
        entry = tables[table.name]
        if not (
            isinstance(entry, dict)
            and entry.get("model") == table.model._meta.label
            and isinstance(entry.get("rows"), int)
            and isinstance(entry.get("sha256"), str)
        ):
            raise BackupError(f"{path} 中 {table.name} 一项不完整。")
    media = manifest.get("media")
    if not (
        isinstance(media, dict)
        and isinstance(media.get("files"), int)
        and isinstance(media.get("bytes"), int)
    ):
        raise BackupError(f"{path} 中 media 一项不完整。")
    theirs, ours = manifest.get("migrations"), migration_state()
    if theirs != ours:
        if not isinstance(theirs, dict):
            raise BackupError(f"{path} 没有记录迁移状态。")
        differing = [app for app in MIGRATED_APPS if theirs.get(app) != ours[app]]
        states = "；".join(
            f"{app} 备份时在 {_latest(theirs.get(app) or [])}，本库在 {_latest(ours[app])}"
            for app in differing
        )
        raise BackupError(
            f"备份与本库的数据库结构不同（{states}）。请在迁移状态与备份时相同的数据库中导入。"
        )
    return manifest


def _media_files(root: Path) -> Iterator[tuple[str, Path]]:
    """(storage name, path) of every file under the backup's media/, links skipped."""
    for folder, subfolders, files in os.walk(root):
        subfolders.sort()
        for file in sorted(files):
            path = Path(folder, file)
            if path.is_file() and not path.is_symlink():
                yield path.relative_to(root).as_posix(), path


def verify(directory: Path, manifest: dict) -> None:
    """Every file as the manifest describes it: row counts, checksums, media totals."""
    for table in TABLES:
        entry = manifest["tables"][table.name]
        path = directory / f"{table.name}.jsonl"
        if not path.is_file():
            raise BackupError(f"缺少 {path.name}。")
        digest, rows = hashlib.sha256(), 0
        with path.open("rb") as file:
            for line in file:
                digest.update(line)
                rows += 1
        if rows != entry["rows"] or digest.hexdigest() != entry["sha256"]:
            raise BackupError(f"{path.name} 已损坏或被改动：行数或校验和与 manifest.json 不符。")
    files = size = 0
    for _name, path in _media_files(directory / MEDIA):
        files += 1
        size += path.stat().st_size
    expected = manifest["media"]
    if (files, size) != (expected["files"], expected["bytes"]):
        raise BackupError(
            f"media/ 中有 {files} 个文件共 {size} 字节，"
            f"manifest.json 记录的是 {expected['files']} 个共 {expected['bytes']} 字节。"
        )


def occupied() -> list[str]:
    """The archive tables that already hold rows: an import needs them empty."""
    return [t.name for t in TABLES if t.key is None and t.model._base_manager.exists()]


def _refuse_occupied() -> None:
    if taken := occupied():
        raise BackupError(
            f"目标数据库已有档案数据（{'、'.join(taken)}）：只能导入到空的数据库"
            "（migrate 之后、未录入任何内容）。"
        )


# --- import --------------------------------------------------------------------------


def _rows(directory: Path, table: Table) -> Iterator[dict]:
    with (directory / f"{table.name}.jsonl").open(encoding="utf-8") as file:
        yield from map(json.loads, file)


def _instance(model, fields: dict[str, models.Field], row: dict, number: int, table: Table):
    if row.keys() != fields.keys():
        raise BackupError(f"{table.name}.jsonl 第 {number} 行的列与本库的 {model.__name__} 不符。")
    return model(
        **{
            name: value
            if value is None or isinstance(fields[name], models.JSONField)
            else fields[name].to_python(value)
            for name, value in row.items()
        }
    )


def _reset_sequences(models_) -> None:
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), models_):
            cursor.execute(sql)


@contextmanager
def _stored_timestamps(models_):
    """bulk_create stamps ``auto_now``/``auto_now_add`` fields with the present time;
    a restore keeps the times the backup holds."""
    switched = [
        (field, field.auto_now, field.auto_now_add)
        for model in models_
        for field in model._meta.concrete_fields
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
    ]
    for field, _now, _add in switched:
        field.auto_now = field.auto_now_add = False
    try:
        yield
    finally:
        for field, now, add in switched:
            field.auto_now, field.auto_now_add = now, add


class _Restore:
    """Writes a verified backup's tables in order, translating references to the rows
    matched by natural key; the caller holds the transaction."""

    def __init__(self, directory: Path, bar):
        self.directory, self.bar = directory, bar
        self.ids: dict[type, dict[int, int]] = {}  # exported pk -> target pk, matched tables
        self.warnings: list[str] = []
        self.written: list[str] = []  # media files created, removed again on failure
        self.permission_ids = {
            f"{app}.{codename}": pk
            for app, codename, pk in Permission.objects.values_list(
                "content_type__app_label", "codename", "pk"
            )
        }

    def table(self, table: Table) -> None:
        if table.key:
            rows = list(_rows(self.directory, table))  # groups, users, regions: small
            merge = {Group: self.groups, User: self.users, Region: self.regions}[table.model]
            merge(table, rows)
            self.bar.update(len(rows))
        else:
            self.content(table)

    def merge(self, table: Table, rows: list[dict]) -> tuple[dict[int, int], set[int]]:
        """Rows matched by key keep the target's record; the others are created, with
        their exported pk where it is free. Returns (exported pk -> target pk, the
        exported pks of the rows created)."""
        model, key = table.model, table.key
        fields = {f.attname: f for f in _fields(model)}
        existing = {tuple(v[:-1]): v[-1] for v in model._base_manager.values_list(*key, "pk")}
        taken = set(existing.values())
        mapping, keep, renumber = {}, [], []
        for number, row in enumerate(rows, 1):
            obj = _instance(model, fields, row, number, table)
            if _key(row, key) in existing:
                mapping[row["id"]] = existing[_key(row, key)]
            elif row["id"] in taken:
                renumber.append((row["id"], obj))
            else:
                keep.append(obj)
                mapping[row["id"]] = row["id"]
        if model is User:
            for user in [*keep, *(obj for _old, obj in renumber)]:
                user.password = make_password(None)  # unusable: hashes are not exported
        model._base_manager.bulk_create(keep)
        if renumber:
            _reset_sequences([model])  # past the pks just kept
            for _old, obj in renumber:
                obj.pk = None
            model._base_manager.bulk_create([obj for _, obj in renumber])
            mapping |= {old: obj.pk for old, obj in renumber}
        self.ids[model] = mapping
        created = {row["id"] for row in rows if _key(row, key) not in existing}
        return mapping, created

    def permissions(self, names: list[str], owner: str) -> list[int]:
        found = []
        for name in names:
            pk = self.permission_ids.get(name)
            if pk is None:
                self.warnings.append(f"{owner} 的权限 {name} 在本库中不存在，已略过。")
            else:
                found.append(pk)
        return found

    def groups(self, table: Table, rows: list[dict]) -> None:
        granted = {row["id"]: (row["name"], row.pop("permissions")) for row in rows}
        mapping, _created = self.merge(table, rows)
        # The backup's roles win: a group grants what it granted when exported.
        through = Group.permissions.through
        through.objects.filter(group_id__in=mapping.values()).delete()
        through.objects.bulk_create(
            through(group_id=mapping[old], permission_id=pk)
            for old, (name, names) in granted.items()
            for pk in self.permissions(names, f"用户组 {name}")
        )

    def users(self, table: Table, rows: list[dict]) -> None:
        links = {
            row["id"]: (row[table.key[0]], row.pop("groups"), row.pop("user_permissions"))
            for row in rows
        }
        mapping, created = self.merge(table, rows)
        # An account that already exists here is the operator's: left as it is.
        group_ids = dict(Group.objects.values_list("name", "pk"))
        User.groups.through.objects.bulk_create(
            User.groups.through(user_id=mapping[old], group_id=group_ids[name])
            for old in sorted(created)
            for name in links[old][1]
            if name in group_ids
        )
        User.user_permissions.through.objects.bulk_create(
            User.user_permissions.through(user_id=mapping[old], permission_id=pk)
            for old in sorted(created)
            for pk in self.permissions(links[old][2], f"用户 {links[old][0]}")
        )

    def regions(self, table: Table, rows: list[dict]) -> None:
        # Created without their parent, which may itself be created here.
        mapping, _created = self.merge(table, [row | {"parent_id": None} for row in rows])
        current = {r["id"]: r for r in Region._base_manager.values()}
        # The backup's names and hierarchy win over the migration's.
        for row in rows:
            wanted = row | {
                "id": mapping[row["id"]],
                "parent_id": row["parent_id"] and mapping[row["parent_id"]],
            }
            if current[wanted["id"]] != wanted:
                Region._base_manager.filter(pk=wanted["id"]).update(**wanted)

    def content(self, table: Table) -> None:
        model = table.model
        fields = {f.attname: f for f in _fields(model)}
        remap = {
            f.attname: self.ids[f.related_model]
            for f in fields.values()
            if f.is_relation and f.related_model in self.ids
        }
        batch = []
        for number, row in enumerate(_rows(self.directory, table), 1):
            for name, mapping in remap.items():
                # A history row may name a user deleted since (no constraint): kept as is.
                if row.get(name) is not None:
                    row[name] = mapping.get(row[name], row[name])
            batch.append(_instance(model, fields, row, number, table))
            if len(batch) == CHUNK:
                self.insert(model, batch)
                batch = []
        self.insert(model, batch)

    def insert(self, model, batch: list) -> None:
        if batch:
            model._base_manager.bulk_create(batch)
            self.bar.update(len(batch))

    def media(self) -> None:
        storage = _photo_storage()
        for name, path in _media_files(self.directory / MEDIA):
            if storage.exists(name):
                if _same_bytes(storage, name, path):
                    continue
                storage.delete(name)  # a stray file no restored row names: the backup's wins
            with path.open("rb") as file:
                saved = storage.save(name, File(file))
            self.written.append(saved)
            if saved != name:
                raise BackupError(f"图片文件 {name} 被存储改名为 {saved}。")


def _same_bytes(storage, name: str, path: Path) -> bool:
    if storage.size(name) != path.stat().st_size:
        return False
    with storage.open(name, "rb") as stored, path.open("rb") as backup:
        while True:
            a, b = stored.read(1 << 16), backup.read(1 << 16)
            if a != b:
                return False
            if not a:
                return True


def import_archive(directory: Path, *, progress: bool = True) -> dict:
    """Restore the backup in ``directory`` into this empty database, in one transaction,
    with its photo files; the derived data is left to rebuild. Raises ``BackupError``
    (nothing written) for a backup this database cannot take. Returns the manifest and
    any warnings."""
    manifest = read_manifest(directory)
    _refuse_occupied()
    verify(directory, manifest)
    total = sum(entry["rows"] for entry in manifest["tables"].values())
    with tqdm(total=total, unit="行", disable=not progress, desc="导入") as bar:
        restore = _Restore(directory, bar)
        try:
            with (
                transaction.atomic(),
                _stored_timestamps([t.model for t in TABLES]),
            ):
                _refuse_occupied()
                for table in TABLES:
                    restore.table(table)
                models_ = [t.model for t in TABLES]
                through = [User.groups.through, User.user_permissions.through]
                _reset_sequences(models_ + through + [Group.permissions.through])
                restore.media()
                after_write()
        except BaseException:  # also Ctrl-C: the transaction rolled back, so do the files
            storage = _photo_storage()
            for name in restore.written:
                storage.delete(name)
            raise
    return {"manifest": manifest, "warnings": restore.warnings}
