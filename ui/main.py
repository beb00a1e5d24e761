"""``waystation``: with a verb, the command line; without one, the desk window."""

from __future__ import annotations

import sys
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    from desktop.cli import VERBS

    if any(a in VERBS for a in args if not a.startswith("-")) or "-h" in args or "--help" in args:
        from desktop.cli import main as cli_main

        return cli_main(args)
    from ui.app import run_gui

    return run_gui(args)


if __name__ == "__main__":
    sys.exit(main())
