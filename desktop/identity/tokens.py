"""Signed member-card tokens and certificate links: encode, parse, verify. No I/O.

The formats are specified in ``docs/tokens.md``; keep the two in step. Everything that reads
scanned text (``parse``, ``parse_certificate_url``, ``verify_card``, ``verify_certificate``)
answers every input with a value and never raises; exceptions raised by the caller's own
look-up callbacks (a database error, say) are passed on, not disguised as a verdict.
Signing raises ``ValueError`` for arguments no stored record can have (a bad member id,
serial or device code): that is a programming error, not a person's mistake.
"""

from __future__ import annotations

import re
import unicodedata
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any
from urllib.parse import parse_qs, urlsplit

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

# The certificate's signature is shared with the server (its public page checks it):
# defined in the protocol package, re-exported here for the desk.
from sync.protocol.certificates import (
    CERTIFICATE_PATH,
    DEVICE_CODE,
    DEVICE_CODE_ALPHABET,
    DEVICE_CODE_LENGTH,
    FORMAT_VERSION,
    SIGNATURE_LENGTH,
    SIGNATURE_TEXT_LENGTH,
    CertificateFields,
    b32decode,
    b32encode,
    certificate_message,
    parse_certificate_serial,
    signature_ok,
)

KIND_CARD = 1
CARD_DOMAIN = b"WS-CARD-v1"
CARD_PREFIX = f"WS{FORMAT_VERSION}:"
CARD_FIELDS_LENGTH = 24  # version 1 + kind 1 + member id 16 + serial 2 + device code 4
CARD_BYTES = CARD_FIELDS_LENGTH + SIGNATURE_LENGTH  # 88
CARD_TOKEN_LENGTH = 145  # len("WS1:") + 141 base32 characters; tests measure it
QR_ALPHANUMERIC_CAPACITY_6M = 154  # characters in a version-6 QR at level M, alphanumeric mode
CARD_SERIAL_MAX = 0xFFFF
MAX_SCAN_LENGTH = 4096  # longer text is refused unread: no token or link is near this long

_DEVICE_CODE_VALUES = len(DEVICE_CODE_ALPHABET) ** DEVICE_CODE_LENGTH
_VERSION_PREFIX = re.compile("WS([0-9]{1,3}):")


class Problem(StrEnum):
    """Why a scanned text was not accepted as what it claims to be."""

    FOREIGN = "foreign"  # not ours at all: random text, a web link, a WeChat code
    MALFORMED = "malformed"  # our shape, but damaged: length, characters, field values
    VERSION = "version"  # a format version this program does not know (a newer one)
    SIGNATURE = "signature"  # well formed, but the signature does not match the contents
    WRONG_KIND = "wrong_kind"  # a certificate where a card was expected, or the reverse


class Verdict(StrEnum):
    VALID = "valid"
    ALTERED = "altered"  # bad signature, unparsable, unknown version, another system's QR
    UNKNOWN_DEVICE = "unknown_device"  # the issuing device's key is not known here yet
    BLOCKED = "blocked"  # this card serial was reported lost or replaced
    DEACTIVATED = "deactivated"  # the member is known here and deactivated
    UNKNOWN_CERTIFICATE = "unknown_certificate"  # no record of this certificate serial here


@dataclass(frozen=True)
class CardToken:
    """A parsed card token; ``signed`` is the exact message its signature must cover."""

    member_id: str
    serial: int
    device_code: str
    signature: bytes
    signed: bytes


@dataclass(frozen=True)
class CertificateLink:
    """A parsed certificate verification link: the serial names the issuing device."""

    serial: str
    device_code: str
    number: int
    signature: bytes


@dataclass(frozen=True)
class Unrecognised:
    problem: Problem


ParsedToken = CardToken | CertificateLink


@dataclass(frozen=True)
class CardVerdict:
    """The answer to a scanned card; the contents are filled whenever they could be decoded.

    With ``UNKNOWN_DEVICE`` the contents are what the card claims, not checked.
    ``member_known`` says whether this station has the member's record.
    """

    verdict: Verdict
    member_id: str | None = None
    serial: int | None = None
    device_code: str | None = None
    member_known: bool = False
    problem: Problem | None = None

    @property
    def message_code(self) -> str:
        if self.verdict is Verdict.VALID:
            return "verify.card_valid" if self.member_known else "verify.card_valid_new_member"
        return _message_code(self.verdict, self.problem, "verify.certificate_not_card")

    @property
    def message_params(self) -> dict[str, Any]:
        return {"device": self.device_code or "", "serial": self.serial or ""}


@dataclass(frozen=True)
class CertificateVerdict:
    """The answer to a scanned certificate link; ``fields`` are this station's record."""

    verdict: Verdict
    serial: str | None = None
    device_code: str | None = None
    fields: CertificateFields | None = None
    problem: Problem | None = None

    @property
    def message_code(self) -> str:
        if self.verdict is Verdict.VALID:
            return "verify.certificate_valid"
        return _message_code(self.verdict, self.problem, "verify.card_not_certificate")

    @property
    def message_params(self) -> dict[str, Any]:
        return {"device": self.device_code or "", "serial": self.serial or ""}


def _message_code(verdict: Verdict, problem: Problem | None, wrong_kind: str) -> str:
    if verdict is Verdict.ALTERED and problem is Problem.VERSION:
        return "verify.unsupported_version"
    if verdict is Verdict.ALTERED and problem is Problem.WRONG_KIND:
        return wrong_kind
    return f"verify.{verdict.value}"


# --- device codes and base32 -------------------------------------------------------------


def pack_device_code(code: str) -> bytes:
    """Six Crockford base32 characters (30 bits) as 4 big-endian bytes."""
    if not DEVICE_CODE.fullmatch(code):
        raise ValueError(f"not a device code: {code!r}")
    value = 0
    for char in code:
        value = value * 32 + DEVICE_CODE_ALPHABET.index(char)
    return value.to_bytes(4, "big")


def unpack_device_code(data: bytes) -> str | None:
    """The device code in 4 bytes, or ``None`` when they hold no valid code."""
    value = int.from_bytes(data, "big")
    if len(data) != 4 or value >= _DEVICE_CODE_VALUES:
        return None
    chars = []
    for _ in range(DEVICE_CODE_LENGTH):
        value, digit = divmod(value, 32)
        chars.append(DEVICE_CODE_ALPHABET[digit])
    return "".join(reversed(chars))


# --- cards --------------------------------------------------------------------------------


def _card_fields(member_id: str, serial: int, device_code: str) -> bytes:
    if not 1 <= serial <= CARD_SERIAL_MAX:
        raise ValueError(f"card serial out of range 1..{CARD_SERIAL_MAX}: {serial}")
    return (
        bytes((FORMAT_VERSION, KIND_CARD))
        + uuid.UUID(member_id).bytes
        + serial.to_bytes(2, "big")
        + pack_device_code(device_code)
    )


def sign_card(member_id: str, serial: int, device_code: str, private_key: Ed25519PrivateKey) -> str:
    """The card token text for the QR: ``WS1:`` + 141 base32 characters."""
    fields = _card_fields(member_id, serial, device_code)
    signature = private_key.sign(CARD_DOMAIN + fields)
    return CARD_PREFIX + b32encode(fields + signature)


def _parse_card(body: str) -> CardToken | Unrecognised:
    data = b32decode(body)
    if data is None or len(data) != CARD_BYTES:
        return Unrecognised(Problem.MALFORMED)
    fields, signature = data[:CARD_FIELDS_LENGTH], data[CARD_FIELDS_LENGTH:]
    if fields[0] != FORMAT_VERSION or fields[1] != KIND_CARD:  # must agree with the prefix
        return Unrecognised(Problem.MALFORMED)
    serial = int.from_bytes(fields[18:20], "big")
    device_code = unpack_device_code(fields[20:24])
    if device_code is None or serial == 0:
        return Unrecognised(Problem.MALFORMED)
    member_id = str(uuid.UUID(bytes=fields[2:18]))
    return CardToken(member_id, serial, device_code, signature, CARD_DOMAIN + fields)


# --- certificates -------------------------------------------------------------------------


def parse_certificate_url(text: str | bytes) -> CertificateLink | Unrecognised:
    """The serial and signature in a certificate link, from whatever a scanner typed.

    Any host is accepted: trust comes from the signature, not from the address.
    """
    normal = _normalise(text)
    if normal is None:
        return Unrecognised(Problem.FOREIGN)
    return _parse_certificate(normal)


def _parse_certificate(text: str) -> CertificateLink | Unrecognised:
    if not text.isascii() or not text.isprintable():
        return Unrecognised(Problem.FOREIGN)
    try:
        parts = urlsplit(text)
        pairs = parse_qs(parts.query)
    except ValueError:
        return Unrecognised(Problem.FOREIGN)
    query: dict[str, list[str]] = {}
    for name, values in pairs.items():  # a scanner with caps lock on types S= and V=
        query.setdefault(name.lower(), []).extend(values)
    segments = parts.path.rstrip("/").split("/")
    if len(segments) < 2 or segments[-2].lower() != CERTIFICATE_PATH or "s" not in query:
        return Unrecognised(Problem.FOREIGN)
    if query.get("v", [str(FORMAT_VERSION)]) != [str(FORMAT_VERSION)]:
        return Unrecognised(Problem.VERSION)
    serial = segments[-1].upper()
    parsed = parse_certificate_serial(serial)
    signatures = query["s"]
    if parsed is None or len(signatures) != 1 or len(signatures[0]) != SIGNATURE_TEXT_LENGTH:
        return Unrecognised(Problem.MALFORMED)
    signature = b32decode(signatures[0].upper())
    if signature is None:
        return Unrecognised(Problem.MALFORMED)
    return CertificateLink(serial, parsed[0], parsed[1], signature)


# --- reading scanned text -----------------------------------------------------------------


def _normalise(text: str | bytes) -> str | None:
    """NFKC, without whitespace or invisible format characters; ``None`` if far too long."""
    if isinstance(text, bytes | bytearray):
        text = bytes(text).decode("utf-8", "replace")
    if not isinstance(text, str) or len(text) > MAX_SCAN_LENGTH:
        return None
    text = unicodedata.normalize("NFKC", text)
    return "".join(c for c in text if not c.isspace() and unicodedata.category(c) != "Cf")


def parse(text: str | bytes) -> ParsedToken | Unrecognised:
    """A card token or certificate link from scanned or pasted text; never raises.

    Lower case, stray whitespace, line ends and full-width characters are all accepted.
    """
    normal = _normalise(text)
    if normal is None:
        return Unrecognised(Problem.FOREIGN)
    upper = normal.upper()
    if upper.startswith(CARD_PREFIX):
        return _parse_card(upper[len(CARD_PREFIX) :])
    if _VERSION_PREFIX.match(upper):
        return Unrecognised(Problem.VERSION)
    return _parse_certificate(normal)


def verify_card(
    text: str | bytes,
    public_key_for: Callable[[str], bytes | None],
    blocked: Callable[[str, int], bool],
    member_active: Callable[[str], bool | None],
) -> CardVerdict:
    """What a scanned card is worth here; never raises on any text.

    ``public_key_for(device code)`` gives the 32-byte key of a known device, else ``None``;
    ``blocked(member id, serial)`` says whether that card was reported lost or replaced;
    ``member_active(member id)`` is ``None`` for a member this station has no record of.
    Refusals this station can decide itself (altered, blocked, deactivated) come before
    "unknown device", which a desk may be configured to accept.
    """
    token = parse(text)
    if isinstance(token, Unrecognised):
        return CardVerdict(Verdict.ALTERED, problem=token.problem)
    if isinstance(token, CertificateLink):
        return CardVerdict(Verdict.ALTERED, problem=Problem.WRONG_KIND)
    read = CardVerdict(Verdict.ALTERED, token.member_id, token.serial, token.device_code)
    raw_key = public_key_for(token.device_code)
    checked = None if raw_key is None else signature_ok(raw_key, token.signature, token.signed)
    if checked is False:
        return replace(read, problem=Problem.SIGNATURE)
    active = member_active(token.member_id)
    known = active is not None
    if blocked(token.member_id, token.serial):
        return replace(read, verdict=Verdict.BLOCKED, member_known=known)
    if active is False:
        return replace(read, verdict=Verdict.DEACTIVATED, member_known=known)
    if checked is None:
        return replace(read, verdict=Verdict.UNKNOWN_DEVICE, member_known=known)
    return replace(read, verdict=Verdict.VALID, member_known=known)


def verify_certificate(
    text: str | bytes,
    fields_for: Callable[[str], CertificateFields | None],
    public_key_for: Callable[[str], bytes | None],
) -> CertificateVerdict:
    """Whether a scanned certificate link matches this station's record of that certificate.

    ``fields_for(serial)`` gives the recorded fields or ``None``; never raises on any text.
    """
    link = parse(text)
    if isinstance(link, Unrecognised):
        return CertificateVerdict(Verdict.ALTERED, problem=link.problem)
    if isinstance(link, CardToken):
        return CertificateVerdict(Verdict.ALTERED, problem=Problem.WRONG_KIND)
    recorded = fields_for(link.serial)
    if recorded is None:
        return CertificateVerdict(Verdict.UNKNOWN_CERTIFICATE, link.serial, link.device_code)
    raw_key = public_key_for(link.device_code)
    if raw_key is None:
        return CertificateVerdict(Verdict.UNKNOWN_DEVICE, link.serial, link.device_code)
    message = certificate_message(link.serial, recorded)
    if signature_ok(raw_key, link.signature, message) is not True:
        return CertificateVerdict(
            Verdict.ALTERED, link.serial, link.device_code, problem=Problem.SIGNATURE
        )
    return CertificateVerdict(Verdict.VALID, link.serial, link.device_code, recorded)
