"""The central server's public key, pinned at enrolment: the only key whose word this desk
takes on device keys, revocations and conflicts (docs/tokens.md, "The server's key").

Kept in ``keys/server-ed25519.pub`` (base64 of the 32 raw bytes, mode 0600 like the other
files there). Only an enrolment writes it; nothing pulled can change it.
"""

from __future__ import annotations

import os
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from desktop.domain.errors import RuleViolation
from desktop.identity.secrets import _write_private
from sync.protocol import signing

SERVER_KEY_FILE = "server-ed25519.pub"


def pin_server_key(keys: Path, text: str) -> None:
    """Pin the key an enrolment reply named; refuses a reply without a usable key (a server
    older than the event contract, or a tampered reply)."""
    if signing.public_key_of(text) is None:
        raise RuleViolation("sync.no_server_key")
    path = keys / SERVER_KEY_FILE
    replacement = path.with_suffix(".new")  # enrolling again: the new key replaces the old
    replacement.unlink(missing_ok=True)
    _write_private(replacement, text.encode("ascii"))
    os.replace(replacement, path)


def server_key(keys: Path) -> Ed25519PublicKey | None:
    """The pinned key, or None (never enrolled, or enrolled before keys were pinned)."""
    try:
        text = (keys / SERVER_KEY_FILE).read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        return None
    return signing.public_key_of(text)
