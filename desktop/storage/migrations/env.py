"""Alembic environment: runs on the engine the application passes in (never a config file)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Engine

from desktop.storage.schema import Base

engine: Engine = context.config.attributes["engine"]

with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=True,  # SQLite alters tables by copying them
    )
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
