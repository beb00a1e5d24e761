"""A desk that writes as fast as it can and says each time a write was confirmed.

Run by test_power_cut.py, which kills it with SIGKILL at a random moment: every id this
prints must survive, whatever moment the power went.
"""

from __future__ import annotations

import random
import sys

from desktop.bootstrap import open_desk
from desktop.domain.model import DeskContext
from desktop.services.desk import operators
from desktop.services.members import commands as members
from desktop.services.visits import checkin


def main(home: str, seed: int) -> None:
    rng = random.Random(seed)
    desk = open_desk(home)
    device = desk.device()
    assert device is not None
    admin = operators.first_admin(desk.uow())
    ctx = DeskContext(device.station.id, device.id, admin.id, admin.role)
    known: list[str] = []
    with desk.engine.connect() as connection:
        synchronous = connection.exec_driver_sql("PRAGMA synchronous").scalar()
    print("ready", synchronous, flush=True)
    while True:
        if not known or rng.random() < 0.2:
            phone = "13" + "".join(rng.choice("0123456789") for _ in range(9))
            name = rng.choice("王李张刘陈杨") + rng.choice("伟芳娜敏静强磊军")
            form = members.MemberForm(name=name, phone=phone, consent=True)
            member = members.register_member(form, desk.uow(), ctx, confirm_duplicates=True)
            known.append(member.id)
            print("member", member.id, flush=True)
        else:
            command = checkin.CheckIn(
                member_id=rng.choice(known), services=("water",), confirm_repeat=True
            )
            result = checkin.check_in(command, desk.uow(), ctx)
            print("visit", result.visit_id, flush=True)


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
