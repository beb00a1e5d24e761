"""What every area's verbs share: the common options, exit codes, output (text or ``--json``),
who records, finding a member by a REF, dates, and writing a PDF to ``--out``."""

from __future__ import annotations

import argparse
import json
import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, is_dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from desktop import i18n
from desktop.domain.clock import local_date
from desktop.domain.errors import InvalidInput, NotFound, RuleViolation, SetupRequired
from desktop.domain.model import DeskContext, Member, Station
from desktop.domain.people import mask_phone
from desktop.i18n import tr

if TYPE_CHECKING:
    from desktop.bootstrap import Desk

EXIT_OK, EXIT_REFUSED, EXIT_USAGE, EXIT_REPEAT = 0, 1, 2, 3
EXIT_STORAGE = 5  # the data folder cannot be used (desktop/storage/faults.py); 4 is aid's


def common_options() -> argparse.ArgumentParser:
    """The options every verb takes, before or after it (``parents=[common]``).

    SUPPRESS keeps a sub-parser from overwriting a value given before the verb with its own
    default; the entry point fills in the defaults of those not given at all.
    """
    common = argparse.ArgumentParser(add_help=False, argument_default=argparse.SUPPRESS)
    common.add_argument("--home", help=tr("cli.help.home"))
    common.add_argument("--lang", choices=i18n.LANGUAGES, help=tr("cli.help.lang"))
    common.add_argument("--json", action="store_true", help=tr("cli.help.json"))
    common.add_argument("--operator", help=tr("cli.help.operator"))
    return common


def sub_verbs(parser: argparse.ArgumentParser) -> Any:
    """The sub-verbs of a verb another area registered, to add to them (``member import``)."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return action
    raise LookupError(f"{parser.prog} has no sub-verbs")


class Output:
    def __init__(self, as_json: bool) -> None:
        self.as_json = as_json

    def emit(self, data: Any, text: str) -> None:
        if self.as_json:
            print(json.dumps(plain(data), ensure_ascii=False, indent=2))
        else:
            print(text)


def plain(value: Any) -> Any:
    """``value`` as JSON data: dataclasses as dicts, tuples as lists, keys as text."""
    if is_dataclass(value) and not isinstance(value, type):
        return {k: plain(v) for k, v in asdict(value).items()}
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


def member_json(member: Member, show_phone: bool = False) -> dict[str, Any]:
    """A member as scripts see it: phone masked unless asked; never an ID hash."""
    data = plain(member)
    data.pop("id_hash", None)
    if member.phone and not show_phone:
        data["phone"] = mask_phone(member.phone)
    return dict(data)


def member_line(member: Member) -> str:
    phone = mask_phone(member.phone) if member.phone else "-"
    state = "" if member.active else "  " + tr("cli.deactivated")
    return f"{member.member_number}  {member.name}  {phone}  {member.occupation or '-'}{state}"


def context(desk: Desk, args: argparse.Namespace) -> DeskContext:
    """Who the CLI records as: --operator / WAYSTATION_OPERATOR, else the first admin.

    The command line runs with the rights of whoever may read the data folder, so it does
    not ask for a PIN; records still name an operator.
    """
    from desktop.services.desk import operators

    device = desk.device()
    if device is None:
        raise SetupRequired()
    name = args.operator or os.environ.get("WAYSTATION_OPERATOR")
    uow = desk.uow()
    who = operators.operator_by_name(uow, name) if name else operators.first_admin(uow)
    return DeskContext(device.station.id, device.id, who.id, who.role)


def station(desk: Desk) -> Station:
    device = desk.device()
    if device is None:
        raise SetupRequired()
    return device.station


def today(desk: Desk) -> date:
    with desk.uow().reading() as uow:
        return date.fromisoformat(local_date(uow.now()))


def find_one(desk: Desk, ref: str) -> Member:
    """The member a REF names exactly, or else the only one a search for it finds."""
    from desktop.services.members import commands as members
    from desktop.services.members import queries as member_queries

    try:
        return members.resolve_member(desk.uow(), ref)
    except NotFound:
        found = member_queries.search_members(desk.uow(), ref, limit=2)
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            raise RuleViolation("cli.ambiguous_ref", ref=ref[:40]) from None
        raise


def day(text: str, field: str) -> date:
    """A YYYY-MM-DD option's date; refused in words naming the option ``field``."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput("cli.bad_date", field=field, text=text[:40]) from None


def optional_day(text: str | None, field: str) -> date | None:
    """Like ``day``, for an option that may be left out (or empty)."""
    return day(text, field) if text else None


@contextmanager
def pdf_out(target: str) -> Iterator[Callable[[bytes], None]]:
    """Check ``--out`` before any work is done; yield a function that puts the PDF there.

    The PDF is written to a temporary file beside the target and renamed over it, so a
    failure at any point (a refusal, a full disk) leaves no partial file behind.
    """
    path = Path(target).expanduser()
    if path.is_dir():
        raise InvalidInput("cli.out_is_folder", field="out", path=target[:200])
    try:
        handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 (closed or removed below)
            dir=path.parent, prefix=f".{path.name[:100]}.", suffix=".tmp", delete=False
        )
    except OSError:
        raise InvalidInput("cli.out_unwritable", field="out", path=target[:200]) from None
    temporary = Path(handle.name)
    written = False

    def write(data: bytes) -> None:
        nonlocal written
        try:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
            handle.close()
            os.replace(temporary, path)
        except OSError:
            raise InvalidInput("cli.out_unwritable", field="out", path=target[:200]) from None
        written = True

    try:
        yield write
    finally:
        handle.close()
        if not written:
            temporary.unlink(missing_ok=True)
