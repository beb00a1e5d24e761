"""The local SQLite file: migrations, connection settings, the backup before a migration."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError

from desktop import backup as backup_files
from desktop.bootstrap import Desk, open_desk
from desktop.domain.errors import AppError
from desktop.domain.model import DeskContext, Role
from desktop.identity.keys import DEVICE_KEY_FILE, DeviceKeys
from desktop.identity.secrets import load_or_create_id_hash_key
from desktop.paths import resolve_home
from desktop.services.desk import operators
from desktop.services.members import commands as members
from desktop.services.visits import checkin
from desktop.storage.database import (
    HEAD_REVISION,
    current_revision,
    head_revision,
    make_engine,
    migrate,
)
from desktop.storage.tables import METADATA

PREVIOUS = "0001"
STATION_ID = "01900000-0000-7000-8000-000000000001"
DEVICE_ID = "01900000-0000-7000-8000-000000000002"
OPERATOR_ID = "01900000-0000-7000-8000-000000000003"
OLD_PIN = "97531"


def tables(engine: Engine) -> set[str]:
    with engine.connect() as connection:
        rows = connection.exec_driver_sql(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
        return {row[0] for row in rows}


def integrity(path: Path) -> list[tuple[str]]:
    connection = sqlite3.connect(path)
    try:
        return connection.execute("PRAGMA integrity_check").fetchall()
    finally:
        connection.close()


def test_migrating_an_empty_file_reaches_head_without_a_backup(tmp_path: Path) -> None:
    path, backups = tmp_path / "new.sqlite3", tmp_path / "backups"
    engine = make_engine(path)
    try:
        assert current_revision(engine) is None
        assert migrate(engine, path, backups) is None
        assert current_revision(engine) == head_revision()
        assert tables(engine) == set(METADATA.tables) | {"alembic_version"}
        # Migrating again is a no-op.
        assert migrate(engine, path, backups) is None
    finally:
        engine.dispose()
    assert not backups.exists() or not any(backups.iterdir())
    assert integrity(path) == [("ok",)]


def test_every_connection_has_the_durability_pragmas(desk: Desk) -> None:
    for _ in range(2):  # the pooled connection and a fresh one
        with desk.engine.connect() as connection:
            pragma = connection.exec_driver_sql
            assert pragma("PRAGMA journal_mode").scalar() == "wal"
            assert pragma("PRAGMA synchronous").scalar() == 2  # FULL
            assert pragma("PRAGMA foreign_keys").scalar() == 1
            assert pragma("PRAGMA busy_timeout").scalar() > 0
        desk.engine.dispose()


def test_foreign_keys_are_enforced(desk: Desk) -> None:
    with desk.engine.connect() as connection, pytest.raises(IntegrityError):
        connection.exec_driver_sql(
            "INSERT INTO device (id, code, station_id, next_member_seq, created_at) "
            "VALUES ('d', 'ABCDEF', 'no-such-station', 1, '2025-01-01T00:00:00.000000Z')"
        )


def test_orm_metadata_matches_the_migrations(desk: Desk) -> None:
    with desk.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, METADATA)
    assert differences == []


def _database_at_previous_revision(home: Path) -> Path:
    """A data folder as the previous release left it, with a station, device and operator."""
    paths = resolve_home(home).ensure()
    engine = make_engine(paths.database)
    try:
        assert migrate(engine, paths.database, paths.backups, revision=PREVIOUS) is None
        assert current_revision(engine) == PREVIOUS
        assert "member" not in tables(engine)
        at = "2024-05-01T08:00:00.000000Z"
        with engine.begin() as connection:
            connection.exec_driver_sql(
                "INSERT INTO station (id, name, kind, union_name, created_at) "
                "VALUES (?, '老驿站', 'station', '老工会', ?)",
                (STATION_ID, at),
            )
            connection.exec_driver_sql(
                "INSERT INTO device (id, code, station_id, next_member_seq, created_at) "
                "VALUES (?, 'OLD123', ?, 7, ?)",
                (DEVICE_ID, STATION_ID, at),
            )
            connection.exec_driver_sql(
                "INSERT INTO operator (id, name, pin_hash, role, active, station_id, device_id, "
                "created_at, version) VALUES (?, '老站长', ?, 'admin', 1, ?, ?, ?, 1)",
                (OPERATOR_ID, operators.hash_pin(OLD_PIN), STATION_ID, DEVICE_ID, at),
            )
    finally:
        engine.dispose()
    assert not any(paths.backups.iterdir())
    return paths.database


def _keys_of_the_previous_release(home: Path) -> bytes:
    """The keys a desk of the previous release had made beside its database."""
    keys = resolve_home(home).keys
    DeviceKeys.load_or_create(keys)
    load_or_create_id_hash_key(keys)
    return (keys / DEVICE_KEY_FILE).read_bytes()


def test_upgrade_from_the_previous_schema_keeps_rows_and_backs_up_first(home: Path) -> None:
    database = _database_at_previous_revision(home)
    signing_key = _keys_of_the_previous_release(home)

    desk = open_desk(home)
    try:
        assert current_revision(desk.engine) == head_revision()
        device = desk.device()
        assert device is not None
        assert (device.id, device.code, device.station.name) == (DEVICE_ID, "OLD123", "老驿站")
        admin = operators.sign_in(desk.uow(), OPERATOR_ID, OLD_PIN)
        assert (admin.name, admin.role) == ("老站长", Role.ADMIN)
        # The new tables work on the migrated file, numbering on from the old device row.
        ctx = DeskContext(STATION_ID, DEVICE_ID, OPERATOR_ID, Role.ADMIN)
        member = members.register_member(members.MemberForm(name="新会员"), desk.uow(), ctx)
        assert member.member_number == "OLD123-0007"
        assert checkin.check_in(checkin.CheckIn(member_id=member.id), desk.uow(), ctx).visit_id
    finally:
        desk.close()
    assert integrity(database) == [("ok",)]

    # The backup is a whole one (database and keys), as restorable as a daily one.
    (made,) = backup_files.backups_in(desk.paths.backups)
    info = backup_files.check_backup(made)
    assert (info.schema, info.device_code) == (PREVIOUS, "OLD123")
    manifest = json.loads((made / "manifest.json").read_text("utf-8"))
    assert manifest["reason"] == f"before migrating from {PREVIOUS}"
    assert (made / "keys" / DEVICE_KEY_FILE).read_bytes() == signing_key
    assert oct((made / "waystation.sqlite3").stat().st_mode & 0o777) == "0o600"
    backup = make_engine(made / "waystation.sqlite3")
    try:
        assert current_revision(backup) == PREVIOUS
        assert "member" not in tables(backup)
        with backup.connect() as connection:
            assert connection.exec_driver_sql("SELECT code FROM device").scalar() == "OLD123"
            assert connection.exec_driver_sql("SELECT name FROM operator").scalar() == "老站长"
    finally:
        backup.dispose()

    # Opening the now current file again copies nothing.
    open_desk(home).close()
    assert len(backup_files.backups_in(desk.paths.backups)) == 1


def _choose_backup_folder(database: Path, folder: object, keep: object) -> None:
    """What the settings screen stores (JSON in ``setting``), written into the old file."""
    with sqlite3.connect(database) as connection:
        connection.executemany(
            "INSERT INTO setting (key, value) VALUES (?, ?)",
            [("backup_folder", json.dumps(folder)), ("backup_keep", json.dumps(keep))],
        )
    connection.close()


def test_the_backup_before_a_migration_goes_to_the_admins_folder_kept_like_the_daily_ones(
    home: Path, tmp_path: Path
) -> None:
    database = _database_at_previous_revision(home)
    _keys_of_the_previous_release(home)
    usb = tmp_path / "usb"
    _choose_backup_folder(database, str(usb), 2)
    paths = resolve_home(home)
    for _ in range(2):  # two daily backups already on the stick
        backup_files.make_backup(paths, usb)
    first = backup_files.backups_in(usb)[0]

    open_desk(home).close()

    kept = backup_files.backups_in(usb)
    assert len(kept) == 2 and first not in kept  # the newest 2 stay, as for daily ones
    newest = json.loads((kept[-1] / "manifest.json").read_text("utf-8"))
    assert newest["reason"] == f"before migrating from {PREVIOUS}"
    assert backup_files.check_backup(kept[-1]).schema == PREVIOUS
    assert not any(paths.backups.iterdir())


def test_with_the_chosen_folder_unwritable_the_backup_goes_to_the_data_folder(
    home: Path, tmp_path: Path
) -> None:
    database = _database_at_previous_revision(home)
    _keys_of_the_previous_release(home)
    not_a_folder = tmp_path / "stick-not-plugged-in"
    not_a_folder.write_text("a file where the folder should be")
    _choose_backup_folder(database, str(not_a_folder), "many")  # and a keep that is no number

    open_desk(home).close()

    (made,) = backup_files.backups_in(resolve_home(home).backups)
    assert backup_files.check_backup(made).schema == PREVIOUS


def test_opening_an_up_to_date_file_makes_no_backup(home: Path) -> None:
    for _ in range(3):
        desk = open_desk(home)
        assert current_revision(desk.engine) == head_revision()
        desk.close()
    assert list(desk.paths.backups.iterdir()) == []


def test_the_file_passes_integrity_check_after_use(desk: Desk, ctx: DeskContext) -> None:
    member = members.register_member(
        members.MemberForm(name="张三", phone="13800138000", consent=True), desk.uow(), ctx
    )
    visit = checkin.check_in(checkin.CheckIn(member_id=member.id), desk.uow(), ctx)
    assert visit.visit_id is not None
    checkin.void_visit(visit.visit_id, "录错了", desk.uow(), ctx)
    with desk.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA integrity_check").all() == [("ok",)]
        assert connection.exec_driver_sql("PRAGMA foreign_key_check").all() == []


def test_outbox_sequence_is_never_reused(desk: Desk, ctx: DeskContext) -> None:
    members.register_member(members.MemberForm(name="张三"), desk.uow(), ctx)
    with desk.engine.begin() as connection:
        highest = connection.exec_driver_sql("SELECT max(seq) FROM outbox").scalar()
        # What pruning pushed events would do to the tail of the queue.
        connection.exec_driver_sql("DELETE FROM outbox WHERE seq = ?", (highest,))
    members.register_member(members.MemberForm(name="李四"), desk.uow(), ctx)
    with desk.engine.connect() as connection:
        newest = connection.exec_driver_sql("SELECT max(seq) FROM outbox").scalar()
    assert newest > highest


def test_a_database_from_a_newer_release_is_refused_clearly(home: Path) -> None:
    desk = open_desk(home)
    desk.close()
    connection = sqlite3.connect(desk.paths.database)
    with connection:
        connection.execute("UPDATE alembic_version SET version_num = '9999'")
    connection.close()
    with pytest.raises(AppError):
        open_desk(home).close()
    assert list(desk.paths.backups.iterdir()) == []


def test_upgrade_from_0002_keeps_members_visits_and_voids(tmp_path: Path) -> None:
    """The real upgrade path of a station in use: members with visits referring to them."""
    from desktop.services.visits import queries as visit_queries

    home = tmp_path / "home"
    home.mkdir()
    database = home / "waystation.sqlite3"
    engine = make_engine(database)
    migrate(engine, database, home / "backups", revision="0002")
    engine.dispose()
    # Fill it as the previous release would have (its services wrote only 0002 tables).
    with sqlite3.connect(database) as connection:
        connection.executescript(
            """
            INSERT INTO station VALUES ('s', '站', 'station', '', '2026-01-01T00:00:00.000000Z');
            INSERT INTO device (id, code, station_id, next_member_seq, created_at)
              VALUES ('d', 'AAAAAA', 's', 2, '2026-01-01T00:00:00.000000Z');
            INSERT INTO member (id, member_number, name, name_sort, phone, phone_tail,
              occupation, employer, union_branch, tags, active, version, station_id,
              device_id, device_time, updated_at)
              VALUES ('m', 'AAAAAA-0001', '张三', 'zhang san', '13800138000', '8000', '', '',
              '', '[]', 1, 1, 's', 'd', '2026-01-01T00:00:00.000000Z',
              '2026-01-01T00:00:00.000000Z');
            INSERT INTO visit VALUES ('v1', 'm', NULL, '["water"]', 's', 'd', 'o',
              '2026-01-02T00:00:00.000000Z', '2026-01-02');
            INSERT INTO visit VALUES ('v2', 'm', NULL, '["rest"]', 's', 'd', 'o',
              '2026-01-03T00:00:00.000000Z', '2026-01-03');
            INSERT INTO visit_void VALUES ('x', 'v2', '误操作', 's', 'd', 'o',
              '2026-01-03T00:01:00.000000Z');
            """
        )
    desk = open_desk(home)  # migrates to head, with a backup first
    try:
        member = members.resolve_member(desk.uow(), "AAAAAA-0001")
        assert member.name == "张三"
        assert visit_queries.member_visit_count(desk.uow(), member.id) == 1
        (made,) = backup_files.backups_in(home / "backups")
        assert json.loads((made / "manifest.json").read_text("utf-8"))["reason"] == (
            "before migrating from 0002"
        )
        with sqlite3.connect(database) as connection:
            assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
            assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
    finally:
        desk.close()


def test_the_head_revision_constant_is_the_migration_scripts_head() -> None:
    # Start-up compares the file with HEAD_REVISION so as not to import Alembic; a new
    # migration without the constant bumped would never be applied.
    assert head_revision() == HEAD_REVISION


def test_a_file_at_head_opens_without_importing_alembic(tmp_path: Path) -> None:
    open_desk(tmp_path / "desk").close()  # created and migrated (Alembic imported here)
    program = (
        "import sys\n"
        "from desktop.bootstrap import open_desk\n"
        "assert not [m for m in sys.modules if m.startswith('alembic')], 'imported early'\n"
        "open_desk(sys.argv[1]).close()\n"
        "print(sorted(m for m in sys.modules if m.startswith('alembic')))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", program, str(tmp_path / "desk")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_a_file_with_two_schema_heads_is_refused_untouched(tmp_path: Path) -> None:
    path, backups = tmp_path / "odd.sqlite3", tmp_path / "backups"
    engine = make_engine(path)
    try:
        migrate(engine, path, backups)
        with engine.begin() as connection:
            connection.exec_driver_sql("INSERT INTO alembic_version VALUES ('9999')")
        with pytest.raises(AppError) as refused:
            migrate(engine, path, backups)
        assert refused.value.code == "storage.newer_schema"
    finally:
        engine.dispose()
    assert not backups.exists() or not any(backups.iterdir())
