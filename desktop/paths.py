"""Where a desk keeps its files: the data folder and what lives in it."""

from __future__ import annotations

import os
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
        for folder in (self.home, self.backups, self.logs):
            folder.mkdir(parents=True, exist_ok=True)
        self.keys.mkdir(parents=True, exist_ok=True)
        os.chmod(self.keys, 0o700)
        return self


def resolve_home(explicit: str | os.PathLike[str] | None = None) -> DataPaths:
    """``--home`` wins, then ``WAYSTATION_HOME``, then the platform's user data folder."""
    if explicit:
        return DataPaths(Path(explicit).expanduser().resolve())
    env = os.environ.get(HOME_ENV)
    if env:
        return DataPaths(Path(env).expanduser().resolve())
    return DataPaths(Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)))
