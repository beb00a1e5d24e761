"""This device's Ed25519 key pair: it signs member cards and certificates.

The private key is a PKCS#8 PEM file under the data folder's ``keys/`` (mode 0600, part of
a backup); the public key is derived from it and is what other devices learn through sync
(32 raw bytes, see ``docs/tokens.md``). Nothing here touches the database.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from desktop.domain.errors import AppError
from desktop.identity.secrets import _write_private

DEVICE_KEY_FILE = "device-ed25519.key"
PUBLIC_KEY_LENGTH = 32


def generate_private_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


def private_key_to_pem(key: Ed25519PrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def private_key_from_pem(data: bytes) -> Ed25519PrivateKey:
    """The key in a PEM file; ``ValueError`` when the data is not an Ed25519 private key."""
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError, UnsupportedAlgorithm) as error:
        raise ValueError("not a PEM private key") from error
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError("not an Ed25519 private key")
    return key


def public_key_bytes(key: Ed25519PrivateKey) -> bytes:
    """The 32 raw bytes of the public half: what the server registers and sync hands out."""
    return key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def public_key_from_bytes(raw: bytes) -> Ed25519PublicKey:
    """``ValueError`` unless ``raw`` is 32 bytes."""
    if len(raw) != PUBLIC_KEY_LENGTH:
        raise ValueError("an Ed25519 public key has 32 bytes")
    return Ed25519PublicKey.from_public_bytes(raw)


class DeviceKeys:
    """This device's key pair, loaded from (or first created in) the ``keys/`` folder."""

    def __init__(self, private_key: Ed25519PrivateKey) -> None:
        self._private_key = private_key
        self._public = public_key_bytes(private_key)

    @classmethod
    def load_or_create(cls, keys: Path) -> DeviceKeys:
        """The key in ``keys/device-ed25519.key``; made there first if there is none.

        An unreadable file raises ``AppError("identity.key_unreadable")`` rather than being
        replaced: a new key would silently disown every card this device has printed.
        """
        path = keys / DEVICE_KEY_FILE
        if not path.exists():
            _create_atomically(path, private_key_to_pem(generate_private_key()))
        try:
            return cls(private_key_from_pem(path.read_bytes()))
        except (OSError, ValueError) as error:
            raise AppError("identity.key_unreadable", path=str(path)) from error

    @property
    def private_key(self) -> Ed25519PrivateKey:
        return self._private_key

    def public_key_bytes(self) -> bytes:
        return self._public


def _create_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` whole or not at all, and never over an existing file.

    The key is written to a private temporary file first and then hard-linked into place, so
    a power cut cannot leave an empty key file and two processes starting at once agree on
    one key (the loser's link fails and it reads the winner's).
    """
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    _write_private(temporary, data)
    try:
        os.link(temporary, path)
    except FileExistsError:
        pass
    finally:
        temporary.unlink()
    _fsync_folder(path.parent)


def _fsync_folder(folder: Path) -> None:
    if os.name != "posix":  # Windows cannot open a folder for fsync; NTFS journals the link
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
