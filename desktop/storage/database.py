"""The local SQLite file: connection settings, migrations at start, the backup before them."""

from __future__ import annotations

import logging
import os
import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, create_engine, event

from desktop.domain.errors import AppError

log = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).with_name("migrations")
BUSY_TIMEOUT_MS = 5000


def _on_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
    # pysqlite would BEGIN only at the first write, too late to lock out a second writer
    # (the desk and a CLI script on one file); SQLAlchemy's "begin" event does it instead.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    # WAL lets the screen read while a write commits; FULL survives a power cut at the wall.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA cache_size=-32000")
    cursor.close()


IMMEDIATE = "waystation_immediate"


def _on_begin(connection: Connection) -> None:
    """A writing unit of work takes the write lock at BEGIN, so read-then-write is safe."""
    immediate = connection.get_execution_options().get(IMMEDIATE, False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def make_engine(path: Path) -> Engine:
    # hide_parameters: an error's text (logged, shown in the crash dialog) must not carry
    # members' names and phone numbers.
    engine = create_engine(f"sqlite:///{path}", future=True, hide_parameters=True)
    event.listen(engine, "connect", _on_connect)
    event.listen(engine, "begin", _on_begin)
    return engine


def alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def head_revision() -> str:
    script = ScriptDirectory(str(MIGRATIONS))
    head = script.get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def backup(path: Path, folder: Path, label: str) -> Path:
    """A consistent copy of the database (SQLite's online backup, safe under WAL)."""
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    target = folder / f"{path.stem}-{stamp}-before-{label}.sqlite3"
    os.close(os.open(target, os.O_WRONLY | os.O_CREAT, 0o600))  # names and phones: 0600
    source = sqlite3.connect(path)
    try:
        copy = sqlite3.connect(target)
        try:
            source.backup(copy)
            # One self-contained file: a copy left in WAL mode grows -wal/-shm files beside
            # it whenever it is opened, even to read it.
            copy.execute("PRAGMA journal_mode=DELETE")
        finally:
            copy.close()
    finally:
        source.close()
    return target


def migrate(engine: Engine, path: Path, backups: Path, revision: str = "head") -> Path | None:
    """Bring the schema to ``revision``; copy the file first when it holds an older schema.

    Returns the backup's path, or None when nothing needed migrating or the file was new.
    """
    current = current_revision(engine)
    target = head_revision() if revision == "head" else revision
    if current == target:
        return None
    known = {script.revision for script in ScriptDirectory(str(MIGRATIONS)).walk_revisions()}
    if current is not None and current not in known:
        # Made by a newer Waystation: refuse before touching (or copying) the file.
        raise AppError("storage.newer_schema", revision=current, path=str(path))
    copy = None
    if current is not None:
        copy = backup(path, backups, f"migrate-from-{current}")
        log.info("database at %s, backed up to %s before migrating", current, copy)
    command.upgrade(alembic_config(engine), revision)
    log.info("database migrated from %s to %s", current, target)
    return copy
