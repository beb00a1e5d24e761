"""Signed card tokens and certificate links (desktop.identity.tokens, docs/tokens.md)."""

from __future__ import annotations

import os
import stat
import uuid
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from desktop import i18n
from desktop.domain.errors import AppError
from desktop.domain.people import MEMBER_NUMBER_ALPHABET
from desktop.identity import tokens
from desktop.identity.keys import (
    DEVICE_KEY_FILE,
    DeviceKeys,
    generate_private_key,
    public_key_bytes,
)
from desktop.identity.tokens import (
    CARD_PREFIX,
    CARD_TOKEN_LENGTH,
    QR_ALPHANUMERIC_CAPACITY_6M,
    CardToken,
    CertificateLink,
    Problem,
    Unrecognised,
    Verdict,
    parse,
    parse_certificate_url,
    sign_card,
    verify_card,
    verify_certificate,
)
from sync.protocol import certificates
from sync.protocol.certificates import (
    CertificateFields,
    certificate_serial,
    certificate_url,
    parse_certificate_serial,
    sign_certificate,
)

DEVICE = "7KQ3M2"
OTHER_DEVICE = "X9Z0AB"
MEMBER = "0190f1c2-7a3b-7c4d-8e5f-a1b2c3d4e5f6"
BASE_URL = "https://verify.example.org/"

KEY = generate_private_key()
OTHER_KEY = generate_private_key()


@dataclass
class Station:
    """What a station knows: device keys, blocked card serials and members' states."""

    keys: dict[str, bytes] = field(default_factory=lambda: {DEVICE: public_key_bytes(KEY)})
    blocked_cards: set[tuple[str, int]] = field(default_factory=set)
    members: dict[str, bool] = field(default_factory=lambda: {MEMBER: True})
    certificates: dict[str, CertificateFields] = field(default_factory=dict)

    def verify(self, text: str | bytes) -> tokens.CardVerdict:
        return verify_card(
            text,
            self.keys.get,
            lambda member, serial: (member, serial) in self.blocked_cards,
            self.members.get,
        )

    def verify_certificate(self, text: str | bytes) -> tokens.CertificateVerdict:
        return verify_certificate(text, self.certificates.get, self.keys.get)


def card(serial: int = 1, member: str = MEMBER, device: str = DEVICE) -> str:
    return sign_card(member, serial, device, KEY)


# --- cards -------------------------------------------------------------------------------


def test_a_signed_card_verifies_and_shows_what_it_says() -> None:
    verdict = Station().verify(card(serial=3))
    assert verdict.verdict is Verdict.VALID
    assert (verdict.member_id, verdict.serial, verdict.device_code) == (MEMBER, 3, DEVICE)
    assert verdict.member_known
    assert verdict.message_code == "verify.card_valid"


def test_the_token_is_qr_alphanumeric_and_as_long_as_documented() -> None:
    ids = [str(uuid.UUID(int=0)), str(uuid.UUID(int=2**128 - 1)), MEMBER]
    for member in ids:
        for serial in (1, 2, 255, 256, 65535):
            text = card(serial, member)
            assert len(text) == CARD_TOKEN_LENGTH <= QR_ALPHANUMERIC_CAPACITY_6M
            assert text.startswith(CARD_PREFIX)
            assert set(text) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567WS1:")


def test_the_card_qr_is_version_6_or_smaller_at_level_m() -> None:
    from desktop.printing.qr import qr_matrix

    # 145 characters fit version 6 at level M only in alphanumeric mode (byte mode holds 106)
    matrix = qr_matrix(card(serial=65535))
    assert matrix.version <= 6
    assert matrix.size == 17 + 4 * matrix.version  # no quiet zone included


def test_a_real_decoder_reads_the_card_qr_back() -> None:
    zxingcpp = pytest.importorskip("zxingcpp")
    image_module = pytest.importorskip("PIL.Image")
    from desktop.printing.qr import QUIET_ZONE_MODULES, qr_matrix

    text = card()
    matrix = qr_matrix(text)
    size = matrix.size + 2 * QUIET_ZONE_MODULES
    image = image_module.new("L", (size, size), 255)
    for y in range(matrix.size):
        for x in range(matrix.size):
            if matrix.dark(y, x):
                image.putpixel((x + QUIET_ZONE_MODULES, y + QUIET_ZONE_MODULES), 0)
    image = image.resize((size * 8, size * 8), image_module.Resampling.NEAREST)
    decoded = [result.text for result in zxingcpp.read_barcodes(image)]
    assert decoded == [text]
    assert Station().verify(decoded[0]).verdict is Verdict.VALID


@pytest.mark.parametrize(
    "typed",
    [
        lambda t: t.lower(),
        lambda t: f"  {t}\n",
        lambda t: f"{t}\r\n",
        lambda t: "\t" + t[:50] + " " + t[50:],
        lambda t: "".join(chr(ord(c) + 0xFEE0) for c in t),  # full-width, as some IMEs type
        lambda t: "\ufeff" + t,  # a byte-order mark from a pasted file
        lambda t: t.encode("ascii"),
    ],
)
def test_what_a_scanner_or_keyboard_types_still_verifies(typed: object) -> None:
    assert callable(typed)
    assert Station().verify(typed(card())).verdict is Verdict.VALID


def test_every_single_character_change_is_refused() -> None:
    text = card()
    station = Station()
    for index, original in enumerate(text):
        for replacement in "AZ27:W1Q":
            if replacement == original:
                continue
            changed = text[:index] + replacement + text[index + 1 :]
            verdict = station.verify(changed)
            assert verdict.verdict is not Verdict.VALID, (index, replacement)
            if verdict.verdict is Verdict.UNKNOWN_DEVICE:
                assert verdict.device_code != DEVICE  # the change hit the device code
            else:
                assert verdict.verdict is Verdict.ALTERED, (index, replacement)


def test_spare_bits_in_the_last_character_do_not_make_a_second_valid_token() -> None:
    text = card()
    # 88 bytes are 704 bits; 141 base32 characters hold 705: the last bit is spare.
    last = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".index(text[-1])
    twin = text[:-1] + "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"[last ^ 1]
    assert parse(twin) == Unrecognised(Problem.MALFORMED)
    assert Station().verify(twin).verdict is Verdict.ALTERED


def test_a_card_from_a_device_not_known_here_says_which_device() -> None:
    text = sign_card(MEMBER, 1, OTHER_DEVICE, OTHER_KEY)
    verdict = Station().verify(text)
    assert verdict.verdict is Verdict.UNKNOWN_DEVICE
    assert (verdict.member_id, verdict.device_code) == (MEMBER, OTHER_DEVICE)
    assert OTHER_DEVICE in i18n.tr(verdict.message_code, **verdict.message_params)
    station = Station(
        keys={DEVICE: public_key_bytes(KEY), OTHER_DEVICE: public_key_bytes(OTHER_KEY)}
    )
    assert station.verify(text).verdict is Verdict.VALID


def test_another_key_under_a_known_device_code_is_altered() -> None:
    verdict = Station().verify(sign_card(MEMBER, 1, DEVICE, OTHER_KEY))
    assert verdict.verdict is Verdict.ALTERED
    assert verdict.problem is Problem.SIGNATURE
    assert verdict.member_id == MEMBER  # what the card claims, for the record


def test_a_stored_key_that_is_not_a_key_cannot_check_anything() -> None:
    station = Station(keys={DEVICE: b"\x00" * 5})
    assert station.verify(card()).verdict is Verdict.UNKNOWN_DEVICE


def test_a_blocked_serial_is_refused_and_the_next_serial_is_not() -> None:
    station = Station(blocked_cards={(MEMBER, 1)})
    verdict = station.verify(card(serial=1))
    assert verdict.verdict is Verdict.BLOCKED
    assert "1" in i18n.tr(verdict.message_code, **verdict.message_params)
    assert station.verify(card(serial=2)).verdict is Verdict.VALID


def test_a_deactivated_member_is_refused() -> None:
    verdict = Station(members={MEMBER: False}).verify(card())
    assert verdict.verdict is Verdict.DEACTIVATED
    assert verdict.member_known


def test_a_member_this_station_has_not_seen_is_valid_but_new() -> None:
    verdict = Station(members={}).verify(card())
    assert verdict.verdict is Verdict.VALID
    assert not verdict.member_known
    assert verdict.message_code == "verify.card_valid_new_member"


def test_refusals_this_station_can_decide_come_before_unknown_device() -> None:
    text = sign_card(MEMBER, 1, OTHER_DEVICE, OTHER_KEY)
    assert Station(blocked_cards={(MEMBER, 1)}).verify(text).verdict is Verdict.BLOCKED
    assert Station(members={MEMBER: False}).verify(text).verdict is Verdict.DEACTIVATED
    both = Station(blocked_cards={(MEMBER, 1)}, members={MEMBER: False})
    assert both.verify(card()).verdict is Verdict.BLOCKED


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", Problem.FOREIGN),
        ("   \n", Problem.FOREIGN),
        ("hello", Problem.FOREIGN),
        ("6901234567892", Problem.FOREIGN),  # a product barcode
        ("https://u.wechat.com/EPdhIHz9oTTE5OV0sTc", Problem.FOREIGN),
        ("wxp://f2f0e4Lk1p6WcMa_t7wLDo2cjbbYbe7zD4JX", Problem.FOREIGN),  # WeChat Pay
        ("https://qr.alipay.com/fkx18331kxy", Problem.FOREIGN),
        ("WS1:", Problem.MALFORMED),
        ("WS1:AAAA", Problem.MALFORMED),
        (CARD_PREFIX + "A" * 141, Problem.MALFORMED),  # version byte 0
        ("WS1:" + "1" * 141, Problem.MALFORMED),  # not base32
        ("WS2:AEAQDIQI25QAK6V5ULTRO5HEXHL3SAAB", Problem.VERSION),
        ("ws7:anything", Problem.VERSION),
        ("\ud800\udfff", Problem.FOREIGN),
        ("x" * 100_000, Problem.FOREIGN),
    ],
)
def test_text_that_is_no_card_gets_a_plain_answer(text: str, problem: Problem) -> None:
    verdict = Station().verify(text)
    assert verdict.verdict is Verdict.ALTERED
    assert verdict.problem is problem
    assert verdict.message_code in i18n.messages()


def test_a_newer_format_asks_for_an_update() -> None:
    verdict = Station().verify("WS2:ABCDEF")
    assert verdict.message_code == "verify.unsupported_version"


def test_a_certificate_scanned_as_a_card_says_so() -> None:
    serial = certificate_serial(DEVICE, 1)
    url = certificate_url(BASE_URL, serial, sign_certificate(serial, FIELDS, KEY))
    verdict = Station().verify(url)
    assert (verdict.verdict, verdict.problem) == (Verdict.ALTERED, Problem.WRONG_KIND)
    assert verdict.message_code == "verify.certificate_not_card"


def test_a_changed_version_or_kind_byte_is_refused_even_with_the_signature_redone() -> None:
    # Fields that disagree with the WS1 prefix (version 2, kind 2) are no v1 card, whoever
    # signed them: a newer format announces itself in the prefix.
    text = card()
    data = certificates.b32decode(text[len(CARD_PREFIX) :])
    assert data is not None
    for index in (0, 1):
        fields = bytearray(data[: tokens.CARD_FIELDS_LENGTH])
        fields[index] = 2
        signature = KEY.sign(tokens.CARD_DOMAIN + bytes(fields))
        forged = CARD_PREFIX + certificates.b32encode(bytes(fields) + signature)
        assert parse(forged) == Unrecognised(Problem.MALFORMED)


@pytest.mark.parametrize(
    ("member", "serial", "device"),
    [
        ("not-a-uuid", 1, DEVICE),
        (MEMBER, 0, DEVICE),
        (MEMBER, 65536, DEVICE),
        (MEMBER, 1, "7KQ3MI"),  # I is not in Crockford base32
        (MEMBER, 1, "7kq3m2"),
        (MEMBER, 1, "7KQ3M"),
    ],
)
def test_signing_what_no_record_can_hold_is_a_programming_error(
    member: str, serial: int, device: str
) -> None:
    with pytest.raises(ValueError):
        sign_card(member, serial, device, KEY)


def test_device_codes_pack_into_four_bytes_and_back() -> None:
    for code in ("000000", "ZZZZZZ", DEVICE, MEMBER_NUMBER_ALPHABET[5:11]):
        packed = tokens.pack_device_code(code)
        assert len(packed) == 4
        assert tokens.unpack_device_code(packed) == code
    assert tokens.unpack_device_code(b"\xff\xff\xff\xff") is None  # above 32**6
    assert tokens.unpack_device_code(b"\x00") is None


def test_parse_returns_the_signed_message_of_the_card() -> None:
    token = parse(card(serial=7))
    assert isinstance(token, CardToken)
    assert token.signed.startswith(tokens.CARD_DOMAIN)
    KEY.public_key().verify(token.signature, token.signed)


# --- certificates ------------------------------------------------------------------------

FIELDS = CertificateFields(
    title="结业证书",
    recipient_name="张三",
    member_id=MEMBER,
    purpose="电工安全技能培训",
    hours=Decimal("32"),
    issued_on=date(2025, 6, 30),
    issuing_union="深圳市总工会",
    starts_on=date(2025, 6, 1),
    ends_on=date(2025, 6, 28),
)


def issued(fields: CertificateFields = FIELDS, key: Ed25519PrivateKey = KEY) -> tuple[str, str]:
    serial = certificate_serial(DEVICE, 12)
    return serial, certificate_url(BASE_URL, serial, sign_certificate(serial, fields, key))


def test_certificate_serials() -> None:
    assert certificate_serial(DEVICE, 1) == "C-7KQ3M2-0001"
    assert certificate_serial(DEVICE, 123456) == "C-7KQ3M2-123456"
    assert parse_certificate_serial("C-7KQ3M2-0001") == (DEVICE, 1)
    for bad in ("C-7KQ3M2-001", "C-7KQ3M2-00001", "C-7KQ3M2-0000", "C-7KQ3MI-0001", "7KQ3M2-1"):
        assert parse_certificate_serial(bad) is None, bad
    with pytest.raises(ValueError):
        certificate_serial(DEVICE, 0)


def test_a_certificate_link_round_trips_and_verifies() -> None:
    serial, url = issued()
    assert url.startswith("https://verify.example.org/v/C-7KQ3M2-0012?s=")
    link = parse_certificate_url(url)
    assert isinstance(link, CertificateLink)
    assert (link.serial, link.device_code, link.number) == (serial, DEVICE, 12)
    station = Station(certificates={serial: FIELDS})
    verdict = station.verify_certificate(url)
    assert verdict.verdict is Verdict.VALID
    assert verdict.fields == FIELDS
    assert serial in i18n.tr(verdict.message_code, **verdict.message_params)


@pytest.mark.parametrize(
    "typed",
    [
        lambda u: u.upper(),
        lambda u: u.lower(),
        lambda u: f" {u}\n",
        lambda u: u + "&from=timeline&isappinstalled=0",  # what WeChat appends when shared
        lambda u: u.replace("?s=", "/?s="),
    ],
)
def test_a_certificate_link_as_typed_or_shared_still_verifies(typed: object) -> None:
    assert callable(typed)
    serial, url = issued()
    verdict = Station(certificates={serial: FIELDS}).verify_certificate(typed(url))
    assert verdict.verdict is Verdict.VALID


@pytest.mark.parametrize(
    "change",
    [
        {"hours": Decimal("320")},
        {"recipient_name": "张二"},
        {"title": "荣誉证书"},
        {"member_id": None},
        {"purpose": "电工安全技能培训 "},
        {"issued_on": date(2025, 7, 1)},
        {"starts_on": None},
        {"issuing_union": "广州市总工会"},
    ],
)
def test_a_certificate_whose_record_differs_from_what_was_signed_is_altered(
    change: dict[str, object],
) -> None:
    serial, url = issued()
    station = Station(certificates={serial: replace(FIELDS, **change)})  # type: ignore[arg-type]
    verdict = station.verify_certificate(url)
    assert (verdict.verdict, verdict.problem) == (Verdict.ALTERED, Problem.SIGNATURE)


def test_equal_hours_sign_alike_however_they_are_stored() -> None:
    serial, url = issued(replace(FIELDS, hours=Decimal("32.0")))
    assert Station(certificates={serial: replace(FIELDS, hours=32)}).verify_certificate(
        url
    ).verdict is (Verdict.VALID)


def test_certificate_verdicts_other_than_valid() -> None:
    serial, url = issued()
    assert Station().verify_certificate(url).verdict is Verdict.UNKNOWN_CERTIFICATE
    station = Station(keys={}, certificates={serial: FIELDS})
    assert station.verify_certificate(url).verdict is Verdict.UNKNOWN_DEVICE
    _, forged = issued(key=OTHER_KEY)
    assert Station(certificates={serial: FIELDS}).verify_certificate(forged).verdict is (
        Verdict.ALTERED
    )
    wrong = Station(certificates={serial: FIELDS}).verify_certificate(card())
    assert wrong.problem is Problem.WRONG_KIND
    assert wrong.message_code == "verify.card_not_certificate"
    newer = Station(certificates={serial: FIELDS}).verify_certificate(url + "&v=2")
    assert newer.message_code == "verify.unsupported_version"
    for broken in (url[:-1], url.replace("C-7KQ3M2-0012", "C-7KQ3M2-12"), url + "&s=AAAA"):
        assert Station(certificates={serial: FIELDS}).verify_certificate(broken).problem is (
            Problem.MALFORMED
        ), broken
    assert parse_certificate_url("http://[::1/v/x?s=y") == Unrecognised(Problem.FOREIGN)


@pytest.mark.parametrize(
    "change",
    [{"hours": Decimal("-1")}, {"hours": Decimal("NaN")}, {"member_id": "nope"}],
)
def test_certificate_fields_refuse_values_no_certificate_has(change: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        replace(FIELDS, **change)  # type: ignore[arg-type]


def test_a_certificate_qr_fits_on_the_page() -> None:
    _, url = issued()
    from desktop.printing.qr import qr_matrix

    assert qr_matrix(url).version <= 10


# --- messages and keys -------------------------------------------------------------------


def test_every_verdict_has_words_in_both_languages() -> None:
    codes = {
        tokens.CardVerdict(verdict, problem=problem, member_known=known).message_code
        for verdict in Verdict
        for problem in (None, *Problem)
        for known in (False, True)
    } | {
        tokens.CertificateVerdict(verdict, problem=problem).message_code
        for verdict in Verdict
        for problem in (None, *Problem)
    }
    messages = i18n.messages()
    assert codes - set(messages) == set()
    for code in codes:
        zh, en = messages[code]
        assert zh and en


def test_the_device_key_is_made_once_privately_and_loaded_after(tmp_path: Path) -> None:
    keys = tmp_path / "keys"
    first = DeviceKeys.load_or_create(keys)
    path = keys / DEVICE_KEY_FILE
    if os.name == "posix":
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.read_bytes().startswith(b"-----BEGIN PRIVATE KEY-----")
    again = DeviceKeys.load_or_create(keys)
    assert len(first.public_key_bytes()) == 32
    assert again.public_key_bytes() == first.public_key_bytes()
    assert [p.name for p in keys.iterdir()] == [DEVICE_KEY_FILE]  # no temporary left behind
    text = sign_card(MEMBER, 1, DEVICE, again.private_key)
    station = Station(keys={DEVICE: first.public_key_bytes()})
    assert station.verify(text).verdict is Verdict.VALID


@pytest.mark.parametrize("content", [b"", b"garbage", b"-----BEGIN PRIVATE KEY-----\nAAAA\n"])
def test_an_unreadable_key_file_is_reported_not_replaced(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / DEVICE_KEY_FILE
    path.write_bytes(content)
    with pytest.raises(AppError) as raised:
        DeviceKeys.load_or_create(tmp_path)
    assert raised.value.code == "identity.key_unreadable"
    assert path.read_bytes() == content
    assert str(path) in i18n.describe(raised.value)


def test_the_protocol_spells_device_codes_as_member_numbers_do() -> None:
    """Serials name devices in the alphabet the desk makes their codes in."""
    assert certificates.DEVICE_CODE_ALPHABET == MEMBER_NUMBER_ALPHABET


def test_the_titles_printed_without_hours_are_the_default_templates() -> None:
    import json
    from pathlib import Path

    template = Path(__file__).resolve().parents[2] / "resources/templates/certificate-default.json"
    bodies = next(f for f in json.loads(template.read_text())["fields"] if f["name"] == "body")
    without = {t for t, text in bodies["text_by_title"].items() if "{hours}" not in "".join(text)}
    assert without == certificates.TITLES_WITHOUT_HOURS
