"""The attack of issue 11, end to end over real HTTP: a desk enrolled honestly tries to teach
every other desk a signing key of its own choosing and to revoke another desk's device.

Desk A (the attacker) queues a ``device.enrolled`` naming a key it made and a
``device.revoked`` naming desk B's device code, beside ordinary events of its own. Then the
same lies reach desk C past the server: injected into its pull pages (a relay), and made by
a copy of the server's database running with another key. The forged key is believed
nowhere, B's cards keep verifying at C, and A's own events still sync.
"""

from __future__ import annotations

import base64
import json
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from desktop.domain.clock import to_iso
from desktop.identity.tokens import sign_card
from desktop.services.cards import commands as cards
from desktop.services.cards import verification
from desktop.services.members import queries as member_queries
from desktop.services.sync import commands as syncing
from desktop.storage.sync.tables import OutboxRow
from sync.client import transport
from sync.client.engine import sync_once
from sync.protocol import SERVER_DEVICE_ID
from tests.sync.conftest import Server, Station
from tests.sync.test_sync_e2e import enrolled, register

FORGED_CODE = "EVXK01"  # a device code nobody enrolled


def _forged_key() -> tuple[Ed25519PrivateKey, str]:
    key = Ed25519PrivateKey.generate()
    raw = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return key, base64.b64encode(raw).decode()


def _lies(attacker: Station, victim: Station, public_key: str) -> list[tuple[str, dict[str, Any]]]:
    victim_device = victim.desk.device()
    assert victim_device is not None
    return [
        (
            "device.enrolled",
            {
                "device_id": str(uuid.uuid4()),
                "device_code": FORGED_CODE,
                "public_key": public_key,
                "station_id": attacker.ctx.station_id,
                "station_name": "东湖驿站",
            },
        ),
        (
            "device.revoked",
            {"device_id": victim.ctx.device_id, "device_code": victim_device.code},
        ),
        (
            "conflict.opened",
            {
                "conflict_id": str(uuid.uuid4()),
                "conflict_kind": "member.duplicate",
                "records": [],
            },
        ),
    ]


def _queue_raw(station: Station, kind: str, payload: dict[str, Any]) -> None:
    """What a tampered desk program does: an outbox row the desk's own code would refuse."""
    with station.uow() as uow:
        uow.session.add(
            OutboxRow(
                event_id=str(uuid.uuid4()),
                kind=kind,
                entity_id=str(payload.get("device_id") or payload.get("conflict_id")),
                payload=json.dumps(payload),
                station_id=station.ctx.station_id,
                device_id=station.ctx.device_id,
                operator_id=station.ctx.operator_id,
                device_time=to_iso(uow.now()),
            )
        )
        uow.commit()


def _as_pulled(station: Station, kind: str, payload: dict[str, Any], seq: int) -> dict[str, Any]:
    """A server-made event as a relay would forge it in a pull page."""
    with station.uow().reading() as uow:
        at = to_iso(uow.now())
    return {
        "event_id": str(uuid.uuid4()),
        "seq": seq,
        "kind": kind,
        "entity_id": str(payload.get("device_id") or payload.get("conflict_id")),
        "station_id": station.ctx.station_id,
        "device_id": SERVER_DEVICE_ID,
        "operator_id": None,
        "device_time": at,
        "server_seq": 10_000_000 + seq,
        "received_at": at,
        "payload": payload,
        "signature": base64.b64encode(b"\0" * 64).decode(),
    }


def test_a_desk_cannot_teach_keys_or_revoke_another_desk(
    server: Server,
    make_server: Callable[..., Server],
    make_station: Callable[..., Station],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    a = enrolled(server, make_station("东湖驿站"))
    b = enrolled(server, make_station("光谷驿站"))
    c = enrolled(server, make_station("汉口驿站"))
    forged_private, forged_public = _forged_key()

    # B's genuine card; A's own, ordinary work.
    b_member = register(b, "周八", "13100000008")
    genuine = cards.card_to_print(b_member, b.uow(), b.ctx, b.desk.keys)
    a_member = register(a, "钱七", "13200000007")
    lies = _lies(a, b, forged_public)
    for kind, payload in lies:
        _queue_raw(a, kind, payload)
    assert sync_once(b.desk).ok

    report = sync_once(a.desk)
    assert report.ok and report.quarantined == len(lies)
    refused = {q.kind: q.reason for q in syncing.quarantined(a.uow()) if not q.pulled}
    assert refused == {kind: "rejected:server_authored" for kind, _ in lies}
    kinds = server.stats()["events_by_kind"]
    assert kinds["device.enrolled"] == 3 and "device.revoked" not in kinds
    assert "conflict.opened" not in kinds

    # 1. Through the server: C learns A's, B's and its own keys, nothing else.
    assert sync_once(c.desk).ok
    assert [m.id for m in member_queries.search_members(c.uow(), "qq")] == [a_member]
    forged_card = sign_card(str(uuid.uuid4()), 1, FORGED_CODE, forged_private)
    assert not verification.scan(c.uow(), forged_card).valid
    assert verification.scan(c.uow(), genuine.qr_text).valid

    # 2. A relay (or a proxy) injects the same lies into C's pull pages.
    real_pull = transport.ServerClient.pull_page

    def relayed(self: transport.ServerClient, dataset: str, cursor: str, limit: int) -> Any:
        page = real_pull(self, dataset, cursor, limit)
        if dataset in ("keys", "conflicts"):
            forged = [
                _as_pulled(a, kind, payload, i)
                for i, (kind, payload) in enumerate(lies)
                if (kind == "conflict.opened") == (dataset == "conflicts")
            ]
            page["events"] = [*page["events"], *forged]
        return page

    monkeypatch.setattr(transport.ServerClient, "pull_page", relayed)
    relayed_report = sync_once(c.desk)
    assert relayed_report.ok and relayed_report.set_aside == len(lies)
    monkeypatch.undo()
    set_aside = {q.kind: q.reason for q in syncing.quarantined(c.uow()) if q.pulled}
    assert set_aside == {kind: "signature" for kind, _ in lies}
    assert syncing.status(c.uow()).set_aside == len(lies)
    assert not verification.scan(c.uow(), forged_card).valid
    assert verification.scan(c.uow(), genuine.qr_text).valid
    assert syncing.conflicts(c.uow()) == []

    # 3. A copy of the server's database, served with another key, revokes B: C, pinned to
    # the real server's key, does not believe it.
    copy = make_server(database_url=server.database_url)
    copy.data_folder = tmp_path / "copy-data"
    copy.stop()
    copy.start()
    copy.admin("POST", f"/v1/admin/devices/{b.ctx.device_id}/revoke")
    with c.uow() as uow:
        uow.repo(syncing.SyncState).set("server_url", copy.url)
        uow.commit()
    copied = sync_once(c.desk)
    assert copied.ok and copied.set_aside == 1
    reasons = [q.reason for q in syncing.quarantined(c.uow()) if q.kind == "device.revoked"]
    assert reasons == ["signature", "signature"]
    assert verification.scan(c.uow(), genuine.qr_text).valid
    assert not verification.scan(c.uow(), forged_card).valid
