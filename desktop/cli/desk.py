"""`waystation` verbs of the desk itself: init, operator list|add|edit|deactivate|reactivate,
settings show|set, backup [--out DIR] [--if-due], restore BACKUP, demo."""

from __future__ import annotations

import argparse
import secrets
from pathlib import Path
from typing import TYPE_CHECKING, Any

from desktop.cli.common import EXIT_OK, Output, context
from desktop.config import DeskSettings
from desktop.domain.errors import NotFound
from desktop.domain.model import Operator, Role, StationKind
from desktop.i18n import tr

if TYPE_CHECKING:
    from desktop.bootstrap import Desk


def register(verbs: Any, common: argparse.ArgumentParser) -> None:
    """Add this area's verbs; each sets `run=cmd_...(desk, args, out) -> int`."""
    p = verbs.add_parser("init", parents=[common], help=tr("cli.help.init"))
    p.add_argument("--station-name", required=True)
    p.add_argument("--kind", choices=[k.value for k in StationKind], default="station")
    p.add_argument("--union", default="", help=tr("cli.help.union"))
    p.add_argument("--admin-name", default="")
    p.add_argument("--admin-pin", default="", help=tr("cli.help.admin_pin"))
    p.add_argument("--verify-url", default="", help=tr("cli.help.verify_url"))
    p.set_defaults(run=cmd_init)

    op = verbs.add_parser("operator", parents=[common], help=tr("cli.help.operator_verb"))
    overbs = op.add_subparsers(dest="operator_verb", required=True)
    p = overbs.add_parser("list", parents=[common])
    p.set_defaults(run=cmd_operator_list)
    p = overbs.add_parser("add", parents=[common])
    p.add_argument("--name", required=True)
    p.add_argument("--role", choices=[r.value for r in Role], default="attendant")
    p.add_argument("--pin", required=True)
    p.set_defaults(run=cmd_operator_add)
    p = overbs.add_parser("edit", parents=[common], help=tr("cli.help.operator_edit"))
    p.add_argument("name")
    p.add_argument("--new-name")
    p.add_argument("--role", choices=[r.value for r in Role])
    p.add_argument("--pin", default="", help=tr("cli.help.operator_pin"))
    p.set_defaults(run=cmd_operator_edit)
    for verb, active in (("deactivate", False), ("reactivate", True)):
        p = overbs.add_parser(verb, parents=[common])
        p.add_argument("name")
        p.set_defaults(run=cmd_operator_active, active=active)

    settings = verbs.add_parser("settings", parents=[common], help=tr("cli.help.settings"))
    sverbs = settings.add_subparsers(dest="settings_verb", required=True)
    p = sverbs.add_parser("show", parents=[common])
    p.set_defaults(run=cmd_settings_show)
    p = sverbs.add_parser("set", parents=[common], help=tr("cli.help.settings_set"))
    p.add_argument("key", choices=[option.key for option in DeskSettings.options()])
    p.add_argument("value")
    p.set_defaults(run=cmd_settings_set)

    p = verbs.add_parser("backup", parents=[common], help=tr("cli.help.backup"))
    p.add_argument("--out", default=None, help=tr("cli.help.backup_out"))
    p.add_argument("--if-due", action="store_true", help=tr("cli.help.backup_if_due"))
    p.set_defaults(run=cmd_backup)
    p = verbs.add_parser("restore", parents=[common], help=tr("cli.help.restore"))
    p.add_argument("backup", metavar="BACKUP", help=tr("cli.help.restore_backup"))
    p.set_defaults(run=cmd_restore, without_desk=True)

    p = verbs.add_parser("demo", parents=[common], help=tr("cli.help.demo"))
    p.add_argument("--members", type=_count, default=1000)
    p.add_argument("--visits", type=_count, default=0)
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--add", action="store_true", help=tr("cli.help.demo_add"))
    p.set_defaults(run=cmd_demo)


def _count(text: str) -> int:
    """A whole number ≥ 0 (argparse turns the ValueError into a usage message)."""
    value = int(text)
    if value < 0:
        raise ValueError(text)
    return value


def cmd_init(desk: Desk, args: argparse.Namespace, out: Output) -> int:
    from desktop.services.desk import setup

    pin = args.admin_pin or f"{secrets.randbelow(10**6):06d}"
    device, admin = setup.set_up_station(
        setup.StationSetup(
            station_name=args.station_name,
            kind=StationKind(args.kind),
            union_name=args.union,
            admin_name=args.admin_name or tr("setup.default_admin_name"),
            admin_pin=pin,
            verify_url=args.verify_url,
        ),
        desk.uow(),
    )
    desk.register_own_key()
    data = {
        "station": device.station,
        "device_id": device.id,
        "device_code": device.code,
        "admin": admin,
        "home": str(desk.paths.home),
    }
    if not args.admin_pin:
        data["admin_pin"] = pin
    text = tr("cli.init_done", station=device.station.name, code=device.code, admin=admin.name)
    if not args.admin_pin:
        text += "\n" + tr("cli.init_pin", pin=pin)
    out.emit(data, text)
    return EXIT_OK


# --- operators --------------------------------------------------------------------------


def cmd_operator_list(desk: Desk, args: argparse.Namespace, out: Output) -> int:
    from desktop.services.desk import operators

    found = operators.list_operators(desk.uow(), include_inactive=True)
    text = "\n".join(
        f"{o.name}  {tr('role.' + o.role.value)}"
        + ("" if o.active else "  " + tr("cli.deactivated"))
        for o in found
    )
    out.emit(found, text)
    return EXIT_OK


def cmd_operator_add(desk: Desk, args: argparse.Namespace, out: Output) -> int:
    from desktop.services.desk import operators

    ctx = context(desk, args)
    form = operators.OperatorForm(name=args.name, role=Role(args.role), pin=args.pin)
    added = operators.add_operator(form, desk.uow(), ctx)
    out.emit(added, tr("cli.operator_added", name=added.name))
    return EXIT_OK


def _operator_named(desk: Desk, name: str) -> Operator:
    from desktop.services.desk import operators

    for operator in operators.list_operators(desk.uow(), include_inactive=True):
        if operator.name == " ".join(name.split()):
            return operator
    raise NotFound("operator.not_found")


def cmd_operator_edit(desk: Desk, args: argparse.Namespace, out: Output) -> int:
    from desktop.services.desk import operators

    ctx = context(desk, args)
    current = _operator_named(desk, args.name)
    form = operators.OperatorForm(
        name=args.new_name or current.name,
        role=Role(args.role) if args.role else current.role,
        pin=args.pin,
    )
    saved = operators.update_operator(current.id, form, desk.uow(), ctx)
    out.emit(saved, tr("cli.operator_saved", name=saved.name))
    return EXIT_OK


def cmd_operator_active(desk: Desk, args: argparse.Namespace, out: Output) -> int:
    from desktop.services.desk import operators

    ctx = context(desk, args)
    current = _operator_named(desk, args.name)
    saved = operators.set_operator_active(current.id, args.active, desk.uow(), ctx)
    out.emit(saved, tr("cli.operator_saved", name=saved.name))
    return EXIT_OK


# --- settings ---------------------------------------------------------------------------


def _settings_lines(values: DeskSettings) -> str:
    """Each setting as ``key  title: value``, the value as ``settings set`` takes it."""
    return "\n".join(
        f"{option.key}  {tr(option.title)}: {option.show(value)}" for option, value in values
    )


def cmd_settings_show(desk: Desk, args: argparse.Namespace, out: Output) -> int:
    from desktop.services.desk.settings import read_settings

    values = read_settings(desk.uow())
    out.emit(values.as_dict(), _settings_lines(values))
    return EXIT_OK


def cmd_settings_set(desk: Desk, args: argparse.Namespace, out: Output) -> int:
    """One setting, typed as declared (lists comma-separated, on/off), checked as declared."""
    from desktop.services.desk.settings import read_settings, save_settings

    ctx = context(desk, args)
    current = read_settings(desk.uow())
    value = DeskSettings.option(args.key).parse(args.value)
    saved = save_settings(current.replace(**{args.key: value}), desk.uow(), ctx)
    out.emit(saved.as_dict(), _settings_lines(saved))
    return EXIT_OK


# --- backup and demo data ---------------------------------------------------------------


def cmd_backup(desk: Desk, args: argparse.Namespace, out: Output) -> int:
    from desktop.services.desk import backups

    if args.if_due:  # for a daily scheduled task; the folder and count are the settings'
        made = backups.back_up_if_due(desk.paths, desk.uow())
        text = tr("cli.backup_done", path=str(made)) if made else tr("cli.backup_not_due")
        out.emit({"backup": str(made) if made else None}, text)
        return EXIT_OK
    folder = Path(args.out) if args.out else None
    target = backups.back_up(desk.paths, folder, desk.uow(), context(desk, args))
    out.emit({"backup": str(target)}, tr("cli.backup_done", path=str(target)))
    return EXIT_OK


def cmd_restore(home: str | None, args: argparse.Namespace, out: Output) -> int:
    """Runs without opening the desk: its database may be the damaged thing."""
    from desktop.backup import restore_backup
    from desktop.paths import resolve_home

    info, aside = restore_backup(resolve_home(home), Path(args.backup))
    text = tr(
        "cli.restored",
        path=info.path,
        made_at=info.made_at,
        members=info.members,
        aside=str(aside),
    )
    out.emit({"restored": info, "kept_aside": str(aside)}, text)
    return EXIT_OK


def cmd_demo(desk: Desk, args: argparse.Namespace, out: Output) -> int:
    from desktop import demo

    ctx = context(desk, args)
    result = demo.generate(
        desk,
        ctx,
        members=args.members,
        visits=args.visits,
        seed=args.seed,
        add_to_existing=args.add,
    )
    out.emit(result, tr("cli.demo_done", members=result.members, visits=result.visits))
    return EXIT_OK
