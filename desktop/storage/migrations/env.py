"""Alembic environment: runs on the engine the application passes in (never a config file)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Engine

from desktop.storage.tables import METADATA

engine: Engine = context.config.attributes["engine"]

with engine.connect() as connection:
    # A batch migration copies a table and drops the old one; with foreign keys enforced,
    # dropping a table other rows refer to fails. So they are off while migrating (outside
    # any transaction, where SQLite allows switching them), checked afterwards, then on.
    raw = connection.connection.driver_connection
    assert raw is not None
    raw.execute("PRAGMA foreign_keys=OFF")
    try:
        context.configure(
            connection=connection,
            target_metadata=METADATA,
            render_as_batch=True,  # SQLite alters tables by copying them
        )
        with context.begin_transaction():
            context.run_migrations()
            problems = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            if problems:
                raise RuntimeError(f"migration broke {len(problems)} foreign key(s)")
        connection.commit()
    finally:
        raw.execute("PRAGMA foreign_keys=ON")
