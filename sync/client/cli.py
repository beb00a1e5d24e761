"""``waystation`` verbs of sync: enroll, sync, sync status, conflicts, conflict resolve."""

from __future__ import annotations

import argparse
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from desktop.i18n import tr

if TYPE_CHECKING:
    from desktop.bootstrap import Desk

VERBS: tuple[str, ...] = ("enroll", "sync", "conflicts", "conflict")


def register(verbs: Any, common: argparse.ArgumentParser) -> None:
    p = verbs.add_parser("enroll", parents=[common], help=tr("cli.help.enroll"))
    p.add_argument("--server", default="", help=tr("cli.help.enroll_server"))
    p.add_argument("--code", required=True, help=tr("cli.help.enroll_code"))
    p.add_argument("--again", action="store_true", help=tr("cli.help.enroll_again"))
    p.set_defaults(run=cmd_enroll)

    p = verbs.add_parser("sync", parents=[common], help=tr("cli.help.sync"))
    p.add_argument("what", nargs="?", choices=("now", "status"), default="now")
    p.add_argument("--timeout", type=float, default=30.0, help=tr("cli.help.sync_timeout"))
    p.set_defaults(run=cmd_sync)

    p = verbs.add_parser("conflicts", parents=[common], help=tr("cli.help.conflicts"))
    p.add_argument("--all", action="store_true", help=tr("cli.help.conflicts_all"))
    p.set_defaults(run=cmd_conflicts)

    conflict = verbs.add_parser("conflict", parents=[common], help=tr("cli.help.conflict"))
    cverbs = conflict.add_subparsers(dest="conflict_verb", required=True)
    p = cverbs.add_parser("resolve", parents=[common], help=tr("cli.help.conflict_resolve"))
    p.add_argument("id")
    p.add_argument("--note", required=True)
    p.add_argument("--merge-into", help=tr("cli.help.conflict_merge_into"))
    p.set_defaults(run=cmd_conflict_resolve)


def cmd_enroll(desk: Desk, args: argparse.Namespace, out: Any) -> int:
    from desktop.cli.common import context
    from sync.client.engine import enrol

    station = enrol(desk, args.server, args.code, context(desk, args), again=args.again)
    out.emit({"enrolled": True, "station": station}, tr("cli.enrolled", station=station))
    return 0


def _status_lines(desk: Desk) -> tuple[dict[str, Any], list[str]]:
    from desktop.services.sync import commands as syncing

    state = syncing.status(desk.uow())
    lines = [
        tr("cli.sync_server", server=state.server_url or tr("sync.not_enrolled")),
        tr("cli.sync_waiting", count=state.waiting),
        tr("cli.sync_quarantined", count=state.quarantined),
        tr("cli.sync_set_aside", count=state.set_aside),
        tr("cli.sync_conflicts", count=state.open_conflicts),
        tr("cli.sync_last_success", at=state.last_success_at or tr("sync.never")),
    ]
    if state.error is not None:
        lines.append(tr("cli.sync_error", message=tr(state.error.code, **state.error.params)))
    data = asdict(state)
    if state.error is not None:
        data["error"]["message"] = tr(state.error.code, **state.error.params)
    return data, lines


def cmd_sync(desk: Desk, args: argparse.Namespace, out: Any) -> int:
    if args.what == "status":
        data, lines = _status_lines(desk)
        out.emit(data, "\n".join(lines))
        return 0
    from sync.client.engine import sync_once

    report = sync_once(desk, timeout=args.timeout)
    data = {
        "ok": report.ok,
        "pushed": report.pushed,
        "duplicates": report.duplicates,
        "quarantined": report.quarantined,
        "pulled": report.pulled,
        "reset": report.reset,
        "renumbered": report.renumbered,
        "reserialled": report.reserialled,
        "seconds": round(report.seconds, 3),
        "error": None
        if report.error is None
        else {"code": report.error.code, "message": tr(report.error.code, **report.error.params)},
    }
    lines = [
        tr(
            "cli.sync_done",
            pushed=report.pushed + report.duplicates,
            pulled=sum(report.pulled.values()),
            quarantined=report.quarantined,
        )
    ]
    lines += [tr("cli.sync_renumbered", old=o, new=n) for o, n in report.renumbered.items()]
    lines += [tr("cli.sync_reserialled", old=o, new=n) for o, n in report.reserialled.items()]
    if report.error is not None:
        lines = [tr("cli.sync_failed", message=data["error"]["message"])]
    status, more = _status_lines(desk)
    data["status"] = status
    out.emit(data, "\n".join(lines + more))
    return 0 if report.ok else 1


def _conflict_json(conflict: Any) -> dict[str, Any]:
    return asdict(conflict)


def cmd_conflicts(desk: Desk, args: argparse.Namespace, out: Any) -> int:
    from desktop.services.sync import commands as syncing

    found = syncing.conflicts(desk.uow(), include_resolved=args.all, here_only=True)
    lines = [conflict_line(c) for c in found] or [tr("cli.no_conflicts")]
    out.emit([_conflict_json(c) for c in found], "\n".join(lines))
    return 0


def conflict_line(conflict: Any) -> str:
    sides = "  ⟷  ".join(
        tr(
            "conflict.side",
            name=side.summary.get("name", "") or side.entity_id[:8],
            station=side.station_name or "-",
            device=side.device_code or "-",
            operator=side.operator_name or "-",
            time=side.device_time[:16].replace("T", " "),
        )
        for side in conflict.sides
    )
    state = tr("conflict.open") if conflict.status == "open" else tr("conflict.resolved_state")
    kind = tr("conflict.kind." + conflict.kind)
    if conflict.person:
        kind += tr("conflict.about", person=conflict.person)
    return f"{conflict.id[:8]}  {kind}  [{state}]  {sides}"


def cmd_conflict_resolve(desk: Desk, args: argparse.Namespace, out: Any) -> int:
    from desktop.cli.common import context, find_one
    from desktop.services.sync import commands as syncing

    ctx = context(desk, args)
    conflict = syncing.find_conflict(desk.uow(), args.id)
    merge_into = None
    if args.merge_into:
        merge_into = find_one(desk, args.merge_into).id
    done = syncing.resolve_conflict(desk.uow(), ctx, conflict.id, args.note, merge_into)
    out.emit(_conflict_json(done), tr("cli.conflict_resolved", id=done.id[:8]))
    return 0
