"""``waystation``: with a verb, the command line; without one, the desk window."""

from __future__ import annotations

import sys
from collections.abc import Sequence

# Options of the window itself that take a value; anything else left over is a CLI word.
GUI_VALUE_OPTIONS = ("--home", "--lang")


def wants_cli(args: Sequence[str]) -> bool:
    """True when a word other than the window's own options is given (even a misspelt verb,
    which the CLI then refuses with its usage message instead of opening a window)."""
    skip = False
    for arg in args:
        if skip:
            skip = False
            continue
        if arg in GUI_VALUE_OPTIONS:
            skip = True
            continue
        if any(arg.startswith(option + "=") for option in GUI_VALUE_OPTIONS):
            continue
        if arg in ("-h", "--help") or not arg.startswith("-"):
            return True
    return False


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if wants_cli(args):
        from desktop.cli.app import main as cli_main
        from sync.client import cli as sync_cli

        return cli_main(args, areas=(sync_cli,))
    from ui.app import run_gui

    return run_gui(args)


if __name__ == "__main__":
    sys.exit(main())
