"""Secrets of this device, kept as files under the data folder's ``keys/`` (mode 0600)."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

ID_HASH_KEY_FILE = "id-number-hash.key"


def _write_private(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


def load_or_create_id_hash_key(keys: Path) -> bytes:
    """The key of the ID-number HMAC.

    A standalone station makes its own; enrolment with the central server replaces it with
    the organisation's key, so that one ID number hashes alike at every station.
    """
    path = keys / ID_HASH_KEY_FILE
    if not path.exists():
        _write_private(path, secrets.token_bytes(32))
    return path.read_bytes()


DEVICE_TOKEN_FILE = "server-device-token"
LOCAL_ID_HASH_KEY_FILE = "id-number-hash.local.key"


def adopt_id_hash_key(keys: Path, key: bytes) -> bool:
    """Use the organisation's ID-number key from now on; the desk's own key is kept beside it
    (hashes made before enrolment were made with it). Returns whether the key changed."""
    path = keys / ID_HASH_KEY_FILE
    current = path.read_bytes() if path.exists() else None
    if current == key:
        return False
    if current is not None and not (keys / LOCAL_ID_HASH_KEY_FILE).exists():
        _write_private(keys / LOCAL_ID_HASH_KEY_FILE, current)
    replacement = path.with_suffix(".new")
    replacement.unlink(missing_ok=True)
    _write_private(replacement, key)
    os.replace(replacement, path)
    return True


def save_device_token(keys: Path, token: str) -> None:
    path = keys / DEVICE_TOKEN_FILE
    replacement = path.with_suffix(".new")
    replacement.unlink(missing_ok=True)
    _write_private(replacement, token.encode("ascii"))
    os.replace(replacement, path)


def device_token(keys: Path) -> str | None:
    path = keys / DEVICE_TOKEN_FILE
    return path.read_text("ascii").strip() if path.exists() else None


def local_id_hash_keys(keys: Path) -> tuple[bytes, ...]:
    """The desk's own ID-number key from before it enrolled, if it enrolled."""
    path = keys / LOCAL_ID_HASH_KEY_FILE
    return (path.read_bytes(),) if path.exists() else ()
