"""A certificate's signature: what it covers, its serial, its link, and how it is checked.

Shared by the desk (which signs, prints and checks offline, through
``desktop/identity/tokens.py``) and the server (whose public page ``/v/{serial}?s=...``
checks the same signature against the issuing device's key as the server knows it). The
format is specified in ``docs/tokens.md``; keep the two in step. No I/O; nothing here
raises on text a person or a phone sent: only signing refuses arguments no stored record
can have.
"""

from __future__ import annotations

import base64
import binascii
import re
import unicodedata
import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from urllib.parse import quote

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from sync.protocol.events.certificates import CertificateIssued

FORMAT_VERSION = 1
KIND_CERTIFICATE = 2
CERTIFICATE_DOMAIN = b"WS-CERT-v1"
CERTIFICATE_PATH = "v"
CERTIFICATE_NUMBER_MAX = 999_999_999
SIGNATURE_LENGTH = 64
SIGNATURE_TEXT_LENGTH = 103  # 64 bytes in unpadded base32
PUBLIC_KEY_LENGTH = 32
# Device codes (and member numbers): Crockford base32, 6 characters (30 bits).
DEVICE_CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
DEVICE_CODE_LENGTH = 6
DEVICE_CODE = re.compile(f"[{DEVICE_CODE_ALPHABET}]{{{DEVICE_CODE_LENGTH}}}")
_CERTIFICATE_SERIAL = re.compile(rf"C-({DEVICE_CODE.pattern})-([0-9]{{4,9}})")
_BASE32 = re.compile("[A-Z2-7]+")
# Titles whose printed text says no hours (resources/templates/certificate-default.json: an
# award's body has no {hours}); their hours, if any, are signed but not shown as printed.
TITLES_WITHOUT_HOURS = frozenset({"荣誉证书"})


@dataclass(frozen=True)
class CertificateFields:
    """What a certificate says, all of it covered by its signature.

    ``hours`` is exact (``Decimal`` or ``int``: 1.5 hours, 32 hours) or ``None`` for an
    award; dates are calendar days; ``member_id`` is ``None`` for a recipient who is not a
    member. Invalid values raise ``ValueError`` here, so that signing and verifying cannot.
    """

    title: str
    recipient_name: str
    member_id: str | None
    purpose: str  # what it is for: a course name, a competition and its award
    hours: Decimal | int | None
    issued_on: date
    issuing_union: str
    starts_on: date | None = None
    ends_on: date | None = None

    def __post_init__(self) -> None:
        if self.member_id is not None:
            uuid.UUID(self.member_id)
        if self.hours is not None and not (Decimal(self.hours).is_finite() and self.hours >= 0):
            raise ValueError("hours must be a finite number, zero or more")


def fields_of(issued: CertificateIssued) -> CertificateFields:
    """The signed fields of a ``certificate.issued`` payload; ``ValueError`` when a value
    cannot be one a desk signed (an impossible date, hours that are no number)."""
    try:
        hours = None if not issued.hours else Decimal(issued.hours)
    except InvalidOperation:
        raise ValueError("hours are not a number") from None
    return CertificateFields(
        title=issued.title,
        recipient_name=issued.recipient_name,
        member_id=issued.member_id or None,
        purpose=issued.purpose,
        hours=hours,
        issued_on=date.fromisoformat(issued.issued_on),
        issuing_union=issued.issuing_union,
        starts_on=date.fromisoformat(issued.starts_on) if issued.starts_on else None,
        ends_on=date.fromisoformat(issued.ends_on) if issued.ends_on else None,
    )


def prints_hours(fields: CertificateFields) -> bool:
    """Whether the printed certificate states its hours (so a page showing it should)."""
    return fields.hours is not None and fields.title not in TITLES_WITHOUT_HOURS


# --- base32 -------------------------------------------------------------------------------


def b32encode(data: bytes) -> str:
    return base64.b32encode(data).decode("ascii").rstrip("=")


def b32decode(text: str) -> bytes | None:
    """Unpadded upper-case base32; ``None`` unless ``text`` is the one canonical encoding.

    Canonical matters: the last character carries spare bits that decoding ignores, so
    without this check two different texts would carry one valid signature.
    """
    if not _BASE32.fullmatch(text):
        return None
    try:
        data = base64.b32decode(text + "=" * (-len(text) % 8))
    except (binascii.Error, ValueError):
        return None
    return data if b32encode(data) == text else None


# --- serials ------------------------------------------------------------------------------


def certificate_serial(device_code: str, number: int) -> str:
    """``C-7KQ3M2-0001``: the issuing device's code and its own running number (≥ 4 digits).

    Serials are made on the device without a server, like member numbers, and name the
    device whose key signed the certificate.
    """
    if not DEVICE_CODE.fullmatch(device_code):
        raise ValueError(f"not a device code: {device_code!r}")
    if not 1 <= number <= CERTIFICATE_NUMBER_MAX:
        raise ValueError(f"certificate number out of range 1..{CERTIFICATE_NUMBER_MAX}")
    return f"C-{device_code}-{number:04d}"


def parse_certificate_serial(serial: str) -> tuple[str, int] | None:
    """``(device code, number)`` of a canonical serial, else ``None``."""
    match = _CERTIFICATE_SERIAL.fullmatch(serial)
    if match is None:
        return None
    device_code, digits = match.groups()
    number = int(digits)
    if number < 1 or f"{number:04d}" != digits:
        return None
    return device_code, number


def signature_of(text: str) -> bytes | None:
    """The 64 signature bytes in a link's ``s=`` text (upper case), else ``None``."""
    if len(text) != SIGNATURE_TEXT_LENGTH:
        return None
    return b32decode(text)


# --- what is signed -----------------------------------------------------------------------


def _text(value: str) -> bytes:
    data = unicodedata.normalize("NFC", value).encode("utf-8", "surrogatepass")
    return len(data).to_bytes(4, "big") + data


def _day(value: date | None) -> str:
    return "" if value is None else f"{value.year:04d}-{value.month:02d}-{value.day:02d}"


def hours_text(value: Decimal | int | None) -> str:
    """Hours as people write them: 40, 1.5 (never 4E+1 or 40.0); "" for none."""
    if value is None:
        return ""
    return format(Decimal(value).normalize(), "f")


def certificate_message(serial: str, fields: CertificateFields) -> bytes:
    """The exact bytes a certificate's signature covers (see docs/tokens.md)."""
    member = "" if fields.member_id is None else str(uuid.UUID(fields.member_id))
    parts = (
        serial,
        fields.title,
        fields.recipient_name,
        member,
        fields.purpose,
        hours_text(fields.hours),
        _day(fields.issued_on),
        _day(fields.starts_on),
        _day(fields.ends_on),
        fields.issuing_union,
    )
    body = b"".join(_text(part) for part in parts)
    return CERTIFICATE_DOMAIN + bytes((FORMAT_VERSION, KIND_CERTIFICATE)) + body


def sign_certificate(serial: str, fields: CertificateFields, private_key: Ed25519PrivateKey) -> str:
    """The signature (103 base32 characters) to store with the certificate and put in its URL.

    The private key must be that of the device named in ``serial``.
    """
    if parse_certificate_serial(serial) is None:
        raise ValueError(f"not a certificate serial: {serial!r}")
    return b32encode(private_key.sign(certificate_message(serial, fields)))


def certificate_url(base_url: str, serial: str, signature: str) -> str:
    """``{base_url}/v/{serial}?s={signature}``: what the certificate's QR holds.

    With no base URL it is ``v/{serial}?s={signature}``: not a link a phone opens, but any
    desk checks it offline (``parse_certificate_url`` accepts any host, or none)."""
    path = f"{CERTIFICATE_PATH}/{quote(serial)}?s={signature}"
    return f"{base_url.rstrip('/')}/{path}" if base_url else path


# --- checking -----------------------------------------------------------------------------


@lru_cache(maxsize=256)
def _public_key(raw: bytes) -> Ed25519PublicKey | None:
    if len(raw) != PUBLIC_KEY_LENGTH:
        return None
    try:
        return Ed25519PublicKey.from_public_bytes(raw)
    except ValueError:
        return None


def signature_ok(raw_key: bytes, signature: bytes, message: bytes) -> bool | None:
    """True or False, or ``None`` when ``raw_key`` is not a usable key."""
    key = _public_key(bytes(raw_key))
    if key is None:
        return None
    try:
        key.verify(signature, message)
    except InvalidSignature:
        return False
    return True


def certificate_signed(
    raw_key: bytes, serial: str, fields: CertificateFields, signature: bytes
) -> bool:
    """True when ``signature`` is the key's over this serial and these fields."""
    return signature_ok(raw_key, signature, certificate_message(serial, fields)) is True
