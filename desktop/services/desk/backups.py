"""Backups as desk tasks: made by an admin (audited), or automatically once a day.

The files themselves are made and checked by ``desktop.backup``; this is who may ask for
one, where it goes (the folder the admin picked in the settings, else the data folder's
``backups/``), and what the audit trail says.
"""

from __future__ import annotations

import logging
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
