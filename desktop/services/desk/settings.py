"""The desk's settings as one value (declared in ``desktop.config``): read, save (admins,
audited)."""

from __future__ import annotations

from desktop.config import DeskSettings
from desktop.domain.clock import to_iso
from desktop.domain.model import DeskContext, Role
from desktop.services.desk.operators import require_role
from desktop.storage.uow import UnitOfWork

__all__ = ["DeskSettings", "read_settings", "save_settings"]


def read_settings(uow: UnitOfWork) -> DeskSettings:
    with uow.reading():
        return DeskSettings(**{option.key: option.read(uow) for option in DeskSettings.options()})


def save_settings(values: DeskSettings, uow: UnitOfWork, ctx: DeskContext) -> DeskSettings:
    """Check every value against its declaration and write them in one transaction; the
    audit trail names what changed."""
    require_role(ctx, Role.ADMIN)
    values = values.cleaned()
    before = read_settings(uow).as_dict()
    changed = {key: value for key, value in values.as_dict().items() if before[key] != value}
    with uow:
        for key, value in changed.items():
            DeskSettings.option(key).write(uow, value)
        if changed:
            uow.audit.record("settings_changed", ctx.operator_id, to_iso(uow.now()), **changed)
        uow.commit()
    return values
