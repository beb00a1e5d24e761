"""Chinese by default, English complete: every message in both, with the same fields."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

from desktop import i18n
from desktop.domain.errors import InvalidInput

ROOT = Path(__file__).resolve().parents[2]
HAN = re.compile(r"[\u3400-\u9fff]")
# A language is named in its own language in the picker, whatever the current one.
OWN_NAMES = {"option.language.zh"}
# Message codes written literally in the code: tr("x.y"), describe(...), AppError("x.y").
LITERAL_CODE = re.compile(
    r"""(?:\btr|AppError|InvalidInput|NotFound|RuleViolation|PermissionDenied)\(\s*"([a-z_]+\.[a-z_.]+)\""""
)


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_message_exists_in_both_languages_with_the_same_fields() -> None:
    problems = []
    for code, (zh, en) in i18n.messages().items():
        if not zh.strip() or not en.strip():
            problems.append(f"{code}: empty")
        elif fields(zh) != fields(en):
            problems.append(f"{code}: fields {sorted(fields(zh))} vs {sorted(fields(en))}")
        elif HAN.search(en) and code not in OWN_NAMES:
            problems.append(f"{code}: Chinese in the English text: {en!r}")
    assert not problems, "\n".join(problems)


def test_every_code_used_in_the_code_has_a_message() -> None:
    known = i18n.messages()
    missing = []
    for folder in ("desktop", "ui"):
        for path in (ROOT / folder).rglob("*.py"):
            for code in LITERAL_CODE.findall(path.read_text(encoding="utf-8")):
                if code not in known and not code.endswith((".", "_")):  # prefixes
                    missing.append(f"{path.relative_to(ROOT)}: {code}")
    assert not missing, "\n".join(missing)


@pytest.mark.parametrize(
    ("lang", "expected"), [("zh", "手机号应为 11 位数字"), ("en", "A mobile number has 11 digits")]
)
def test_describe_speaks_the_chosen_language(lang: str, expected: str) -> None:
    i18n.set_language(lang)
    assert expected in i18n.describe(InvalidInput("phone.length", field="phone", digits=10))


@pytest.mark.parametrize(
    ("raw", "lang"),
    [("en_US.UTF-8", "en"), ("zh_CN", "zh"), ("zh-Hans", "zh"), ("fr", "zh"), (None, "zh")],
)
def test_language_names_from_the_environment(raw: str | None, lang: str) -> None:
    assert i18n.normalise_language(raw) == lang


def test_lists_are_joined_the_way_each_language_writes_them() -> None:
    assert i18n.join(["饮水", "休息"]) == "饮水、休息"
    i18n.set_language("en")
    assert i18n.join(["Water", "Rest"]) == "Water, Rest"


def test_english_counts_read_in_the_singular_for_one() -> None:
    i18n.set_language("en")
    try:
        assert "1 person served" in i18n.tr("aid.ui.counters", desk="", people=1, out="-")
        assert "2 people served" in i18n.tr("aid.ui.counters", desk="", people=2, out="-")
        assert "1 sessions" not in i18n.tr(
            "door.counters",
            **dict.fromkeys(("expected", "arrived", "late", "excused", "absent", "waiting"), 1),
        )
        assert i18n.singular_after_one("{n} sessions, {m} hours", {"n": 1, "m": 2}) == (
            "{n} session, {m} hours"
        )
        assert i18n.singular_after_one("{n} is {n} class", {"n": 1}) == "{n} is {n} class"
    finally:
        i18n.set_language("zh")
