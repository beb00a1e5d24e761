"""What a damaged database, a full disk or a read-only folder means, as a message code.

SQLite and the operating system say "database disk image is malformed", "disk I/O error",
"[Errno 30] Read-only file system"; a person needs to hear what happened to the desk and
what to do. ``storage_fault`` turns such an error into a ``StorageFault`` (an AppError
of the ``storage.`` family, in domain.errors); the CLI and the window show it and stop, having
written nothing: SQLite rolled the transaction back, and no file is replaced.
"""

from __future__ import annotations

import errno
import shutil
import sqlite3
from pathlib import Path

from sqlalchemy.exc import DBAPIError

from desktop.domain.errors import AppError, InvalidInput, StorageFault

# Free space under which a "disk I/O error" is taken to be a full disk: SQLite reports a
# failed write of its journal as an I/O error, not as SQLITE_FULL.
LOW_SPACE_BYTES = 4 * 1024 * 1024
_FULL = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}
_READ_ONLY = {errno.EROFS, errno.EACCES, errno.EPERM}


def storage_fault(error: BaseException, home: Path | None) -> AppError | None:
    """The fault ``error`` stands for, or None when it is no storage fault."""
    where = str(home)[:200] if home is not None else ""
    original = error.orig if isinstance(error, DBAPIError) else error
    if isinstance(original, OSError):
        return _os_fault(original, where, home)
    if not isinstance(original, sqlite3.Error):
        return None
    text = str(original).lower()
    if "malformed" in text or "not a database" in text or "corrupt" in text:
        return StorageFault("storage.damaged", path=where)
    if "full" in text:
        return StorageFault("storage.disk_full", path=where)
    if "readonly" in text or "read-only" in text:
        return StorageFault("storage.read_only", path=where)
    if "database is locked" in text or "database table is locked" in text:
        # The busy timeout ran out: another connection kept the write lock that long.
        return StorageFault("storage.busy", path=where)
    if "unable to open" in text:
        return StorageFault("storage.cannot_open", path=where)
    if "disk i/o error" in text:
        if home is not None and _free_bytes(home) < LOW_SPACE_BYTES:
            return StorageFault("storage.disk_full", path=where)
        return StorageFault("storage.io_error", path=where, problem="disk I/O error")
    return None


def _os_fault(error: OSError, where: str, home: Path | None) -> AppError:
    named = str(error.filename or where)[:200]
    if error.errno == errno.ENAMETOOLONG:  # a name the person gave (--out): their input
        return InvalidInput("storage.name_too_long", field="out", path=named[:80])
    if error.errno in _FULL:
        return StorageFault("storage.disk_full", path=where or named)
    if error.errno in _READ_ONLY:
        return StorageFault("storage.read_only", path=where or named)
    if home is not None and _free_bytes(home) < LOW_SPACE_BYTES:
        return StorageFault("storage.disk_full", path=where)
    return StorageFault("storage.io_error", path=named, problem=str(error.strerror)[:120])


def _free_bytes(home: Path) -> int:
    folder = home
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    try:
        return shutil.disk_usage(folder).free
    except OSError:
        return LOW_SPACE_BYTES  # unknown: not claimed to be full


def check_database_file(database: Path, device_key: Path) -> None:
    """Refuse a database file that is there but empty when this desk was already set up.

    SQLite takes an empty file for a new database: the desk would say "not set up yet" and
    invite ``init`` over a damaged desk. The device key (made at the first
    opening, together with a database that is never empty again) says the desk was opened.
    """
    if not device_key.exists():
        return  # never opened: a new desk
    try:
        empty = database.stat().st_size == 0
    except FileNotFoundError:
        raise StorageFault("storage.database_missing", path=str(database)[:200]) from None
    if empty:
        raise StorageFault("storage.damaged", path=str(database.parent)[:200])
