"""No command ever ends in a Python traceback: every verb, with generated arguments.

The verbs are found by walking the real parser (so a verb added tomorrow is tried too);
for each, Hypothesis builds argument lists from the verb's own options and positionals
with hostile values (empty, huge, control characters, lone surrogates, negative numbers,
impossible dates, names too long for the file system) and runs `waystation` in-process on
a real, set-up data folder. Allowed endings: exit 0-5 (desktop/cli/app.py), usage error 2.
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


# Records of the data folder (filled by the fixture), so verbs get past "not found".
KNOWN: list[str] = []


def hostile_text(folder: Path) -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(KNOWN or [""]),
        st.sampled_from(
            [
                "",
                " ",
                "0",
                "-1",
                "99999999999999999999",
                "2025-02-30",
                "2025-03-01",
                "09:00",
                "25:61",
                "张三",
                "zs",
                "合计",
                "x" * 300,
                "名" * 200 + ".pdf",
                "a\x00b",
                "\udc80",
                "C-AAAAAA-0001",
                "AAAAAA-0001",
                str(folder),
                str(folder / "out.pdf"),
                str(folder / "out.xlsx"),
                str(folder / "no" / "such" / "dir" / "f.pdf"),
                "/proc/version",
                "waystation-enrol:http://127.0.0.1:9#AAAA-BBBB-CCCC",
                "{}",
                '{"姓名": "name"}',
            ]
        ),
        st.text(max_size=30),
    )


def arguments(parser: argparse.ArgumentParser, folder: Path) -> st.SearchStrategy[list[str]]:
    texts = st.one_of(st.just(""), hostile_text(folder))
    # A positional names a record: most often one that exists, to get past "not found".
    refs = st.one_of(st.sampled_from(KNOWN or [""]), texts)
    pieces: list[st.SearchStrategy[list[str]]] = []
    for action in parser._actions:
        if not action.option_strings:
            if action.nargs in ("?", "*"):
                pieces.append(st.lists(refs, max_size=1))
            elif not isinstance(action, argparse._SubParsersAction):
                pieces.append(refs.map(lambda t: [t]))
            continue
        option = action.option_strings[-1]
        if option in SKIP_OPTIONS:
            continue
        if action.nargs == 0:
            pieces.append(st.sampled_from([[], [option]]))
            continue
        values: st.SearchStrategy[str] = texts
        if option == "--server":
            values = st.just(SERVER)
        elif option in ("--members", "--visits", "--limit"):
            values = st.sampled_from(["0", "1", "3", "-5", "x"])
        elif action.choices is not None:
            values = st.one_of(st.sampled_from([str(c) for c in action.choices]), texts)
        given_as = values.map(lambda v, o=option: [o, v])
        pieces.append(given_as if action.required else st.one_of(st.just([]), given_as))
    return st.tuples(*pieces).map(lambda parts: [a for part in parts for a in part])


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("cli-props") / "home"
    for argv in (
        ["init", "--station-name", "驿站", "--admin-pin", "135790"],
        ["member", "add", "--name", "张三", "--phone", "13800138000"],
        ["course", "create", "--title", "电工安全", "--session", "2025-03-01 09:00-11:00"],
        ["campaign", "create", "--name", "夏送清凉"],
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
            KNOWN.extend(str(made[key]) for key in ("id", "member_number") if key in made)
    assert KNOWN, "the fixture made nothing to refer to"
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
