"""Check-ins at a station: record a visit, warn of a repeat, count anonymously, undo."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

from desktop.config import DeskSettings
from desktop.domain.clock import from_iso, local_date, to_iso
from desktop.domain.errors import InvalidInput, NotFound, RuleViolation
from desktop.domain.ids import new_id
from desktop.domain.model import SERVICES, DeskContext, Member
from desktop.services.members.commands import resolve_member
from desktop.storage.members.repositories import MemberRepository
from desktop.storage.uow import UnitOfWork
from desktop.storage.visits.repositories import VisitRepository
from desktop.storage.visits.tables import VisitRow, VisitVoidRow
from sync.protocol.events.visits import VISIT_RECORDED, VISIT_VOIDED, VisitRecorded, VisitVoided

REASON_MAX = 200


class CheckInStatus(StrEnum):
    RECORDED = "recorded"  # green
    REPEAT = "repeat"  # orange: checked in a moment ago; nothing recorded unless confirmed


@dataclass(frozen=True)
class CheckIn:
    member_ref: str = ""  # member number, card text, full phone or id
    member_id: str = ""  # when the desk already picked the member
    services: tuple[str, ...] = ()
    confirm_repeat: bool = False


@dataclass(frozen=True)
class CheckInResult:
    status: CheckInStatus
    member: Member
    visit_id: str | None
    visit_number: int  # "第 N 次到访", counting this one when recorded
    services: tuple[str, ...]
    last_visit_at: str | None = None
    minutes_since_last: int | None = None


def clean_services(services: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    unknown = [s for s in services if s not in SERVICES]
    if unknown:
        raise InvalidInput("visit.unknown_service", field="services", service=unknown[0])
    return tuple(dict.fromkeys(services))


def check_in(command: CheckIn, uow: UnitOfWork, ctx: DeskContext) -> CheckInResult:
    services = clean_services(command.services)
    member = (
        _member_by_id(uow, command.member_id)
        if command.member_id
        else resolve_member(uow, command.member_ref)
    )
    if not member.active:
        raise RuleViolation(
            "member.deactivated", name=member.name, reason=member.deactivated_reason or ""
        )
    with uow:
        now = uow.now()
        window = timedelta(minutes=DeskSettings.repeat_window_minutes.read(uow))
        last = uow.repo(VisitRepository).last_standing_for(member.id)
        count = uow.repo(VisitRepository).count_standing_for(member.id)
        if last is not None and not command.confirm_repeat:
            elapsed = now - from_iso(last.device_time)
            # Within the window either way: a clock set back a little still warns, while a
            # clock put back by a day or a year does not turn every visitor into a repeat.
            if -window < elapsed < window:
                return CheckInResult(
                    status=CheckInStatus.REPEAT,
                    member=member,
                    visit_id=last.id,
                    visit_number=count,
                    services=tuple(json.loads(last.services)),
                    last_visit_at=last.device_time,
                    minutes_since_last=max(0, int(elapsed.total_seconds() // 60)),
                )
        visit = _record(uow, ctx, member.id, None, services)
        uow.commit()
        return CheckInResult(
            status=CheckInStatus.RECORDED,
            member=member,
            visit_id=visit.id,
            visit_number=count + 1,
            services=services,
            last_visit_at=None if last is None else last.device_time,
        )


def check_in_anonymous(
    occupation: str, services: tuple[str, ...], uow: UnitOfWork, ctx: DeskContext
) -> str:
    """Count a visitor who declines to register, by occupation only. Returns the visit id."""
    services = clean_services(services)
    occupation = " ".join(occupation.split())[:30]
    with uow:
        visit = _record(uow, ctx, None, occupation or None, services)
        uow.commit()
        return visit.id


def _member_by_id(uow: UnitOfWork, member_id: str) -> Member:
    with uow.reading():
        member = uow.repo(MemberRepository).get(member_id)
    if member is None:
        raise NotFound("member.not_found", ref=member_id)
    return member


def _record(
    uow: UnitOfWork,
    ctx: DeskContext,
    member_id: str | None,
    occupation: str | None,
    services: tuple[str, ...],
) -> VisitRow:
    now = uow.now()
    at = to_iso(now)
    visit = VisitRow(
        id=new_id(),
        member_id=member_id,
        occupation=occupation,
        services=json.dumps(list(services)),
        station_id=ctx.station_id,
        device_id=ctx.device_id,
        operator_id=ctx.operator_id,
        device_time=at,
        local_date=local_date(now),
    )
    uow.repo(VisitRepository).add(visit)
    uow.outbox.append(
        VISIT_RECORDED,
        visit.id,
        VisitRecorded(
            member_id=member_id,
            occupation=occupation,
            services=tuple(services),
            local_date=visit.local_date,
        ),
        ctx,
        at,
    )
    return visit


def void_visit(visit_id: str, reason: str, uow: UnitOfWork, ctx: DeskContext) -> str:
    """Undo a mistaken visit by a void event with a reason; the visit itself stays."""
    reason = " ".join(reason.split())
    if not reason:
        raise InvalidInput("visit.reason_required", field="reason")
    if len(reason) > REASON_MAX:
        raise InvalidInput("visit.reason_too_long", field="reason", max=REASON_MAX)
    with uow:
        visit = uow.repo(VisitRepository).row(visit_id.strip())
        if visit is None:
            raise NotFound("visit.not_found", ref=visit_id.strip()[:40])
        if uow.repo(VisitRepository).void_of(visit.id) is not None:
            raise RuleViolation("visit.already_voided")
        at = to_iso(uow.now())
        void = VisitVoidRow(
            id=new_id(),
            visit_id=visit.id,
            reason=reason,
            station_id=ctx.station_id,
            device_id=ctx.device_id,
            operator_id=ctx.operator_id,
            device_time=at,
        )
        uow.repo(VisitRepository).add_void(void, visit)
        uow.outbox.append(
            VISIT_VOIDED, void.id, VisitVoided(visit_id=visit.id, reason=reason), ctx, at
        )
        uow.commit()
        return void.id
