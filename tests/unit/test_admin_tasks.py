"""Enrolling the desk, backing it up and exporting the register are an admin's (issue 16).

The services refuse an attendant and a station lead, whatever screen or verb calls them,
and write who did it into the audit trail.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from desktop.bootstrap import Desk
from desktop.domain.errors import PermissionDenied
from desktop.domain.model import DeskContext, Role
from desktop.services.desk import backups, operators
from desktop.services.sync import commands as syncing


def someone(desk: Desk, ctx: DeskContext, role: Role) -> DeskContext:
    added = operators.add_operator(
        operators.OperatorForm(name=f"小{role.value}", role=role, pin="1357"), desk.uow(), ctx
    )
    return DeskContext(ctx.station_id, ctx.device_id, added.id, added.role)


@pytest.mark.parametrize("role", [Role.ATTENDANT, Role.LEAD])
def test_only_an_admin_backs_up_or_enrols_the_desk(
    role: Role, desk: Desk, ctx: DeskContext, tmp_path: Path
) -> None:
    other = someone(desk, ctx, role)
    with pytest.raises(PermissionDenied):
        backups.back_up(desk.paths, tmp_path / "usb", desk.uow(), other)
    assert not (tmp_path / "usb").exists()
    with pytest.raises(PermissionDenied):
        syncing.enrolment_details(desk.uow(), desk.keys.public_key_bytes(), other)
    assert syncing.enrolment_details(desk.uow(), desk.keys.public_key_bytes(), ctx).device_id


def test_a_backup_is_audited_with_who_made_it(desk: Desk, ctx: DeskContext, tmp_path: Path) -> None:
    made = backups.back_up(desk.paths, tmp_path / "usb", desk.uow(), ctx)
    with sqlite3.connect(desk.paths.database) as db:
        found = db.execute("SELECT operator_id, detail FROM audit_log WHERE action = 'backup_made'")
        ((operator_id, detail),) = found.fetchall()
    assert operator_id == ctx.operator_id and made.name in detail
    when, old = backups.last_backup(desk.paths, desk.uow())
    assert when is None and old  # the chosen folder (the data folder's) has none yet
