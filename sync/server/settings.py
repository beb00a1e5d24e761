"""Server settings from the environment (``WAYSTATION_SERVER_*``) or a ``.env`` file."""

from __future__ import annotations

import math
from collections import Counter
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

from platformdirs import user_data_path
from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEVELOPMENT_ADMIN_TOKEN = "development-only-admin-token"
DEVELOPMENT_WARNING = (
    "DEVELOPMENT MODE: /v1/admin/* accepts the public development token "
    f"({DEVELOPMENT_ADMIN_TOKEN!r}) that anyone can read in the source; this server listens "
    "on loopback only. For real stations set WAYSTATION_SERVER_MODE=production and "
    "WAYSTATION_SERVER_ADMIN_TOKEN to a secret (python -c 'import secrets; "
    "print(secrets.token_urlsafe(32))')."
)
MIN_TOKEN_LENGTH = 24
MIN_TOKEN_BITS = 100  # estimated: length x the Shannon entropy of its characters
LOOPBACK = ("127.0.0.1", "::1", "localhost")


class SettingsError(Exception):
    pass


SIGNING_KEY_FILE = "server-ed25519.key"


def _default_data_folder() -> Path:
    return Path(user_data_path("waystation-server", appauthor=False))


def _default_database_url() -> str:
    return f"sqlite:///{_default_data_folder() / 'waystation-server.sqlite3'}"


class ServerSettings(BaseSettings):
    """``database_url``: PostgreSQL in production (``postgresql+psycopg://user@host/db``);
    a SQLite file by default, so that a trial needs no configuration at all.

    ``data_folder`` holds the server's signing key (``server-ed25519.key``) unless
    ``signing_key_file`` names another place: never the database (sync/server/signing.py).
    """

    model_config = SettingsConfigDict(
        env_prefix="WAYSTATION_SERVER_", env_file=".env", extra="ignore"
    )

    mode: str = Field(default="development", pattern="^(development|production)$")

    @field_validator("mode", mode="before")
    @classmethod
    def _mode(cls, value: object) -> object:
        return value.strip().lower() if isinstance(value, str) else value  # "Production"

    database_url: str = Field(default_factory=_default_database_url)
    data_folder: Path = Field(default_factory=_default_data_folder)
    signing_key_file: Path | None = None
    admin_token: str = DEVELOPMENT_ADMIN_TOKEN
    public_url: str = "http://127.0.0.1:8700"
    # Where a phone opens a certificate's QR (``{verify_url}/v/{serial}?s=...``): told to
    # each desk at enrolment. Empty: the same as ``public_url``. Set it when desks reach the
    # server by an address phones cannot (a LAN name, a VPN).
    verify_url: str = Field(default="", max_length=100, pattern=r"^(https?://[^\s/?#]+[^\s?#]*)?$")
    min_protocol: int = 1
    enrolment_code_days: int = 7
    # The HQ console shows times on this clock (the server stores UTC).
    console_timezone: str = "Asia/Shanghai"
    # The interactive API docs (/docs, /openapi.json): on in development, off in production
    # unless set to true.
    api_docs: bool | None = None

    @property
    def signing_key_path(self) -> Path:
        return self.signing_key_file or self.data_folder / SIGNING_KEY_FILE

    @property
    def verification_url(self) -> str:
        """The public verification address desks print in certificates' QR codes."""
        return (self.verify_url or self.public_url).rstrip("/")

    @property
    def verification_on_loopback(self) -> bool:
        """The verification address names this machine only (a phone cannot open it)."""
        host = urlsplit(self.verification_url).hostname or ""
        return host in LOOPBACK or host.startswith("127.")

    @property
    def production(self) -> bool:
        return self.mode != "development"

    def check(self) -> None:
        """Refuse the development secret, or a guessable one, anywhere but in development."""
        if self.mode == "development":
            return
        token = self.admin_token
        if (
            token == DEVELOPMENT_ADMIN_TOKEN
            or len(token) < MIN_TOKEN_LENGTH
            or token_bits(token) < MIN_TOKEN_BITS
        ):
            raise SettingsError(
                f"WAYSTATION_SERVER_ADMIN_TOKEN must be a random secret of at least "
                f"{MIN_TOKEN_LENGTH} characters (about {MIN_TOKEN_BITS} bits) in production "
                "mode; make one with: python -c 'import secrets; "
                "print(secrets.token_urlsafe(32))'"
            )

    def check_listening(self, host: str) -> None:
        """Development mode serves the admin API to anyone with the public token: never
        beyond this machine."""
        if self.mode == "development" and host not in LOOPBACK:
            raise SettingsError(
                f"refusing to listen on {host} in development mode (the admin token is "
                "public); listen on 127.0.0.1, or set WAYSTATION_SERVER_MODE=production "
                "with a secret WAYSTATION_SERVER_ADMIN_TOKEN"
            )


def token_bits(token: str) -> float:
    """A rough estimate of a token's entropy: its length times the Shannon entropy of its
    characters (24 spaces: 0 bits; 32 random URL-safe characters: about 150)."""
    if not token.strip():
        return 0.0
    counts = Counter(token)
    per_char = -sum(n / len(token) * math.log2(n / len(token)) for n in counts.values())
    return per_char * len(token)


@lru_cache(maxsize=1)
def load_settings() -> ServerSettings:
    try:
        settings = ServerSettings()
    except ValidationError as error:  # e.g. WAYSTATION_SERVER_MODE=staging
        problems = "; ".join(
            f"WAYSTATION_SERVER_{str(e['loc'][0]).upper()}: {e['msg']}" for e in error.errors()
        )
        raise SettingsError(problems) from None
    settings.check()
    return settings
