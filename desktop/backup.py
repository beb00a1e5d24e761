"""A whole-desk backup: a consistent copy of the database and the device's keys.

The keys belong with the data: without the ID-number hash key, ID numbers on file can no
longer be matched; without the signing key, the cards and certificates this device issued
can no longer be verified as its own.
"""

from __future__ import annotations

import os
import shutil
from datetime import UTC, datetime
from pathlib import Path

from desktop.bootstrap import Desk
from desktop.domain.errors import InvalidInput
from desktop.storage.database import backup as copy_database


def make_backup(desk: Desk, folder: Path) -> Path:
    """Write ``waystation-backup-<UTC time>/`` into ``folder``; returns its path."""
    folder = folder.expanduser()
    if folder.exists() and not folder.is_dir():
        raise InvalidInput("backup.not_a_folder", field="out", path=str(folder)[:80])
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    target = folder / f"waystation-backup-{stamp}"
    try:
        target.mkdir(parents=True)
        database = copy_database(desk.paths.database, target, "backup")
        database.rename(target / desk.paths.database.name)
        keys = target / "keys"
        shutil.copytree(desk.paths.keys, keys)
        os.chmod(keys, 0o700)
        for key in keys.iterdir():
            os.chmod(key, 0o600)
    except OSError as error:
        raise InvalidInput(
            "backup.failed", field="out", path=str(target)[:80], problem=str(error)[:120]
        ) from None
    return target
