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
