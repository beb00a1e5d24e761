"""Unit of work: one transaction over the local store, with the repositories it offers.

with uow:
    ...                 # read and write through uow.outbox, uow.repo(Handouts), ...
    uow.commit()        # leaving the block without commit rolls back
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from types import TracebackType
from typing import Any, TypeVar

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from desktop.domain.clock import Clock, system_clock
from desktop.storage import turns
from desktop.storage.database import IMMEDIATE, RELAXED, checkpoint_if_due
from desktop.storage.desk.repositories import (
    AuditLog,
    DeviceRepository,
    OperatorRepository,
    SettingsRepository,
)
from desktop.storage.sync.outbox import Outbox

R = TypeVar("R")


class IdHashKeys:
    """The ID-number HMAC key in use. Enrolment swaps in the organisation's key, and every
    unit of work made from then on (even by a factory made before) uses it."""

    def __init__(self, current: bytes, older: tuple[bytes, ...] = ()) -> None:
        self.current = current
        self.older = older  # this desk's own key before it enrolled: its hashes still match


class UnitOfWork:
    session: Session

    def __init__(
        self,
        session_factory: Callable[[], Session],
        clock: Clock = system_clock,
        id_hash_key: bytes | IdHashKeys = b"",
    ) -> None:
        self._session_factory = session_factory
        self.clock = clock
        self._keys = id_hash_key if isinstance(id_hash_key, IdHashKeys) else IdHashKeys(id_hash_key)
        self.immediate = True
        self.durable = True
        self.gives_way = False
        self._turn: str | None = None

    @property
    def id_hash_key(self) -> bytes:
        return self._keys.current

    @property
    def older_id_hash_keys(self) -> tuple[bytes, ...]:
        return self._keys.older

    def reading(self) -> UnitOfWork:
        """Use this unit of work for reads only: it does not take the write lock."""
        self.immediate = False
        return self

    def relaxed(self) -> UnitOfWork:
        """Use this unit of work for writes that need not survive a power cut because they
        can be fetched again (a pulled page with its cursor): its commit skips the fsync.
        The file stays consistent; the next ordinary commit makes it durable too."""
        self.durable = False
        return self

    def giving_way(self) -> UnitOfWork:
        """Use this unit of work for bulk writes (a pulled page) that let the desk's own
        writes go first: it begins after them, and its caller ends it early (committing
        what it has) when ``turns.desk_waiting()``; see ``desktop.storage.turns``."""
        self.gives_way = True
        return self

    def now(self) -> datetime:
        return self.clock()

    def __enter__(self) -> UnitOfWork:
        self.session = self._session_factory()
        if self.immediate:
            self._take_turn()
            try:
                self.session.connection(
                    execution_options={IMMEDIATE: True, RELAXED: not self.durable}
                )
            except BaseException:
                self._end_turn()
                self.session.close()
                self.immediate, self.durable, self.gives_way = True, True, False
                raise
        # The desk's own records, which every area writes through; each area's repositories
        # are made on first use by ``repo`` (so adding an area never edits this class).
        self.device = DeviceRepository(self.session)
        self.operators = OperatorRepository(self.session)
        self.settings = SettingsRepository(self.session)
        self.outbox = Outbox(self.session)
        self.audit = AuditLog(self.session)
        self._repositories: dict[Callable[[Session], Any], Any] = {}
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        bulk = self._turn == "bulk"
        try:
            self.session.rollback()
            self.session.close()
        finally:
            self._end_turn()
            self.immediate = True  # reading(), relaxed() and giving_way() last one block
            self.durable = True
            self.gives_way = False
        # Its transaction and turn over: the checkpoint its commits did not do; not while a
        # desk write goes ahead (its fsync would queue behind the checkpoint's writes).
        if bulk and not turns.desk_waiting():
            bind = self.session.get_bind()
            if isinstance(bind, Engine):
                checkpoint_if_due(bind)

    def _take_turn(self) -> None:
        if self.gives_way:
            turns.bulk_began()
            self._turn = "bulk"
        else:
            turns.desk_write_began()
            self._turn = "desk"

    def _end_turn(self) -> None:
        turn, self._turn = self._turn, None
        if turn == "bulk":
            turns.bulk_ended()
        elif turn == "desk":
            turns.desk_write_ended()

    def repo(self, kind: Callable[[Session], R]) -> R:
        """This transaction's repository of one kind (a class taking the session)."""
        found: R | None = self._repositories.get(kind)
        if found is None:
            found = self._repositories[kind] = kind(self.session)
        return found

    def commit(self) -> None:
        self.session.commit()

    def rollback(self) -> None:
        self.session.rollback()


UnitOfWorkFactory = Callable[[], UnitOfWork]


def uow_factory(
    engine: Engine, clock: Clock = system_clock, id_hash_key: bytes | IdHashKeys = b""
) -> UnitOfWorkFactory:
    sessions = sessionmaker(bind=engine, expire_on_commit=False)
    return lambda: UnitOfWork(sessions, clock=clock, id_hash_key=id_hash_key)
