"""The local SQLite file: connection settings, migrations at start, the backup before them.

Alembic (and the PostgreSQL and MSSQL DDL modules it loads) is imported only when a migration
is due: at start the file's ``alembic_version`` is read with plain SQL and compared with
``HEAD_REVISION``, which a test keeps equal to the migration scripts' head.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
import time
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from sqlalchemy import Connection, Engine, create_engine, event, text

from desktop.domain.errors import AppError

if TYPE_CHECKING:
    from alembic.config import Config

log = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).with_name("migrations")
BUSY_TIMEOUT_MS = 5000
# The newest migration under migrations/versions; tests/integration/test_storage.py checks it
# against Alembic's own idea of the head. Bump it with every new migration.
HEAD_REVISION = "0012"


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
RELAXED = "waystation_relaxed"
HELD = "waystation_checkpoints_held"
AUTOCHECKPOINT_PAGES = 1000  # SQLite's default: a commit past this many WAL pages checkpoints
CHECKPOINT_EVERY_S = 1.0  # while checkpoints are held: at most this long between two

# Checkpoints held back from commits (``checkpoints_held``): engine -> [holders, last checkpoint]
_held: weakref.WeakKeyDictionary[Engine, list[float]] = weakref.WeakKeyDictionary()
_held_lock = threading.Lock()


@contextmanager
def checkpoints_held(engine: Engine) -> Iterator[None]:
    """While a bulk writer (a pull's pages) runs: no commit on this engine checkpoints.

    With SQLite's auto-checkpoint, the commit that takes the WAL past 1,000 pages copies
    them into the database file and syncs it before returning, about every third slice of
    a pull on a large desk (each member touches pages all over the search indexes): tens
    of milliseconds added to a transaction that the desk's next scan waits for, or to the
    scan's own commit when it happens to be the one. Held here, the bulk writer checkpoints
    instead (``checkpoint_if_due``) after its transaction has ended and its turn is over, a
    PASSIVE checkpoint, which takes no write lock: the desk writes meanwhile. At the end, one
    more; from then on commits checkpoint as before. Durability is untouched: a commit is
    as durable in the WAL as in the file, and a checkpoint cut off is redone at the next."""
    with _held_lock:
        entry = _held.setdefault(engine, [0.0, time.monotonic()])
        entry[0] += 1
    try:
        yield
    finally:
        with _held_lock:
            entry[0] -= 1
            if entry[0] <= 0:
                del _held[engine]
        checkpoint(engine)


def checkpoint_if_due(engine: Engine) -> None:
    """While checkpoints are held on the engine: a PASSIVE checkpoint when the last one is
    ``CHECKPOINT_EVERY_S`` old. Call it outside any transaction (a bulk writer between two)."""
    with _held_lock:
        entry = _held.get(engine)
        if entry is None or time.monotonic() - entry[1] < CHECKPOINT_EVERY_S:
            return
        entry[1] = time.monotonic()
    checkpoint(engine)
    with _held_lock:
        entry[1] = time.monotonic()  # from its end: a slow disk gets time for the pull too


def checkpoint(engine: Engine) -> None:
    """Copy what the WAL holds into the database file as far as readers allow, without the
    write lock (PASSIVE); a failure is logged only (the next checkpoint does it)."""
    try:
        raw = engine.raw_connection()
        try:
            cursor = raw.cursor()
            cursor.execute("PRAGMA wal_checkpoint(PASSIVE)")
            cursor.fetchall()
            cursor.close()
        finally:
            raw.close()
    except Exception:  # a checkpoint that did not happen loses nothing: the next one does it
        log.warning("checkpoint failed", exc_info=True)


def _on_begin(connection: Connection) -> None:
    """A writing unit of work takes the write lock at BEGIN, so read-then-write is safe.

    A relaxed one (``UnitOfWork.relaxed``: what it writes can be fetched again) commits with
    ``synchronous=NORMAL``: no fsync at its commit; WAL keeps the file consistent through a
    power cut, and the next FULL commit on the file (any other transaction) makes it durable.
    Every other transaction runs at FULL: the setting is put back before it begins.
    While ``checkpoints_held``, no commit checkpoints (see there)."""
    options = connection.get_execution_options()
    relaxed = bool(options.get(RELAXED, False))
    info = connection.connection.info
    if info.get(RELAXED, False) != relaxed:
        connection.exec_driver_sql(f"PRAGMA synchronous={'NORMAL' if relaxed else 'FULL'}")
        info[RELAXED] = relaxed
    held = connection.engine in _held  # checkpoints_held: no checkpoint at this commit
    if info.get(HELD, False) != held:
        pages = 0 if held else AUTOCHECKPOINT_PAGES
        connection.exec_driver_sql(f"PRAGMA wal_autocheckpoint={pages}")
        info[HELD] = held
    connection.exec_driver_sql("BEGIN IMMEDIATE" if options.get(IMMEDIATE, False) else "BEGIN")


def _on_connect_read_only(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA cache_size=-32000")
    cursor.close()


def make_engine(path: Path, read_only: bool = False) -> Engine:
    """The engine over the database file. ``read_only``: for a data folder on a medium that
    cannot be written (a read-only mount, a disk the system remounted read-only after errors):
    SQLite opens the file ``immutable`` (no -wal/-shm files are made, no lock is taken, which
    only a medium nobody can write makes safe) and every write fails as read-only."""
    # hide_parameters: an error's text (logged, shown in the crash dialog) must not carry
    # members' names and phone numbers.
    if read_only:
        uri = f"file:{quote(str(path))}?mode=ro&immutable=1"
        engine = create_engine(
            f"sqlite:///{path}",
            future=True,
            hide_parameters=True,
            creator=lambda: sqlite3.connect(uri, uri=True, check_same_thread=False),
        )
        event.listen(engine, "connect", _on_connect_read_only)
    else:
        engine = create_engine(f"sqlite:///{path}", future=True, hide_parameters=True)
        event.listen(engine, "connect", _on_connect)
    event.listen(engine, "begin", _on_begin)
    return engine


def alembic_config(engine: Engine) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def head_revision() -> str:
    """The head as Alembic reads it from the scripts (imports Alembic; see HEAD_REVISION)."""
    from alembic.script import ScriptDirectory

    head = ScriptDirectory(str(MIGRATIONS)).get_current_head()
    assert head is not None
    return head


def known_revisions() -> set[str]:
    from alembic.script import ScriptDirectory

    return {script.revision for script in ScriptDirectory(str(MIGRATIONS)).walk_revisions()}


def current_revision(engine: Engine) -> str | None:
    """The file's schema revision (None for a new file), read without Alembic."""
    with engine.connect() as connection:
        table = connection.execute(
            text("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'")
        ).first()
        if table is None:
            return None
        rows = connection.execute(text("SELECT version_num FROM alembic_version")).all()
    # Several rows (branched heads) were never made by Waystation: joined, they match no
    # known revision and migrate() refuses the file.
    return ",".join(str(row[0]) for row in rows) or None


def backup(path: Path, folder: Path, label: str, immutable: bool = False) -> Path:
    """A consistent copy of the database (SQLite's online backup, safe under WAL).
    ``immutable``: the file is on a read-only medium, where SQLite could not make the WAL
    index it otherwise needs to read it (nobody can write it there, so nothing changes)."""
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    target = folder / f"{path.stem}-{stamp}-before-{label}.sqlite3"
    os.close(os.open(target, os.O_WRONLY | os.O_CREAT, 0o600))  # names and phones: 0600
    source = (
        sqlite3.connect(f"file:{quote(str(path))}?mode=ro&immutable=1", uri=True)
        if immutable
        else sqlite3.connect(path)
    )
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


def migrate(
    engine: Engine,
    path: Path,
    backups: Path,
    revision: str = "head",
    back_up: Callable[[str], Path] | None = None,
) -> Path | None:
    """Bring the schema to ``revision``; back the file up first when it holds an older schema.

    ``back_up(current revision)`` makes that backup (the desk's whole backup, with its keys:
    see ``bootstrap``); without it, a bare database is copied into ``backups``. Returns the
    backup's path, or None when nothing needed migrating or the file was new.
    """
    current = current_revision(engine)
    if current == (HEAD_REVISION if revision == "head" else revision):
        return None  # the usual start: Alembic is never imported
    from alembic import command

    target = head_revision() if revision == "head" else revision
    if current == target:
        return None
    if current is not None and current not in known_revisions():
        # Made by a newer Waystation: refuse before touching (or copying) the file.
        raise AppError("storage.newer_schema", revision=current, path=str(path))
    copy = None
    if current is not None:
        if back_up is not None:
            copy = back_up(current)
        else:
            copy = backup(path, backups, f"migrate-from-{current}")
        log.info("database at %s, backed up to %s before migrating", current, copy)
    command.upgrade(alembic_config(engine), revision)
    log.info("database migrated from %s to %s", current, target)
    return copy
