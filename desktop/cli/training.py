"""`waystation` verbs of the training area.

course create|list|show|session add/move/cancel|enrol|withdraw|import|completion|certify|
reissue; attend SESSION REF; session close|show|sheet; report course COURSE --out FILE;
print signin-sheet --member REF... --out FILE.
A SESSION is its id or ``COURSE#N`` (the N-th session held of a course, by title or id).
The ``report`` verb is this area's (the first with a report); aid and reports add theirs.
"""

from __future__ import annotations

import argparse
import re
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from desktop.cli.common import (
    EXIT_OK,
    EXIT_REFUSED,
    EXIT_REPEAT,
    Output,
    context,
    day,
    find_one,
    member_json,
    optional_day,
    pdf_out,
    plain,
    station,
    sub_verbs,
    today,
)
from desktop.domain.certificates import TITLES
from desktop.domain.errors import InvalidInput
from desktop.domain.training import AttendanceStatus, LateCounts, RuleKind, WalkIns
from desktop.i18n import tr

if TYPE_CHECKING:
    from desktop.bootstrap import Desk
    from desktop.services.training import courses

_SESSION_SPEC = re.compile(r"^(\d{4}-\d{2}-\d{2})\s+(\S+)\s*[-–~]\s*(\S+)(?:\s+(.*))?$")


def register(verbs: Any, common: argparse.ArgumentParser) -> None:
    """Add this area's sub-parsers; each sets `run=cmd_...(desk, args, out) -> int`."""
    course = verbs.add_parser("course", parents=[common], help=tr("cli.help.course"))
    cverbs = course.add_subparsers(dest="course_verb", required=True)
    p = cverbs.add_parser("create", parents=[common], help=tr("cli.help.course_create"))
    _course_fields(p)
    p.add_argument(
        "--session",
        action="append",
        default=[],
        metavar="'YYYY-MM-DD HH:MM-HH:MM [TOPIC]'",
        help=tr("cli.help.course_session_spec"),
    )
    p.set_defaults(run=cmd_course_create)
    p = cverbs.add_parser("list", parents=[common])
    p.add_argument("--all-stations", action="store_true", help=tr("cli.help.all_stations"))
    p.set_defaults(run=cmd_course_list)
    p = cverbs.add_parser("show", parents=[common])
    p.add_argument("course")
    p.set_defaults(run=cmd_course_show)

    session = cverbs.add_parser("session", parents=[common], help=tr("cli.help.course_session"))
    sverbs = session.add_subparsers(dest="course_session_verb", required=True)
    p = sverbs.add_parser("add", parents=[common])
    p.add_argument("course")
    _session_fields(p)
    p.set_defaults(run=cmd_session_add)
    p = sverbs.add_parser("move", parents=[common])
    p.add_argument("session")
    _session_fields(p)
    p.set_defaults(run=cmd_session_move)
    p = sverbs.add_parser("cancel", parents=[common])
    p.add_argument("session")
    p.set_defaults(run=cmd_session_cancel)

    p = cverbs.add_parser("enrol", parents=[common], help=tr("cli.help.course_enrol"))
    p.add_argument("course")
    p.add_argument("ref")
    p.add_argument("--walk-in", action="store_true")
    p.set_defaults(run=cmd_course_enrol)
    p = cverbs.add_parser("withdraw", parents=[common])
    p.add_argument("course")
    p.add_argument("ref")
    p.set_defaults(run=cmd_course_withdraw)
    p = cverbs.add_parser("import", parents=[common], help=tr("cli.help.course_import"))
    p.add_argument("course")
    p.add_argument("file", metavar="FILE.xlsx")
    p.set_defaults(run=cmd_course_import)
    p = cverbs.add_parser("completion", parents=[common])
    p.add_argument("course")
    p.set_defaults(run=cmd_course_completion)
    p = cverbs.add_parser("certify", parents=[common], help=tr("cli.help.course_certify"))
    p.add_argument("course")
    p.add_argument("--out", required=True, metavar="FILE.pdf")
    p.set_defaults(run=cmd_course_certify)
    p = cverbs.add_parser("reissue", parents=[common], help=tr("cli.help.course_reissue"))
    p.add_argument("serial")
    p.add_argument("--reason", required=True)
    p.add_argument("--out", required=True, metavar="FILE.pdf")
    p.set_defaults(run=cmd_course_reissue)

    p = verbs.add_parser("attend", parents=[common], help=tr("cli.help.attend"))
    p.add_argument("session")
    p.add_argument("ref")
    p.add_argument("--status", choices=[s.value for s in AttendanceStatus])
    p.add_argument("--note", default="")
    p.add_argument("--walk-in", action="store_true", help=tr("cli.help.attend_walk_in"))
    p.add_argument("--paper", action="store_true", help=tr("cli.help.attend_paper"))
    p.set_defaults(run=cmd_attend)

    sess = verbs.add_parser("session", parents=[common], help=tr("cli.help.session"))
    ssverbs = sess.add_subparsers(dest="session_verb", required=True)
    p = ssverbs.add_parser("close", parents=[common])
    p.add_argument("session")
    p.set_defaults(run=cmd_session_close)
    p = ssverbs.add_parser("show", parents=[common])
    p.add_argument("session")
    p.set_defaults(run=cmd_session_show)
    p = ssverbs.add_parser("sheet", parents=[common], help=tr("cli.help.session_sheet"))
    p.add_argument("session")
    p.add_argument("--out", required=True, metavar="FILE.pdf")
    p.set_defaults(run=cmd_session_sheet)

    report = verbs.add_parser("report", parents=[common], help=tr("cli.help.report"))
    rverbs = report.add_subparsers(dest="report_verb", required=True)
    p = rverbs.add_parser("course", parents=[common], help=tr("cli.help.report_course"))
    p.add_argument("course")
    p.add_argument("--out", required=True, metavar="FILE.xlsx|FILE.pdf")
    p.set_defaults(run=cmd_report_course)

    printing = sub_verbs(verbs.choices["print"])
    p = printing.add_parser("signin-sheet", parents=[common], help=tr("cli.help.print_signin"))
    p.add_argument("--member", action="append", required=True, metavar="REF")
    p.add_argument("--title", default="")
    p.add_argument("--out", required=True, metavar="FILE.pdf")
    p.set_defaults(run=cmd_print_signin)


def _course_fields(p: argparse.ArgumentParser) -> None:
    p.add_argument("--title", required=True)
    p.add_argument("--category", default="")
    p.add_argument("--organiser", default="")
    p.add_argument("--venue", default="")
    p.add_argument("--teacher", default="")
    p.add_argument("--capacity", type=int, default=0)
    p.add_argument("--from", dest="starts_on", metavar="YYYY-MM-DD")
    p.add_argument("--to", dest="ends_on", metavar="YYYY-MM-DD")
    p.add_argument("--hours", default="")
    p.add_argument("--rule", choices=[k.value for k in RuleKind], default="share")
    p.add_argument("--minimum", default="0.8", help=tr("cli.help.course_minimum"))
    p.add_argument("--late", choices=[k.value for k in LateCounts], default="full")
    p.add_argument("--grace", type=int, default=10, help=tr("cli.help.course_grace"))
    p.add_argument("--walk-ins", choices=[k.value for k in WalkIns], default="offer")
    p.add_argument("--certificate-title", choices=TITLES, default="结业证书")


def _session_fields(p: argparse.ArgumentParser) -> None:
    p.add_argument("--date", required=True, metavar="YYYY-MM-DD")
    p.add_argument("--start", required=True, metavar="HH:MM")
    p.add_argument("--end", required=True, metavar="HH:MM")
    p.add_argument("--hours", default="")
    p.add_argument("--topic", default="")


def _session_form(args: argparse.Namespace) -> courses.SessionForm:
    from desktop.services.training import courses

    on = day(args.date, "date")
    return courses.SessionForm(on, args.start, args.end, args.hours, args.topic)


def _session_spec(text: str) -> courses.SessionForm:
    from desktop.services.training import courses

    match = _SESSION_SPEC.match(text.strip())
    if match is None:
        raise InvalidInput("cli.session_spec", field="session", text=text[:60])
    on = day(match.group(1), "session")
    return courses.SessionForm(on, match.group(2), match.group(3), topic=match.group(4) or "")


def course_json(course: courses.Course) -> dict[str, Any]:
    data: dict[str, Any] = plain(course)
    data["hours"] = f"{course.hours:f}"
    data["rule"] = {
        "kind": course.rule.kind.value,
        "minimum": f"{course.rule.minimum:f}",
        "late_counts": course.rule.late_counts.value,
    }
    return data


def session_json(session: courses.CourseSession) -> dict[str, Any]:
    data: dict[str, Any] = plain(session)
    data["hours"] = f"{session.hours:f}"
    return data


def session_line(s: courses.CourseSession) -> str:
    state = tr("cli.session_closed") if s.closed else ""
    state = tr("cli.session_cancelled") if s.cancelled else state
    return f"{s.number}/{s.of}  {s.on_date} {s.starts_at}-{s.ends_at}  {s.topic}  {s.id}  {state}"


# --- courses ------------------------------------------------------------------------------


def cmd_course_create(desk: Desk, args: argparse.Namespace, out: Output) -> int:
    from desktop.services.training import courses

    ctx = context(desk, args)
    form = courses.CourseForm(
        title=args.title,
        category=args.category,
        organiser=args.organiser,
        venue=args.venue,
        teacher=args.teacher,
        capacity=args.capacity,
        starts_on=optional_day(args.starts_on, "from"),
        ends_on=optional_day(args.ends_on, "to"),
        hours=args.hours,
        rule_kind=args.rule,
        rule_minimum=args.minimum,
        late_counts=args.late,
        grace_minutes=args.grace,
        walk_ins=args.walk_ins,
        certificate_title=args.certificate_title,
    )
    specs = tuple(_session_spec(s) for s in args.session)
    made = courses.create_course(form, desk.uow(), ctx, specs)
    held = courses.sessions(desk.uow(), made.id)
    data = {**course_json(made), "session_list": [session_json(s) for s in held]}
    lines = [tr("cli.course_created", title=made.title, id=made.id)]
    lines += [session_line(s) for s in held]
    out.emit(data, "\n".join(lines))
    return 0


def cmd_course_list(desk: Desk, args: argparse.Namespace, out: Output) -> int:
    from desktop.services.training import courses

    device = desk.device()
    here = None if args.all_stations or device is None else device.station.id
    found = courses.courses(desk.uow(), station_id=here)
    lines = [
        ("［" + tr("training.central") + "］" if c.central else "")
        + f"{c.title}  {c.starts_on or '-'}~{c.ends_on or '-'}  "
        + tr("cli.course_counts", sessions=c.sessions, enrolled=c.enrolled)
        + f"  {c.id}"
        for c in found
    ]
    out.emit([course_json(c) for c in found], "\n".join(lines) or tr("cli.nothing_found"))
    return 0


def cmd_course_show(desk: Desk, args: argparse.Namespace, out: Output) -> int:
    from desktop.services.training import courses, rosters

    found = courses.find_course(desk.uow(), args.course)
    held = courses.sessions(desk.uow(), found.id, include_cancelled=True)
    people = rosters.roster(desk.uow(), found.id, ("enrolled", "waitlisted"))
    data = {
        **course_json(found),
        "session_list": [session_json(s) for s in held],
        "roster": [plain(e) for e in people],
    }
    lines = [
        f"{found.title}  {found.id}",
        tr("cli.course_counts", sessions=found.sessions, enrolled=found.enrolled),
        *(session_line(s) for s in held),
        *(f"{e.member_number}  {e.member_name}  {tr('enrolment.' + e.status)}" for e in people),
    ]
    out.emit(data, "\n".join(lines))
    return 0


def cmd_session_add(desk: Desk, args: argparse.Namespace, out: Output) -> int:
    from desktop.services.training import courses

    ctx = context(desk, args)
    found = courses.find_course(desk.uow(), args.course)
    made = courses.add_session(found.id, _session_form(args), desk.uow(), ctx)
    out.emit(session_json(made), tr("cli.session_added") + "\n" + session_line(made))
    return 0


def cmd_session_move(desk: Desk, args: argparse.Namespace, out: Output) -> int:
    from desktop.services.training import courses

    ctx = context(desk, args)
    found = courses.find_session(desk.uow(), args.session)
    moved = courses.move_session(found.id, _session_form(args), desk.uow(), ctx)
    out.emit(session_json(moved), tr("cli.session_moved") + "\n" + session_line(moved))
    return 0


def cmd_session_cancel(desk: Desk, args: argparse.Namespace, out: Output) -> int:
    from desktop.services.training import courses

    ctx = context(desk, args)
    found = courses.find_session(desk.uow(), args.session)
    courses.cancel_session(found.id, desk.uow(), ctx)
    out.emit({"id": found.id, "cancelled": True}, tr("cli.session_cancelled_done"))
    return 0


def cmd_course_enrol(desk: Desk, args: argparse.Namespace, out: Output) -> int:
    from desktop.services.training import courses, rosters

    ctx = context(desk, args)
    found = courses.find_course(desk.uow(), args.course)
    member = find_one(desk, args.ref)
    result = rosters.enrol(found.id, "", desk.uow(), ctx, args.walk_in, member_id=member.id)
    data = {"outcome": result.outcome, "enrolment": plain(result.enrolment)}
    out.emit(data, f"{member.name}  {tr('enrolment.' + result.outcome)}")
    return 0


def cmd_course_withdraw(desk: Desk, args: argparse.Namespace, out: Output) -> int:
    from desktop.services.training import courses, rosters

    ctx = context(desk, args)
    found = courses.find_course(desk.uow(), args.course)
    member = find_one(desk, args.ref)
    promoted = rosters.withdraw(found.id, member.id, desk.uow(), ctx)
    text = tr("cli.withdrawn", name=member.name)
    if promoted is not None:
        text += "\n" + tr("cli.promoted", name=promoted.member_name)
    out.emit({"withdrawn": member.id, "promoted": plain(promoted)}, text)
    return 0


def cmd_course_import(desk: Desk, args: argparse.Namespace, out: Output) -> int:
    from desktop.services.training import courses, rosters

    ctx = context(desk, args)
    found = courses.find_course(desk.uow(), args.course)
    report = rosters.import_roster(found.id, args.file, desk.uow(), ctx)
    rows, lines = [], []
    for line in report.lines:
        reason = tr(line.reason_code, **dict(line.reason_params)) if line.reason_code else ""
        rows.append(
            {
                "row": line.row,
                "ref": line.ref,
                "outcome": line.outcome,
                "member_number": line.member_number,
                "name": line.name,
                "reason": reason,
                "reason_code": line.reason_code,
            }
        )
        word = reason if line.outcome == "refused" else tr("enrolment." + line.outcome)
        lines.append(tr("cli.import_line", row=line.row, ref=line.ref, result=word))
    summary = {k: report.count(k) for k in ("enrolled", "waitlisted", "already", "refused")}
    lines.append(tr("cli.import_summary", **summary))
    out.emit({"rows": rows, "summary": summary}, "\n".join(lines))
    return 0 if not summary["refused"] else 1


def cmd_course_completion(desk: Desk, args: argparse.Namespace, out: Output) -> int:
    from desktop.services.training import completion, courses
    from desktop.services.training import report as course_report

    found = courses.find_course(desk.uow(), args.course)
    people = completion.course_completion(desk.uow(), found.id)
    data, lines = [], []
    for p in people:
        why = course_report.missing_text(p.result)
        data.append(
            {
                "member_id": p.member_id,
                "name": p.name,
                "member_number": p.member_number,
                "completed": p.result.completed,
                "attended": f"{p.result.attended:f}",
                "held": p.result.held,
                "hours": f"{p.result.hours:f}",
                "excused": p.result.excused,
                "missing": why,
                "certificate": p.certificate,
            }
        )
        state = tr("completion.done") if p.result.completed else why
        lines.append(f"{p.member_number}  {p.name}  {state}")
    out.emit(data, "\n".join(lines) or tr("cli.nothing_found"))
    return 0


def cmd_course_certify(desk: Desk, args: argparse.Namespace, out: Output) -> int:
    from desktop.services.training import completion, courses

    ctx = context(desk, args)
    found = courses.find_course(desk.uow(), args.course)
    with pdf_out(args.out) as write:
        result = completion.certify_course(found.id, desk.uow(), ctx, desk.keys)
        every = completion.course_certificates(desk.uow(), found.id)
        write(completion.certificates_pdf(desk.uow(), every))
    data = {
        "out": str(Path(args.out).expanduser()),
        "issued": [c.serial for c in result.issued],
        "already": result.already,
        "not_completed": result.not_completed,
        "pages": len(every),
        "offline_only": any(c.offline_only for c in every),
    }
    text = tr(
        "cli.certified",
        issued=len(result.issued),
        pages=len(every),
        not_completed=result.not_completed,
        out=data["out"],
    )
    if data["offline_only"]:
        data["warning"] = tr("certificate.no_verify_url")
        text += "\n" + tr("certificate.no_verify_url")
    out.emit(data, text)
    return 0


def cmd_course_reissue(desk: Desk, args: argparse.Namespace, out: Output) -> int:
    from desktop.services.training import completion

    ctx = context(desk, args)
    with pdf_out(args.out) as write:
        issued = completion.reissue_certificate(
            args.serial, args.reason, desk.uow(), ctx, desk.keys
        )
        write(completion.certificates_pdf(desk.uow(), [issued]))
    data = {"revoked": args.serial, "serial": issued.serial, "url": issued.url}
    out.emit(data, tr("cli.reissued", old=args.serial, new=issued.serial))
    return 0


# --- attendance -------------------------------------------------------------------------


def cmd_attend(desk: Desk, args: argparse.Namespace, out: Output) -> int:
    from desktop.services.training import attendance, courses
    from desktop.services.training import report as course_report
    from desktop.services.training.attendance import DoorOutcome

    ctx = context(desk, args)
    session = courses.find_session(desk.uow(), args.session)
    member = find_one(desk, args.ref)
    if args.status:
        source = "paper" if args.paper else "desk"
        status = AttendanceStatus(args.status)
        mark_id = attendance.mark(
            session.id, member.id, status, desk.uow(), ctx, note=args.note, source=source
        )
        data: dict[str, Any] = {"outcome": "marked", "status": status.value, "mark_id": mark_id}
        out.emit(data, f"{member.name}  {tr('attendance.' + status.value)}")
        return 0
    result = attendance.mark_at_door(
        session.id, "", desk.uow(), ctx, member_id=member.id, enrol_walk_in=args.walk_in
    )
    data = {
        "outcome": result.outcome.value,
        "status": result.status.value if result.status else None,
        "mark_id": result.mark_id,
        "walk_in": result.walk_in,
        "member": member_json(result.member),
        "session": {"id": session.id, "number": session.number, "of": session.of},
    }
    text = course_report.door_message(result)
    out.emit(data, text)
    if result.outcome is DoorOutcome.ALREADY:
        return EXIT_REPEAT
    return 0 if result.outcome is DoorOutcome.MARKED else EXIT_REFUSED


def cmd_session_close(desk: Desk, args: argparse.Namespace, out: Output) -> int:
    from desktop.services.training import attendance, courses
    from desktop.services.training import report as course_report

    ctx = context(desk, args)
    session = courses.find_session(desk.uow(), args.session)
    absent = attendance.close_session(session.id, desk.uow(), ctx)
    counts = attendance.counters(desk.uow(), session.id)
    data = {"id": session.id, "marked_absent": absent, "counters": plain(counts)}
    out.emit(
        data,
        tr("cli.session_closed_done", absent=absent) + "\n" + course_report.counters_line(counts),
    )
    return 0


def cmd_session_show(desk: Desk, args: argparse.Namespace, out: Output) -> int:
    from desktop.services.training import attendance, courses
    from desktop.services.training import report as course_report

    session = courses.find_session(desk.uow(), args.session)
    lines_ = attendance.session_sheet(desk.uow(), session.id)
    counts = attendance.counters(desk.uow(), session.id)
    data = {
        "session": session_json(session),
        "counters": plain(counts),
        "people": [plain(line) for line in lines_],
    }
    text = [session_line(session), course_report.counters_line(counts)]
    for line in lines_:
        word = course_report.status_word(line.status, line.conflict) or tr("attendance.none")
        text.append(f"{line.member_number}  {line.name}  {word}")
    out.emit(data, "\n".join(text))
    return 0


def cmd_session_sheet(desk: Desk, args: argparse.Namespace, out: Output) -> int:
    """The paper sign-in sheet (签到表) of a session: its roster, a line to sign each."""
    from desktop.printing import compose, signin_sheet_pdf
    from desktop.services.training import courses, rosters

    session = courses.find_session(desk.uow(), args.session)
    people = rosters.roster(desk.uow(), session.course_id)
    with pdf_out(args.out) as write:
        sheet = compose.signin_sheet(
            f"{session.course_title} 签到表",
            [_Person(e.member_name, e.member_number) for e in people],
            date.fromisoformat(session.on_date),
            subtitle=f"第 {session.number}/{session.of} 课时  {session.starts_at}-{session.ends_at}"
            + (f"  {session.topic}" if session.topic else ""),
        )
        write(signin_sheet_pdf(sheet))
    data = {"out": str(Path(args.out).expanduser()), "people": len(people)}
    out.emit(data, tr("cli.signin_printed", n=len(people), out=data["out"]))
    return 0


class _Person:
    def __init__(self, name: str, member_number: str) -> None:
        self.name, self.member_number = name, member_number


def cmd_print_signin(desk: Desk, args: argparse.Namespace, out: Output) -> int:
    """A blank sign-in sheet (签到表) for the members named, one line each to sign."""
    from desktop.printing import compose, signin_sheet_pdf
    from desktop.printing.signin_sheet import page_count

    here = station(desk)
    with pdf_out(args.out) as write:
        people = [find_one(desk, ref) for ref in args.member]
        sheet = compose.signin_sheet(args.title, people, today(desk), subtitle=here.name)
        write(signin_sheet_pdf(sheet))
    data = {
        "out": str(Path(args.out).expanduser()),
        "pages": page_count(sheet),
        "people": [{"name": n, "member_number": number} for n, number in sheet.people],
    }
    out.emit(data, tr("cli.signin_printed", n=len(people), out=data["out"]))
    return EXIT_OK


def cmd_report_course(desk: Desk, args: argparse.Namespace, out: Output) -> int:
    from desktop.services.training import courses
    from desktop.services.training import report as course_report

    found = courses.find_course(desk.uow(), args.course)
    suffix = Path(args.out).suffix.lower()
    if suffix not in (".xlsx", ".pdf"):
        raise InvalidInput("cli.report_format", field="out", path=args.out[:200])
    with pdf_out(args.out) as write:
        if suffix == ".xlsx":
            write(course_report.course_report_xlsx(desk.uow(), found.id))
        else:
            write(course_report.course_report_pdf(desk.uow(), found.id))
    data = {"out": str(Path(args.out).expanduser()), "course": found.id}
    out.emit(data, tr("cli.report_written", out=data["out"]))
    return 0
