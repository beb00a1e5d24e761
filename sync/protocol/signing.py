"""What the server signs of the events only it may make, and how a desk checks it.

A server-authored event (``Author.SERVER``: device keys, revocations, opened conflicts) is
signed by the server's own Ed25519 key when the server makes it. The message is::

    b"WS-SERVER-EVENT-v1" || text(kind) || text(event id) || text(entity id) ||
        text(station id) || text(canonical payload)

``text(s)`` is the UTF-8 of ``s`` preceded by its byte length as a 4-byte big-endian number
(no field bleeds into the next); the canonical payload is compact JSON with sorted keys
(``canonical``), exactly the text the server stores and splices into pull pages. The domain
tag keeps these signatures apart from anything else a key might sign. The signature travels
in the pulled envelope (``signature``, base64 of 64 bytes). A desk checks it with the public
key it pinned at enrolment (``EnrolReply.server_public_key``); a copy of the database, a
proxy or a relay holds no private key and so cannot make a desk believe a key or a revocation.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from typing import Any

import orjson
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

DOMAIN = b"WS-SERVER-EVENT-v1"
PUBLIC_KEY_BYTES = 32
SIGNATURE_BYTES = 64


def canonical(data: Any) -> bytes:
    """Compact JSON with sorted keys: the same data always gives the same bytes."""
    return orjson.dumps(data, option=orjson.OPT_SORT_KEYS)


def _text(value: str | bytes) -> bytes:
    raw = value.encode("utf-8") if isinstance(value, str) else value
    return len(raw).to_bytes(4, "big") + raw


def message(kind: str, event_id: str, entity_id: str, station_id: str, payload: bytes) -> bytes:
    """The bytes signed for one server-authored event (``payload``: canonical JSON)."""
    return b"".join(
        (
            DOMAIN,
            _text(kind),
            _text(event_id),
            _text(entity_id),
            _text(station_id),
            _text(payload),
        )
    )


def key_fingerprint(public_key_b64: str) -> str:
    """16 characters naming a server key (unpadded base32 of the first 10 bytes of the
    SHA-256 of its raw bytes): the enrolment QR carries it, so a desk scanning the QR knows
    the key the genuine server will name, whatever answers on the network."""
    raw = base64.b64decode(public_key_b64)
    return base64.b32encode(hashlib.sha256(raw).digest()[:10]).decode("ascii")


ENROLMENT_DOMAIN = b"WS-ENROL-v1"


def enrolment_message(code: str, device_id: str) -> bytes:
    """What a device signs with its own key when it enrols: proof that it holds the key the
    server knows it by (required to enrol a device the server knows already)."""
    return ENROLMENT_DOMAIN + _text(code.strip().upper()) + _text(device_id)


def verify_raw(public_key: Ed25519PublicKey, signature: str, message_bytes: bytes) -> bool:
    """True when ``signature`` (base64) is ``public_key``'s over ``message_bytes``."""
    try:
        raw = base64.b64decode(signature, validate=True)
    except (binascii.Error, ValueError):
        return False
    if len(raw) != SIGNATURE_BYTES:
        return False
    try:
        public_key.verify(raw, message_bytes)
    except InvalidSignature:
        return False
    return True


def public_key_of(text: str) -> Ed25519PublicKey | None:
    """A base64 public key as the enrolment reply carries it; None if it is not one."""
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return None
    if len(raw) != PUBLIC_KEY_BYTES:
        return None
    return Ed25519PublicKey.from_public_bytes(raw)


def verify(
    public_key: Ed25519PublicKey,
    signature: str | None,
    kind: str,
    event_id: str,
    entity_id: str,
    station_id: str,
    payload: Any,
) -> bool:
    """True when ``signature`` (base64) is the server's over this event; never raises."""
    if not signature:
        return False
    try:
        signed = message(kind, event_id, entity_id, station_id, canonical(payload))
    except (TypeError, ValueError, orjson.JSONEncodeError):
        return False
    return verify_raw(public_key, signature, signed)
