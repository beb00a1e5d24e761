"""No command ever ends in a Python traceback: every verb, with generated arguments.

The verbs are found by walking the real parser (so a verb added tomorrow is tried too);
for each, Hypothesis builds argument lists from the verb's own options and positionals,
each slot either a plausible value (a real member, course, session, campaign; a valid date,
time, file name) or a hostile one (empty, whitespace of every kind, huge and odd numbers,
impossible and oddly written dates, control characters, lone surrogates, emoji and
right-to-left marks, paths too long or nowhere), and runs `waystation` in-process on a
real, set-up data folder. A second test puts each of a few values that broke verbs before
into every slot alone, the others plausible, so that such a value always reaches the code
that reads it. Allowed endings: exit 0-5 (desktop/cli/app.py), usage error 2.
Anything else (an exception escaping main) is a traceback the person would have seen.
Derandomized: the same examples every run.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop.cli import app as cli
from sync.client import cli as sync_cli

ALLOWED = {0, 1, 2, 3, 4, 5}
# Never touch the network beyond this machine, nor take minutes generating people.
SERVER = "http://127.0.0.1:9"
SKIP_OPTIONS = {"--home", "--lang", "--json", "--operator", "-h", "--help"}


def _leaves(
    parser: argparse.ArgumentParser, path: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], argparse.ArgumentParser]]:
    subs = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    if not subs:
        yield path, parser
        return
    for name, sub in subs[0].choices.items():
        yield from _leaves(sub, (*path, name))


PARSER = cli.build_parser((sync_cli,))
VERBS = dict(_leaves(PARSER))


# Records of the data folder (filled by the fixture), by kind, so verbs get past "not found".
KNOWN: dict[str, list[str]] = {}

# Values that have broken a verb before, or would: each is tried in every option and
# positional of every verb, alone among plausible others (test_each_value_alone_...); an
# impossible date in those that take a date or a month too.
EDGE = ["", " ", "9" * 25]
EDGE_DATES = ["2025-02-30", "\u3000"]

WHITESPACE = " \t\n\r\u3000\u00a0\u200b\ufeff"


def _known(kind: str) -> list[str]:
    return KNOWN.get(kind) or [v for values in KNOWN.values() for v in values] or [""]


def odd_dates() -> st.SearchStrategy[str]:
    """Dates as a person or a script might type them, right and wrong."""
    return st.one_of(
        st.dates().map(lambda d: d.isoformat()),
        st.tuples(st.integers(-1, 10_000), st.integers(-1, 13), st.integers(-1, 32)).map(
            lambda t: f"{t[0]:04d}-{t[1]:02d}-{t[2]:02d}"
        ),
        st.sampled_from(
            [
                "0000-00-00",
                "2025-13-01",
                "2025-02-29",
                "2024-02-29",
                "9999-12-31",
                "0001-01-01",
                "2025-1-1",
                "20250301",
                "2025/03/01",
                "２０２５-０３-０１",
                "2025-03-01T09:00",
                "2025-03",
                "25:61",
                "24:00",
                "-1:00",
            ]
        ),
    )


def huge_numbers() -> st.SearchStrategy[str]:
    return st.one_of(
        st.integers(-(10**30), 10**30).map(str),
        st.floats(allow_nan=True, allow_infinity=True).map(str),
        st.sampled_from(["1e309", "-0", "0x10", "１２", "1_000", "٣", "2**64", "9" * 400]),
    )


def hostile_text(folder: Path) -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from([v for values in KNOWN.values() for v in values] or [""]),
        st.sampled_from(
            [
                *EDGE,
                *EDGE_DATES,
                "0",
                "-1",
                "09:00",
                "25:61",
                "张三",
                "zs",
                "合计",
                "x" * 300,
                "名" * 200 + ".pdf",
                "a\x00b",
                "\udc80",
                "😀" * 50,
                "\u202eevil",
                "e\u0301" * 20,
                "C-AAAAAA-0001",
                "AAAAAA-0001",
                "--home",
                "-",
                ".",
                "..",
                "/",
                "/dev/null",
                str(folder),
                str(folder / "out.pdf"),
                str(folder / "out.xlsx"),
                str(folder / "no" / "such" / "dir" / "f.pdf"),
                str(folder / ("x" * 300) / "f.pdf"),
                "/proc/version",
                "waystation-enrol:http://127.0.0.1:9#AAAA-BBBB-CCCC",
                "{}",
                '{"姓名": "name"}',
            ]
        ),
        st.text(alphabet=WHITESPACE, max_size=5),
        odd_dates(),
        huge_numbers(),
        st.text(max_size=30),
        st.text(max_size=20).map(lambda t: str(folder / t)),
    )


def plausible(action: argparse.Action, folder: Path) -> str:
    """A value the verb would accept for ``action`` (to get past it to the next one)."""
    option = action.option_strings[-1] if action.option_strings else action.dest
    metavar = str(action.metavar or "")
    if action.choices is not None:
        return str(next(iter(action.choices)))
    by_name = {
        "ref": _known("member")[0],
        "--member": _known("member")[0],
        "--for": _known("member")[0],
        "--merge-into": _known("member")[0],
        "campaign": _known("campaign")[0],
        "--not-combinable-with": _known("campaign")[0],
        "course": _known("course")[0],
        "session": _known("session")[0],
        "item": "矿泉水",
        "--item": "矿泉水",
        "--package": "矿泉水=1",
        "qty": "1",
        "--qty": "1",
        "delta": "1",
        "month": "2025-03",
        "serial": "C-AAAAAA-0001",
        "--serial": "1",
        "key": "repeat_window_minutes",
        "value": "30",
        "backup": str(folder),
        "--start": "09:00",
        "--end": "11:00",
        "--hours": "2",
        "--pin": "246810",
        "--admin-pin": "246810",
        "--lead-pin": "135790",
        "--phone": "13800138001",
        "--session": "2025-03-02 09:00-11:00",
        "--server": SERVER,
        "--members": "1",
        "--visits": "1",
        "--limit": "3",
        "--timeout": "0.2",
    }
    if option in by_name:
        return by_name[option]
    if metavar == "YYYY-MM-DD":
        return "2025-03-02"
    if metavar.startswith("FILE"):
        return str(folder / ("out" + metavar.split("|")[0].removeprefix("FILE")))
    if action.type is int:
        return "1"
    return "测试"


def arguments(parser: argparse.ArgumentParser, folder: Path) -> st.SearchStrategy[list[str]]:
    """Each slot plausible or hostile: most examples get deep into the verb with one or two
    hostile values, some are hostile throughout."""
    hostile = hostile_text(folder)
    pieces: list[st.SearchStrategy[list[str]]] = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            continue
        if action.option_strings and action.option_strings[-1] in SKIP_OPTIONS:
            continue
        if action.option_strings and action.nargs == 0:
            pieces.append(st.sampled_from([[], [action.option_strings[-1]]]))
            continue
        good = plausible(action, folder)
        if action.option_strings and action.option_strings[-1] == "--server":
            value: st.SearchStrategy[str] = st.just(SERVER)  # never beyond this machine
        elif action.option_strings and action.option_strings[-1] in ("--members", "--visits"):
            value = st.sampled_from(["0", "1", "3", "-5", "x", "", "9" * 25])
        else:
            value = st.one_of(
                st.just(good), st.just(good), st.sampled_from([*EDGE, *EDGE_DATES]), hostile
            )
        if not action.option_strings:
            if action.nargs in ("?", "*"):
                pieces.append(st.lists(value, max_size=1))
            else:
                pieces.append(value.map(lambda t: [t]))
            continue
        option = action.option_strings[-1]
        given_as = value.map(lambda v, o=option: [o, v])
        pieces.append(given_as if action.required else st.one_of(st.just([]), given_as))
    return st.tuples(*pieces).map(lambda parts: [a for part in parts for a in part])


def slots(parser: argparse.ArgumentParser) -> list[argparse.Action]:
    """The verb's options and positionals that take a value (its own, not the common ones)."""
    return [
        a
        for a in parser._actions
        if not isinstance(a, argparse._SubParsersAction)
        and not (a.option_strings and (a.option_strings[-1] in SKIP_OPTIONS or a.nargs == 0))
        and not (a.option_strings and a.option_strings[-1] in ("--server", "--members", "--visits"))
    ]


def with_one(
    parser: argparse.ArgumentParser, folder: Path, chosen: argparse.Action, value: str
) -> list[str]:
    """Every required slot plausible, ``chosen`` given ``value``."""
    argv: list[str] = []
    for action in slots(parser):
        text = value if action is chosen else plausible(action, folder)
        if not action.option_strings:
            argv.append(text)
        elif action is chosen or action.required:
            argv.extend([action.option_strings[-1], text])
    return argv


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("cli-props") / "home"
    made_by = {
        "member": ["member", "add", "--name", "张三", "--phone", "13800138000"],
        "course": [
            "course",
            "create",
            "--title",
            "电工安全",
            "--session",
            "2025-03-01 09:00-11:00",
        ],
        "item": ["item", "add", "--name", "矿泉水", "--unit", "瓶"],
        "campaign": [
            *("campaign", "create", "--name", "夏送清凉", "--package", "矿泉水=1"),
            *("--from", "2025-01-01", "--to", "2099-12-31"),
        ],
    }
    for kind, argv in (
        ("", ["init", "--station-name", "驿站", "--admin-pin", "135790"]),
        *made_by.items(),
    ):
        out = io.StringIO()
        with (
            contextlib.redirect_stdout(out),
            contextlib.redirect_stderr(io.StringIO()),
            contextlib.suppress(SystemExit),
        ):
            cli.main([*argv, "--json", "--home", str(folder)], areas=(sync_cli,))
        with contextlib.suppress(ValueError):
            made = json.loads(out.getvalue())
            if kind == "member":
                KNOWN["member"] = [str(made["member_number"]), str(made["id"])]
            elif kind:
                KNOWN[kind] = [str(made["id"])]
            if kind == "course":
                KNOWN["session"] = [str(s["id"]) for s in made["session_list"]]
    assert {"member", "course", "campaign", "session", "item"} <= set(KNOWN), KNOWN
    return folder


def run(argv: list[str]) -> int:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = cli.main(argv, areas=(sync_cli,))
        except SystemExit as stop:  # argparse: usage error (2) or --help (0)
            code = stop.code if isinstance(stop.code, int) else 2
    assert "Traceback" not in err.getvalue(), err.getvalue()[-2000:]
    return code


@pytest.mark.parametrize("verb", sorted(VERBS), ids=" ".join)
def test_no_verb_ends_in_a_traceback(
    verb: tuple[str, ...], home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    parser = VERBS[verb]
    monkeypatch.chdir(tmp_path)  # relative names (--out zs) land here, not in the checkout

    @settings(
        max_examples=10,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(args=arguments(parser, tmp_path))
    def check(args: list[str]) -> None:
        for extra in ([], ["--json"]):
            code = run([*verb, *args, *extra, "--home", str(home)])
            assert code in ALLOWED, (verb, args, code)

    check()


@pytest.mark.parametrize("verb", sorted(VERBS), ids=" ".join)
def test_each_value_alone_is_refused_plainly(
    verb: tuple[str, ...], home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every slot of the verb, in turn, given each EDGE value while the others are
    plausible: the value reaches the code that reads it (``course session add`` with a real
    course and ``--date ''`` once ended in an AssertionError)."""
    parser = VERBS[verb]
    monkeypatch.chdir(tmp_path)
    for action in slots(parser):
        datelike = str(action.metavar or "").startswith("YYYY")
        for value in (*EDGE, *EDGE_DATES) if datelike else EDGE:
            argv = with_one(parser, tmp_path, action, value)
            code = run([*verb, *argv, "--home", str(home)])
            assert code in ALLOWED, (verb, argv, code)
