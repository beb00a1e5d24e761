"""SQLAlchemy mapping of the local store. The schema itself changes only through Alembic.

Conventions: ids are UUIDv7 text made on the device; times are UTC ISO text
(``desktop.domain.clock.to_iso``); every record says which station, device and operator
made it and the device's own time. Events (visits, voids) are never updated or deleted.
"""

from __future__ import annotations

from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    pass
