"""Background operations in their real, threaded form: results come back on the main thread."""

from __future__ import annotations

import threading

import pytest
from pytestqt.qtbot import QtBot

from desktop.domain.errors import InvalidInput
from ui import tasks


@pytest.fixture(autouse=True)
def threaded() -> None:
    tasks.set_synchronous(False)


def test_a_db_op_runs_off_the_main_thread_and_reports_on_it(qtbot: QtBot) -> None:
    main = threading.get_ident()
    seen: dict[str, int] = {}

    def work() -> int:
        seen["worker"] = threading.get_ident()
        return 42

    def done(value: int) -> None:
        seen["value"] = value
        seen["callback"] = threading.get_ident()

    tasks.DbOp(None, work).success(done).run()  # nobody keeps the op: it must still report
    qtbot.waitUntil(lambda: "value" in seen, timeout=3000)
    assert seen["value"] == 42
    assert seen["worker"] != main and seen["callback"] == main
    assert tasks.pending() == 0


def test_db_ops_run_one_at_a_time_in_order(qtbot: QtBot) -> None:
    order: list[int] = []
    for i in range(20):
        tasks.DbOp(None, lambda i=i: i).success(order.append).run()
    qtbot.waitUntil(lambda: len(order) == 20, timeout=3000)
    assert order == list(range(20))


def test_a_failure_reaches_the_failure_callback(qtbot: QtBot) -> None:
    errors: list[Exception] = []

    def work() -> None:
        raise InvalidInput("phone.length", field="phone", digits=10)

    tasks.DbOp(None, work).failure(errors.append).run()
    qtbot.waitUntil(lambda: bool(errors), timeout=3000)
    assert isinstance(errors[0], InvalidInput)
