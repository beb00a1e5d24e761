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


def _default_database_url() -> str:
    folder = user_data_path("waystation-server", appauthor=False)
    return f"sqlite:///{Path(folder) / 'waystation-server.sqlite3'}"


class ServerSettings(BaseSettings):
    """``database_url``: PostgreSQL in production (``postgresql+psycopg://user@host/db``);
    a SQLite file by default, so that a trial needs no configuration at all."""

    model_config = SettingsConfigDict(
        env_prefix="WAYSTATION_SERVER_", env_file=".env", extra="ignore"
    )

    mode: str = Field(default="development", pattern="^(development|production)$")
    database_url: str = Field(default_factory=_default_database_url)
    admin_token: str = DEVELOPMENT_ADMIN_TOKEN
    public_url: str = "http://127.0.0.1:8700"
    min_protocol: int = 1
    enrolment_code_days: int = 7

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
