"""A desk restored from an older backup hands out no number twice (issue 16, part 3).

The sequence of the issue, over real HTTP to the real server: a backup; more work and a
sync; the backup restored; a new registration; a sync. The server refuses the batch whose
sequence went back, says how far it got, and the desk continues after it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from desktop.backup import make_backup, restore_backup
from desktop.bootstrap import open_desk
from desktop.identity.tokens import Verdict
from desktop.services.certificates import commands as certificates
from desktop.services.members import commands as members
from desktop.services.visits import checkin
from sync.client.engine import sync_once
from tests.sync.conftest import Server, Station, refreshed
from tests.sync.test_sync_e2e import enrolled, register


def server_registrations(server: Server, device_id: str) -> list[tuple[int, str, str]]:
    """(seq, member id, member number) of every member.registered the server holds."""
    engine = create_engine(server.database_url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                text(
                    "SELECT seq, entity_id, payload FROM event "
                    "WHERE device_id = :d AND kind = 'member.registered' ORDER BY seq"
                ),
                {"d": device_id},
            ).all()
            seqs = connection.execute(
                text("SELECT seq FROM event WHERE device_id = :d"), {"d": device_id}
            ).scalars()
            all_seqs = list(seqs)
    finally:
        engine.dispose()
    assert len(all_seqs) == len(set(all_seqs)), "a sequence stored twice"
    return [(seq, entity, json.loads(payload)["member_number"]) for seq, entity, payload in rows]


@pytest.mark.parametrize("replaced", ["damaged", "readable"])
def test_backup_work_sync_restore_register_sync_hands_out_no_number_twice(
    replaced: str, server: Server, make_station: Callable[..., Station], tmp_path: Path
) -> None:
    """``damaged``: the database the backup replaces cannot be read (the usual reason to
    restore), so only the server knows how far the desk had counted. ``readable``: the
    restore itself carries the counters over, and the server has nothing to correct."""
    a = enrolled(server, make_station("东湖驿站"))
    register(a, "李春生", "13912345601")
    assert sync_once(a.desk).ok
    backup = make_backup(a.desk.paths, tmp_path / "usb")

    later = [register(a, name, f"1391234560{i}") for i, name in enumerate(("王芳", "赵强"), 2)]
    checkin.check_in(checkin.CheckIn(member_id=later[0]), a.uow(), a.ctx)
    assert sync_once(a.desk).ok
    device = a.desk.device()
    assert device is not None
    before = server_registrations(server, device.id)
    assert [number for _s, _id, number in before] == [f"{device.code}-000{n}" for n in (1, 2, 3)]

    paths = a.desk.paths
    a.desk.close()
    if replaced == "damaged":
        with open(paths.database, "r+b") as handle:
            handle.truncate(4096)
        for side in ("-wal", "-shm"):
            paths.database.with_name(paths.database.name + side).unlink(missing_ok=True)
    restore_backup(paths, backup)
    a.desk = open_desk(paths.home)
    refreshed(a)
    newcomer = members.register_member(
        members.MemberForm(name="孙新", phone="13912345699", consent=True),
        a.uow(),
        a.ctx,
    )
    if replaced == "damaged":
        assert newcomer.member_number == f"{device.code}-0002"  # the backup's next number
    else:
        assert newcomer.member_number == f"{device.code}-0004"  # carried over at restore

    report = sync_once(a.desk)
    assert report.ok, report.error
    assert report.rewound == (replaced == "damaged")
    assert report.quarantined == 0 and report.pushed >= 1

    after = server_registrations(server, device.id)
    numbers = [number for _s, _id, number in after]
    assert len(numbers) == len(set(numbers)) == 4, numbers
    assert dict((member_id, n) for _s, member_id, n in after)[newcomer.id] == f"{device.code}-0004"
    shown = members.resolve_member(a.uow(), f"{device.code}-0004")
    assert shown.id == newcomer.id
    assert min(s for s, _id, _n in after if _id == newcomer.id) > max(s for s, *_ in before)

    # From now on it counts on after the server's numbers, and a sync has nothing left.
    next_one = members.register_member(
        members.MemberForm(name="周末", phone="13912345698", consent=True), a.uow(), a.ctx
    )
    assert next_one.member_number == f"{device.code}-0005"
    again = sync_once(a.desk)
    assert again.ok and not again.rewound and again.quarantined == 0
    assert len(server_registrations(server, device.id)) == 5


def server_certificates(server: Server, device_id: str) -> dict[str, str]:
    """serial -> recipient of every certificate.issued the server holds from the device."""
    engine = create_engine(server.database_url)
    try:
        with engine.connect() as connection:
            payloads = connection.execute(
                text(
                    "SELECT payload FROM event "
                    "WHERE device_id = :d AND kind = 'certificate.issued' ORDER BY seq"
                ),
                {"d": device_id},
            ).scalars()
            issued = [json.loads(p) for p in payloads]
    finally:
        engine.dispose()
    serials = [p["serial"] for p in issued]
    assert len(serials) == len(set(serials)), f"a serial stored twice: {serials}"
    return {p["serial"]: p["recipient_name"] for p in issued}


def _issue(station: Station, member_id: str) -> certificates.IssuedCertificate:
    form = certificates.CertificateForm(
        member_id=member_id, title="结业证书", purpose="电工技能培训", hours="8"
    )
    return certificates.issue_certificate(form, station.uow(), station.ctx, station.desk.keys)


def test_a_restore_over_a_damaged_database_issues_no_certificate_serial_twice(
    server: Server, make_station: Callable[..., Station], tmp_path: Path
) -> None:
    """Backup; two more certificates and a sync; the damaged database restored from the
    backup; two certificates issued (one revoked) under serials the server already holds;
    a sync: they move past the server's serials, signed anew, and verify."""
    a = enrolled(server, make_station("东湖驿站"))
    people = [register(a, name, f"1391234570{i}") for i, name in enumerate(("甲", "乙", "丙"))]
    first = _issue(a, people[0])
    assert sync_once(a.desk).ok
    backup = make_backup(a.desk.paths, tmp_path / "usb")
    _issue(a, people[1])
    _issue(a, people[2])
    assert sync_once(a.desk).ok
    device = a.desk.device()
    assert device is not None
    code = device.code
    assert set(server_certificates(server, device.id)) == {f"C-{code}-000{n}" for n in (1, 2, 3)}

    paths = a.desk.paths
    a.desk.close()
    with open(paths.database, "r+b") as handle:  # the reason to restore: unreadable
        handle.truncate(4096)
    for side in ("-wal", "-shm"):
        paths.database.with_name(paths.database.name + side).unlink(missing_ok=True)
    restore_backup(paths, backup)
    a.desk = open_desk(paths.home)
    refreshed(a)
    newcomer = register(a, "丁", "13912345709")
    again = [_issue(a, people[0]), _issue(a, newcomer)]
    assert [c.serial for c in again] == [f"C-{code}-0002", f"C-{code}-0003"]  # repeats, so far
    certificates.revoke_certificate(again[0].serial, "写错了课程", a.uow(), a.ctx)

    report = sync_once(a.desk)
    assert report.ok and report.rewound and report.quarantined == 0, report.error
    assert report.reserialled == {
        f"C-{code}-0002": f"C-{code}-0004",
        f"C-{code}-0003": f"C-{code}-0005",
    }
    assert report.renumbered == {}  # 丁's number was new to the server too

    held = server_certificates(server, device.id)
    assert len(held) == 5
    assert held[f"C-{code}-0002"] == "乙" and held[f"C-{code}-0003"] == "丙"  # untouched
    assert held[f"C-{code}-0004"] == "甲" and held[f"C-{code}-0005"] == "丁"
    # Here: the renumbered ones are the desk's, signed anew, and verify by their own links;
    # the revocation followed its certificate; the server's own 0002/0003 came back by pull.
    mine = [certificates.certificate(a.uow(), f"C-{code}-000{n}") for n in (4, 5)]
    assert [c.fields.recipient_name for c in mine] == ["甲", "丁"]
    assert mine[0].revoked and not mine[1].revoked
    for issued in mine:
        verdict, _revoked = certificates.verify_certificate_text(a.uow(), issued.url)
        assert verdict.verdict is Verdict.VALID, (issued.serial, verdict)
    stale, _ = certificates.verify_certificate_text(a.uow(), again[1].url)
    assert stale.verdict is not Verdict.VALID  # the paper printed before the sync: print again
    with a.uow().reading() as uow:
        trail = uow.session.execute(
            text("SELECT detail FROM audit_log WHERE action = 'sequence_rewound'")
        ).scalar_one()
    assert json.loads(trail)["reserialled"] == {
        f"C-{code}-0002": f"C-{code}-0004",
        f"C-{code}-0003": f"C-{code}-0005",
    }
    assert first.serial == f"C-{code}-0001"
    # From now on the desk counts on after the server's serials.
    assert _issue(a, people[1]).serial == f"C-{code}-0006"
    later = sync_once(a.desk)
    assert later.ok and not later.rewound and later.quarantined == 0
    assert len(server_certificates(server, device.id)) == 6
