"""Unit of work: one transaction over the local store, with the repositories it offers.

with uow:
    ...                 # read and write through uow.members, uow.visits, ...
    uow.commit()        # leaving the block without commit rolls back
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from types import TracebackType

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from desktop.domain.clock import Clock, system_clock
from desktop.storage.database import IMMEDIATE
from desktop.storage.repositories import (
    AuditLog,
    Cards,
    Certificates,
    DeviceRepository,
    MemberRepository,
    OperatorRepository,
    Outbox,
    PublicKeys,
    SettingsRepository,
    VisitRepository,
)
from desktop.storage.repositories_aid import AidFigures, Campaigns, Handouts, Items, Stock
from desktop.storage.repositories_reports import Rosters
from desktop.storage.repositories_sync import Conflicts, Cursors, PushResults, SyncState
from desktop.storage.repositories_training import Training


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

    def now(self) -> datetime:
        return self.clock()

    def __enter__(self) -> UnitOfWork:
        self.session = self._session_factory()
        if self.immediate:
            self.session.connection(execution_options={IMMEDIATE: True})
        self.device = DeviceRepository(self.session)
        self.operators = OperatorRepository(self.session)
        self.members = MemberRepository(self.session)
        self.visits = VisitRepository(self.session)
        self.settings = SettingsRepository(self.session)
        self.outbox = Outbox(self.session)
        self.audit = AuditLog(self.session)
        self.public_keys = PublicKeys(self.session)
        self.cards = Cards(self.session)
        self.certificates = Certificates(self.session)
        self.rosters = Rosters(self.session)
        self.aid_items, self.campaigns = Items(self.session), Campaigns(self.session)
        self.handouts, self.stock = Handouts(self.session), Stock(self.session)
        self.aid_figures = AidFigures(self.session)
        self.sync_state = SyncState(self.session)
        self.cursors = Cursors(self.session)
        self.push_results = PushResults(self.session)
        self.conflicts = Conflicts(self.session)
        self.training = Training(self.session)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.session.rollback()
        self.session.close()
        self.immediate = True  # reading() lasts one block

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
