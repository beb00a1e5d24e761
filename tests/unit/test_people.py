"""Cleaning and checking of phones, ID numbers, names and member numbers."""

from __future__ import annotations

import ast
import hashlib
import hmac
import string
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

import desktop.domain.people as people
from desktop import i18n
from desktop.domain.errors import InvalidInput
from desktop.domain.people import (
    MEMBER_NUMBER_ALPHABET,
    format_member_number,
    id_check_char,
    id_last4,
    id_number_hash,
    mask_phone,
    normalise_digits,
    normalise_id_number,
    normalise_member_number,
    normalise_name,
    normalise_phone,
    phone_tail,
)
from desktop.i18n.catalog import validation

TODAY = date(2025, 6, 1)

# Region 990000 is not assigned to any place, so no number built on it belongs to a person.
FAKE_REGION = "990000"


def check_char(first17: str) -> str:
    """ISO 7064 MOD 11-2 written out independently of the code under test."""
    total = sum(int(d) * (2 ** (17 - i) % 11) for i, d in enumerate(first17))
    return "10X98765432"[total % 11]


def fake_id(birth: str, seq: str = "123") -> str:
    first17 = FAKE_REGION + birth + seq
    return first17 + check_char(first17)


def fake_id_ending_in_x() -> str:
    for n in range(1000):
        candidate = fake_id("19900101", f"{n:03d}")
        if candidate.endswith("X"):
            return candidate
    raise AssertionError("no X check digit in 1000 sequences")


def refused(call: Any, *args: Any, **kwargs: Any) -> InvalidInput:
    with pytest.raises(InvalidInput) as info:
        call(*args, **kwargs)
    return info.value


# --------------------------------------------------------------------------- digits


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("１３８", "138"),
        ("  ＡＢＣ－１２ ", "ABC-12"),
        ("\u3000１\u3000", "1"),
        ("١٢٣", "123"),  # Arabic-Indic digits
    ],
)
def test_normalise_digits(raw: str, expected: str) -> None:
    assert normalise_digits(raw) == expected


# --------------------------------------------------------------------------- phones


@pytest.mark.parametrize(
    "raw",
    [
        "13800138000",
        "１３８００１３８０００",
        " 138 0013 8000 ",
        "138-0013-8000",
        "138－0013－8000",
        "138.0013.8000",
        "(138)00138000",
        "+86 138 0013 8000",
        "+86-13800138000",
        "(+86) 13800138000",
        "＋８６１３８００１３８０００",
        "8613800138000",
        "86 138 0013 8000",
        "008613800138000",
        "0086 138 0013 8000",
        "13800138000.0",
        "13800138000.00",
        "1.3800138E10",
        "1.3800138e+10",
        "1.38001380E+10",
    ],
)
def test_phone_accepted(raw: str) -> None:
    assert normalise_phone(raw) == "13800138000"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1.3912345678E10", "13912345678"),
        ("19912345678", "19912345678"),
        ("8619912345678.0", "19912345678"),
    ],
)
def test_phone_excel_forms_are_exact(raw: str, expected: str) -> None:
    assert normalise_phone(raw) == expected


@pytest.mark.parametrize(
    ("raw", "code", "params"),
    [
        ("", "phone.empty", {"field": "phone"}),
        ("   ", "phone.empty", {"field": "phone"}),
        ("--", "phone.empty", {"field": "phone"}),
        ("1380013800", "phone.length", {"field": "phone", "digits": 10}),
        ("138001380001", "phone.length", {"field": "phone", "digits": 12}),
        ("86138001380", "phone.prefix", {"field": "phone"}),  # 11 digits: no country code
        ("+86 1380013800", "phone.length", {"field": "phone", "digits": 10}),
        ("23800138000", "phone.prefix", {"field": "phone"}),
        ("12800138000", "phone.prefix", {"field": "phone"}),
        ("+852 9123 4567", "phone.prefix", {"field": "phone"}),
        ("1380013800O", "phone.not_digits", {"field": "phone", "value": "1380013800O"}),
        ("138abc38000", "phone.not_digits", {"field": "phone", "value": "138abc38000"}),
        ("138+0013800", "phone.not_digits", {"field": "phone", "value": "138+0013800"}),
        ("1.38001E+10", "phone.rounded", {"field": "phone", "value": "1.38001E+10"}),
        ("1.38E+10", "phone.rounded", {"field": "phone", "value": "1.38E+10"}),
        (
            "1.3800138E999999999",
            "phone.not_digits",
            {"field": "phone", "value": "1.3800138E999999999"},
        ),
        # 13912345678.9 is not a whole number, so it is no phone Excel rewrote.
        ("1.39123456789E10", "phone.not_digits", {"field": "phone", "value": "1.39123456789E10"}),
    ],
)
def test_phone_refused(raw: str, code: str, params: dict[str, Any]) -> None:
    error = refused(normalise_phone, raw)
    assert error.code == code
    assert error.params == params


def test_phone_tail_and_mask() -> None:
    assert phone_tail("13800138000") == "8000"
    assert phone_tail("138-0013-８０００") == "8000"
    assert mask_phone("+86 138 0013 8000") == "138****8000"


# --------------------------------------------------------------------------- ID numbers


def test_id_check_char_matches_independent_algorithm() -> None:
    for n in range(200):
        first17 = FAKE_REGION + f"19{n % 100:02d}0101" + f"{n:03d}"
        assert id_check_char(first17) == check_char(first17)
    with pytest.raises(ValueError):
        id_check_char("123")


@pytest.mark.parametrize(
    "make_raw",
    [
        lambda n: n,
        lambda n: n.lower(),
        lambda n: f" {n[:6]} {n[6:14]} {n[14:]} ",
        lambda n: f"{n[:6]}-{n[6:14]}-{n[14:]}",
        lambda n: n.translate(str.maketrans(string.digits + "X", "０１２３４５６７８９Ｘ")),
    ],
)
def test_id_accepted_forms(make_raw: Any) -> None:
    number = fake_id_ending_in_x()
    assert normalise_id_number(make_raw(number), today=TODAY) == number


@pytest.mark.parametrize("birth", ["19000101", "19991231", "20000229", "20250601"])
def test_id_accepted_birth_dates(birth: str) -> None:
    number = fake_id(birth)
    assert normalise_id_number(number, today=TODAY) == number


def wrong_check(number: str) -> str:
    other = "0" if number[-1] != "0" else "1"
    return number[:-1] + other


@pytest.mark.parametrize(
    ("raw", "code", "params"),
    [
        ("", "id.length", {"field": "id_number", "chars": 0}),
        (fake_id("19900101")[:17], "id.length", {"field": "id_number", "chars": 17}),
        (fake_id("19900101") + "1", "id.length", {"field": "id_number", "chars": 19}),
        ("99000019900101123", "id.length", {"field": "id_number", "chars": 17}),
        ("99000019900101A123", "id.chars", {"field": "id_number"}),
        ("9900001990010112Y3", "id.chars", {"field": "id_number"}),
        ("99000019900101123Y", "id.chars", {"field": "id_number"}),
        (fake_id("19990230"), "id.birthdate", {"field": "id_number"}),
        (fake_id("19901301"), "id.birthdate", {"field": "id_number"}),
        (fake_id("18991231"), "id.birthdate", {"field": "id_number"}),
        (fake_id("20250602"), "id.birthdate", {"field": "id_number"}),
        (fake_id("20990101"), "id.birthdate", {"field": "id_number"}),
        (wrong_check(fake_id("19900101")), "id.checksum", {"field": "id_number"}),
        # Two digits swapped: MOD 11-2 catches every adjacent transposition.
        (
            FAKE_REGION + "19900101213" + fake_id("19900101", "123")[-1],
            "id.checksum",
            {"field": "id_number"},
        ),
    ],
)
def test_id_refused(raw: str, code: str, params: dict[str, Any]) -> None:
    error = refused(normalise_id_number, raw, today=TODAY)
    assert error.code == code
    assert error.params == params


def test_id_future_date_uses_today_by_default() -> None:
    assert refused(normalise_id_number, fake_id("29990101")).code == "id.birthdate"


def test_id_hash_and_last4() -> None:
    number = fake_id_ending_in_x()
    key = b"installation-secret"
    expected = hmac.new(key, number.encode(), hashlib.sha256).hexdigest()
    assert id_number_hash(number, key) == expected
    assert id_number_hash(number.lower(), key) == expected  # same person, same hash
    assert id_number_hash(number, b"other") != expected
    assert id_last4(number.lower()) == number[-4:]
    assert id_last4(number[-4:].lower()).endswith("X")
    with pytest.raises(ValueError):
        id_number_hash(number, b"")
    assert refused(id_number_hash, wrong_check(number), key).code == "id.checksum"


# --------------------------------------------------------------------------- names


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("张三", "张三"),
        ("  张三  ", "张三"),
        ("张 三", "张三"),
        ("张\u3000三", "张三"),
        ("欧阳  娜 娜", "欧阳娜娜"),
        ("Ali  Musa", "Ali Musa"),
        ("ａｌｉ ｍｕｓａ", "ali musa"),
        ("\tAli\nMusa\r\n", "Ali Musa"),
        ("买买提·艾力", "买买提·艾力"),
        ("买买提•艾力", "买买提·艾力"),
        ("买买提．艾力", "买买提·艾力"),
        ("买买提・艾力", "买买提·艾力"),
        ("买买提･艾力", "买买提·艾力"),
        ("买买提.艾力", "买买提·艾力"),
        ("买买提 · 艾力", "买买提·艾力"),
        ("买买提··艾力", "买买提·艾力"),
        ("·买买提·艾力·", "买买提·艾力"),
        ("O’Brien", "O'Brien"),
        ("Jean-Luc Picard", "Jean-Luc Picard"),
        ("J. R. Smith", "J. R. Smith"),
        ("José Núñez", "José Núñez"),
        ("Мария Иванова", "Мария Иванова"),
        ("ئەخمەت", "ئەخمەت"),  # Uyghur in Arabic script
        ("李 Anna", "李 Anna"),
        ("张\u200b三", "张三"),  # zero-width space from a web page
        ("李〇", "李〇"),
        ("字" * 50, "字" * 50),
    ],
)
def test_name_accepted(raw: str, expected: str) -> None:
    assert normalise_name(raw) == expected


@pytest.mark.parametrize(
    ("raw", "code", "params"),
    [
        ("", "name.empty", {"field": "name"}),
        ("   ", "name.empty", {"field": "name"}),
        ("·", "name.empty", {"field": "name"}),
        ("-", "name.empty", {"field": "name"}),
        ("字" * 51, "name.too_long", {"field": "name", "max": 50}),
        ("张" * 200, "name.too_long", {"field": "name", "max": 50}),
        ("A" * 200, "name.too_long", {"field": "name", "max": 50}),
        ("张三😀", "name.chars", {"field": "name"}),
        ("张三❤️", "name.chars", {"field": "name"}),
        ("👍🏽", "name.chars", {"field": "name"}),
        ("张三★", "name.chars", {"field": "name"}),
        ("张三1", "name.chars", {"field": "name"}),
        ("张三\x00", "name.chars", {"field": "name"}),
        ("张\x07三", "name.chars", {"field": "name"}),
        ("张三@", "name.chars", {"field": "name"}),
        ("张三（大）", "name.chars", {"field": "name"}),
    ],
)
def test_name_refused(raw: str, code: str, params: dict[str, Any]) -> None:
    error = refused(normalise_name, raw)
    assert error.code == code
    assert error.params == params


# --------------------------------------------------------------------------- member numbers


@pytest.mark.parametrize(
    "raw",
    [
        "W3KX9P0042",
        "w3kx9p-0042",
        "W3KX9P 0042",
        " ｗ３ｋｘ９ｐ－００４２ ",
        "W3KX9P-OO42",
        "w3kx9p—0o42",
    ],
)
def test_member_number_normalised(raw: str) -> None:
    assert normalise_member_number(raw) == "W3KX9P0042"


def test_member_number_lookalikes() -> None:
    assert normalise_member_number("il1Lo0") == "111100"
    assert set(normalise_member_number("abcdefghjkmnpqrstvwxyz")) <= set(MEMBER_NUMBER_ALPHABET)
    assert len(MEMBER_NUMBER_ALPHABET) == 32


def test_format_member_number() -> None:
    assert format_member_number("W3KX9P", 42) == "W3KX9P-0042"
    assert format_member_number("W3KX9P", 0) == "W3KX9P-0000"
    assert format_member_number("W3KX9P", 123456) == "W3KX9P-123456"
    assert normalise_member_number(format_member_number("W3KX9P", 42)) == "W3KX9P0042"
    with pytest.raises(ValueError):
        format_member_number("W3KX9P", -1)


# --------------------------------------------------------------------------- messages


def raised_codes() -> set[str]:
    """Every literal code passed to InvalidInput(...) in desktop/domain/people.py."""
    tree = ast.parse(Path(people.__file__).read_text(encoding="utf-8"))
    codes: set[str] = set()
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "InvalidInput"
        ):
            first = node.args[0]
            assert isinstance(first, ast.Constant) and isinstance(first.value, str)
            codes.add(first.value)
    return codes


@pytest.fixture
def restore_language() -> Iterator[None]:
    before = i18n.language()
    yield
    i18n.set_language(before)


def test_codes_found() -> None:
    assert raised_codes() >= {
        "phone.empty",
        "phone.not_digits",
        "phone.length",
        "phone.prefix",
        "id.length",
        "id.chars",
        "id.birthdate",
        "id.checksum",
        "name.empty",
        "name.too_long",
        "name.chars",
    }


SAMPLE_PARAMS: dict[str, Any] = {
    "field": "phone",
    "value": "1.38E+10",
    "digits": 10,
    "chars": 17,
    "max": 50,
}


@pytest.mark.parametrize("code", sorted(raised_codes()))
def test_every_code_in_validation_catalog(code: str) -> None:
    zh, en = validation.MESSAGES[code]
    assert zh != en
    for text in (zh.format(**SAMPLE_PARAMS), en.format(**SAMPLE_PARAMS)):
        assert "{" not in text and "}" not in text
    assert any("\u4e00" <= c <= "\u9fff" for c in zh)
    assert not any("\u4e00" <= c <= "\u9fff" for c in en)


@pytest.mark.parametrize("code", sorted(raised_codes()))
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_code_has_message(code: str, lang: str, restore_language: None) -> None:
    i18n.set_language(lang)
    text = i18n.tr(code, **SAMPLE_PARAMS)
    assert text == validation.MESSAGES[code][0 if lang == "zh" else 1].format(**SAMPLE_PARAMS)


def test_describe_fills_params(restore_language: None) -> None:
    i18n.set_language("zh")
    assert "10 位" in i18n.describe(refused(normalise_phone, "1380013800"))
    i18n.set_language("en")
    assert "has 10" in i18n.describe(refused(normalise_phone, "1380013800"))
    assert "50" in i18n.describe(refused(normalise_name, "张" * 60))
