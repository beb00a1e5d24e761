"""``waystation-server``: serve, migrate, stations and their enrolment codes, devices, figures,
campaigns and courses made centrally (``campaign`` / ``course``)."""

from __future__ import annotations

import argparse
import io
import json
import sys
from collections.abc import Sequence
from typing import Any

from sqlalchemy import text

from sync.server import admin, central, db, log
from sync.server.admin import enrolment_link
from sync.server.settings import (
    DEVELOPMENT_WARNING,
    ServerSettings,
    SettingsError,
    load_settings,
)
from sync.server.signing import ServerKey, SigningKeyError, server_key
from sync.server.web.hq import audit, auth


def _database(settings: ServerSettings) -> db.Database:
    database, _key = _open(settings)
    return database


def _open(settings: ServerSettings, create_key: bool = False) -> tuple[db.Database, ServerKey]:
    """The migrated database and the server's signing key (made when missing by ``migrate``
    and in development mode; in production a missing key stops every verb but migrate)."""
    key = server_key(settings, create=create_key)
    database = db.Database(settings.database_url)
    _migrate(database, key)
    return database, key


def _migrate(database: db.Database, key: ServerKey) -> None:
    """Migrate, one process at a time when several start together on PostgreSQL; then sign
    the server's own events made before it had a key."""
    if db.is_postgres(database.engine):
        with database.engine.connect() as connection:
            connection.execute(text("SELECT pg_advisory_lock(5741)"))
            try:
                _migrate_now(database, key)
            finally:
                connection.execute(text("SELECT pg_advisory_unlock(5741)"))
                connection.commit()
    else:
        _migrate_now(database, key)


def _migrate_now(database: db.Database, key: ServerKey) -> None:
    db.migrate(database.engine)
    with database.transaction() as session:
        log.sign_unsigned(session, key)


def _print_qr(content: str, png: str | None) -> None:
    import qrcode

    qr = qrcode.QRCode(border=2, error_correction=qrcode.constants.ERROR_CORRECT_M)
    qr.add_data(content)
    qr.make(fit=True)
    buffer = io.StringIO()
    qr.print_ascii(out=buffer, invert=True)
    print(buffer.getvalue())
    if png:
        _write_png(content, png)


def _emit(args: argparse.Namespace, data: Any, lines: list[str]) -> None:
    if args.json:
        print(json.dumps(data, ensure_ascii=False, indent=2, default=str))
    else:
        print("\n".join(lines))


WORKER_START_S = 60


def cmd_serve(args: argparse.Namespace, settings: ServerSettings) -> int:
    import uvicorn

    from sync.server.app import create_app

    settings.check_listening(args.host)
    if settings.mode == "development":
        print(f"waystation-server: WARNING: {DEVELOPMENT_WARNING}", file=sys.stderr)
    database, key = _open(settings)
    if args.workers > 1:
        # Several processes on one database: the server keeps no state of its own.
        database.dispose()
        uvicorn.run(
            "sync.server.app:app_from_environment",
            factory=True,
            host=args.host,
            port=args.port,
            workers=args.workers,
            log_level="warning",
            access_log=False,
            # A minute for each worker to start: uvicorn's default of 5 s killed and
            # respawned workers for ever on a loaded machine (a worker imports the whole app
            # before it answers the supervisor's first health check).
            timeout_worker_healthcheck=WORKER_START_S,
        )
        return 0
    app = create_app(settings, database, key)
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning", access_log=False)
    return 0


def cmd_migrate(args: argparse.Namespace, settings: ServerSettings) -> int:
    database, key = _open(settings, create_key=True)
    database.dispose()
    data = {
        "migrated": True,
        "signing_key_file": str(settings.signing_key_path),
        "server_public_key": key.public_key_b64,
    }
    _emit(
        args,
        data,
        [
            "database is at the newest schema",
            f"server signing key: {settings.signing_key_path} (public {key.public_key_b64})",
        ],
    )
    return 0


def cmd_station_create(args: argparse.Namespace, settings: ServerSettings) -> int:
    database, key = _open(settings)
    with database.transaction() as session:
        made = admin.create_station(
            session, args.name, args.kind, settings.enrolment_code_days, args.union or ""
        )
        audit.record(
            session,
            "cli",
            "station.create",
            made.name,
            station_id=made.station_id,
            kind=made.kind,
            union=(args.union or "").strip(),
        )
    link = enrolment_link(settings, made.code, key)
    data = {
        "station_id": made.station_id,
        "name": made.name,
        "kind": made.kind,
        "enrolment_code": made.code,
        "link": link,
        "verify_url": settings.verification_url,
    }
    lines = [
        f"station {made.name} ({made.kind}) created: {made.station_id}",
        f"one-time enrolment code (valid {settings.enrolment_code_days} days): {made.code}",
        f"server address for the desk: {settings.public_url}",
        f"certificates' QR codes will lead to: {settings.verification_url}",
    ]
    if settings.verification_on_loopback:
        lines.append("  (a phone cannot open that: set WAYSTATION_SERVER_VERIFY_URL)")
    _emit(args, data, lines)
    if not args.json:
        _print_qr(link, args.qr_png)
    elif args.qr_png:
        _write_png(link, args.qr_png)
    return 0


def _write_png(content: str, png: str) -> None:
    import qrcode

    with open(png, "wb") as handle:
        qrcode.make(content).save(handle)


def cmd_station_code(args: argparse.Namespace, settings: ServerSettings) -> int:
    database, key = _open(settings)
    with database.transaction() as session:
        station = admin.station_named(session, args.station)
        code = admin.new_code(session, station, settings.enrolment_code_days)
        audit.record(session, "cli", "station.code", station.name, station_id=station.id)
    link = enrolment_link(settings, code, key)
    _emit(args, {"enrolment_code": code, "link": link}, [f"one-time enrolment code: {code}"])
    if not args.json:
        _print_qr(link, args.qr_png)
    return 0


def cmd_station_union(args: argparse.Namespace, settings: ServerSettings) -> int:
    database = _database(settings)
    with database.transaction() as session:
        station = admin.set_union(session, args.station, args.union)
        audit.record(
            session,
            "cli",
            "station.union",
            station.name,
            station_id=station.id,
            union=station.union_name,
        )
        data = {"station_id": station.id, "name": station.name, "union": station.union_name}
    _emit(args, data, [f"station {station.name} now belongs to {station.union_name or '(none)'}"])
    return 0


def cmd_device_list(args: argparse.Namespace, settings: ServerSettings) -> int:
    database = _database(settings)
    with database.transaction() as session:
        devices = admin.list_devices(session)
    lines = [
        f"{d['code']}  {d['station']}  events {d['events']}  last push {d['last_push_at'] or '-'}"
        + ("  REVOKED" if d["revoked"] else "")
        for d in devices
    ] or ["no devices enrolled"]
    _emit(args, devices, lines)
    return 0


def cmd_device_revoke(args: argparse.Namespace, settings: ServerSettings) -> int:
    database, key = _open(settings)
    with database.transaction() as session:
        device = admin.revoke_device(session, args.device, key)
        audit.record(
            session,
            "cli",
            "device.revoke",
            device.code,
            station_id=device.station_id,
            device_id=device.id,
        )
        data = {"id": device.id, "code": device.code, "revoked": True}
    _emit(args, data, [f"device {device.code} revoked; its token is refused from now on"])
    return 0


def cmd_stats(args: argparse.Namespace, settings: ServerSettings) -> int:
    database = _database(settings)
    with database.transaction() as session:
        figures = admin.stats(session)
    lines = ["events by kind:"]
    lines += [f"  {kind}: {count}" for kind, count in sorted(figures.events_by_kind.items())]
    lines.append("events by station:")
    lines += [f"  {name}: {count}" for name, count in sorted(figures.events_by_station.items())]
    lines.append(f"open conflicts: {figures.open_conflicts}")
    lines.append("devices (last push):")
    lines += [
        f"  {d['code']} {d['station']}: {d['last_push_at'] or 'never'}" for d in figures.devices
    ]
    _emit(args, figures.model_dump(), lines)
    return 0


def _password(args: argparse.Namespace) -> str:
    """The new password: read from standard input with --password-stdin (scripts), else
    asked twice without echo."""
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    import getpass

    first = getpass.getpass("password: ")
    if first != getpass.getpass("again: "):
        raise auth.AccountError("password_mismatch", "the two passwords differ")
    return first


def cmd_user_create(args: argparse.Namespace, settings: ServerSettings) -> int:
    database = _database(settings)
    password = _password(args)
    with database.transaction() as session:
        row = auth.create_account(session, args.name, args.role, password, args.union)
        audit.record(
            session, "cli", "account.create", row.name, role=row.role, union=row.union_name
        )
        data = {"id": row.id, "name": row.name, "role": row.role, "union": row.union_name}
    scope = f" of {row.union_name}" if row.union_name else ""
    _emit(args, data, [f"account {row.name} created: {row.role}{scope}"])
    return 0


def cmd_user_password(args: argparse.Namespace, settings: ServerSettings) -> int:
    database = _database(settings)
    password = _password(args)
    with database.transaction() as session:
        row = auth.set_password(session, args.name, password)
        audit.record(session, "cli", "account.password", row.name)
    _emit(args, {"name": row.name}, [f"password of {row.name} set; its sessions ended"])
    return 0


def cmd_user_disable(args: argparse.Namespace, settings: ServerSettings) -> int:
    database = _database(settings)
    with database.transaction() as session:
        row = auth.disable_account(session, args.name)
        audit.record(session, "cli", "account.disable", row.name)
    _emit(args, {"name": row.name, "disabled": True}, [f"account {row.name} disabled"])
    return 0


def cmd_user_list(args: argparse.Namespace, settings: ServerSettings) -> int:
    database = _database(settings)
    with database.transaction() as session:
        rows = [
            {
                "name": row.name,
                "role": row.role,
                "union": row.union_name,
                "disabled": row.disabled_at is not None,
            }
            for row in auth.list_accounts(session)
        ]
    lines = [
        f"{r['name']}  {r['role']}"
        + (f"  {r['union']}" if r["union"] else "")
        + ("  DISABLED" if r["disabled"] else "")
        for r in rows
    ] or ["no accounts"]
    _emit(args, rows, lines)
    return 0


def cmd_conflict_list(args: argparse.Namespace, settings: ServerSettings) -> int:
    database = _database(settings)
    with database.transaction() as session:
        found = admin.list_conflicts(session, None if args.all else "open")
    lines = [
        f"{c['id']}  {c['kind']}  {c['status']}  "
        + " / ".join(r.get("station_name", "") for r in c["detail"].get("records", []))
        for c in found
    ] or ["no open conflicts" if not args.all else "no conflicts"]
    _emit(args, found, lines)
    return 0


def cmd_conflict_resolve(args: argparse.Namespace, settings: ServerSettings) -> int:
    """HQ resolves a conflict with a note, exactly as the console does (signed; audited)."""
    database, key = _open(settings)
    with database.transaction() as session:
        conflict = admin.resolve_conflict(session, args.conflict, args.note, key, by="cli")
        audit.record(
            session,
            "cli",
            "conflict.resolve",
            conflict.kind,
            conflict_id=conflict.id,
            note=" ".join(args.note.split()),
        )
        data = {"id": conflict.id, "status": conflict.status}
    _emit(args, data, [f"conflict {conflict.id} resolved; the desks get it on their next sync"])
    return 0


def cmd_sign_events(args: argparse.Namespace, settings: ServerSettings) -> int:
    """After a change of the server's key (docs/tokens.md): sign its own events again."""
    database, key = _open(settings)
    with database.transaction() as session:
        signed = log.sign_unsigned(session, key, again=args.all)
    _emit(args, {"signed": signed}, [f"{signed} server events signed with the current key"])
    return 0


def cmd_new_epoch(args: argparse.Namespace, settings: ServerSettings) -> int:
    """After restoring the database from a backup: every desk then pushes all it has again
    (what the server still holds is answered duplicate) and pulls everything again."""
    database = _database(settings)
    with database.transaction() as session:
        epoch = db.new_epoch(session)
    _emit(args, {"epoch": epoch}, [f"new epoch {epoch}: every desk resyncs on its next sync"])
    return 0


# --- campaigns and courses made at HQ (sync.server.central) --------------------------------


def _central_lines(found: central.Central) -> list[str]:
    where = "、".join(found.station_names) or "every station"
    lines = [
        f"{found.kind} {found.name} (version {found.version}): {found.id}",
        f"  stations: {where}",
    ]
    if found.kind == "campaign":
        rules = found.payload
        lines.append(
            f"  {rules['starts_on']} .. {rules['ends_on']}"
            + ("" if rules.get("active", True) else "  CLOSED")
        )
        lines += [f"  item: {n} {q} {u}" for n, u, q in found.items]
        for name in ("max_per_person", "max_per_day", "min_interval_minutes"):
            if rules.get(name) is not None:
                lines.append(f"  {name}: {rules[name]}")
        if rules.get("refuse_when_out"):
            lines.append("  refused when the desk is out of stock")
    else:
        lines += [
            f"  session: {s['on_date']} {s['starts_at']}-{s['ends_at']} {s['hours']} h {s['topic']}"
            for s in found.sessions
        ]
    return lines


def _campaign_draft(
    args: argparse.Namespace, base: central.CampaignDraft | None
) -> central.CampaignDraft:
    items = tuple(central.parse_item(text) for text in args.item or ())
    stations = tuple(args.station or ())
    if base is None:
        return central.CampaignDraft(
            name=args.name or "",
            starts_on=args.starts or "",
            ends_on=args.ends or "",
            items=items,
            stations=stations,
            tags=tuple(args.tag or ()),
            occupations=tuple(args.occupation or ()),
            max_per_person=args.max_per_person,
            max_per_day=args.max_per_day,
            min_interval_minutes=args.min_interval,
            proof=args.proof or "none",
            refuse_when_out=bool(args.refuse_when_out),
        )
    kept = [s for s in base.stations if s not in (args.remove_station or ())]
    return central.CampaignDraft(
        name=args.name or base.name,
        starts_on=args.starts or base.starts_on,
        ends_on=args.ends or base.ends_on,
        items=items or base.items,
        stations=tuple(dict.fromkeys([*kept, *stations])) if not args.every_station else (),
        tags=tuple(args.tag) if args.tag is not None else base.tags,
        occupations=tuple(args.occupation) if args.occupation is not None else base.occupations,
        max_per_person=args.max_per_person
        if args.max_per_person is not None
        else base.max_per_person,
        max_per_day=args.max_per_day if args.max_per_day is not None else base.max_per_day,
        min_interval_minutes=args.min_interval
        if args.min_interval is not None
        else base.min_interval_minutes,
        proof=args.proof or base.proof,
        refuse_when_out=base.refuse_when_out
        if args.refuse_when_out is None
        else args.refuse_when_out,
        active=False if args.close else (True if args.reopen else base.active),
    )


def _audit_central(
    session: Any, args: argparse.Namespace, made: central.Central, action: str
) -> None:
    audit.record(
        session, "cli", action, made.name, id=made.id, version=made.version, by=args.by,
        stations=list(made.stations),
    )  # fmt: skip


def cmd_campaign_create(args: argparse.Namespace, settings: ServerSettings) -> int:
    database, key = _open(settings)
    with database.transaction() as session:
        made = central.create_campaign(session, key, _campaign_draft(args, None), args.by)
        _audit_central(session, args, made, "central.campaign.create")
    _emit(args, made.as_json(), _central_lines(made))
    return 0


def cmd_campaign_update(args: argparse.Namespace, settings: ServerSettings) -> int:
    database, key = _open(settings)
    with database.transaction() as session:
        base = central.draft_of(central.campaign(session, args.campaign))
        made = central.update_campaign(
            session, key, args.campaign, _campaign_draft(args, base), args.by
        )
        _audit_central(session, args, made, "central.campaign.update")
    _emit(args, made.as_json(), _central_lines(made))
    return 0


def cmd_central_list(args: argparse.Namespace, settings: ServerSettings) -> int:
    database = _database(settings)
    with database.transaction() as session:
        found = central.listing(session, args.kind)
    lines = [line for each in found for line in _central_lines(each)] or [
        f"no central {args.kind}s"
    ]
    _emit(args, [each.as_json() for each in found], lines)
    return 0


def _course_draft(
    args: argparse.Namespace, base: central.CourseDraft | None
) -> central.CourseDraft:
    sessions = tuple(central.parse_session(text) for text in args.session or ())
    stations = tuple(args.station or ())
    if base is None:
        return central.CourseDraft(
            title=args.title or "",
            sessions=sessions,
            stations=stations,
            category=args.category or "",
            organiser=args.organiser or "",
            venue=args.venue or "",
            teacher=args.teacher or "",
            capacity=args.capacity or 0,
            rule_minimum=args.minimum or "0.8",
            certificate_title=args.certificate_title or "结业证书",
        )
    kept = [s for s in base.stations if s not in (args.remove_station or ())]
    return central.CourseDraft(
        title=args.title or base.title,
        sessions=sessions,
        stations=tuple(dict.fromkeys([*kept, *stations])) if not args.every_station else (),
        category=args.category if args.category is not None else base.category,
        organiser=args.organiser if args.organiser is not None else base.organiser,
        venue=args.venue if args.venue is not None else base.venue,
        teacher=args.teacher if args.teacher is not None else base.teacher,
        capacity=args.capacity if args.capacity is not None else base.capacity,
        rule_kind=base.rule_kind,
        rule_minimum=args.minimum or base.rule_minimum,
        late_counts=base.late_counts,
        grace_minutes=base.grace_minutes,
        walk_ins=base.walk_ins,
        certificate_title=args.certificate_title or base.certificate_title,
        cancelled=True if args.cancel else base.cancelled,
    )


def cmd_course_create(args: argparse.Namespace, settings: ServerSettings) -> int:
    database, key = _open(settings)
    with database.transaction() as session:
        made = central.create_course(session, key, _course_draft(args, None), args.by)
        _audit_central(session, args, made, "central.course.create")
    _emit(args, made.as_json(), _central_lines(made))
    return 0


def cmd_course_update(args: argparse.Namespace, settings: ServerSettings) -> int:
    database, key = _open(settings)
    with database.transaction() as session:
        base = central.course_draft_of(central.course(session, args.course))
        made = central.update_course(session, key, args.course, _course_draft(args, base), args.by)
        _audit_central(session, args, made, "central.course.update")
    _emit(args, made.as_json(), _central_lines(made))
    return 0


def _add_central_verbs(verbs: Any, common: argparse.ArgumentParser) -> None:
    def number(text: str) -> int | None:
        try:
            return central.number(text, "max_per_person")
        except central.CentralError as error:
            raise argparse.ArgumentTypeError(error.message) from None

    campaign = verbs.add_parser("campaign", help="aid campaigns made at HQ, sent to the desks")
    cverbs = campaign.add_subparsers(dest="campaign_verb", required=True)
    for verb in ("create", "update"):
        p = cverbs.add_parser(verb, parents=[common], help=f"{verb} a central campaign")
        if verb == "update":
            p.add_argument("campaign", help="the campaign's id")
        p.add_argument("--name", required=verb == "create")
        p.add_argument("--starts", required=verb == "create", help="first day, 2026-12-01")
        p.add_argument("--ends", required=verb == "create", help="last day")
        p.add_argument(
            "--item", action="append", required=verb == "create", help="name:unit:quantity (repeat)"
        )
        p.add_argument(
            "--station",
            action="append",
            help="a station taking part, id or name (repeat; none: every station)",
        )
        p.add_argument("--tag", action="append", help="eligible with this tag (repeat)")
        p.add_argument(
            "--occupation", action="append", help="eligible with this occupation (repeat)"
        )
        p.add_argument("--max-per-person", type=number)
        p.add_argument("--max-per-day", type=number)
        p.add_argument("--min-interval", type=number, help="minutes between two handouts")
        p.add_argument("--proof", choices=central.PROOFS)
        p.add_argument(
            "--refuse-when-out",
            action=argparse.BooleanOptionalAction,
            help="refuse a handout beyond the stock of the desk making it (default: the desk "
            "asks, then hands out); the desk judges its own stock, the server never does",
        )
        p.add_argument("--by", default="cli", help="who made it (kept with the record)")
        if verb == "update":
            p.add_argument("--remove-station", action="append")
            p.add_argument("--every-station", action="store_true")
            p.add_argument("--close", action="store_true", help="no more handouts")
            p.add_argument("--reopen", action="store_true")
        p.set_defaults(run=cmd_campaign_create if verb == "create" else cmd_campaign_update)
    p = cverbs.add_parser("list", parents=[common])
    p.set_defaults(run=cmd_central_list, kind="campaign")

    course = verbs.add_parser("course", help="courses made at HQ, sent to the desks")
    kverbs = course.add_subparsers(dest="course_verb", required=True)
    for verb in ("create", "update"):
        p = kverbs.add_parser(verb, parents=[common], help=f"{verb} a central course")
        if verb == "update":
            p.add_argument("course", help="the course's id")
        p.add_argument("--title", required=verb == "create")
        p.add_argument(
            "--session",
            action="append",
            help="'2026-12-05 09:00-11:00 [hours] [topic]' (repeat; update adds)",
        )
        p.add_argument(
            "--station", action="append", help="a station taking part, id or name (repeat)"
        )
        p.add_argument("--category")
        p.add_argument("--organiser")
        p.add_argument("--venue")
        p.add_argument("--teacher")
        p.add_argument("--capacity", type=int)
        p.add_argument("--minimum", help="completion: share of sessions (0.8 or 80%%)")
        p.add_argument("--certificate-title", choices=central.CERTIFICATE_TITLES)
        p.add_argument("--by", default="cli")
        if verb == "update":
            p.add_argument("--remove-station", action="append")
            p.add_argument("--every-station", action="store_true")
            p.add_argument("--cancel", action="store_true")
        p.set_defaults(run=cmd_course_create if verb == "create" else cmd_course_update)
    p = kverbs.add_parser("list", parents=[common])
    p.set_defaults(run=cmd_central_list, kind="course")


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--json", action="store_true", help="print JSON")
    parser = argparse.ArgumentParser(prog="waystation-server", description=__doc__)
    verbs = parser.add_subparsers(dest="verb", required=True)

    p = verbs.add_parser("serve", help="run the HTTP server")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8700)
    p.add_argument("--workers", type=int, default=1, help="server processes (default 1)")
    p.set_defaults(run=cmd_serve, json=False)

    p = verbs.add_parser(
        "migrate", parents=[common], help="bring the database to the newest schema"
    )
    p.set_defaults(run=cmd_migrate)

    station = verbs.add_parser("station", help="stations and enrolment codes")
    sverbs = station.add_subparsers(dest="station_verb", required=True)
    p = sverbs.add_parser("create", parents=[common], help="create a station and a one-time code")
    p.add_argument("name")
    p.add_argument("--kind", choices=admin.STATION_KINDS, default="station")
    p.add_argument("--union", help="the district union the station belongs to")
    p.add_argument("--qr-png", help="also write the enrolment QR as a PNG file")
    p.set_defaults(run=cmd_station_create)
    p = sverbs.add_parser("code", parents=[common], help="another one-time code for a station")
    p.add_argument("station", help="station name or id")
    p.add_argument("--qr-png")
    p.set_defaults(run=cmd_station_code)

    p = sverbs.add_parser("union", parents=[common], help="set the union a station belongs to")
    p.add_argument("station", help="station name or id")
    p.add_argument("union", help="the union's name ('' for none)")
    p.set_defaults(run=cmd_station_union)

    device = verbs.add_parser("device", help="enrolled devices")
    dverbs = device.add_subparsers(dest="device_verb", required=True)
    p = dverbs.add_parser("list", parents=[common])
    p.set_defaults(run=cmd_device_list)
    p = dverbs.add_parser("revoke", parents=[common], help="refuse this device from now on")
    p.add_argument("device", help="device id or device code")
    p.set_defaults(run=cmd_device_revoke)

    conflict = verbs.add_parser("conflict", help="conflicts between desks")
    cverbs = conflict.add_subparsers(dest="conflict_verb", required=True)
    p = cverbs.add_parser("list", parents=[common], help="open conflicts (--all: every one)")
    p.add_argument("--all", action="store_true")
    p.set_defaults(run=cmd_conflict_list)
    p = cverbs.add_parser("resolve", parents=[common], help="resolve one at HQ with a note")
    p.add_argument("conflict", help="the conflict's id")
    p.add_argument("--note", required=True, help="what was decided (every desk shows it)")
    p.set_defaults(run=cmd_conflict_resolve)

    user = verbs.add_parser("user", help="accounts of the HQ console (/hq)")
    uverbs = user.add_subparsers(dest="user_verb", required=True)
    p = uverbs.add_parser("create", parents=[common], help="a named account of the console")
    p.add_argument("name")
    p.add_argument("--role", choices=auth.ROLES, required=True)
    p.add_argument("--union", help="the union a district viewer sees (its stations only)")
    p.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    p.set_defaults(run=cmd_user_create)
    p = uverbs.add_parser("password", parents=[common], help="set an account's password")
    p.add_argument("name")
    p.add_argument("--password-stdin", action="store_true")
    p.set_defaults(run=cmd_user_password)
    p = uverbs.add_parser("disable", parents=[common], help="refuse an account from now on")
    p.add_argument("name")
    p.set_defaults(run=cmd_user_disable)
    p = uverbs.add_parser("list", parents=[common])
    p.set_defaults(run=cmd_user_list)

    p = verbs.add_parser(
        "new-epoch", parents=[common], help="after restoring a backup: make every desk resync"
    )
    p.set_defaults(run=cmd_new_epoch)

    p = verbs.add_parser(
        "sign-events", parents=[common], help="sign the server's own events with its key"
    )
    p.add_argument("--all", action="store_true", help="also those signed already (a key change)")
    p.set_defaults(run=cmd_sign_events)

    p = verbs.add_parser("stats", parents=[common], help="records, conflicts, last syncs")
    p.set_defaults(run=cmd_stats)

    _add_central_verbs(verbs, common)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = load_settings()
    except SettingsError as error:
        print(f"waystation-server: {error}", file=sys.stderr)
        return 2
    try:
        result: int = args.run(args, settings)
        return result
    except (SettingsError, SigningKeyError) as error:
        print(f"waystation-server: {error}", file=sys.stderr)
        return 2
    except (admin.AdminError, auth.AccountError, central.CentralError) as error:
        if getattr(args, "json", False):
            print(json.dumps({"error": error.code, "message": error.message}), file=sys.stderr)
        else:
            print(f"waystation-server: {error.message}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
