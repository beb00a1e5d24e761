"""Engine, sessions and migrations of the server's database (PostgreSQL or a SQLite file)."""

from __future__ import annotations

import base64
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, select
from sqlalchemy.orm import Session, sessionmaker

from sync.server.models import MetaRow

MIGRATIONS = Path(__file__).parent / "migrations"


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30}, hide_parameters=True)

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=FULL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()
            dbapi_connection.isolation_level = None  # transactions begun explicitly below

        @event.listens_for(engine, "begin")
        def _begin(connection: Any) -> None:
            # Writers queue on SQLite's lock from the start instead of failing to upgrade.
            connection.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    return create_engine(
        url, pool_size=10, max_overflow=20, pool_pre_ping=True, hide_parameters=True
    )


def is_postgres(engine: Engine) -> bool:
    return engine.dialect.name == "postgresql"


def migrate(engine: Engine) -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    command.upgrade(config, "head")
    with Session(engine) as session, session.begin():
        _ensure_meta(session)


def _ensure_meta(session: Session) -> None:
    have = {row.key for row in session.scalars(select(MetaRow))}
    if "epoch" not in have:
        session.add(MetaRow(key="epoch", value=secrets.token_hex(8)))
    if "id_hash_key" not in have:
        key = base64.b64encode(secrets.token_bytes(32)).decode("ascii")
        session.add(MetaRow(key="id_hash_key", value=key))


def new_epoch(session: Session) -> str:
    row = session.get(MetaRow, "epoch")
    value = secrets.token_hex(8)
    if row is None:
        session.add(MetaRow(key="epoch", value=value))
    else:
        row.value = value
    return value


def meta(session: Session, key: str) -> str:
    row = session.get(MetaRow, key)
    if row is None:
        raise RuntimeError(
            f"server database not migrated (no {key}); run waystation-server migrate"
        )
    return row.value


class Database:
    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)
        self.sessions = sessionmaker(bind=self.engine, expire_on_commit=False)

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        with self.sessions() as session, session.begin():
            yield session

    def dispose(self) -> None:
        self.engine.dispose()
