"""The command line's registry of verbs: each top-level verb is added by exactly one area,
the one `desktop.cli.app.REGISTRY` names, and the help lists them in the registry's order."""

from __future__ import annotations

import argparse
from typing import Any

import pytest

from desktop import i18n
from desktop.cli import app
from desktop.cli.common import sub_verbs
from sync.client import cli as sync_cli


@pytest.fixture(autouse=True)
def _chinese() -> None:
    i18n.set_language("zh")


def test_every_verb_is_added_once_by_the_area_the_registry_names() -> None:
    added = app.added_by()
    assert added == app.REGISTRY
    assert set(app.VERBS) == set(added)
    assert len(app.VERBS) == len(set(app.VERBS))
    # every area of the registry is registered, and every registered area has a verb of its
    # own or adds sub-verbs to another's (reports: `member import`, `report month`, ...)
    assert set(app.REGISTRY.values()) <= set(app.AREAS)
    assert len(set(app.AREAS)) == len(app.AREAS)


def test_areas_from_outside_are_registered_after_the_desk_s() -> None:
    added = app.added_by((sync_cli,))
    assert added == app.registry((sync_cli,))
    assert [verb for verb, area in added.items() if area is sync_cli] == list(sync_cli.VERBS)


def test_the_help_lists_the_verbs_in_the_registry_s_order() -> None:
    verbs = sub_verbs(app.build_parser((sync_cli,)))
    order = [*app.VERBS, *sync_cli.VERBS]
    assert list(verbs.choices) == order
    assert [action.dest for action in verbs._choices_actions] == order
    printouts = sub_verbs(verbs.choices["print"])
    assert list(printouts.choices) == list(app.PRINTOUTS)
    assert [action.dest for action in printouts._choices_actions] == list(app.PRINTOUTS)
    help_text = app.build_parser().format_help()
    places = [help_text.index(f"\n    {verb} ") for verb in app.VERBS]
    assert places == sorted(places)


def test_a_verb_added_twice_is_refused() -> None:
    class Again:
        VERBS = ("member",)

        @staticmethod
        def register(verbs: Any, common: argparse.ArgumentParser) -> None:
            verbs.add_parser("member", parents=[common])

    with pytest.raises(ValueError, match="member"):
        app.registry((Again,))
    with pytest.raises(argparse.ArgumentError, match="conflicting subparser: member"):
        app.build_parser((Again,))


def _parsers(parser: argparse.ArgumentParser) -> list[argparse.ArgumentParser]:
    found = [parser]
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in dict.fromkeys(action.choices.values()):
                found += _parsers(sub)
    return found


@pytest.mark.parametrize("language", ["zh", "en"])
def test_every_verb_has_a_help_page(language: str) -> None:
    """argparse formats help with %: a bare "80%" in a message made `--help` a traceback."""
    i18n.set_language(language)
    parsers = _parsers(app.build_parser([sync_cli]))
    assert len(parsers) > 60
    for parser in parsers:
        assert parser.format_help()


@pytest.mark.parametrize("words", [["frobnicate"], ["--help"], ["visits", "--help"]])
def test_a_usage_error_or_the_help_loads_no_database_nor_service(words: list[str]) -> None:
    """Start-up (bench.startup): the verbs' modules import their services when they run."""
    import subprocess
    import sys

    program = (
        "import sys\n"
        "from ui.main import main\n"
        "try:\n"
        f"    main({words!r})\n"
        "except SystemExit as done:\n"
        "    print('exit', done.code, file=sys.stderr)\n"
        "heavy = ('sqlalchemy', 'alembic', 'desktop.bootstrap', 'desktop.storage',\n"
        "         'desktop.services', 'desktop.printing', 'reportlab', 'httpx')\n"
        "print(sorted({m for m in sys.modules if m.startswith(heavy)}), file=sys.stderr)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, check=False
    )
    exit_line, loaded = done.stderr.strip().splitlines()[-2:]
    assert exit_line == ("exit 2" if words == ["frobnicate"] else "exit 0"), done.stderr
    assert loaded == "[]"
