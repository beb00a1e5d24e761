"""Server settings from the environment (``WAYSTATION_SERVER_*``) or a ``.env`` file."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from platformdirs import user_data_path
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

DEVELOPMENT_ADMIN_TOKEN = "development-only-admin-token"


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
    database_url: str = Field(default_factory=_default_database_url)
    data_folder: Path = Field(default_factory=_default_data_folder)
    signing_key_file: Path | None = None
    admin_token: str = DEVELOPMENT_ADMIN_TOKEN
    public_url: str = "http://127.0.0.1:8700"
    min_protocol: int = 1
    enrolment_code_days: int = 7

    @property
    def signing_key_path(self) -> Path:
        return self.signing_key_file or self.data_folder / SIGNING_KEY_FILE

    @property
    def production(self) -> bool:
        return self.mode != "development"

    def check(self) -> None:
        """Refuse the development secret anywhere but in development mode."""
        if self.mode != "development" and (
            self.admin_token == DEVELOPMENT_ADMIN_TOKEN or len(self.admin_token) < 24
        ):
            raise SettingsError(
                "WAYSTATION_SERVER_ADMIN_TOKEN must be set to a secret of at least 24 "
                "characters in production mode"
            )


@lru_cache(maxsize=1)
def load_settings() -> ServerSettings:
    settings = ServerSettings()
    settings.check()
    return settings
