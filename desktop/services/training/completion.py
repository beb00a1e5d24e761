"""Completion of a course by its rule, and its certificates: issue to everyone who
completed in one action (signed, a serial each), print them as one PDF, reissue, revoke."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from desktop.config import DeskSettings
from desktop.domain.certificates import carries_hours
from desktop.domain.clock import to_iso
from desktop.domain.errors import NotFound, RuleViolation
from desktop.domain.model import DeskContext, Role
from desktop.domain.training import Completion, SessionHours, completion, resolve
from desktop.identity.keys import DeviceKeys
from desktop.services.certificates import commands as certificates
from desktop.services.certificates.commands import CertificateForm, IssuedCertificate
from desktop.services.desk.operators import require_role
from desktop.services.sync.replication import Applier, PulledEvent
from desktop.services.training.courses import to_course, upsert
from desktop.storage.certificates.repositories import Certificates
from desktop.storage.training.repositories import Training, to_mark
from desktop.storage.training.tables import CourseCertificateRow
from desktop.storage.uow import UnitOfWork
from sync.protocol import EventKind
from sync.protocol.events.training import COURSE_CERTIFIED, CourseCertified


@dataclass(frozen=True)
class PersonCompletion:
    member_id: str
    name: str
    member_number: str
    walk_in: bool
    result: Completion
    certificate: str | None  # serial of the certificate in force, if any


def _completions(uow: UnitOfWork, course_id: str) -> list[PersonCompletion]:
    course_row = uow.repo(Training).course(course_id)
    if course_row is None:
        raise NotFound("training.course_not_found", ref=course_id[:40])
    held = uow.repo(Training).sessions(course_id)
    rule = to_course(course_row, 0, held).rule
    hours = [SessionHours(s.id, Decimal(s.hours)) for s in held]
    marks = uow.repo(Training).course_marks(course_id)
    in_force: dict[str, str] = {}
    for link in uow.repo(Training).certificates(course_id):
        cert = uow.repo(Certificates).get(link.serial)
        if cert is not None and not cert.revoked_at:
            in_force[link.member_id] = link.serial
    out = []
    for enrolment in uow.repo(Training).roster(course_id):
        statuses = {}
        for session in held:
            current = resolve(to_mark(r) for r in marks.get((session.id, enrolment.member_id), []))
            if current is not None:
                statuses[session.id] = current.mark.status
        out.append(
            PersonCompletion(
                enrolment.member_id,
                enrolment.member_name,
                enrolment.member_number,
                enrolment.walk_in,
                completion(rule, hours, statuses),
                in_force.get(enrolment.member_id),
            )
        )
    return out


def course_completion(uow: UnitOfWork, course_id: str) -> list[PersonCompletion]:
    """Everyone on the roster: completed or not, and what is missing."""
    with uow.reading():
        return _completions(uow, course_id)


@dataclass(frozen=True)
class CertifyResult:
    issued: tuple[IssuedCertificate, ...]
    already: int  # completed and holding a certificate for this course already
    not_completed: int


def certify_course(
    course_id: str, uow: UnitOfWork, ctx: DeskContext, keys: DeviceKeys
) -> CertifyResult:
    """A certificate for everyone who completed and has none in force, in one transaction."""
    with uow:
        course_row = uow.repo(Training).course(course_id)
        if course_row is None:
            raise NotFound("training.course_not_found", ref=course_id[:40])
        people = _completions(uow, course_id)
        issued = []
        for person in people:
            if not person.result.completed or person.certificate:
                continue
            issued.append(_issue(uow, ctx, keys, course_id, person.member_id))
        uow.commit()
        return CertifyResult(
            tuple(issued),
            already=sum(1 for p in people if p.result.completed and p.certificate),
            not_completed=sum(1 for p in people if not p.result.completed),
        )


def _issue(
    uow: UnitOfWork, ctx: DeskContext, keys: DeviceKeys, course_id: str, member_id: str
) -> IssuedCertificate:
    course_row = uow.repo(Training).course(course_id)
    assert course_row is not None
    course = to_course(course_row, 0, uow.repo(Training).sessions(course_id))
    form = CertificateForm(
        member_id=member_id,
        title=course.certificate_title,
        purpose=course.title,
        # the course's hours, unless its certificate is an honour (which states none)
        hours=str(course.hours) if course.hours and carries_hours(course.certificate_title) else "",
        starts_on=date.fromisoformat(course.starts_on) if course.starts_on else None,
        ends_on=date.fromisoformat(course.ends_on) if course.ends_on else None,
    )
    issued = certificates.issue_in(form, uow, ctx, keys)
    at = to_iso(uow.now())
    link = CourseCertificateRow(
        serial=issued.serial, course_id=course_id, member_id=member_id, device_time=at
    )
    uow.repo(Training).add_certificate(link)
    uow.outbox.append(
        COURSE_CERTIFIED,
        issued.serial,
        CourseCertified(serial=issued.serial, course_id=course_id, member_id=member_id),
        ctx,
        at,
    )
    return issued


def reissue_certificate(
    serial: str, reason: str, uow: UnitOfWork, ctx: DeskContext, keys: DeviceKeys
) -> IssuedCertificate:
    """Revoke a course certificate with a reason and issue a new one (new serial)."""
    require_role(ctx, Role.LEAD)
    with uow.reading():
        link = uow.session.get(CourseCertificateRow, serial.strip())
        if link is None:
            raise NotFound("certificate.not_found", serial=serial.strip()[:40])
        course_id, member_id = link.course_id, link.member_id
    certificates.revoke_certificate(serial, reason, uow, ctx)
    with uow:
        issued = _issue(uow, ctx, keys, course_id, member_id)
        uow.commit()
        return issued


def course_certificates(uow: UnitOfWork, course_id: str) -> list[IssuedCertificate]:
    """The course's certificates in force, in the order they were issued."""
    with uow.reading():
        serials = [link.serial for link in uow.repo(Training).certificates(course_id)]
    out = [certificates.certificate(uow, serial) for serial in serials]
    return [c for c in out if not c.revoked]


def certificates_pdf(uow: UnitOfWork, issued: list[IssuedCertificate]) -> bytes:
    """All of them in one PDF, on the station's certificate template."""
    from desktop.printing import compose
    from desktop.printing.certificates import certificate_pdf

    if not issued:
        raise RuleViolation("training.no_certificates")
    with uow.reading():
        template = DeskSettings.certificate_template.read(uow)
        seal = DeskSettings.certificate_seal.read(uow)
    documents = [compose.certificate_doc(c) for c in issued]
    return certificate_pdf(documents, template, seal or None)


def _apply_certified(uow: UnitOfWork, event: PulledEvent, certified: CourseCertified) -> None:
    if uow.session.get(CourseCertificateRow, event.entity_id) is not None:
        return
    upsert(uow, CourseCertificateRow, event, certified, {"device_time": event.device_time})


APPLIERS: dict[EventKind[Any], Applier] = {COURSE_CERTIFIED: _apply_certified}
