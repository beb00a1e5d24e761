"""Where a desk keeps its files: the data folder and what lives in it.

The folder holds names, phones and PIN hashes: it is readable by its user only (0700, its
files 0600), whatever the umask, and a folder made before that rule is tightened on open.
"""

from __future__ import annotations

import logging
import os
import stat
from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP_NAME = "Waystation"
HOME_ENV = "WAYSTATION_HOME"


@dataclass(frozen=True)
class DataPaths:
    home: Path

    @property
    def database(self) -> Path:
        return self.home / "waystation.sqlite3"

    @property
    def backups(self) -> Path:
        return self.home / "backups"

    @property
    def logs(self) -> Path:
        return self.home / "logs"

    @property
    def keys(self) -> Path:
        """Secrets of this device; readable by the user only."""
        return self.home / "keys"

    def ensure(self) -> DataPaths:
        for folder in (self.home, self.backups, self.logs, self.keys):
            folder.mkdir(parents=True, exist_ok=True)
            make_private(folder)
        return self

    def tighten(self) -> None:
        """The database (and its WAL files), logs and backups: 0600."""
        database = self.database
        for path in (
            database,
            database.with_name(database.name + "-wal"),
            database.with_name(database.name + "-shm"),
        ):
            make_private(path)
        for folder in (self.logs, self.backups, self.keys):
            for path in folder.rglob("*"):
                make_private(path)


def make_private(path: Path) -> None:
    """0700 for a folder, 0600 for a file; left as it is where that cannot be changed (a
    read-only disk: the desk may still read from it)."""
    try:
        mode = path.lstat().st_mode
    except OSError:
        return
    if stat.S_ISLNK(mode):
        return
    wanted = 0o700 if stat.S_ISDIR(mode) else 0o600
    if stat.S_IMODE(mode) == wanted:
        return
    try:
        os.chmod(path, wanted)
    except OSError as error:
        logging.getLogger(__name__).warning("cannot make %s private: %s", path, error)


def resolve_home(explicit: str | os.PathLike[str] | None = None) -> DataPaths:
    """``--home`` wins, then ``WAYSTATION_HOME``, then the platform's user data folder."""
    if explicit:
        return DataPaths(Path(explicit).expanduser().resolve())
    env = os.environ.get(HOME_ENV)
    if env:
        return DataPaths(Path(env).expanduser().resolve())
    return DataPaths(Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)))
