"""Backups as desk tasks: made by an admin (audited), or automatically once a day.

The files themselves are made and checked by ``desktop.backup``; this is who may ask for
one, where it goes (the folder the admin picked in the settings, else the data folder's
``backups/``), and what the audit trail says.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from desktop import backup
from desktop.config import DeskSettings
from desktop.domain.clock import to_iso
from desktop.domain.model import DeskContext, Role
from desktop.paths import DataPaths
from desktop.services.desk.operators import require_role
from desktop.storage.uow import UnitOfWork

log = logging.getLogger(__name__)

DAILY = timedelta(days=1)
OLD_AFTER = timedelta(days=3)  # the settings screen warns beyond this


def backup_folder(paths: DataPaths, uow: UnitOfWork) -> Path:
    with uow.reading():
        chosen = DeskSettings.backup_folder.read(uow)
    return Path(chosen).expanduser() if chosen else paths.backups


def back_up(paths: DataPaths, folder: Path | None, uow: UnitOfWork, ctx: DeskContext) -> Path:
    """A backup now, into ``folder`` (None: the chosen one). Admins only; audited."""
    require_role(ctx, Role.ADMIN)
    target = folder if folder is not None else backup_folder(paths, uow)
    made = backup.make_backup(paths, target)
    if backup.on_read_only_medium(paths.database):
        # The data folder cannot be written (a failing disk remounted read-only): the backup
        # is what matters now; the trail that cannot be written goes to the log.
        log.warning("backup %s made by %s; not audited: read-only data folder", made, ctx)
        return made
    with uow:
        uow.audit.record("backup_made", ctx.operator_id, to_iso(uow.now()), path=str(made))
        uow.commit()
    return made


def back_up_if_due(paths: DataPaths, uow: UnitOfWork) -> Path | None:
    """The daily automatic backup, keeping the newest N (settings); None if not due."""
    folder = backup_folder(paths, uow)
    with uow.reading():
        keep = DeskSettings.backup_keep.read(uow)
    made = backup.backup_if_due(paths, folder, keep, DAILY)
    if made is not None:
        with uow:
            uow.audit.record("backup_made", None, to_iso(uow.now()), path=str(made), automatic=True)
            uow.commit()
    return made


def last_backup(paths: DataPaths, uow: UnitOfWork) -> tuple[datetime | None, bool]:
    """When the newest backup in the chosen folder was made, and whether that is too old."""
    made = backup.last_backup_time(backup_folder(paths, uow))
    return made, made is None or datetime.now(UTC) - made > OLD_AFTER


# --- restoring from the desk's window --------------------------------------------------------


@dataclass(frozen=True)
class BackupChoice:
    """A backup found in the backup folder, as the restore dialog lists it."""

    path: str
    made_at: datetime | None  # UTC; None if its manifest is unreadable
    device_code: str
    members: int | None


def available(paths: DataPaths, uow: UnitOfWork) -> tuple[Path, list[BackupChoice]]:
    """The chosen backup folder and the backups in it, newest first."""
    folder = backup_folder(paths, uow)
    return folder, available_in(folder)


def available_in(folder: Path) -> list[BackupChoice]:
    """The backups in ``folder``, newest first, as their manifests describe them (nothing is
    checked yet: ``check`` does that for the one chosen)."""
    return [_choice(path) for path in reversed(backup.backups_in(folder))]


def _choice(path: Path) -> BackupChoice:
    try:
        manifest = json.loads((path / backup.MANIFEST).read_text("utf-8"))
        made = datetime.fromisoformat(str(manifest["made_at"])).astimezone(UTC)
        return BackupChoice(
            str(path), made, str(manifest.get("device_code", "")), int(manifest["members"])
        )
    except (OSError, ValueError, KeyError, TypeError):
        return BackupChoice(str(path), backup.made_at(path), "", None)


def check(source: Path, ctx: DeskContext) -> backup.BackupInfo:
    """Whether ``source`` is a whole backup (admins only; nothing is changed)."""
    require_role(ctx, Role.ADMIN)
    return backup.check_backup(source)


def restore(
    paths: DataPaths,
    source: Path,
    uow: UnitOfWork,
    ctx: DeskContext,
    close_desk: Callable[[], None],
) -> tuple[backup.BackupInfo, Path]:
    """Put the backup at ``source`` in place of this desk's database and keys (admins only).

    The backup is checked before anything is closed. The present database records who
    replaced it (it is kept aside, so the trail stays with it); then ``close_desk`` closes
    the desk's connections and the files are swapped. The caller opens the desk again and
    calls ``record_restored`` in the restored database.
    """
    require_role(ctx, Role.ADMIN)
    info = backup.check_backup(source)
    with uow:
        uow.audit.record(
            "backup_restore",
            ctx.operator_id,
            to_iso(uow.now()),
            path=str(source),
            made_at=info.made_at,
        )
        uow.commit()
    close_desk()
    return backup.restore_backup(paths, source)


def record_restored(
    uow: UnitOfWork, ctx: DeskContext, info: backup.BackupInfo, aside: Path
) -> None:
    """The restored database's own trail says who restored it, from what, and where the
    replaced files are (the operator may not exist in the backup: the id is kept as such)."""
    with uow:
        uow.audit.record(
            "backup_restored",
            ctx.operator_id,
            to_iso(uow.now()),
            path=info.path,
            made_at=info.made_at,
            kept_aside=str(aside),
        )
        uow.commit()
