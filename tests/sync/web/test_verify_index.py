"""Migration 0005 fills the certificate index from the certificates a server already held,
as the rule would have (only from the device a serial names; the first revocation stands)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from alembic import command
from alembic.config import Config
from sqlalchemy.orm import Session

from sync.server.db import MIGRATIONS, make_engine
from sync.server.models import CertificateIndexRow, DeviceRow, EventRow, StationRow

AT = datetime(2026, 11, 20, 8, 30, tzinfo=UTC)


def _event(seq: int, device: str, kind: str, serial: str, payload: dict[str, str]) -> EventRow:
    return EventRow(
        event_id=f"00000000-0000-7000-8000-{seq:012d}",
        device_id=device,
        station_id="s" * 36,
        seq=seq,
        kind=kind,
        dataset="certificates",
        entity_id=serial,
        operator_id=None,
        device_time=AT,
        received_at=AT,
        payload=json.dumps(payload, ensure_ascii=False),
        payload_hash="0" * 64,
    )


def test_certificates_held_before_the_index_are_indexed(server_db: str) -> None:
    engine = make_engine(server_db)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    command.upgrade(config, "0004")  # the revision before the index (0005)
    with Session(engine) as session, session.begin():
        session.add(StationRow(id="s" * 36, name="东湖驿站", kind="station", created_at=AT))
        session.flush()
        for device, code in (("a" * 36, "AAAAAA"), ("b" * 36, "BBBBBB")):
            session.add(
                DeviceRow(
                    id=device,
                    code=code,
                    station_id="s" * 36,
                    local_station_id="s" * 36,
                    public_key="k",
                    token_hash=device[:64],
                    enrolled_at=AT,
                )
            )
        session.flush()
        issued = {"serial": "C-AAAAAA-0001", "title": "结业证书", "recipient_name": "李春生"}
        session.add(_event(1, "b" * 36, "certificate.issued", "C-AAAAAA-0001", issued))
        session.add(_event(2, "a" * 36, "certificate.issued", "C-AAAAAA-0001", issued))
        session.add(_event(3, "b" * 36, "certificate.revoked", "C-AAAAAA-0001", {"reason": "有误"}))
        session.add(_event(4, "a" * 36, "certificate.revoked", "C-AAAAAA-0001", {"reason": "二"}))
    command.upgrade(config, "head")
    with Session(engine) as session:
        rows = session.query(CertificateIndexRow).all()
        assert [(r.serial, r.device_id, r.revoke_reason) for r in rows] == [
            ("C-AAAAAA-0001", "a" * 36, "有误")
        ]
        assert rows[0].event_id == "00000000-0000-7000-8000-000000000002"
        assert rows[0].revoked_at is not None
    command.downgrade(config, "0004")
    engine.dispose()


def test_the_verification_address_the_server_hands_out() -> None:
    import pytest
    from pydantic import ValidationError

    from sync.server.settings import ServerSettings

    plain = ServerSettings(public_url="http://127.0.0.1:8700/")
    assert plain.verification_url == "http://127.0.0.1:8700" and plain.verification_on_loopback
    public = ServerSettings(public_url="http://10.0.0.5:8700", verify_url="https://zs.example.cn/")
    assert public.verification_url == "https://zs.example.cn"
    assert not public.verification_on_loopback
    for bad in ("zs.example.cn", "ftp://zs.example.cn", "https://zs example.cn", "https://"):
        with pytest.raises(ValidationError):
            ServerSettings(verify_url=bad)


def test_migration_0008_keeps_receipt_times_and_only_the_issuing_stations_revocations(
    server_db: str,
) -> None:
    """Before 0008 the index took the first revocation from any desk: made again by the
    rule (a desk of the issuing device's station), and each certificate's receipt time."""
    from sqlalchemy import text

    from sync.server import log

    engine = make_engine(server_db)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    command.upgrade(config, "0007")
    here, there = "s" * 36, "t" * 36
    with Session(engine) as session, session.begin():
        for station, name in ((here, "东湖驿站"), (there, "光谷驿站")):
            session.add(StationRow(id=station, name=name, kind="station", created_at=AT))
        session.flush()
        for device, code, station in (
            ("a" * 36, "AAAAAA", here),  # issues
            ("b" * 36, "BBBBBB", there),  # another station
            ("c" * 36, "CCCCCC", here),  # another desk of the issuing station
        ):
            session.add(
                DeviceRow(
                    id=device,
                    code=code,
                    station_id=station,
                    local_station_id=station,
                    public_key="k",
                    token_hash=device[:64],
                    enrolled_at=AT,
                )
            )
        session.flush()
        for n in (1, 2):
            serial = f"C-AAAAAA-000{n}"
            issued = {"serial": serial, "title": "结业证书", "recipient_name": "李春生"}
            session.add(_event(n, "a" * 36, "certificate.issued", serial, issued))
        revocations = [
            (3, "b" * 36, "C-AAAAAA-0001", "冒领"),
            (4, "c" * 36, "C-AAAAAA-0001", "写错了"),
            (5, "b" * 36, "C-AAAAAA-0002", "冒领"),
        ]
        for seq, device, serial, reason in revocations:
            session.add(_event(seq, device, "certificate.revoked", serial, {"reason": reason}))
        session.flush()
        for n, reason in ((1, "冒领"), (2, "冒领")):  # as the index held them before
            session.execute(
                text(
                    "INSERT INTO certificate_index (serial, event_id, device_id, station_id, "
                    "payload, revoked_at, revoke_reason) VALUES (:serial, :event, :device, "
                    ":station, '{}', :at, :reason)"
                ),
                {
                    "serial": f"C-AAAAAA-000{n}",
                    "event": f"00000000-0000-7000-8000-{n:012d}",
                    "device": "a" * 36,
                    "station": here,
                    "at": AT,
                    "reason": reason,
                },
            )
    command.upgrade(config, "head")
    with Session(engine) as session:
        rows = {r.serial: r for r in session.query(CertificateIndexRow)}
        assert rows["C-AAAAAA-0001"].revoke_reason == "写错了"
        assert rows["C-AAAAAA-0001"].revoked_at is not None
        assert rows["C-AAAAAA-0002"].revoked_at is None
        assert rows["C-AAAAAA-0002"].revoke_reason is None
        for row in rows.values():
            assert row.received_at is not None
            assert log.aware(row.received_at) == AT
    command.downgrade(config, "0007")
    engine.dispose()
