"""Operators on duty: PINs (slow salted hashes), roles, sign-in and its audit trail."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from desktop.domain.clock import from_iso, to_iso
from desktop.domain.errors import InvalidInput, NotFound, PermissionDenied, RuleViolation
from desktop.domain.ids import new_id
from desktop.domain.model import DeskContext, Operator, Role
from desktop.storage.desk.repositories import to_operator
from desktop.storage.desk.tables import OperatorRow
from desktop.storage.uow import UnitOfWork
from sync.protocol.events.desk import OPERATOR_CREATED, OPERATOR_UPDATED, OperatorChanged

# Argon2id; ~50 ms a check on a station PC: cheap for a person, costly for a guesser.
_hasher = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)

PIN_MIN, PIN_MAX = 4, 8
# A 4-digit PIN falls to guessing without a pause: after this many wrong PINs in a row the
# operator waits, and every further wrong PIN restarts the wait.
MAX_FAILED_SIGN_INS = 5
SIGN_IN_PAUSE = timedelta(minutes=5)


def hash_pin(pin: str) -> str:
    return _hasher.hash(pin)


def pin_matches(pin_hash: str, pin: str) -> bool:
    try:
        return _hasher.verify(pin_hash, pin)
    except (VerificationError, InvalidHashError):
        return False


def validate_pin(pin: str) -> str:
    if not (pin.isascii() and pin.isdigit()) or not (PIN_MIN <= len(pin) <= PIN_MAX):
        raise InvalidInput("operator.pin_format", field="pin", min=PIN_MIN, max=PIN_MAX)
    return pin


def validate_operator_name(name: str) -> str:
    name = " ".join(name.split())
    if not name:
        raise InvalidInput("operator.name_empty", field="name")
    if len(name) > 50:
        raise InvalidInput("operator.name_too_long", field="name", max=50)
    return name


def require_role(ctx: DeskContext, role: Role) -> None:
    if not ctx.operator_role.at_least(role):
        raise PermissionDenied("auth.role_required", role=role.value)


def list_operators(uow: UnitOfWork, include_inactive: bool = False) -> list[Operator]:
    with uow.reading():
        return uow.operators.list(include_inactive)


def sign_in(uow: UnitOfWork, operator_id: str, pin: str) -> Operator:
    """Check the PIN of the operator taking the desk; both outcomes go to the audit log."""
    with uow:
        row = uow.operators.row(operator_id)
        if row is None or not row.active:
            raise NotFound("operator.not_found")
        now = uow.now()
        at = to_iso(now)
        failures = uow.audit.failures_since(row.id, to_iso(now - SIGN_IN_PAUSE))
        if len(failures) >= MAX_FAILED_SIGN_INS:
            wait = SIGN_IN_PAUSE - (now - from_iso(failures[-1]))
            minutes = max(1, math.ceil(wait.total_seconds() / 60))
            uow.audit.record("sign_in_refused", row.id, at)
            uow.commit()
            raise PermissionDenied("auth.paused", minutes=minutes)
        ok = pin_matches(row.pin_hash, pin)
        uow.audit.record("sign_in" if ok else "sign_in_failed", row.id, at)
        uow.commit()
        if not ok:
            raise PermissionDenied("auth.wrong_pin")
        return to_operator(row)


def get_operator(uow: UnitOfWork, operator_id: str) -> Operator:
    with uow.reading():
        row = uow.operators.row(operator_id)
        if row is None:
            raise NotFound("operator.not_found")
        return to_operator(row)


def operator_by_name(uow: UnitOfWork, name: str) -> Operator:
    with uow.reading():
        row = uow.operators.by_name(" ".join(name.split()))
        if row is None or not row.active:
            raise NotFound("operator.not_found")
        return to_operator(row)


def first_admin(uow: UnitOfWork) -> Operator:
    with uow.reading():
        for operator in uow.operators.list():
            if operator.role is Role.ADMIN:
                return operator
    raise NotFound("operator.not_found")


@dataclass(frozen=True)
class OperatorForm:
    name: str
    role: Role
    pin: str = ""  # empty when editing keeps the PIN


def add_operator(form: OperatorForm, uow: UnitOfWork, ctx: DeskContext) -> Operator:
    require_role(ctx, Role.ADMIN)
    name = validate_operator_name(form.name)
    validate_pin(form.pin)
    with uow:
        if uow.operators.by_name(name) is not None:
            raise RuleViolation("operator.name_taken", name=name)
        at = to_iso(uow.now())
        row = OperatorRow(
            id=new_id(),
            name=name,
            pin_hash=hash_pin(form.pin),
            role=Role(form.role).value,
            active=True,
            station_id=ctx.station_id,
            device_id=ctx.device_id,
            created_at=at,
        )
        uow.operators.add(row)
        uow.outbox.append(
            OPERATOR_CREATED, row.id, OperatorChanged(name=name, role=row.role), ctx, at
        )
        uow.audit.record("operator_added", ctx.operator_id, at, operator=row.id, role=row.role)
        uow.commit()
        return to_operator(row)


def update_operator(
    operator_id: str, form: OperatorForm, uow: UnitOfWork, ctx: DeskContext
) -> Operator:
    """Rename, change role or reset the PIN (admins), keeping at least one admin."""
    require_role(ctx, Role.ADMIN)
    name = validate_operator_name(form.name)
    if form.pin:
        validate_pin(form.pin)
    with uow:
        row = uow.operators.row(operator_id)
        if row is None:
            raise NotFound("operator.not_found")
        clash = uow.operators.by_name(name)
        if clash is not None and clash.id != row.id:
            raise RuleViolation("operator.name_taken", name=name)
        if row.role == Role.ADMIN and form.role != Role.ADMIN and row.active:
            _keep_an_admin(uow)
        at = to_iso(uow.now())
        row.name, row.role, row.version = name, Role(form.role).value, row.version + 1
        if form.pin:
            row.pin_hash = hash_pin(form.pin)
        uow.outbox.append(
            OPERATOR_UPDATED, row.id, OperatorChanged(name=name, role=row.role), ctx, at
        )
        uow.audit.record(
            "operator_updated", ctx.operator_id, at, operator=row.id, pin_reset=bool(form.pin)
        )
        uow.commit()
        return to_operator(row)


def set_operator_active(
    operator_id: str, active: bool, uow: UnitOfWork, ctx: DeskContext
) -> Operator:
    require_role(ctx, Role.ADMIN)
    with uow:
        row = uow.operators.row(operator_id)
        if row is None:
            raise NotFound("operator.not_found")
        if not active and row.role == Role.ADMIN and row.active:
            _keep_an_admin(uow)
        at = to_iso(uow.now())
        row.active = active
        row.version += 1
        uow.outbox.append(OPERATOR_UPDATED, row.id, OperatorChanged(active=active), ctx, at)
        uow.audit.record("operator_active", ctx.operator_id, at, operator=row.id, active=active)
        uow.commit()
        return to_operator(row)


def _keep_an_admin(uow: UnitOfWork) -> None:
    if uow.operators.count_active_admins() <= 1:
        raise RuleViolation("operator.last_admin")


def record_lock(uow: UnitOfWork, operator_id: str, reason: str) -> None:
    with uow:
        uow.audit.record("lock", operator_id, to_iso(uow.now()), reason=reason)
        uow.commit()
