"""Properties of card tokens and certificate links over generated inputs (hypothesis)."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import date
from decimal import Decimal

from hypothesis import example, given, settings
from hypothesis import strategies as st

from desktop.domain.people import MEMBER_NUMBER_ALPHABET
from desktop.identity import tokens
from desktop.identity.keys import generate_private_key, public_key_bytes
from desktop.identity.tokens import (
    CARD_TOKEN_LENGTH,
    CardToken,
    CardVerdict,
    CertificateVerdict,
    Unrecognised,
    Verdict,
    parse,
    sign_card,
    verify_card,
    verify_certificate,
)
from sync.protocol import certificates
from sync.protocol.certificates import (
    CertificateFields,
    certificate_serial,
    certificate_url,
    sign_certificate,
)

KEY = generate_private_key()
PUBLIC = public_key_bytes(KEY)
DEVICE = "7KQ3M2"
BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"

device_codes = st.text(MEMBER_NUMBER_ALPHABET, min_size=6, max_size=6)
serials = st.integers(1, tokens.CARD_SERIAL_MAX)
member_ids = st.uuids().map(str)
# Every code point, lone surrogates included (st.characters() leaves those out by default).
any_text = st.text(st.one_of(st.characters(), st.characters(categories=["Cs"])))


def verify(text: str | bytes, keys: dict[str, bytes] | None = None) -> CardVerdict:
    known = {DEVICE: PUBLIC} if keys is None else keys
    return verify_card(text, known.get, lambda _m, _s: False, lambda _m: True)


def verify_cert(text: str | bytes) -> CertificateVerdict:
    return verify_certificate(text, lambda _s: FIELDS, {DEVICE: PUBLIC}.get)


@given(member_ids, serials, device_codes)
def test_every_signed_card_verifies_with_its_contents_and_documented_length(
    member: str, serial: int, device: str
) -> None:
    text = sign_card(member, serial, device, KEY)
    assert len(text) == CARD_TOKEN_LENGTH <= tokens.QR_ALPHANUMERIC_CAPACITY_6M
    verdict = verify(text, {device: PUBLIC})
    assert verdict.verdict is Verdict.VALID
    assert (verdict.member_id, verdict.serial, verdict.device_code) == (member, serial, device)


@given(member_ids, serials, device_codes)
@settings(max_examples=25, deadline=None)
def test_every_card_qr_is_version_6_or_smaller(member: str, serial: int, device: str) -> None:
    from desktop.printing.qr import qr_matrix

    assert qr_matrix(sign_card(member, serial, device, KEY)).version <= 6


@given(member_ids, serials, st.data())
def test_changing_any_one_character_never_verifies(
    member: str, serial: int, data: st.DataObject
) -> None:
    text = sign_card(member, serial, DEVICE, KEY)
    index = data.draw(st.integers(0, len(text) - 1), label="index")
    replacement = data.draw(st.sampled_from(BASE32 + ":").filter(lambda c: c != text[index]))
    verdict = verify(text[:index] + replacement + text[index + 1 :])
    assert verdict.verdict is not Verdict.VALID
    if verdict.verdict is Verdict.UNKNOWN_DEVICE:
        assert verdict.device_code != DEVICE
    else:
        assert verdict.verdict is Verdict.ALTERED


@given(member_ids, serials, st.data())
def test_case_and_whitespace_as_typed_do_not_matter(
    member: str, serial: int, data: st.DataObject
) -> None:
    text = sign_card(member, serial, DEVICE, KEY)
    lowered = data.draw(st.lists(st.booleans(), min_size=len(text), max_size=len(text)))
    spaces = st.text(" \t\r\n\u3000\u00a0", max_size=3)
    typed = "".join(
        (c.lower() if low else c) + data.draw(spaces) for c, low in zip(text, lowered, strict=True)
    )
    assert verify(data.draw(spaces) + typed).verdict is Verdict.VALID


@given(member_ids, serials, device_codes)
def test_a_key_not_known_under_that_code_never_verifies(
    member: str, serial: int, device: str
) -> None:
    text = sign_card(member, serial, device, generate_private_key())
    assert verify(text, {}).verdict is Verdict.UNKNOWN_DEVICE
    assert verify(text, {device: PUBLIC}).verdict is Verdict.ALTERED


@given(any_text)
@example("\ud800")
@example("WS1:" + "A" * 141)
@example("https://example.org/v/C-7KQ3M2-0001?s=" + "A" * 103)
def test_any_text_gets_a_verdict_and_never_an_exception(text: str) -> None:
    assert isinstance(verify(text), CardVerdict)
    assert isinstance(verify_cert(text), CertificateVerdict)
    assert verify(text).verdict is not Verdict.VALID


@given(st.binary())
def test_any_bytes_get_a_verdict(data: bytes) -> None:
    assert verify(data).verdict is Verdict.ALTERED
    assert verify_cert(data).verdict is Verdict.ALTERED


@given(st.text(BASE32 + "=:WS1 abc", max_size=300))
def test_near_misses_of_the_card_alphabet_get_a_verdict(body: str) -> None:
    assert verify("WS1:" + body).verdict is not Verdict.VALID
    assert verify(body).verdict is not Verdict.VALID


@given(
    st.sampled_from(["", "http://", "https://", "HTTPS://", "wxp://", "//"]),
    any_text,
    st.sampled_from(["/v/", "/V/", "/x/", "/", "/v/v/"]),
    any_text,
    st.sampled_from(["?s=", "?S=", "?v=2&s=", "?s=&s=", "#s=", ""]),
    st.text(BASE32 + "abc=&%?#[]", max_size=200),
)
def test_url_shaped_text_gets_a_verdict(
    scheme: str, host: str, path: str, serial: str, query: str, signature: str
) -> None:
    text = scheme + host + path + serial + query + signature
    assert verify_cert(text).verdict is not Verdict.VALID
    assert verify(text).verdict is Verdict.ALTERED


@given(st.integers(4_000, 200_000), st.characters())
@settings(max_examples=20, deadline=None)
def test_very_long_text_gets_a_verdict(length: int, char: str) -> None:
    assert verify(char * length).verdict is Verdict.ALTERED
    assert verify_cert(char * length).verdict is Verdict.ALTERED


@given(member_ids, serials)
def test_parse_after_sign_gives_the_fields_back(member: str, serial: int) -> None:
    token = parse(sign_card(member, serial, DEVICE, KEY))
    assert isinstance(token, CardToken)
    assert (token.member_id, token.serial, token.device_code) == (member, serial, DEVICE)
    assert not isinstance(parse(f"WS1:{uuid.uuid4().hex}"), CardToken)


# --- certificates ------------------------------------------------------------------------

FIELDS = CertificateFields(
    title="培训证书",
    recipient_name="李四",
    member_id=None,
    purpose="育婴师",
    hours=Decimal("12.5"),
    issued_on=date(2025, 1, 2),
    issuing_union="某市总工会",
)

names = st.text(st.characters(exclude_categories=["Cs"]), max_size=60)
certificate_fields = st.builds(
    CertificateFields,
    title=names,
    recipient_name=names,
    member_id=st.none() | member_ids,
    purpose=names,
    hours=st.none() | st.integers(0, 10_000) | st.decimals(0, 10_000, places=1),
    issued_on=st.dates(),
    issuing_union=names,
    starts_on=st.none() | st.dates(),
    ends_on=st.none() | st.dates(),
)


@given(certificate_fields, st.integers(1, certificates.CERTIFICATE_NUMBER_MAX), st.data())
def test_certificates_verify_and_any_changed_field_is_altered(
    fields: CertificateFields, number: int, data: st.DataObject
) -> None:
    serial = certificate_serial(DEVICE, number)
    url = certificate_url("https://v.example.org", serial, sign_certificate(serial, fields, KEY))
    keys = {DEVICE: PUBLIC}.get
    assert verify_certificate(url, {serial: fields}.get, keys).verdict is Verdict.VALID
    assert verify_certificate(url.lower(), {serial: fields}.get, keys).verdict is Verdict.VALID
    name = data.draw(
        st.sampled_from(["title", "recipient_name", "purpose", "issuing_union"]), label="field"
    )
    changed = replace(fields, **{name: getattr(fields, name) + data.draw(names.filter(bool))})
    assert verify_certificate(url, {serial: changed}.get, keys).verdict is Verdict.ALTERED
    other_hours = replace(fields, hours=(fields.hours or 0) + 1)
    assert verify_certificate(url, {serial: other_hours}.get, keys).verdict is Verdict.ALTERED


@given(any_text)
def test_parse_never_raises(text: str) -> None:
    assert isinstance(parse(text), CardToken | tokens.CertificateLink | Unrecognised)
