"""Alembic environment of the server: runs on the engine ``sync.server.db`` passes in."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Engine

from sync.server.models import Base

engine: Engine = context.config.attributes["engine"]

with engine.connect() as connection:
    context.configure(connection=connection, target_metadata=Base.metadata)
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
