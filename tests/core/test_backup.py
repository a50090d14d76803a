"""jahesh backup / jahesh restore: a round trip finds every row and upload, and restore
refuses what it must (data in the target, another vendor or migration state, a damaged
archive) and fails loudly when a count differs. Runs on SQLite and on PostgreSQL
(whichever DATABASE_URL selects); backups read committed data, hence transaction=True."""

from __future__ import annotations

import datetime
import io
import json
import tarfile
import threading
import uuid
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.sessions.models import Session
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from jahesh.accounts.models import User
from jahesh.core import backup
from jahesh.core.backup import BackupError, backup_create, backup_manifest, backup_restore
from jahesh.demo.national import generate_nation
from jahesh.funds.models import Loan
from jahesh.units.models import Unit
from tests.conftest import MARKAZI, TEHRAN

pytestmark = pytest.mark.django_db(transaction=True)

UPLOADS = {
    "units/photos/2026/12/front.jpg": b"\xff\xd8\xff" + bytes(range(256)) * 40,
    "funds/verifications/shop.png": b"\x89PNG" + b"\x00\x01" * 3000,
    "volunteers/skills/مدرک.pdf": b"%PDF-1.4 certificate",
}


@pytest.fixture
def var(settings, tmp_path) -> Path:
    """VAR and MEDIA_ROOT in the test's directory, with three uploads."""
    settings.VAR_DIR = tmp_path / "var"
    settings.MEDIA_ROOT = tmp_path / "var" / "media"
    settings.VAR_DIR.mkdir()
    for name, data in UPLOADS.items():
        (settings.MEDIA_ROOT / name).parent.mkdir(parents=True, exist_ok=True)
        (settings.MEDIA_ROOT / name).write_bytes(data)
    return settings.VAR_DIR


def _counts() -> dict[str, int]:
    """Rows of every installed model's table, counted by the ORM (independent of the
    manifest's own counting)."""
    return {
        model._meta.db_table: model._base_manager.count()
        for model in apps.get_models(include_auto_created=True)
    }


def _triggers() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(backup.TRIGGERS_SQL[connection.vendor])
        return [row[0] for row in cursor.fetchall()]


@pytest.fixture
def wipe():
    """What a lost server leaves: a database without a table. Should the test fail
    before its restore, the tables are migrated back for the tests that follow."""

    def drop_every_table() -> None:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
            else:
                cursor.execute("PRAGMA foreign_keys = OFF")
                for table in connection.introspection.table_names(cursor):
                    # IF EXISTS: dropping a search index (FTS5) drops its own tables
                    cursor.execute(f'DROP TABLE IF EXISTS "{table}"')
                cursor.execute("PRAGMA foreign_keys = ON")
            assert connection.introspection.table_names(cursor) == []

    yield drop_every_table
    if "django_migrations" not in connection.introspection.table_names():
        call_command("migrate", verbosity=0)


def _rewrite(archive: Path, *, manifest=None, member: str | None = None, data=None) -> None:
    """Rewrite ``archive`` with its manifest changed by ``manifest(m)`` or one
    member's bytes replaced (what a tampered or damaged archive looks like)."""
    with tarfile.open(archive, "r:*") as tar:
        members = [(m, tar.extractfile(m).read()) for m in tar.getmembers()]
    with tarfile.open(archive, "w:gz" if archive.name.endswith(".gz") else "w") as tar:
        for info, content in members:
            if info.name == backup.MANIFEST and manifest:
                changed = json.loads(content)
                manifest(changed)
                content = json.dumps(changed).encode()
            elif info.name == member:
                content = data
            info.size = len(content)
            tar.addfile(info, io.BytesIO(content))


def test_it_round_trips_a_demo_like_database_with_every_row_and_upload(geo, users, var, wipe):
    # Given: the national generator's world on two provinces, the users and uploads
    generate_nation(
        scale=0.01,
        seed=3,
        as_of=datetime.date(2026, 11, 27),
        province_ids=[MARKAZI, TEHRAN],
        log=lambda _line: None,
    )
    before = _counts()
    triggers = _triggers()
    unit = Unit.objects.order_by("id").values().last()
    loan = Loan.objects.order_by("id").values().first()
    hq = User.objects.values("password", "province_id", "role").get(username="hq")
    assert before["units_unit"] > 0 and before["funds_installment"] > 0
    assert any(name.startswith("jahesh_stale_") for name in triggers)

    # When: backup, lose the database and the uploads, restore
    made = backup_create(path=var / "backups", log=lambda _line: None)
    wipe()
    for name in UPLOADS:
        (var / "media" / name).unlink()
    report = backup_restore(path=made.path, log=lambda _line: None)

    # Then: every table's rows, the records, the triggers and the uploads are back
    assert report.ok, [c for c in report.checks if not c.ok]
    assert _counts() == before
    assert made.rows == sum(c.expected for c in report.checks) >= sum(before.values())
    assert made.files == report.files == len(UPLOADS)
    assert Unit.objects.order_by("id").values().last() == unit
    assert Loan.objects.order_by("id").values().first() == loan
    assert User.objects.values("password", "province_id", "role").get(username="hq") == hq
    assert sorted(_triggers()) == sorted(triggers)
    for name, data in UPLOADS.items():
        assert (var / "media" / name).read_bytes() == data
    # and writes go on: the restored sequences continue after the restored rows
    assert User.objects.create(username="after-restore", role="admin").id > max(
        User.objects.exclude(username="after-restore").values_list("id", flat=True)
    )


@pytest.mark.postgres
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="a second writer needs a server (the SQLite test database is in memory)",
)
def test_it_counts_what_the_dump_holds_while_a_server_writes(users, var, wipe):
    # Given: another connection adding a session every few milliseconds
    stop, written = threading.Event(), []

    def server() -> None:
        try:
            while not stop.is_set():
                key = uuid.uuid4().hex
                Session.objects.create(
                    session_key=key, session_data="x", expire_date=timezone.now()
                )
                written.append(key)
        finally:
            connection.close()

    thread = threading.Thread(target=server)
    thread.start()
    try:
        while len(written) < 20:
            stop.wait(0.01)
        # When: a backup is taken meanwhile
        made = backup_create(path=var / "backups", log=lambda _line: None)
    finally:
        stop.set()
        thread.join()
    in_manifest = backup_manifest(path=made.path)["tables"]["django_session"]
    wipe()
    report = backup_restore(path=made.path, log=lambda _line: None)

    # Then: the manifest counted the dump's own snapshot, not the table a moment later
    assert 20 <= in_manifest < len(written)
    assert report.ok, [c for c in report.checks if not c.ok]
    assert Session.objects.count() == in_manifest


def test_it_writes_one_archive_with_a_manifest_of_the_database(users, var):
    made = backup_create(path=var / "backups", log=lambda _line: None)

    assert [p.name for p in (var / "backups").iterdir()] == [made.path.name]
    assert made.path.name.startswith("jahesh-")
    manifest = backup_manifest(path=made.path)
    assert manifest["vendor"] == connection.vendor
    assert manifest["tables"]["accounts_user"] == len(users)
    assert manifest["migrations"] == backup._code_migrations()
    assert "accounts" in manifest["migrations"]
    assert {m["path"]: m["size"] for m in manifest["media"]} == {
        name: len(data) for name, data in UPLOADS.items()
    }
    with tarfile.open(made.path) as tar:
        names = tar.getnames()
    assert names[0] == backup.DATABASE_MEMBER[connection.vendor]
    assert names[-1] == "manifest.json"


def test_it_leaves_no_half_written_archive_when_it_fails(users, var, monkeypatch):
    # Given: the disk fills up after the database went into the archive
    def disk_full(root):
        raise OSError("No space left on device")
        yield

    monkeypatch.setattr(backup, "_media_files", disk_full)
    with pytest.raises(OSError, match="No space"):
        backup_create(path=var / "backups" / "jahesh.tar", log=lambda _line: None)

    # Then: neither the archive, nor its partial file, nor the work directory is left
    assert list((var / "backups").iterdir()) == []


def test_it_refuses_to_overwrite_an_archive(users, var):
    (var / "old.tar").write_bytes(b"yesterday")

    with pytest.raises(CommandError, match="از پیش هست"):
        call_command("backup", str(var / "old.tar"))
    assert (var / "old.tar").read_bytes() == b"yesterday"


def test_it_refuses_a_database_that_holds_data_unless_told_yes(users, var):
    made = backup_create(path=var / "backups", log=lambda _line: None)
    User.objects.filter(username="arak").delete()
    User.objects.create(username="later", role="admin")

    with pytest.raises(CommandError, match="--yes"):
        call_command("restore", str(made.path))
    assert User.objects.filter(username="later").exists()

    call_command("restore", str(made.path), yes=True, stdout=io.StringIO())
    assert set(User.objects.values_list("username", flat=True)) == {
        u.username for u in users.values()
    }


def test_it_fails_with_a_message_when_a_count_differs_from_the_manifest(users, var):
    made = backup_create(path=var / "backups" / "x.tar", log=lambda _line: None)
    _rewrite(made.path, manifest=lambda m: m["tables"].update(accounts_user=len(users) + 1))

    out = io.StringIO()
    with pytest.raises(CommandError, match="accounts_user"):
        call_command("restore", str(made.path), yes=True, stdout=out)
    row = next(line for line in out.getvalue().splitlines() if "accounts_user " in line)
    assert row.split()[1:] == [str(len(users) + 1), str(len(users)), "✗"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda m: m.update(vendor="oracle"), "oracle"),
        (lambda m: m["migrations"].update(accounts="0099_future"), "0099_future"),
        (lambda m: m.update(format=99), "قالب"),
    ],
)
def test_it_refuses_another_vendor_other_migrations_or_format(users, var, change, message):
    made = backup_create(path=var / "backups" / "x.tar", log=lambda _line: None)
    _rewrite(made.path, manifest=change)
    User.objects.create(username="later", role="admin")

    with pytest.raises(BackupError, match=message):
        backup_restore(path=made.path, replace=True, log=lambda _line: None)
    assert User.objects.filter(username="later").exists()  # nothing was touched


def test_it_refuses_a_damaged_upload_before_touching_anything(users, var):
    made = backup_create(path=var / "backups" / "x.tar.gz", log=lambda _line: None)
    name = next(iter(UPLOADS))
    _rewrite(made.path, member=f"media/{name}", data=b"\xff\xd8\xff damaged")
    User.objects.create(username="later", role="admin")

    with pytest.raises(BackupError, match="sha256"):
        backup_restore(path=made.path, replace=True, log=lambda _line: None)
    assert User.objects.filter(username="later").exists()
    assert (var / "media" / name).read_bytes() == UPLOADS[name]
    assert not (var / "media" / backup.STAGING_DIR).exists()


def test_it_removes_uploads_the_archive_does_not_have(users, var):
    made = backup_create(path=var / "backups", log=lambda _line: None)
    (var / "media" / "later" / "x.jpg").parent.mkdir()
    (var / "media" / "later" / "x.jpg").write_bytes(b"after the backup")

    backup_restore(path=made.path, replace=True, log=lambda _line: None)

    files = sorted(p.relative_to(var / "media").as_posix() for p in (var / "media").rglob("*"))
    assert [f for f in files if "." in Path(f).name] == sorted(UPLOADS)
    assert not (var / "media" / "later").exists()


def test_it_says_when_the_file_is_not_a_backup(var):
    (var / "notes.tar").write_bytes(b"not a tar")

    with pytest.raises(CommandError, match="بایگانی پشتیبان جهش نیست"):
        call_command("restore", str(var / "notes.tar"))
