"""The server's own Ed25519 key: it signs the events only the server may make.

The private key lives in a file of the server's data folder (``server-ed25519.key``, PKCS#8
PEM, mode 0600; ``WAYSTATION_SERVER_SIGNING_KEY_FILE`` names another place), never in the
database whose events it signs: a copy of the database, or a second server given a copy,
cannot sign anything a desk believes. ``waystation-server migrate`` makes the key when there
is none (so does the first start in development mode); in production mode the server refuses
to start without it. Back it up apart from the database; see docs/tokens.md for a key change.
"""

from __future__ import annotations

import base64
import os
import secrets
from pathlib import Path

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from sync.protocol import signing
from sync.server.settings import ServerSettings


class SigningKeyError(Exception):
    """No key file, or one that holds no Ed25519 private key."""


class ServerKey:
    def __init__(self, private_key: Ed25519PrivateKey) -> None:
        self._private_key = private_key
        raw = private_key.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )
        self.public_key_b64 = base64.b64encode(raw).decode("ascii")

    @classmethod
    def load(cls, path: Path) -> ServerKey:
        try:
            data = path.read_bytes()
        except OSError as error:
            raise SigningKeyError(
                f"no server signing key at {path}: run waystation-server migrate"
            ) from error
        try:
            key = serialization.load_pem_private_key(data, password=None)
        except (ValueError, TypeError, UnsupportedAlgorithm) as error:
            raise SigningKeyError(f"{path} holds no private key") from error
        if not isinstance(key, Ed25519PrivateKey):
            raise SigningKeyError(f"{path} holds no Ed25519 private key")
        return cls(key)

    @classmethod
    def load_or_create(cls, path: Path) -> ServerKey:
        """The key in ``path``, made there first when there is none (never replaced)."""
        if not path.exists():
            create(path)
        return cls.load(path)

    def sign(self, kind: str, event_id: str, entity_id: str, station_id: str, payload: str) -> str:
        """Base64 signature of a server-authored event (``payload``: its canonical JSON)."""
        message = signing.message(kind, event_id, entity_id, station_id, payload.encode("utf-8"))
        return base64.b64encode(self._private_key.sign(message)).decode("ascii")


def create(path: Path) -> None:
    """A new key at ``path``, whole or not at all, never over an existing file: written to a
    private temporary file and hard-linked into place (two processes starting at once agree
    on one key: the loser's link fails and it reads the winner's)."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    pem = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.write(fd, pem)
        os.fsync(fd)
    finally:
        os.close(fd)
    try:
        os.link(temporary, path)
    except FileExistsError:
        pass
    finally:
        temporary.unlink()


def server_key(settings: ServerSettings, create: bool = False) -> ServerKey:
    """The configured key. Made when missing if ``create`` (migrate) or in development mode;
    in production a missing key is an error (SigningKeyError): the server does not start."""
    path = settings.signing_key_path
    if create or not settings.production:
        return ServerKey.load_or_create(path)
    return ServerKey.load(path)
