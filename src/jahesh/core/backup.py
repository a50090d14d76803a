"""Backup and restore of a whole installation: the database and the uploaded files
(all of ``MEDIA_ROOT``) in one tar archive, with a manifest that restore verifies.

Archive members, in this order:

- ``database.sqlite3`` (SQLite: an online backup through sqlite3's backup API, so a
  server may go on writing) or ``database.pgdump`` (PostgreSQL: ``pg_dump
  --format=custom``);
- ``media/<path>``: every file under ``MEDIA_ROOT``;
- ``manifest.json``: format, vendor, the last applied migration per app, creation
  time, app version, the row count of every table, the triggers (the analytics
  table's stale-place triggers live in the database) and each file's size and
  sha256.

The counts describe exactly what the archive holds: on SQLite they are read from the
copy; on PostgreSQL from a transaction whose snapshot ``pg_dump --snapshot`` shares.
Staged uploads awaiting confirmation (``VAR/imports``) are transient and left out.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path, PurePosixPath
from typing import IO, Any

from django.conf import settings
from django.core.cache import caches
from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.utils import CursorWrapper
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone
from django.utils.translation import gettext as _

from jahesh.core.errors import ApplicationError
from jahesh.core.text import listed

FORMAT = 1
MANIFEST = "manifest.json"
MEDIA_PREFIX = "media/"
DATABASE_MEMBER = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
# Django's bookkeeping: a database whose rows are all here is empty for restore (a
# migrated one is not: data migrations seed the clinic's lists, and --yes is asked).
BOOKKEEPING_TABLES = {"django_migrations", "django_content_type", "auth_permission"}
TRIGGERS_SQL = {
    "sqlite": "SELECT name FROM sqlite_master WHERE type = 'trigger' ORDER BY name",
    "postgresql": "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal ORDER BY tgname",
}
STAGING_DIR = ".jahesh-restore"
ARCHIVE_SUFFIXES = (".tar", ".tar.gz", ".tgz")
CHUNK = 1024 * 1024

Log = Callable[[str], None]


class BackupError(ApplicationError):
    """A backup or restore could not be made; the message says why and what to do."""


@dataclass
class BackupReport:
    path: Path
    tables: int
    rows: int
    files: int
    size: int
    seconds: float


@dataclass
class TableCheck:
    table: str
    expected: int
    found: int | None  # None: the table is missing after the restore

    @property
    def ok(self) -> bool:
        return self.expected == self.found


@dataclass
class RestoreReport:
    checks: list[TableCheck] = field(default_factory=list)
    missing_triggers: list[str] = field(default_factory=list)
    files: int = 0
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.checks) and not self.missing_triggers


# --- Backup -----------------------------------------------------------------------------


def backup_create(*, path: str | os.PathLike | None = None, log: Log = print) -> BackupReport:
    """Write an archive of the database and the uploads.

    1. take a consistent copy of the database into a work directory, and read its
       row counts, triggers and migration state from that same copy / snapshot;
    2. write the copy, every upload and the manifest into ``<final>.partial``;
    3. rename it to its final name, so no half-written archive ever has that name.
    """
    started = time.monotonic()
    connection = connections["default"]
    target = _archive_path(path, connection.vendor)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f"{target.name}.partial-{os.getpid()}")
    try:
        with tempfile.TemporaryDirectory(dir=target.parent, prefix=".jahesh-backup-") as work:
            with _snapshot(connection, Path(work), log) as (database, cursor):
                state = _database_state(connection, cursor)
            log(_("بایگانی: %(path)s …") % {"path": target})
            compressed = target.name.endswith((".gz", ".tgz"))
            media = _write_archive(partial, compressed, connection.vendor, database, state)
        os.replace(partial, target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    tables = state["tables"]
    return BackupReport(
        path=target,
        tables=len(tables),
        rows=sum(tables.values()),
        files=len(media),
        size=target.stat().st_size,
        seconds=time.monotonic() - started,
    )


def _archive_path(path: str | os.PathLike | None, vendor: str) -> Path:
    """A path ending in .tar, .tar.gz or .tgz is the archive's name; any other is a
    directory for a timestamped name. PostgreSQL's dump is already compressed, so
    its default archive is a plain tar."""
    given = Path(path or Path(settings.VAR_DIR) / "backups").resolve()
    if given.name.endswith(ARCHIVE_SUFFIXES):
        if given.exists():
            raise BackupError(_("پرونده «%(path)s» از پیش هست؛ نام دیگری بدهید.") % {"path": given})
        return given
    stamp = timezone.now().astimezone(datetime.UTC).strftime("%Y-%m-%dT%H%M%SZ")
    suffix = ".tar" if vendor == "postgresql" else ".tar.gz"
    return given / f"jahesh-{stamp}{suffix}"


@contextmanager
def _snapshot(connection: BaseDatabaseWrapper, work: Path, log: Log) -> Iterator[tuple[Path, Any]]:
    """The database copied into ``work``, and a cursor that reads the same state."""
    if connection.vendor == "sqlite":
        with _sqlite_snapshot(connection, work, log) as pair:
            yield pair
    elif connection.vendor == "postgresql":
        with _postgresql_snapshot(connection, work, log) as pair:
            yield pair
    else:
        raise BackupError(
            _("پشتیبان‌گیری از پایگاه داده‌ی %(vendor)s پشتیبانی نمی‌شود.")
            % {"vendor": connection.vendor}
        )


@contextmanager
def _sqlite_snapshot(
    connection: BaseDatabaseWrapper, work: Path, log: Log
) -> Iterator[tuple[Path, Any]]:
    # One backup step copies every page under one read transaction: in WAL mode writers
    # go on meanwhile, and (unlike stepwise copying) a write cannot restart the copy.
    copy = work / DATABASE_MEMBER["sqlite"]
    log(_("پایگاه داده‌ی SQLite: رونوشت برخط …"))
    connection.ensure_connection()
    with closing(sqlite3.connect(copy)) as target:
        connection.connection.backup(target)
        # A self-contained file: no -wal beside it in the archive.
        target.execute("PRAGMA journal_mode=DELETE")
        # quick_check evaluates the CHECK constraints, some of which use REGEXP as
        # Django defines it for SQLite.
        target.create_function("REGEXP", 2, _regexp, deterministic=True)
        if target.execute("PRAGMA quick_check").fetchone()[0] != "ok":
            raise BackupError(_("رونوشت پایگاه داده سالم نیست (quick_check)."))
        yield copy, target.cursor()


@contextmanager
def _postgresql_snapshot(
    connection: BaseDatabaseWrapper, work: Path, log: Log
) -> Iterator[tuple[Path, Any]]:
    # pg_dump reads the snapshot this transaction exports, so the counts read here are
    # those of the dump even while servers write.
    dump = work / DATABASE_MEMBER["postgresql"]
    # Each backend keeps its driver module as .Database; the base class's stub omits it.
    driver = connection.Database  # type: ignore[attr-defined]
    with closing(driver.connect(**connection.get_connection_params())) as raw:
        cursor = raw.cursor()
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        log(_("پایگاه داده‌ی PostgreSQL: pg_dump …"))
        _run_pg(
            connection,
            "pg_dump",
            ["--format=custom", f"--file={dump}", f"--snapshot={snapshot}"],
        )
        yield dump, cursor
        raw.rollback()


def _regexp(pattern: str | None, value: Any) -> bool | None:
    if pattern is None or value is None:
        return None
    return bool(re.search(pattern, str(value)))


def _database_state(connection: BaseDatabaseWrapper, cursor: CursorWrapper) -> dict[str, Any]:
    """Row count per table, triggers and the last applied migration per app, read
    through ``cursor`` (the snapshot's)."""
    quote = connection.ops.quote_name
    tables = {}
    for table in connection.introspection.table_names(cursor):
        cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")
        tables[table] = cursor.fetchone()[0]
    cursor.execute(TRIGGERS_SQL[connection.vendor])
    triggers = [row[0] for row in cursor.fetchall()]
    applied = set()
    if "django_migrations" in tables:
        cursor.execute("SELECT app, name FROM django_migrations")
        applied = {(app, name) for app, name in cursor.fetchall()}
    return {"tables": tables, "triggers": triggers, "migrations": _last_migrations(applied)}


def _last_migrations(applied: set[tuple[str, str]]) -> dict[str, str]:
    """The last applied migration of each app, in the code's migration order."""
    graph = MigrationLoader(None, ignore_no_migrations=True).graph
    last = {}
    for app, leaf in sorted(graph.leaf_nodes()):
        done = [n for n in graph.forwards_plan((app, leaf)) if n[0] == app and n in applied]
        if done:
            last[app] = done[-1][1]
    return last


def _code_migrations() -> dict[str, str]:
    """The last migration of each app in this version of the code."""
    return dict(sorted(MigrationLoader(None, ignore_no_migrations=True).graph.leaf_nodes()))


def _write_archive(
    partial: Path, compressed: bool, vendor: str, database: Path, state: dict
) -> list[dict]:
    # gzip's default level 9 costs twice the time of 6 for a few per cent.
    options = {"mode": "w:gz", "compresslevel": 6} if compressed else {"mode": "w"}
    with tarfile.open(partial, **options) as tar:
        database_entry = _add_file(tar, database, DATABASE_MEMBER[vendor])
        media = [
            _add_file(tar, file, MEDIA_PREFIX + relative)
            for file, relative in _media_files(Path(settings.MEDIA_ROOT))
        ]
        manifest = {
            "format": FORMAT,
            "app_version": metadata.version("jahesh"),
            "created_at": timezone.now().isoformat(timespec="seconds"),
            "vendor": vendor,
            "database": database_entry,
            "migrations": state["migrations"],
            "tables": state["tables"],
            "triggers": state["triggers"],
            "media": [{**m, "path": m["path"].removeprefix(MEDIA_PREFIX)} for m in media],
        }
        data = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
        info = tarfile.TarInfo(MANIFEST)
        info.size, info.mtime = len(data), int(time.time())
        tar.addfile(info, io.BytesIO(data))
    return media


def _media_files(root: Path) -> Iterator[tuple[Path, str]]:
    if not root.is_dir():
        return
    for directory, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d != STAGING_DIR)
        for name in sorted(files):
            file = Path(directory, name)
            if file.is_file() and not file.is_symlink():
                yield file, file.relative_to(root).as_posix()


class _Hashing(io.RawIOBase):
    """Hashes what tarfile reads, so each file is read once."""

    def __init__(self, raw: IO[bytes]) -> None:
        self.raw, self.sha256 = raw, hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data: bytes = self.raw.read(size)
        self.sha256.update(data)
        return data


def _add_file(tar: tarfile.TarFile, file: Path, name: str) -> dict:
    info = tar.gettarinfo(file, arcname=name)
    with open(file, "rb") as raw:
        reader = _Hashing(raw)
        tar.addfile(info, reader)
    return {"path": name, "size": info.size, "sha256": reader.sha256.hexdigest()}


def _run_pg(
    connection: BaseDatabaseWrapper,
    program: str,
    options: list[str],
    stdin: IO[bytes] | None = None,
) -> None:
    """Run pg_dump / pg_restore against the configured database (connection options
    and password as Django's own ``dbshell`` passes them)."""
    executable = shutil.which(program)
    if not executable:
        raise BackupError(
            _("برنامه‌ی %(program)s پیدا نشد؛ بسته‌ی postgresql-client را نصب کنید.")
            % {"program": program}
        )
    args, env = connection.client.settings_to_cmd_args_env(connection.settings_dict, options)
    done = subprocess.run(
        [executable, *args[1:]],
        env={**os.environ, **(env or {})},
        stdin=stdin,
        capture_output=True,
        text=True,
    )
    if done.returncode:
        raise BackupError(
            _("%(program)s شکست خورد: %(error)s")
            % {"program": program, "error": done.stderr.strip()[-2000:]}
        )


# --- Restore ----------------------------------------------------------------------------


def backup_restore(
    *, path: str | os.PathLike, replace: bool = False, log: Log = print
) -> RestoreReport:
    """Put an archive's database and uploads in place, then count every table.

    1. read the manifest; refuse another vendor, other migrations, or (unless
       ``replace``) a database that holds data;
    2. extract the database and stage the uploads, checking every sha256, before
       anything is touched;
    3. restore the database (SQLite: the backup API into the configured database;
       PostgreSQL: ``pg_restore --clean --if-exists --no-owner`` in one transaction);
    4. move the uploads into ``MEDIA_ROOT`` (files not in the archive are removed);
    5. clear the caches and compare every table's rows and the triggers with the
       manifest.
    """
    started = time.monotonic()
    connection = connections["default"]
    archive = Path(path)
    Path(settings.VAR_DIR).mkdir(parents=True, exist_ok=True)  # SQLite's file lives there
    manifest = _read_manifest(archive)
    _check_compatible(manifest, connection.vendor)
    if not replace:
        _check_empty(connection)
    media_root = Path(settings.MEDIA_ROOT)
    staging = media_root / STAGING_DIR
    shutil.rmtree(staging, ignore_errors=True)
    try:
        with tempfile.TemporaryDirectory(dir=settings.VAR_DIR, prefix=".jahesh-restore-") as work:
            log(_("بازکردن بایگانی و بررسی sha256 …"))
            database = _extract(archive, manifest, Path(work), staging)
            log(_("بازگرداندن پایگاه داده …"))
            _restore_database(connection, database)
        log(_("بازگرداندن پرونده‌های بارگذاری‌شده …"))
        _put_media_in_place(staging, media_root, manifest["media"])
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    for cache in caches.all():
        cache.clear()  # figures cached before the restore describe another database
    report = _verify(connection, manifest)
    report.files = len(manifest["media"])
    report.seconds = time.monotonic() - started
    return report


def backup_manifest(*, path: str | os.PathLike) -> dict[str, Any]:
    """The manifest of an archive (for inspection and tests)."""
    return _read_manifest(Path(path))


def _read_manifest(archive: Path) -> dict[str, Any]:
    try:
        with tarfile.open(archive, "r:*") as tar:
            data = tar.extractfile(MANIFEST)
            if data is None:  # a folder of that name: not a backup
                raise KeyError(MANIFEST)
            manifest: dict[str, Any] = json.load(data)
    except FileNotFoundError:
        raise BackupError(_("پرونده «%(path)s» پیدا نشد.") % {"path": archive}) from None
    except (tarfile.TarError, KeyError, ValueError, OSError, EOFError):
        raise BackupError(
            _("«%(path)s» بایگانی پشتیبان جهش نیست یا آسیب دیده است.") % {"path": archive}
        ) from None
    if manifest.get("format") != FORMAT:
        raise BackupError(
            _("قالب بایگانی (%(found)s) را این نسخه نمی‌شناسد (قالب %(known)s).")
            % {"found": manifest.get("format"), "known": FORMAT}
        )
    return manifest


def _check_compatible(manifest: dict, vendor: str) -> None:
    if manifest["vendor"] != vendor:
        raise BackupError(
            _(
                "این پشتیبان از پایگاه داده‌ی %(backup)s است و پایگاه داده‌ی پیکربندی‌شده "
                "%(target)s است؛ بازگرداندن میان این دو پشتیبانی نمی‌شود."
            )
            % {"backup": manifest["vendor"], "target": vendor}
        )
    code = _code_migrations()
    different = sorted(
        app
        for app in set(code) | set(manifest["migrations"])
        if code.get(app) != manifest["migrations"].get(app)
    )
    if different:
        raise BackupError(
            _(
                "مهاجرت‌های پشتیبان با این نسخه‌ی برنامه یکی نیست (%(apps)s). نسخه‌ی "
                "%(version)s جهش را که پشتیبان را ساخته نصب کنید، بازگردانید، سپس به‌روز "
                "کنید و jahesh migrate را اجرا کنید."
            )
            % {
                "apps": listed(
                    f"{app}: {manifest['migrations'].get(app, '—')} ≠ {code.get(app, '—')}"
                    for app in different
                ),
                "version": manifest.get("app_version", "?"),
            }
        )


def _check_empty(connection: BaseDatabaseWrapper) -> None:
    with connection.cursor() as cursor:
        quote = connection.ops.quote_name
        filled = []
        for table in connection.introspection.table_names(cursor):
            if table in BOOKKEEPING_TABLES:
                continue
            cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")
            if count := cursor.fetchone()[0]:
                filled.append(f"{table}: {count}")
    if filled:
        shown = listed(filled[:5] + (["…"] if len(filled) > 5 else []))
        raise BackupError(
            _(
                "پایگاه داده‌ی مقصد خالی نیست (%(tables)s). بازگرداندن همه‌ی آن را جایگزین "
                "می‌کند؛ اگر همین را می‌خواهید --yes بدهید."
            )
            % {"tables": shown}
        )


def _extract(archive: Path, manifest: dict, work: Path, staging: Path) -> Path:
    """Write the database into ``work`` and the uploads into ``staging``, checking
    each against the manifest's size and sha256; answer the database file."""
    expected = {manifest["database"]["path"]: (work / "database", manifest["database"])}
    for entry in manifest["media"]:
        expected[MEDIA_PREFIX + entry["path"]] = (staging / _safe_relative(entry["path"]), entry)
    found = set()
    with tarfile.open(archive, "r:*") as tar:
        for member in tar:
            if member.name not in expected or not member.isfile():
                continue
            destination, entry = expected[member.name]
            source = tar.extractfile(member)
            assert source is not None  # a regular file (isfile() above) has data
            _copy_checked(source, destination, entry)
            found.add(member.name)
    if missing := sorted(set(expected) - found):
        raise BackupError(_("بایگانی ناقص است؛ نیست: %(names)s") % {"names": listed(missing[:5])})
    return work / "database"


def _safe_relative(path: str) -> PurePosixPath:
    relative = PurePosixPath(path)
    if relative.is_absolute() or ".." in relative.parts or not relative.parts:
        raise BackupError(_("مسیر ناامن در بایگانی: %(path)s") % {"path": path})
    return relative


def _copy_checked(source: IO[bytes], destination: Path, entry: dict[str, Any]) -> None:
    destination.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    with open(destination, "wb") as out:
        while chunk := source.read(CHUNK):
            digest.update(chunk)
            out.write(chunk)
    if digest.hexdigest() != entry["sha256"] or destination.stat().st_size != entry["size"]:
        raise BackupError(
            _("«%(path)s» در بایگانی با فهرست آن نمی‌خواند (sha256)؛ بایگانی آسیب دیده است.")
            % {"path": entry["path"]}
        )


def _restore_database(connection: BaseDatabaseWrapper, database: Path) -> None:
    connection.close()
    if connection.vendor == "sqlite":
        # The backup API writes the pages into the live file under its lock, so the
        # -wal/-shm files stay consistent (replacing the file under them would not).
        connection.ensure_connection()
        with closing(sqlite3.connect(database)) as source:
            source.backup(connection.connection)
    else:
        with open(database, "rb") as dump:
            _run_pg(
                connection,
                "pg_restore",
                [
                    "--clean",
                    "--if-exists",
                    "--no-owner",
                    "--single-transaction",
                    "--exit-on-error",
                    "--dbname",
                ],  # fmt: skip
                stdin=dump,
            )
    connection.close()


def _put_media_in_place(staging: Path, media_root: Path, entries: list[dict]) -> None:
    """Rename each staged file over its place (same file system: inside MEDIA_ROOT),
    then remove the files the archive does not have and the directories left empty."""
    media_root.mkdir(parents=True, exist_ok=True)
    keep = set()
    for entry in entries:
        relative = _safe_relative(entry["path"])
        target = media_root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(staging / relative, target)
        keep.add(relative.as_posix())
    for file, name in list(_media_files(media_root)):
        if name not in keep:
            file.unlink()
    for directory, dirs, files in os.walk(media_root, topdown=False):
        if Path(directory) != media_root and not dirs and not files:
            os.rmdir(directory)


def _verify(connection: BaseDatabaseWrapper, manifest: dict[str, Any]) -> RestoreReport:
    with connection.cursor() as cursor:
        state = _database_state(connection, cursor)
    report = RestoreReport()
    for table, expected in sorted(manifest["tables"].items()):
        report.checks.append(TableCheck(table, expected, state["tables"].get(table)))
    for table in sorted(set(state["tables"]) - set(manifest["tables"])):
        report.checks.append(TableCheck(table, 0, state["tables"][table]))
    report.missing_triggers = sorted(set(manifest["triggers"]) - set(state["triggers"]))
    return report
