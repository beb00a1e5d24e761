"""Stations, enrolment codes, devices and figures: used by the admin API and the CLI alike."""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from uuid6 import uuid7

from sync.protocol import SERVER_DEVICE_ID, EnrolReply, EnrolRequest, Stats, signing
from sync.protocol.events.conflicts import CONFLICT_RESOLVED, ConflictResolved
from sync.protocol.events.keys import (
    DEVICE_ENROLLED,
    DEVICE_REVOKED,
    DeviceEnrolled,
    DeviceRevoked,
)
from sync.server import db, log
from sync.server.models import (
    ConflictRow,
    DeviceRow,
    EnrolmentCodeRow,
    EventRow,
    MetaRow,
    StationRow,
)
from sync.server.settings import ServerSettings
from sync.server.signing import ServerKey

CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"  # no 0/O, 1/I/L, U: read aloud or typed
STATION_KINDS = ("station", "event")


class AdminError(Exception):
    def __init__(self, code: str, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status


def hashed(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def normalise_code(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())


@dataclass(frozen=True)
class NewStation:
    station_id: str
    name: str
    kind: str
    code: str


def new_code(session: Session, station: StationRow, days: int) -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(12))
    at = log.now()
    session.add(
        EnrolmentCodeRow(
            code_hash=hashed(raw),
            station_id=station.id,
            created_at=at,
            expires_at=at + timedelta(days=days),
        )
    )
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def create_station(
    session: Session, name: str, kind: str, days: int = 7, union: str = ""
) -> NewStation:
    """``union``: the district union the station belongs to (its viewers see it)."""
    name = name.strip()
    union = union.strip()
    if len(union) > 100:
        raise AdminError("bad_union", "a union's name has at most 100 characters")
    if not name or len(name) > 100:
        raise AdminError("bad_name", "a station needs a name of 1 to 100 characters")
    if kind not in STATION_KINDS:
        raise AdminError("bad_kind", f"kind must be one of {', '.join(STATION_KINDS)}")
    if session.scalar(select(StationRow.id).where(StationRow.name == name)) is not None:
        raise AdminError("station_exists", f"a station named {name} exists", 409)
    station = StationRow(
        id=str(uuid7()), name=name, kind=kind, created_at=log.now(), union_name=union
    )
    session.add(station)
    session.flush()
    code = new_code(session, station, days)
    return NewStation(station.id, station.name, station.kind, code)


def enrolment_link(settings: ServerSettings, code: str, key: ServerKey) -> str:
    """What the QR holds (a desk's scanner types it into the enrolment dialog): the address,
    the one-time code and the fingerprint of the server's key, which the desk checks the
    enrolment reply against (a proxy on the way cannot slip it another key)."""
    fingerprint = signing.key_fingerprint(key.public_key_b64)
    return f"waystation-enrol:{settings.public_url.rstrip('/')}#{code}#{fingerprint}"


def station_named(session: Session, ref: str) -> StationRow:
    station = session.get(StationRow, ref) or session.scalar(
        select(StationRow).where(StationRow.name == ref)
    )
    if station is None:
        raise AdminError("not_found", f"no station {ref}", 404)
    return station


def set_union(session: Session, ref: str, union: str) -> StationRow:
    """Move a station to a union (e.g. one made before stations had unions)."""
    union = union.strip()
    if len(union) > 100:
        raise AdminError("bad_union", "a union's name has at most 100 characters")
    station = station_named(session, ref)
    station.union_name = union
    return station


def enrol(session: Session, request: EnrolRequest, key: ServerKey) -> EnrolReply:
    if request.device_id == SERVER_DEVICE_ID or "\x00" in request.device_id:
        raise AdminError("bad_request", "this device id is reserved")
    if signing.public_key_of(request.public_key) is None:
        raise AdminError("bad_request", "public_key must be 32 bytes of Ed25519, base64")
    code = session.scalars(
        select(EnrolmentCodeRow)
        .where(EnrolmentCodeRow.code_hash == hashed(normalise_code(request.code)))
        .with_for_update()
    ).one_or_none()
    at = log.now()
    if code is None or code.used_at is not None or log.aware(code.expires_at) < at:
        raise AdminError("bad_enrolment_code", "unknown, used or expired enrolment code")
    known = session.get(DeviceRow, request.device_id)
    if known is not None:
        return _enrol_again(session, request, known, code, key)
    taken = session.scalar(select(DeviceRow.id).where(DeviceRow.code == request.device_code))
    if taken is not None:
        raise AdminError("device_code_taken", "another device uses this device code", 409)
    station = session.get(StationRow, code.station_id)
    assert station is not None
    token = secrets.token_urlsafe(32)
    session.add(
        DeviceRow(
            id=request.device_id,
            code=request.device_code,
            station_id=station.id,
            local_station_id=request.local_station_id,
            public_key=request.public_key,
            token_hash=hashed(token),
            app_version=request.app_version,
            enrolled_at=at,
            last_seq=0,
            events=0,
        )
    )
    code.used_at = at
    code.used_by = request.device_id
    session.flush()
    payload = DeviceEnrolled(
        device_id=request.device_id,
        device_code=request.device_code,
        public_key=request.public_key,
        station_id=station.id,
        station_name=station.name,
    )
    log.append(
        session,
        [log.server_event(DEVICE_ENROLLED, request.device_id, payload, key, station.id)],
    )
    return EnrolReply(
        device_token=token,
        station_id=station.id,
        station_name=station.name,
        station_kind=station.kind,
        id_hash_key=db.meta(session, "id_hash_key"),
        epoch=db.meta(session, "epoch"),
        server_public_key=key.public_key_b64,
    )


def _enrol_again(
    session: Session,
    request: EnrolRequest,
    device: DeviceRow,
    code: EnrolmentCodeRow,
    key: ServerKey,
) -> EnrolReply:
    """A device the server knows enrols again with a new one-time code of its station (to
    learn a new server key): only with proof that it holds its own key, never revoked. It
    gets a new token (the old one stops working); its key and code stay as they were."""
    device_key = signing.public_key_of(device.public_key)
    proved = device_key is not None and signing.verify_raw(
        device_key, request.proof, signing.enrolment_message(request.code, request.device_id)
    )
    if (
        not proved
        or device.revoked_at is not None
        or device.code != request.device_code
        or device.public_key != request.public_key
        or code.station_id != device.station_id
    ):
        raise AdminError("device_code_taken", "this device is enrolled already", 409)
    token = secrets.token_urlsafe(32)
    device.token_hash = hashed(token)
    code.used_at = log.now()
    code.used_by = device.id
    station = session.get(StationRow, device.station_id)
    assert station is not None
    return EnrolReply(
        device_token=token,
        station_id=station.id,
        station_name=station.name,
        station_kind=station.kind,
        id_hash_key=db.meta(session, "id_hash_key"),
        epoch=db.meta(session, "epoch"),
        server_public_key=key.public_key_b64,
    )


def device_by_token(session: Session, token: str, lock: bool = False) -> DeviceRow | None:
    """The device holding this token; ``lock``: its row locked for the transaction (a push:
    two processes pushing for one device take turns)."""
    query = select(DeviceRow).where(DeviceRow.token_hash == hashed(token))
    return session.scalar(query.with_for_update() if lock else query)


def device_for_push(session: Session, token: str) -> tuple[DeviceRow | None, str]:
    """The pushing device, its row locked for the transaction, and the server's epoch: one
    round trip. On PostgreSQL the same statement takes its station's lock too
    (``log.STATION_LOCK``): the pushes of one station take
    turns from here to their commit, those of different stations run side by side until
    they take the log's lock (``ingest``)."""
    epoch = select(MetaRow.value).where(MetaRow.key == "epoch").scalar_subquery()
    columns: list[Any] = [DeviceRow, epoch]
    if session.get_bind().dialect.name == "postgresql":
        columns.append(
            func.pg_advisory_xact_lock(log.STATION_LOCK, func.hashtext(DeviceRow.station_id))
        )
    query = (
        select(*columns).where(DeviceRow.token_hash == hashed(token)).with_for_update(of=DeviceRow)
    )
    found = session.execute(query).first()
    if found is None:
        return None, ""
    return found[0], str(found[1] or "")


def list_devices(session: Session) -> list[dict[str, Any]]:
    rows = session.execute(
        select(DeviceRow, StationRow.name)
        .join(StationRow, StationRow.id == DeviceRow.station_id)
        .order_by(StationRow.name, DeviceRow.code)
    ).all()
    return [
        {
            "id": device.id,
            "code": device.code,
            "station": name,
            "enrolled_at": log.aware(device.enrolled_at).isoformat(),
            "revoked": device.revoked_at is not None,
            "last_seq": device.last_seq,
            "events": device.events,
            "missing": max(device.last_seq - device.events, 0),
            "last_push_at": log.aware(device.last_push_at).isoformat()
            if device.last_push_at
            else None,
            "last_pull_at": log.aware(device.last_pull_at).isoformat()
            if device.last_pull_at
            else None,
            "app_version": device.app_version,
        }
        for device, name in rows
    ]


def revoke_device(session: Session, ref: str, key: ServerKey) -> DeviceRow:
    device = session.get(DeviceRow, ref) or session.scalar(
        select(DeviceRow).where(DeviceRow.code == ref.upper())
    )
    if device is None:
        raise AdminError("not_found", f"no device {ref}", 404)
    if device.revoked_at is None:
        device.revoked_at = log.now()
        session.flush()
        payload = DeviceRevoked(
            device_id=device.id,
            device_code=device.code,
            revoked_at=device.revoked_at.isoformat().replace("+00:00", "Z"),
        )
        log.append(
            session,
            [log.server_event(DEVICE_REVOKED, device.id, payload, key, device.station_id)],
        )
    return device


NOTE_MAX = 500


def resolve_conflict(
    session: Session, conflict_id: str, note: str, key: ServerKey, by: str
) -> ConflictRow:
    """HQ closes an open conflict with a note: the same ``conflict.resolved`` a desk makes,
    made by the server and signed, so that every desk applies it as it would a desk's. The
    conflict is locked first: of HQ and a desk's push arriving together, one resolves it and
    the other finds it resolved (and is kept beside it, rules/conflicts.py)."""
    note = " ".join(note.split())
    if not note:
        raise AdminError("note_required", "a resolution needs a note")
    if len(note) > NOTE_MAX:
        raise AdminError("note_too_long", f"a note has at most {NOTE_MAX} characters")
    log.lock_log(session)  # before the row: the order in which pushes take the two locks
    conflict = session.scalars(
        select(ConflictRow).where(ConflictRow.id == conflict_id[:36]).with_for_update()
    ).one_or_none()
    if conflict is None:
        raise AdminError("not_found", f"no conflict {conflict_id}", 404)
    if conflict.status != "open":
        raise AdminError("already_resolved", "this conflict has been resolved already", 409)
    payload = ConflictResolved(conflict_id=conflict.id, note=note, action="note")
    opened = json.loads(conflict.detail)
    station_id = str(opened["records"][-1]["station_id"]) if opened.get("records") else ""
    row = log.server_event(
        CONFLICT_RESOLVED, conflict.id, payload, key, station_id or SERVER_DEVICE_ID
    )
    log.append(session, [row])
    conflict.status = "resolved"
    conflict.resolved_at = log.now()
    conflict.resolution = log.canonical(
        {
            "conflict_id": conflict.id,
            "note": note,
            "action": "note",
            "merge_into": None,
            "merge_from": None,
            "event_id": row["event_id"],
            "device_id": SERVER_DEVICE_ID,
            "by": by,
        }
    )
    session.flush()
    return conflict


def list_conflicts(session: Session, status: str | None = None) -> list[dict[str, Any]]:
    query = select(ConflictRow).order_by(ConflictRow.opened_at)
    if status is not None:
        query = query.where(ConflictRow.status == status)
    return [
        {
            "id": row.id,
            "kind": row.kind,
            "status": row.status,
            "detail": json.loads(row.detail),
            "resolution": json.loads(row.resolution) if row.resolution else None,
        }
        for row in session.scalars(query)
    ]


def stats(session: Session) -> Stats:
    kinds = session.execute(select(EventRow.kind, func.count()).group_by(EventRow.kind)).all()
    stations = session.execute(
        select(StationRow.name, func.count(EventRow.server_seq))
        .join(EventRow, EventRow.station_id == StationRow.id)
        .group_by(StationRow.name)
    ).all()
    open_conflicts = session.scalar(
        select(func.count()).select_from(ConflictRow).where(ConflictRow.status == "open")
    )
    return Stats(
        events_by_kind={kind: int(count) for kind, count in kinds},
        events_by_station={name: int(count) for name, count in stations},
        open_conflicts=int(open_conflicts or 0),
        devices=list_devices(session),
    )


def public_key_b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")
