"""Every word the console's templates ask for is declared, in Chinese and in English."""

from __future__ import annotations

import re

from sync.server.web import hq  # noqa: F401  (declares the console's words)
from sync.server.web.pages import TEMPLATES, words

LITERAL = re.compile(r"""\bt\(\s*["']([a-z0-9_.]+)["']""")


def test_every_console_word_is_declared_in_both_languages() -> None:
    used = {
        key
        for path in (TEMPLATES / "hq").glob("*.html")
        for key in LITERAL.findall(path.read_text(encoding="utf-8"))
        if not key.endswith(".")  # a prefix joined to a value: checked below
    }
    assert len(used) > 40
    declared = words.keys()
    missing = used - declared
    assert not missing, missing
    for key in sorted(used):
        zh, en = words.text("zh", key), words.text("en", key)
        assert zh and en and zh != key, key
    # The words built from a value: every role, station kind, conflict kind, audit action.
    for key in (
        "hq.role.hq_admin",
        "hq.role.district_viewer",
        "hq.station.kind.station",
        "hq.station.kind.event",
        "hq.conflict.kind.member.duplicate",
        "hq.conflict.kind.handout.limit",
        "hq.action.station.create",
        "hq.action.device.revoke",
        "hq.action.conflict.resolve",
    ):
        assert key in declared, key
