"""Demo data is written in real transactions: a batch is all there or not there at all."""

from __future__ import annotations

import sqlite3

import pytest

from desktop import demo
from desktop.bootstrap import Desk
from desktop.domain.model import DeskContext


def counts(desk: Desk) -> tuple[int, int, int, int]:
    with desk.engine.connect() as connection:
        row = connection.exec_driver_sql(
            "SELECT (SELECT count(*) FROM member),"
            " (SELECT count(*) FROM outbox WHERE kind = 'member.registered'),"
            " (SELECT count(*) FROM visit),"
            " (SELECT count(*) FROM outbox WHERE kind = 'visit.recorded')"
        ).one()
    return row[0], row[1], row[2], row[3]


@pytest.mark.parametrize(
    ("table", "stop_at", "expected"),
    [("member", 150, (100, 100, 0, 0)), ("visit", 250, (300, 300, 200, 200))],
)
def test_a_failure_inside_a_batch_leaves_only_whole_batches(
    desk: Desk,
    ctx: DeskContext,
    monkeypatch: pytest.MonkeyPatch,
    table: str,
    stop_at: int,
    expected: tuple[int, int, int, int],
) -> None:
    # In autocommit each row was its own transaction: the rows of the failing batch before
    # the failure stayed, without their outbox rows.
    monkeypatch.setattr(demo, "BATCH", 100)
    with desk.engine.begin() as connection:
        connection.exec_driver_sql(
            f"CREATE TRIGGER stop_demo BEFORE INSERT ON {table} "
            f"WHEN (SELECT count(*) FROM {table}) >= {stop_at} "
            "BEGIN SELECT RAISE(ABORT, 'pulled plug'); END"
        )
    with pytest.raises(sqlite3.IntegrityError):
        demo.generate(desk, ctx, members=300, visits=400)
    assert counts(desk) == expected


def test_demo_rows_are_all_written(desk: Desk, ctx: DeskContext) -> None:
    result = demo.generate(desk, ctx, members=250, visits=1_000)
    assert (result.members, result.visits) == (250, 1_000)
    assert counts(desk) == (250, 250, 1_000, 1_000)


def test_demo_visits_are_tallied_for_the_report(desk: Desk, ctx: DeskContext) -> None:
    """The demo writes visits with plain SQL: each batch tallies its days again, so the
    tallies are the ones made from every visit, and a pulled plug leaves them whole too."""
    from desktop.storage.visits import tallies

    def tallied() -> list[tuple[object, ...]]:
        with desk.engine.connect() as connection:
            rows = connection.exec_driver_sql(
                "SELECT local_date, kind, key, visits FROM visit_tally WHERE visits != 0 "
                "ORDER BY local_date, kind, key"
            ).all()
        return [tuple(r) for r in rows]

    demo.generate(desk, ctx, members=200, visits=1_500)
    kept = tallied()
    assert sum(int(r[3]) for r in kept if r[1] == "visits") == 1_500
    with desk.engine.begin() as connection:
        tallies.rebuild(connection)
    assert tallied() == kept
