"""The one place where paths, the database, migrations, secrets and the unit of work meet."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from os import PathLike

from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError

from desktop.backup import backup_before_migrating
from desktop.domain.clock import Clock, system_clock
from desktop.domain.errors import StorageFault
from desktop.domain.model import Device
from desktop.identity.keys import DEVICE_KEY_FILE, DeviceKeys
from desktop.identity.secrets import load_or_create_id_hash_key, local_id_hash_keys
from desktop.logs import set_up_logging, stop_logging
from desktop.paths import DataPaths, resolve_home
from desktop.services.cards import identity
from desktop.storage.database import HEAD_REVISION, current_revision, make_engine, migrate
from desktop.storage.faults import check_database_file, storage_fault
from desktop.storage.uow import IdHashKeys, UnitOfWorkFactory, uow_factory

__all__ = ["Desk", "UnitOfWorkFactory", "open_desk"]

log = logging.getLogger(__name__)


@dataclass
class Desk:
    """An opened data folder: everything a screen or a CLI verb needs to work."""

    paths: DataPaths
    engine: Engine
    uow: UnitOfWorkFactory
    keys: DeviceKeys
    log_handler: logging.Handler | None = None
    hash_keys: IdHashKeys | None = None

    def device(self) -> Device | None:
        with self.uow().reading() as uow:
            return uow.device.get()

    def register_own_key(self) -> None:
        """Once the device exists, its public key is in the register (idempotent)."""
        identity.register_own_key(self.uow(), self.keys.public_key_bytes())

    def close(self) -> None:
        self.engine.dispose()
        if self.log_handler is not None:
            stop_logging(self.log_handler)
            self.log_handler = None


def open_desk(
    home: str | PathLike[str] | None = None,
    clock: Clock = system_clock,
    read_only: bool = False,
) -> Desk:
    """Open (creating if needed) the data folder, migrate its database, wire the services.

    A damaged, full or read-only data folder raises ``StorageFault`` with what it means.
    ``read_only`` opens a folder that cannot be written, to read it: nothing is created,
    tightened, migrated or logged there, and any write fails as ``storage.read_only``.
    """
    paths = resolve_home(home)
    try:
        return _open_read_only(paths, clock) if read_only else _open(paths, clock)
    except (DBAPIError, OSError) as error:
        fault = storage_fault(error, paths.home)
        if fault is None:
            raise
        log.info("cannot open the desk at %s: %s", paths.home, error)
        raise fault from error


def _open_read_only(paths: DataPaths, clock: Clock) -> Desk:
    if not paths.database.is_file() or not (paths.keys / DEVICE_KEY_FILE).is_file():
        raise StorageFault("storage.read_only", path=str(paths.home)[:200])  # nothing to read
    check_database_file(paths.database, paths.keys / DEVICE_KEY_FILE)
    engine = make_engine(paths.database, read_only=True)
    try:
        if current_revision(engine) != HEAD_REVISION:  # a migration would have to write
            raise StorageFault("storage.read_only", path=str(paths.home)[:200])
        hash_keys = IdHashKeys(
            load_or_create_id_hash_key(paths.keys), local_id_hash_keys(paths.keys)
        )
        desk = Desk(
            paths,
            engine,
            uow_factory(engine, clock, hash_keys),
            DeviceKeys.load_or_create(paths.keys),
            None,
            hash_keys,
        )
    except BaseException:
        engine.dispose()
        raise
    log.info("desk opened read-only at %s", paths.home)
    return desk


def _open(paths: DataPaths, clock: Clock) -> Desk:
    paths.ensure()
    check_database_file(paths.database, paths.keys / DEVICE_KEY_FILE)
    handler = set_up_logging(paths.logs)
    engine = make_engine(paths.database)
    try:
        migrate(
            engine,
            paths.database,
            paths.backups,
            back_up=lambda current: backup_before_migrating(paths, current),
        )
        paths.tighten()
        hash_keys = IdHashKeys(
            load_or_create_id_hash_key(paths.keys), local_id_hash_keys(paths.keys)
        )
        desk = Desk(
            paths,
            engine,
            uow_factory(engine, clock, hash_keys),
            DeviceKeys.load_or_create(paths.keys),
            handler,
            hash_keys,
        )
        desk.register_own_key()
    except BaseException:
        engine.dispose()
        stop_logging(handler)
        raise
    log.info("desk opened at %s", paths.home)
    return desk
