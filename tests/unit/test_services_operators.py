"""Operators on the real store: PINs, sign-in and its audit trail, roles, the last admin."""

from __future__ import annotations

import pytest

from desktop.bootstrap import Desk
from desktop.domain.errors import InvalidInput, NotFound, PermissionDenied, RuleViolation
from desktop.domain.model import DeskContext, Device, Operator, Role
from desktop.services.desk import operators
from desktop.services.desk.operators import OperatorForm

ADMIN_PIN = "2468"  # the PIN the `station` fixture of tests/conftest.py gives the admin


def audit(desk: Desk) -> list[tuple[str, str | None]]:
    with desk.engine.connect() as connection:
        rows = connection.exec_driver_sql("SELECT action, operator_id FROM audit_log").all()
    return [(row[0], row[1]) for row in rows]


def pin_hash(desk: Desk, operator_id: str) -> str:
    with desk.engine.connect() as connection:
        return str(
            connection.exec_driver_sql(
                "SELECT pin_hash FROM operator WHERE id = ?", (operator_id,)
            ).scalar()
        )


def test_sign_in_checks_the_pin_and_audits_both_outcomes(
    desk: Desk, station: tuple[Device, Operator]
) -> None:
    _, admin = station
    before = audit(desk)
    with pytest.raises(PermissionDenied) as refused:
        operators.sign_in(desk.uow(), admin.id, "0000")
    assert refused.value.code == "auth.wrong_pin"
    assert audit(desk) == [*before, ("sign_in_failed", admin.id)]
    signed_in = operators.sign_in(desk.uow(), admin.id, ADMIN_PIN)
    assert (signed_in.id, signed_in.role) == (admin.id, Role.ADMIN)
    assert audit(desk)[-1] == ("sign_in", admin.id)
    with pytest.raises(NotFound):
        operators.sign_in(desk.uow(), "no-such-operator", ADMIN_PIN)


def test_pins_are_stored_as_argon2_hashes(
    desk: Desk, ctx: DeskContext, station: tuple[Device, Operator]
) -> None:
    _, admin = station
    added = operators.add_operator(
        OperatorForm(name="小李", role=Role.ATTENDANT, pin="13579"), desk.uow(), ctx
    )
    for operator_id, pin in ((admin.id, ADMIN_PIN), (added.id, "13579")):
        stored = pin_hash(desk, operator_id)
        assert stored.startswith("$argon2id$")
        assert pin not in stored
        assert operators.pin_matches(stored, pin)
        assert not operators.pin_matches(stored, pin + "0")
    # The same PIN hashes differently each time (salted).
    assert operators.hash_pin(ADMIN_PIN) != pin_hash(desk, admin.id)
    for bad in ("123", "123456789", "12a4", "１２３４"):
        with pytest.raises(InvalidInput):
            operators.add_operator(
                OperatorForm(name="小王", role=Role.ATTENDANT, pin=bad), desk.uow(), ctx
            )


def test_a_deactivated_operator_cannot_sign_in(desk: Desk, ctx: DeskContext) -> None:
    added = operators.add_operator(
        OperatorForm(name="小李", role=Role.ATTENDANT, pin="13579"), desk.uow(), ctx
    )
    operators.set_operator_active(added.id, False, desk.uow(), ctx)
    with pytest.raises(NotFound):
        operators.sign_in(desk.uow(), added.id, "13579")


def test_the_last_admin_can_be_neither_demoted_nor_deactivated(
    desk: Desk, ctx: DeskContext, station: tuple[Device, Operator]
) -> None:
    _, admin = station
    with pytest.raises(RuleViolation) as demoted:
        operators.update_operator(
            admin.id, OperatorForm(name=admin.name, role=Role.LEAD), desk.uow(), ctx
        )
    assert demoted.value.code == "operator.last_admin"
    with pytest.raises(RuleViolation) as deactivated:
        operators.set_operator_active(admin.id, False, desk.uow(), ctx)
    assert deactivated.value.code == "operator.last_admin"
    assert [(o.role, o.active) for o in operators.list_operators(desk.uow())] == [
        (Role.ADMIN, True)
    ]

    # With a second admin the first may step down; then the second is the last one.
    second = operators.add_operator(
        OperatorForm(name="李管理", role=Role.ADMIN, pin="97531"), desk.uow(), ctx
    )
    lead = operators.update_operator(
        admin.id, OperatorForm(name=admin.name, role=Role.LEAD), desk.uow(), ctx
    )
    assert lead.role is Role.LEAD
    second_ctx = DeskContext(ctx.station_id, ctx.device_id, second.id, Role.ADMIN)
    with pytest.raises(RuleViolation):
        operators.set_operator_active(second.id, False, desk.uow(), second_ctx)
    with pytest.raises(RuleViolation):
        operators.update_operator(
            second.id, OperatorForm(name="李管理", role=Role.ATTENDANT), desk.uow(), second_ctx
        )


def test_only_admins_manage_operators(desk: Desk, ctx: DeskContext) -> None:
    lead = operators.add_operator(
        OperatorForm(name="老赵", role=Role.LEAD, pin="24680"), desk.uow(), ctx
    )
    lead_ctx = DeskContext(ctx.station_id, ctx.device_id, lead.id, Role.LEAD)
    with pytest.raises(PermissionDenied):
        operators.add_operator(
            OperatorForm(name="小王", role=Role.ATTENDANT, pin="1234"), desk.uow(), lead_ctx
        )
    with pytest.raises(PermissionDenied):
        operators.set_operator_active(lead.id, False, desk.uow(), lead_ctx)
    with pytest.raises(RuleViolation):
        operators.add_operator(
            OperatorForm(name=" 老赵 ", role=Role.ATTENDANT, pin="1234"), desk.uow(), ctx
        )


def test_wrong_pins_in_a_row_pause_sign_in_and_the_pause_ends(
    desk: Desk, station: tuple[Device, Operator]
) -> None:
    from datetime import UTC, datetime, timedelta

    from desktop.storage.uow import uow_factory

    _device, admin = station
    now = [datetime(2026, 11, 23, 8, 0, tzinfo=UTC)]
    uow = uow_factory(desk.engine, clock=lambda: now[0])
    for _ in range(operators.MAX_FAILED_SIGN_INS):
        with pytest.raises(PermissionDenied) as wrong:
            operators.sign_in(uow(), admin.id, "0000")
        assert wrong.value.code == "auth.wrong_pin"
    # Even the right PIN waits now: guessing must not go on at full speed.
    with pytest.raises(PermissionDenied) as paused:
        operators.sign_in(uow(), admin.id, ADMIN_PIN)
    assert paused.value.code == "auth.paused" and paused.value.params["minutes"] == 5
    now[0] += operators.SIGN_IN_PAUSE + timedelta(seconds=1)
    assert operators.sign_in(uow(), admin.id, ADMIN_PIN).id == admin.id
    # A success clears the count.
    with pytest.raises(PermissionDenied) as wrong_again:
        operators.sign_in(uow(), admin.id, "0000")
    assert wrong_again.value.code == "auth.wrong_pin"
