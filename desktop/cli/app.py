"""The ``waystation`` command line: the parser made of every area's verbs, and ``main``.

Exit status: 0 done; 1 refused with a message (bad input, a rule, not found);
2 wrong usage; 3 check-in not recorded because the member checked in moments ago
(and 4: a handout the campaign's rules refused, see desktop.cli.aid); 5 the data folder
cannot be used (damaged, a full disk, read-only: desktop/storage/faults.py).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Protocol

from desktop import i18n
from desktop.cli import (
    aid,
    cards,
    certificates,
    desk,
    members,
    reports,
    training,
    verification,
    visits,
)
from desktop.cli.common import (
    EXIT_REFUSED,
    EXIT_STORAGE,
    EXIT_USAGE,
    Output,
    common_options,
    plain,
    sub_verbs,
)
from desktop.domain.errors import AppError, SetupRequired, StorageFault
from desktop.i18n import tr

if TYPE_CHECKING:
    from desktop.bootstrap import Desk


class Area(Protocol):
    """A module of verbs: ``register`` adds them (``verbs.add_parser``, ``sub_verbs``)."""

    def register(self, verbs: Any, common: argparse.ArgumentParser) -> None: ...


class ExtraArea(Area, Protocol):
    """An area from outside desktop/ (sync's verbs), naming the top-level verbs it adds."""

    VERBS: tuple[str, ...]


# The desk's areas in the order they register: an area that adds sub-verbs to another's
# verb (reports' `member import`, training's `print signin-sheet`) comes after it.
AREAS: tuple[Area, ...] = (
    desk,
    members,
    visits,
    cards,
    certificates,
    verification,
    training,
    aid,
    reports,
)

# Every top-level verb of the desk, in the order `waystation --help` lists them, and the area
# that adds it; no other area adds it (tests/unit/test_cli_registry.py). Other areas may add
# sub-verbs to it: `report` is training's (the first area with a report), aid and reports
# add theirs; `print` is cards', certificates and training add their printouts.
REGISTRY: dict[str, Area] = {
    "init": desk,
    "member": members,
    "checkin": visits,
    "visit": visits,
    "visits": visits,
    "operator": desk,
    "settings": desk,
    "backup": desk,
    "restore": desk,
    "demo": desk,
    "print": cards,
    "card": cards,
    "certificate": certificates,
    "verify": verification,
    "course": training,
    "attend": training,
    "session": training,
    "report": training,
    "campaign": aid,
    "item": aid,
    "stock": aid,
    "handout": aid,
}
VERBS: tuple[str, ...] = tuple(REGISTRY)

# `print` gathers printouts from three areas; `waystation print --help` lists them so.
PRINTOUTS = ("cards", "certificate", "signin-sheet", "calibration")


def registry(extra: Sequence[ExtraArea] = ()) -> dict[str, Area]:
    """Each top-level verb and the area that adds it: the desk's, then those of ``extra``."""
    verbs = dict(REGISTRY)
    for area in extra:
        for verb in area.VERBS:
            if verb in verbs:
                raise ValueError(f"verb {verb!r} is claimed by two areas")
            verbs[verb] = area
    return verbs


def build_parser(areas: Sequence[ExtraArea] = ()) -> argparse.ArgumentParser:
    """The parser of the desk's verbs and those of ``areas`` (sync's, from the entry point)."""
    return _build(areas)[0]


def added_by(areas: Sequence[ExtraArea] = ()) -> dict[str, Area]:
    """Each top-level verb and the area whose ``register`` added it, as the parser is built."""
    return _build(areas)[1]


def _build(areas: Sequence[ExtraArea]) -> tuple[argparse.ArgumentParser, dict[str, Area]]:
    common = common_options()
    parser = argparse.ArgumentParser(prog="waystation", parents=[common])
    verbs = parser.add_subparsers(dest="verb", required=True)
    added: dict[str, Area] = {}
    for area in (*AREAS, *areas):
        before = set(verbs.choices)
        area.register(verbs, common)  # argparse refuses a verb added twice
        added.update((verb, area) for verb in verbs.choices if verb not in before)
    _list_in_order(verbs, tuple(registry(areas)))
    _list_in_order(sub_verbs(verbs.choices["print"]), PRINTOUTS)
    return parser, added


def _list_in_order(
    verbs: argparse._SubParsersAction[argparse.ArgumentParser], names: Sequence[str]
) -> None:
    """List ``verbs`` (in help and usage) in the order of ``names``, any others after them.

    argparse lists verbs in the order they were added, which follows the areas; the listing
    keeps the order the verbs have always had.
    """
    rank = {name: i for i, name in enumerate(names)}
    verbs._choices_actions.sort(key=lambda action: rank.get(action.dest, len(rank)))
    parsers = sorted(verbs.choices.items(), key=lambda item: rank.get(item[0], len(rank)))
    verbs.choices.clear()
    verbs.choices.update(parsers)


def _language_from(argv: Sequence[str]) -> str | None:
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
    return None


def _unreadable_argument(argv: Sequence[str]) -> str | None:
    """An argument that is not valid text (a lone surrogate from a broken terminal)."""
    for arg in argv:
        try:
            arg.encode("utf-8")
        except UnicodeEncodeError:
            return arg.encode("utf-8", "backslashreplace").decode("ascii", "replace")[:40]
    return None


def main(argv: Sequence[str] | None = None, areas: Sequence[ExtraArea] = ()) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    bad = _unreadable_argument(argv)
    if bad is not None:
        i18n.set_language(os.environ.get("WAYSTATION_LANG") or "zh")
        print(tr("cli.error_prefix") + tr("input.bad_text", text=bad), file=sys.stderr)
        return EXIT_USAGE
    i18n.set_language(_language_from(argv) or os.environ.get("WAYSTATION_LANG") or "zh")
    args = build_parser(areas).parse_args(argv)
    for option, default in (("home", None), ("lang", None), ("json", False), ("operator", None)):
        if not hasattr(args, option):
            setattr(args, option, default)
    out = Output(args.json)
    run: Callable[[Desk, argparse.Namespace, Output], int] = args.run
    # The database and its machinery are loaded only once the words were understood: a
    # usage error or --help costs no more than the parser (bench.startup).
    from sqlalchemy.exc import DBAPIError

    from desktop.storage.faults import storage_fault

    try:
        if getattr(args, "without_desk", False):  # restore: the database may be the damage
            return int(args.run(args.home, args, out))
        opened = _open(args.home)
    except AppError as error:
        return _refused(error, args.json)
    try:
        if args.run is not desk.cmd_init and opened.device() is None:
            raise SetupRequired()
        return run(opened, args, out)
    except AppError as error:
        return _refused(error, args.json)
    except (DBAPIError, OSError) as error:  # a disk that filled up or failed mid-verb
        fault = storage_fault(error, opened.paths.home)
        if fault is None:
            raise
        return _refused(fault, args.json)
    finally:
        opened.close()


def _open(home: str | None) -> Desk:
    """The desk; on a folder that cannot be written, the desk opened read-only: reading verbs
    work, and a writing verb is refused at its first write with the same plain message."""
    from desktop.bootstrap import open_desk

    try:
        return open_desk(home)
    except StorageFault as error:
        if error.code != "storage.read_only":
            raise
        try:
            return open_desk(home, read_only=True)
        except AppError:
            raise error from None


def _refused(error: AppError, as_json: bool) -> int:
    message = i18n.describe(error)
    if as_json:
        print(
            json.dumps(
                {"error": error.code, "message": message, **plain(error.params)},
                ensure_ascii=False,
            ),
            file=sys.stderr,
        )
    else:
        print(tr("cli.error_prefix") + message, file=sys.stderr)
    return EXIT_STORAGE if isinstance(error, StorageFault) else EXIT_REFUSED
