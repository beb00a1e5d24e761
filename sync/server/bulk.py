"""Many rows in few round trips: what a push's rules read and write, batch by batch.

On PostgreSQL a set of ids goes as one array parameter (``= ANY(...)``), never as an IN list
of hundreds of placeholders (psycopg parses such a statement anew each time: it was a third
of the server's CPU per batch), and every table a push writes is written in ONE statement:
``INSERT ... SELECT FROM unnest(<one array per column>) ON CONFLICT ...``, one per table,
joined as data-modifying CTEs; within ``deferred`` (a push) they wait and go in the same
statement as the next one the push sends anyway (``log.append``'s numbers, or the end).
SQLite (the trial server) runs the same writes one executemany each, at once.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ARRAY, ColumnElement, Table, any_, bindparam, case
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import InstrumentedAttribute, Session


def is_postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def among(
    session: Session, column: InstrumentedAttribute[Any], values: Collection[Any]
) -> ColumnElement[bool]:
    """``column IN values``: on PostgreSQL one array parameter, whatever the count."""
    if is_postgres(session):
        return column == any_(bindparam(None, list(values), type_=ARRAY(column.type)))
    return column.in_(list(values))


@dataclass(frozen=True)
class Upsert:
    """Rows for one table: inserted, or on a key already there (``keys``) the ``added``
    columns add up, the ``kept`` columns take the new value unless it is empty, and the
    ``overwritten`` ones take it. No keys: a plain insert."""

    table: Table
    rows: Sequence[dict[str, Any]]
    keys: tuple[str, ...] = ()
    added: tuple[str, ...] = ()
    kept: tuple[str, ...] = ()
    overwritten: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class Update:
    """One row's new values, found by ``key`` (column: value)."""

    table: Table
    key: dict[str, Any]
    values: dict[str, Any]


_PENDING = "bulk.pending"


@contextmanager
def deferred(session: Session) -> Iterator[None]:
    """Within: on PostgreSQL, ``write(..., later=True)`` only gathers its statements, and the
    next statement sent through ``statement_with_pending`` (``log.append``'s, any ``write``'s)
    or the ``flush`` at the end takes them along: one round trip. For rows read by no one
    again in the same transaction (a push's figures, its device's counters)."""
    if not is_postgres(session):
        yield
        return
    session.info[_PENDING] = []
    try:
        yield
        flush(session)
    finally:
        session.info.pop(_PENDING, None)


def write(session: Session, upserts: Sequence[Upsert | Update], later: bool = False) -> None:
    """Every upsert that has rows: on PostgreSQL in one statement, else one each. ``later``:
    within ``deferred``, gathered and sent with the push's next statement (only for rows no
    one reads again in the same push)."""
    changes = [u for u in upserts if isinstance(u, Update) or u.rows]
    if not changes:
        return
    if not is_postgres(session):
        for change in changes:
            _sqlite(session, change)
        return
    pending = session.info.get(_PENDING)
    if later and pending is not None:
        pending.extend(changes)
        return
    sql, params = statement_with_pending(session, changes, "SELECT 1", ())
    session.connection().exec_driver_sql(sql, params)


def flush(session: Session) -> None:
    """Send what ``deferred`` gathered (nothing outside it)."""
    pending = session.info.get(_PENDING)
    if pending:
        sql, params = statement_with_pending(session, [], "SELECT 1", ())
        session.connection().exec_driver_sql(sql, params)


def statement_with_pending(
    session: Session, changes: Sequence[Upsert | Update], main: str, main_params: Sequence[Any]
) -> tuple[str, tuple[Any, ...]]:
    """``main`` (a statement with %s parameters) preceded by every gathered change and these
    as data-modifying CTEs: one statement, one round trip (PostgreSQL). The gathered changes
    are taken: they are sent with it."""
    pending = session.info.get(_PENDING)
    everything = [*(pending or []), *changes]
    if pending:
        pending.clear()
    if not everything:
        return main, tuple(main_params)
    parts: list[str] = []
    params: list[Any] = []
    for n, change in enumerate(everything):
        sql = (
            _update_sql(change, params)
            if isinstance(change, Update)
            else _upsert_sql(change, params)
        )
        parts.append(f"w{n} AS ({sql})")
    return f"WITH {', '.join(parts)} {main}", (*params, *main_params)


def _update_sql(update: Update, params: list[Any]) -> str:
    sets = ", ".join(f"{column} = %s" for column in update.values)
    where = " AND ".join(f"{column} = %s" for column in update.key)
    params += [*update.values.values(), *update.key.values()]
    return f"UPDATE {update.table.name} SET {sets} WHERE {where}"


def _upsert_sql(upsert: Upsert, params: list[Any]) -> str:
    dialect = postgresql.dialect()  # type: ignore[no-untyped-call]
    table = upsert.table
    columns = list(upsert.rows[0])
    arrays = []
    for column in columns:
        kind = table.c[column].type.compile(dialect=dialect)
        arrays.append(f"%s::{kind}[]")
        params.append([row[column] for row in upsert.rows])
    sql = (
        f"INSERT INTO {table.name} ({', '.join(columns)}) SELECT * FROM unnest({', '.join(arrays)})"
    )
    sets = [f"{c} = {table.name}.{c} + excluded.{c}" for c in upsert.added]
    sets += [
        f"{c} = CASE WHEN excluded.{c} = '' THEN {table.name}.{c} ELSE excluded.{c} END"
        for c in upsert.kept
    ]
    sets += [f"{c} = excluded.{c}" for c in upsert.overwritten]
    if upsert.keys:
        conflict = f" ON CONFLICT ({', '.join(upsert.keys)})"
        sql += conflict + (f" DO UPDATE SET {', '.join(sets)}" if sets else " DO NOTHING")
    return sql


def _sqlite(session: Session, upsert: Upsert | Update) -> None:
    if isinstance(upsert, Update):
        table = upsert.table
        where = [table.c[column] == value for column, value in upsert.key.items()]
        session.execute(table.update().where(*where).values(**upsert.values))
        return
    statement = sqlite.insert(upsert.table)
    table = upsert.table
    sets: dict[str, Any] = {c: table.c[c] + statement.excluded[c] for c in upsert.added}
    for column in upsert.kept:
        new = statement.excluded[column]
        sets[column] = case((new == "", table.c[column]), else_=new)
    for column in upsert.overwritten:
        sets[column] = statement.excluded[column]
    if upsert.keys:
        keys = list(upsert.keys)
        statement = (
            statement.on_conflict_do_update(index_elements=keys, set_=sets)
            if sets
            else statement.on_conflict_do_nothing(index_elements=keys)
        )
    session.execute(statement, list(upsert.rows))
