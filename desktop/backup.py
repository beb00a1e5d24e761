"""Whole-desk backups a person can restore: the database and the device's keys, together.

The keys belong with the data: without the ID-number hash key, ID numbers on file can no
longer be matched; without the signing key, the cards and certificates this device issued
can no longer be verified as its own.

A backup is a folder ``waystation-backup-<UTC time>/`` holding ``waystation.sqlite3`` (made
with SQLite's online backup API, never a copy of the live file), ``keys/`` and
``manifest.json`` (when, which device, the schema, and a SHA-256 of every file). Restoring
checks all of that and ``PRAGMA integrity_check`` before touching anything, then sets the
present database and keys aside in ``replaced-<UTC time>/`` and puts the backup's in place;
if the replaced database can still be read, the restored one counts on after its numbers.
Everything here is 0700/0600: a backup holds what the data folder holds.
"""

from __future__ import annotations

import errno
import hashlib
import json
import logging
import os
import shutil
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from desktop.config import DeskSettings
from desktop.domain.errors import InvalidInput
from desktop.paths import DataPaths, make_private
from desktop.storage.database import backup as copy_database

log = logging.getLogger(__name__)

PREFIX = "waystation-backup-"
MANIFEST = "manifest.json"
DATABASE = "waystation.sqlite3"
REQUIRED_KEYS = ("device-ed25519.key", "id-number-hash.key")


@dataclass(frozen=True)
class BackupInfo:
    path: str
    made_at: str  # UTC, ISO 8601
    device_code: str
    schema: str
    members: int
    outbox_seq: int  # the highest sequence number the desk had used


def make_backup(paths: DataPaths, folder: Path, reason: str = "") -> Path:
    """Write ``waystation-backup-<UTC time>/`` into ``folder``; returns its path. ``reason``
    (say, "before migrating from 0007") goes into the manifest."""
    folder = folder.expanduser()
    if folder.exists() and not folder.is_dir():
        raise InvalidInput("backup.not_a_folder", field="out", path=str(folder)[:80])
    now = datetime.now(UTC)
    target = folder / f"{PREFIX}{now.strftime('%Y%m%dT%H%M%S%fZ')}"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        target.mkdir(mode=0o700)
        database = copy_database(
            paths.database, target, "backup", immutable=on_read_only_medium(paths.database)
        )
        database.rename(target / DATABASE)
        keys = target / "keys"
        if paths.keys.is_dir():
            shutil.copytree(paths.keys, keys)
        else:  # a data folder from before the device had keys (never set up)
            keys.mkdir(mode=0o700)
        for path in (target, *target.rglob("*")):
            make_private(path)
        facts = _facts(target / DATABASE)
        manifest = {
            "made_at": now.isoformat(timespec="seconds"),
            **facts,
            **({"reason": reason} if reason else {}),
            "files": {str(p.relative_to(target)): _sha256(p) for p in _files(target)},
        }
        _write_private(target / MANIFEST, json.dumps(manifest, indent=2).encode())
    except OSError as error:
        shutil.rmtree(target, ignore_errors=True)
        if error.errno == errno.ENAMETOOLONG:  # the name the person gave: said as such
            raise
        raise InvalidInput(
            "backup.failed", field="out", path=str(target)[:80], problem=str(error)[:120]
        ) from None
    log.info("backup written to %s", target)
    return target


def on_read_only_medium(path: Path) -> bool:
    """Whether ``path`` is on a file system mounted read-only (say, remounted so by the
    system after disk errors: the moment a backup matters most)."""
    try:
        return bool(os.statvfs(path).f_flag & os.ST_RDONLY)
    except (OSError, AttributeError):  # no statvfs (Windows): SQLite copes as it can
        return False


def _files(root: Path) -> list[Path]:
    """The files a backup is made of (not SQLite's -wal/-shm, should any appear)."""
    return sorted(
        p
        for p in root.rglob("*")
        if p.is_file() and p.name != MANIFEST and not p.name.endswith(("-wal", "-shm"))
    )


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _write_private(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


def _facts(database: Path) -> dict[str, Any]:
    """What the backup's database says of itself (read-only; raises sqlite3.Error)."""
    connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:

        def one(sql: str) -> Any:
            try:
                row = connection.execute(sql).fetchone()
            except sqlite3.OperationalError:  # a table a very old schema lacks
                return None
            return row[0] if row else None

        return {
            "device_code": one("SELECT code FROM device") or "",
            "schema": one("SELECT version_num FROM alembic_version") or "",
            "members": one("SELECT count(*) FROM member") or 0,
            "outbox_seq": one("SELECT max(seq) FROM outbox") or 0,
        }
    finally:
        connection.close()


def check_backup(path: Path) -> BackupInfo:
    """The backup at ``path`` if it is whole: every file as the manifest says, the database
    passing ``PRAGMA integrity_check``, both keys there. Raises ``backup.damaged`` if not."""
    path = path.expanduser()
    name = str(path)[:120]
    if not path.is_dir() or not (path / DATABASE).is_file():
        raise InvalidInput("backup.not_a_backup", field="backup", path=name)
    for key in REQUIRED_KEYS:
        if not (path / "keys" / key).is_file():
            raise InvalidInput("backup.damaged", field="backup", path=name, problem=key)
    try:
        manifest = json.loads((path / MANIFEST).read_text("utf-8"))
        listed: dict[str, str] = manifest["files"]
    except (OSError, ValueError, KeyError, TypeError):
        raise InvalidInput("backup.damaged", field="backup", path=name, problem=MANIFEST) from None
    present = {str(p.relative_to(path)) for p in _files(path)}
    if set(listed) != present:
        problem = ", ".join(sorted(set(listed) ^ present))[:120]
        raise InvalidInput("backup.damaged", field="backup", path=name, problem=problem)
    for relative, digest in listed.items():
        if _sha256(path / relative) != digest:
            raise InvalidInput("backup.damaged", field="backup", path=name, problem=relative)
    try:
        connection = sqlite3.connect(f"file:{path / DATABASE}?mode=ro", uri=True)
        try:
            verdict = connection.execute("PRAGMA integrity_check").fetchone()[0]
        finally:
            connection.close()
        facts = _facts(path / DATABASE)
    except sqlite3.Error as error:
        raise InvalidInput(
            "backup.damaged", field="backup", path=name, problem=str(error)[:80]
        ) from None
    if verdict != "ok":
        raise InvalidInput("backup.damaged", field="backup", path=name, problem=str(verdict)[:80])
    return BackupInfo(
        path=str(path),
        made_at=str(manifest.get("made_at", "")),
        device_code=str(facts["device_code"]),
        schema=str(facts["schema"]),
        members=int(facts["members"]),
        outbox_seq=int(facts["outbox_seq"]),
    )


def restore_backup(paths: DataPaths, source: Path) -> tuple[BackupInfo, Path]:
    """Put the backup at ``source`` in place of the desk's database and keys.

    The desk must be closed. Returns the backup's facts and the folder where the present
    files were set aside (``replaced-<UTC time>/``, nothing is deleted). If any step fails,
    the present files are put back.
    """
    info = check_backup(source)
    paths.ensure()
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    staging = paths.home / f".restoring-{stamp}"
    aside = paths.home / f"replaced-{stamp}"
    database = paths.database
    side_files = [database.with_name(database.name + s) for s in ("-wal", "-shm")]
    try:
        staging.mkdir(mode=0o700)
        shutil.copyfile(source / DATABASE, staging / DATABASE)
        shutil.copytree(source / "keys", staging / "keys")
        for path in (staging, *staging.rglob("*")):
            make_private(path)
        with open(staging / DATABASE, "rb") as handle:
            os.fsync(handle.fileno())
    except OSError as error:
        shutil.rmtree(staging, ignore_errors=True)
        raise InvalidInput(
            "backup.restore_failed",
            field="backup",
            path=str(paths.home)[:80],
            problem=str(error)[:120],
        ) from None
    moved: list[tuple[Path, Path]] = []
    try:
        aside.mkdir(mode=0o700)
        for present in (database, *side_files, paths.keys):
            if present.exists():
                present.rename(aside / present.name)
                moved.append((aside / present.name, present))
        (staging / DATABASE).rename(database)
        (staging / "keys").rename(paths.keys)
    except OSError as error:
        for placed in (database, paths.keys):  # undo: the present files go back
            if placed.exists() and (aside / placed.name).exists():
                shutil.rmtree(placed) if placed.is_dir() else placed.unlink()
        for kept, original in reversed(moved):
            kept.rename(original)
        raise InvalidInput(
            "backup.restore_failed",
            field="backup",
            path=str(paths.home)[:80],
            problem=str(error)[:120],
        ) from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    carried = carry_counters(aside / database.name, database)
    if carried:
        log.info("counters carried over from the replaced database: %s", carried)
    log.info(
        "restored %s (device %s, sequence %d); present files kept in %s",
        source,
        info.device_code,
        info.outbox_seq,
        aside,
    )
    return info, aside


def carry_counters(replaced: Path, restored: Path) -> dict[str, int]:
    """Continue the restored database's numbers after the replaced one's, if it is readable.

    The replaced database (set aside, never changed) knows how far this desk had counted:
    its last outbox sequence, member number and certificate serial. The restored one counts
    on from there, so no number is handed out twice even before the next sync (where the
    server's check covers a replaced database that was too damaged to read).
    """
    try:
        old = sqlite3.connect(f"file:{replaced}?mode=ro", uri=True)
        try:
            seq = old.execute(
                "SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'outbox'), 0),"
                " coalesce((SELECT max(seq) FROM outbox), 0))"
            ).fetchone()[0]
            member, certificate = old.execute(
                "SELECT next_member_seq, next_certificate_seq FROM device"
            ).fetchone()
        finally:
            old.close()
    except (sqlite3.Error, TypeError):  # damaged, missing, or never set up
        return {}
    new = sqlite3.connect(restored)
    try:
        with new:
            new.execute(
                "UPDATE device SET next_member_seq = max(next_member_seq, ?),"
                " next_certificate_seq = max(next_certificate_seq, ?)",
                (member, certificate),
            )
            found = new.execute(
                "UPDATE sqlite_sequence SET seq = max(seq, ?) WHERE name = 'outbox'", (seq,)
            )
            if found.rowcount == 0:
                new.execute("INSERT INTO sqlite_sequence (name, seq) VALUES ('outbox', ?)", (seq,))
    except sqlite3.Error as error:
        log.warning("could not carry the counters over: %s", error)
        return {}
    finally:
        new.close()
    return {
        "outbox_seq": int(seq),
        "next_member_seq": int(member),
        "next_certificate_seq": int(certificate),
    }


# --- automatic backups ---------------------------------------------------------------------


def chosen_folder(paths: DataPaths) -> tuple[Path, int]:
    """Where automatic backups go and how many are kept, read from the database with plain
    SQL (any schema since 0001 has ``setting``; the settings service needs the current one,
    and this is read before a migration). The data folder's ``backups/`` and 14 when unset
    or unreadable, as the settings screen would read them."""
    folder, keep = "", DeskSettings.backup_keep.default
    try:
        connection = sqlite3.connect(f"file:{paths.database}?mode=ro", uri=True)
        try:
            rows = dict(
                connection.execute(
                    "SELECT key, value FROM setting WHERE key IN ('backup_folder', 'backup_keep')"
                ).fetchall()
            )
        finally:
            connection.close()
        stored_folder = json.loads(rows.get("backup_folder", '""'))
        stored_keep = json.loads(rows.get("backup_keep", "null"))
    except (sqlite3.Error, ValueError, TypeError):
        return paths.backups, keep
    if isinstance(stored_folder, str) and stored_folder.strip():
        folder = stored_folder
    if isinstance(stored_keep, int) and not isinstance(stored_keep, bool):
        option = DeskSettings.backup_keep
        keep = int(min(max(stored_keep, option.minimum or 1), option.maximum or stored_keep))
    return (Path(folder).expanduser() if folder else paths.backups), keep


def backup_before_migrating(paths: DataPaths, current: str) -> Path:
    """The whole desk (database by SQLite's online backup, and keys) before its schema
    changes, into the admin's backup folder (the data folder's ``backups/`` if that one
    cannot be written: the USB stick may be out), kept like the daily ones."""
    folder, keep = chosen_folder(paths)
    reason = f"before migrating from {current}"
    try:
        made = make_backup(paths, folder, reason)
    except InvalidInput:
        if folder == paths.backups:
            raise
        log.warning("cannot write the backup to %s; writing it to %s", folder, paths.backups)
        folder = paths.backups
        made = make_backup(paths, folder, reason)
    prune(folder, keep)
    return made


def backups_in(folder: Path) -> list[Path]:
    """The backups in ``folder``, oldest first (their names sort by time)."""
    try:
        return sorted(p for p in folder.iterdir() if p.is_dir() and p.name.startswith(PREFIX))
    except OSError:
        return []


def made_at(path: Path) -> datetime | None:
    """When the backup at ``path`` was made, by its name (UTC); None for a name not ours."""
    try:
        return datetime.strptime(path.name[len(PREFIX) :], "%Y%m%dT%H%M%S%fZ").replace(tzinfo=UTC)
    except ValueError:
        return None


def last_backup_time(folder: Path) -> datetime | None:
    for path in reversed(backups_in(folder)):
        made = made_at(path)
        if made is not None:
            return made
    return None


def backup_if_due(
    paths: DataPaths, folder: Path, keep: int, every: timedelta = timedelta(days=1)
) -> Path | None:
    """A backup into ``folder`` if the last one there is older than ``every``; then only the
    newest ``keep`` backups stay. Returns the new backup, or None when none was due."""
    last = last_backup_time(folder)
    if last is not None and datetime.now(UTC) - last < every:
        return None
    made = make_backup(paths, folder)
    prune(folder, keep)
    return made


def prune(folder: Path, keep: int) -> list[Path]:
    """Delete all but the newest ``keep`` backups in ``folder`` (at least one is kept)."""
    found = backups_in(folder)
    old = found[: max(0, len(found) - max(1, keep))]
    for path in old:
        shutil.rmtree(path, ignore_errors=True)
    return old
