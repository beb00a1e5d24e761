"""The server holds desks to the event contract, over real HTTP: each event is checked on its
own (kind, author, payload, envelope bounds) and refused alone, never with a 500; what only
the server may say it says itself, signed with a key that lives outside its database."""

from __future__ import annotations

import base64
import json
import os
import secrets
import stat
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from desktop.domain.clock import to_iso
from desktop.services.sync import commands as syncing
from sync.client.transport import ServerClient
from sync.protocol import SERVER_DEVICE_ID, EventStatus, signing
from tests.sync.conftest import Server, Station
from tests.sync.test_sync_e2e import enrolled


def _client(station: Station) -> ServerClient:
    url, token, epoch = syncing.server(station.uow(), station.desk.paths.keys) or ("", "", None)
    return ServerClient(url, token, epoch)


def _event(
    station: Station, seq: int, kind: str, payload: dict[str, Any], **envelope: Any
) -> dict[str, Any]:
    with station.uow().reading() as uow:
        at = to_iso(uow.now())
    event = {
        "event_id": str(uuid.uuid4()),
        "seq": seq,
        "kind": kind,
        "entity_id": str(uuid.uuid4()),
        "station_id": station.ctx.station_id,
        "device_id": station.ctx.device_id,
        "operator_id": station.ctx.operator_id,
        "device_time": at,
        "payload": payload,
    }
    event.update(envelope)
    return event


def _push(station: Station, events: list[dict[str, Any]]) -> list[tuple[str, str | None]]:
    with _client(station) as client:
        reply = client.http.post(
            "/v1/push",
            content=json.dumps({"events": events}),
            headers={"Content-Type": "application/json"},
        )
    assert reply.status_code == 200, reply.text
    return [(r["status"], r["reason"]) for r in reply.json()["results"]]


def _server_key(server: Server) -> str:
    done = server.cli("migrate", "--json")
    assert done.returncode == 0, done.stderr
    return str(json.loads(done.stdout)["server_public_key"])


VISIT = {"member_id": None, "services": ["water"], "occupation": "外卖骑手", "local_date": ""}


def test_each_bad_event_is_refused_alone_with_its_reason(
    server: Server, make_station: Callable[..., Station]
) -> None:
    a = enrolled(server, make_station("东湖驿站"))
    b = enrolled(server, make_station("光谷驿站"))
    b_code = b.desk.device()
    assert b_code is not None
    forged_key = base64.b64encode(b"\x01" * 32).decode()
    base = 1000
    events = [
        _event(a, base + 1, "visit.recorded", VISIT),
        # What only the server may say: device keys, revocations, conflicts.
        _event(
            a,
            base + 2,
            "device.enrolled",
            {
                "device_id": str(uuid.uuid4()),
                "device_code": "EVIL01",
                "public_key": forged_key,
                "station_id": a.ctx.station_id,
            },
        ),
        _event(
            a,
            base + 3,
            "device.revoked",
            {"device_id": b.ctx.device_id, "device_code": b_code.code},
        ),
        _event(
            a,
            base + 4,
            "conflict.opened",
            {"conflict_id": str(uuid.uuid4()), "conflict_kind": "member.duplicate", "records": []},
        ),
        # Kinds nobody declared, and a NUL in the kind (once an HTTP 500 on PostgreSQL).
        _event(a, base + 5, "visit.teleported", VISIT),
        _event(a, base + 6, "visit.recorded\x00", VISIT),
        # Envelope bounds: sequences within 1..2**53-1, no NUL in the ids.
        _event(a, 2**63 - 1, "visit.recorded", VISIT),
        _event(a, base + 7, "visit.recorded", VISIT, entity_id="bad\x00id"),
        # Payloads that do not match their kind's declaration.
        _event(a, base + 8, "visit.recorded", {**VISIT, "member_id": 12}),
        _event(a, base + 9, "visit.recorded", {**VISIT, "occupation": "骑" * 101}),
        _event(a, base + 10, "visit.recorded", {**VISIT, "occupation": "a\x00b"}),
        _event(
            a,
            base + 11,
            "card.lost",
            {"member_id": str(uuid.uuid4()), "serial": 2**80, "device_code": "AAAAAA"},
        ),
        _event(
            a,
            base + 12,
            "card.lost",
            {"member_id": str(uuid.uuid4()), "serial": 0, "device_code": "AAAAAA"},
        ),
        _event(a, base + 13, "visit.voided", {"visit_id": str(uuid.uuid4())}),
        # Fields a newer desk may add are tolerated, but not NUL or huge numbers in them.
        _event(a, base + 14, "visit.recorded", {**VISIT, "from_a_newer_desk": {"n": 5}}),
        _event(a, base + 15, "visit.recorded", {**VISIT, "from_a_newer_desk": "x\x00"}),
        _event(a, base + 16, "visit.recorded", {**VISIT, "from_a_newer_desk": 2**60}),
        _event(a, base + 17, "visit.recorded", {**VISIT, "from\x00newer": 1}),
        _event(a, base + 18, "visit.recorded", VISIT),
    ]
    results = _push(a, events)
    statuses = [status for status, _ in results]
    reasons = [reason for _, reason in results]
    assert statuses[0] == statuses[14] == statuses[18] == EventStatus.ACCEPTED
    refused = [i for i, status in enumerate(statuses) if status == EventStatus.REJECTED]
    assert refused == [i for i in range(len(events)) if i not in (0, 14, 18)]
    assert reasons[1] == reasons[2] == reasons[3] == "server_authored"
    assert reasons[4] == reasons[5] == "unknown_kind"
    assert reasons[6] is not None and reasons[6].startswith("invalid:seq")
    assert reasons[7] == "invalid:nul_in_text"
    assert reasons[8] == "payload:member_id:Expected `str | null`, got `int`"
    assert reasons[9] is not None and reasons[9].startswith("payload:occupation:")
    assert reasons[10] == reasons[15] == reasons[17] == "payload:nul_in_text"
    assert reasons[11] == reasons[16] == "payload:number_out_of_range"
    assert reasons[12] == "payload:serial:Expected `int` >= 1"
    assert reasons[13] == "payload:Object missing required field `reason`"
    # Nothing refused was stored or handed to another desk.
    kinds = server.stats()["events_by_kind"]
    assert kinds["device.enrolled"] == 2 and "device.revoked" not in kinds
    assert "conflict.opened" not in kinds
    with _client(b) as client:
        keys = client.pull_page("keys", "", 100)
    assert all(e["device_id"] == SERVER_DEVICE_ID for e in keys["events"])
    assert {e["payload"]["device_code"] for e in keys["events"]} == {
        a.desk.device().code,  # type: ignore[union-attr]
        b_code.code,
    }


def test_server_events_are_signed_with_the_key_the_enrolment_reply_names(
    server: Server, make_station: Callable[..., Station]
) -> None:
    a = enrolled(server, make_station("东湖驿站"))
    b = make_station("光谷驿站")
    public = _server_key(server)
    reply = httpx.post(
        server.url + "/v1/enrol",
        json={
            "code": server.station("光谷驿站"),
            "device_id": b.ctx.device_id,
            "device_code": b.desk.device().code,  # type: ignore[union-attr]
            "public_key": base64.b64encode(b.desk.keys.public_key_bytes()).decode(),
            "local_station_id": b.ctx.station_id,
        },
        headers={"X-Waystation-Protocol": "1"},
    )
    assert reply.status_code == 200, reply.text
    assert reply.json()["server_public_key"] == public
    key = signing.public_key_of(public)
    assert key is not None
    server.admin("POST", f"/v1/admin/devices/{b.ctx.device_id}/revoke")
    with _client(a) as client:
        events = client.pull_page("keys", "", 100)["events"]
    # Both enrolments (the server made them: no desk is their author) and the revocation.
    assert [e["kind"] for e in events] == ["device.enrolled", "device.enrolled", "device.revoked"]
    for e in events:
        args = (e["kind"], e["event_id"], e["entity_id"], e["station_id"], e["payload"])
        assert signing.verify(key, e["signature"], *args)
        # Any change to what was signed breaks it.
        assert not signing.verify(
            key,
            e["signature"],
            e["kind"],
            e["event_id"],
            str(uuid.uuid4()),
            e["station_id"],
            e["payload"],
        )
        altered = {**e["payload"], "device_code": "EVIL01"}
        assert not signing.verify(key, e["signature"], *args[:4], altered)
    assert events[2]["payload"]["revoked_at"]
    other = Ed25519PrivateKey.generate().public_key()
    assert not signing.verify(other, events[0]["signature"], *args)


def test_the_reserved_server_device_id_cannot_enrol(server: Server) -> None:
    reply = httpx.post(
        server.url + "/v1/enrol",
        json={
            "code": server.station("冒名站"),
            "device_id": SERVER_DEVICE_ID,
            "device_code": "SRV001",
            "public_key": base64.b64encode(b"k" * 32).decode(),
            "local_station_id": str(uuid.uuid4()),
        },
        headers={"X-Waystation-Protocol": "1"},
    )
    assert reply.status_code == 400 and reply.json()["code"] == "bad_request"


def test_production_runs_only_with_a_signing_key_outside_the_database(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    server = Server(
        f"sqlite:///{tmp_path / 'central.sqlite3'}",
        0,
        tmp_path / "server.log",
        extra_env={"WAYSTATION_SERVER_ADMIN_TOKEN": secrets.token_urlsafe(32)},
        data_folder=folder,
    )
    server.production = True
    refused = server.cli("device", "list")
    assert refused.returncode == 2 and "signing key" in refused.stderr
    assert not (folder / "server-ed25519.key").exists()
    made = server.cli("migrate", "--json")
    assert made.returncode == 0, made.stderr
    key_file = folder / "server-ed25519.key"
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600
    assert json.loads(made.stdout)["signing_key_file"] == str(key_file)
    assert server.cli("device", "list").returncode == 0
    # The key is the file's, not the database's: the same database with another key folder
    # signs with another key (and a desk that pinned the first believes none of it).
    pem = key_file.read_bytes()
    loaded = serialization.load_pem_private_key(pem, password=None)
    assert isinstance(loaded, Ed25519PrivateKey)
    assert b"PRIVATE KEY" not in (tmp_path / "central.sqlite3").read_bytes()


def test_a_key_change_of_the_server_is_rolled_out_by_enrolling_again(
    server: Server, make_station: Callable[..., Station], tmp_path: Path
) -> None:
    from desktop.storage.desk.tables import DeviceKeyRow
    from sync.client.engine import enrol, sync_once

    a = enrolled(server, make_station("东湖驿站"))
    b = enrolled(server, make_station("光谷驿站"))
    assert sync_once(a.desk).ok
    old = (a.desk.paths.keys / "server-ed25519.pub").read_text()
    # The server gets a new key (docs/tokens.md): the old file aside, migrate, sign again.
    server.stop()
    key_file = tmp_path / "server-data" / "server-ed25519.key"
    key_file.rename(key_file.with_suffix(".old"))
    assert server.cli("migrate").returncode == 0
    signed = server.cli("sign-events", "--all", "--json")
    assert signed.returncode == 0 and json.loads(signed.stdout)["signed"] == 2
    server.start()
    server.admin("POST", f"/v1/admin/devices/{b.ctx.device_id}/revoke")
    # A still trusts the old key only: the revocation is set aside, the rest goes on.
    report = sync_once(a.desk)
    assert report.ok and report.set_aside == 1
    with a.uow().reading() as uow:
        b_key = uow.session.get(DeviceKeyRow, b.desk.device().code)  # type: ignore[union-attr]
        assert b_key is not None and b_key.revoked_at is None
    # Nobody else can enrol as A (no proof of A's key) ...
    stranger = httpx.post(
        server.url + "/v1/enrol",
        json={
            "code": server.code("东湖驿站"),
            "device_id": a.ctx.device_id,
            "device_code": a.desk.device().code,  # type: ignore[union-attr]
            "public_key": base64.b64encode(a.desk.keys.public_key_bytes()).decode(),
            "local_station_id": a.ctx.station_id,
        },
        headers={"X-Waystation-Protocol": "1"},
    )
    assert stranger.status_code == 409
    # ... but A, with a new one-time code, learns the new key and takes the revocation.
    assert enrol(a.desk, "", server.code("东湖驿站"), a.ctx, again=True) == "东湖驿站"
    assert (a.desk.paths.keys / "server-ed25519.pub").read_text() != old
    again = sync_once(a.desk)
    assert again.ok and again.set_aside == 0
    assert syncing.status(a.uow()).set_aside == 0
    with a.uow().reading() as uow:
        b_key = uow.session.get(DeviceKeyRow, b.desk.device().code)  # type: ignore[union-attr]
        assert b_key is not None and b_key.revoked_at is not None


def test_the_enrolment_qr_names_the_server_key_and_the_desk_checks_it(
    server: Server, make_station: Callable[..., Station]
) -> None:
    from desktop.domain.errors import RuleViolation
    from sync.client.engine import enrol

    made = server.cli("station", "create", "东湖驿站", "--json")
    assert made.returncode == 0, made.stderr
    link = json.loads(made.stdout)["link"]
    fingerprint = link.rsplit("#", 1)[1]
    assert fingerprint == signing.key_fingerprint(_server_key(server))
    # A proxy answering with its own key is caught by the fingerprint the QR carries.
    a = make_station("东湖驿站")
    other = server.cli("station", "code", "东湖驿站", "--json")
    forged_link = json.loads(other.stdout)["link"].rsplit("#", 1)[0] + "#" + "A" * 16
    with pytest.raises(RuleViolation) as refused:
        enrol(a.desk, "", forged_link, a.ctx)
    assert refused.value.code == "sync.server_key_mismatch"
    assert not (a.desk.paths.keys / "server-ed25519.pub").exists()
    assert syncing.server(a.uow(), a.desk.paths.keys) is None
    assert enrol(a.desk, "", link, a.ctx) == "东湖驿站"
