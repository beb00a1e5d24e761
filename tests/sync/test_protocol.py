"""What the desk queues in its outbox fits the wire contract the server will accept."""

from __future__ import annotations

import json

import pytest
from pydantic import ValidationError

from desktop.bootstrap import Desk
from desktop.domain.model import DeskContext
from desktop.domain.people import id_check_char
from desktop.services.members import commands as members
from desktop.services.visits import checkin
from sync.protocol import EventEnvelope

# Made up here with a valid check digit; not anybody's number.
ID_FIRST17 = "44030619900307123"
ID_NUMBER = ID_FIRST17 + id_check_char(ID_FIRST17)


def test_outbox_rows_become_valid_envelopes_in_sequence(desk: Desk, ctx: DeskContext) -> None:
    member = members.register_member(
        members.MemberForm(name="张三", phone="13800138000", id_number=ID_NUMBER, consent=True),
        desk.uow(),
        ctx,
    )
    result = checkin.check_in(checkin.CheckIn(member_id=member.id), desk.uow(), ctx)
    assert result.visit_id is not None
    checkin.void_visit(result.visit_id, "误操作", desk.uow(), ctx)

    with desk.uow() as uow:
        rows = uow.outbox.pending()
        envelopes = [
            EventEnvelope(
                event_id=row.event_id,
                seq=row.seq,
                kind=row.kind,
                entity_id=row.entity_id,
                station_id=row.station_id,
                device_id=row.device_id,
                operator_id=row.operator_id,
                device_time=row.device_time,  # type: ignore[arg-type]  # pydantic parses ISO
                payload=json.loads(row.payload),
            )
            for row in rows
        ]
    kinds = [e.kind for e in envelopes]
    assert kinds[-3:] == ["member.registered", "visit.recorded", "visit.voided"]
    seqs = [e.seq for e in envelopes]
    assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs)
    assert len({e.event_id for e in envelopes}) == len(envelopes)
    registered = envelopes[-3].payload
    assert registered["id_last4"] == ID_NUMBER[-4:] and ID_NUMBER not in json.dumps(registered)


def test_an_envelope_refuses_what_it_does_not_know() -> None:
    with pytest.raises(ValidationError):
        EventEnvelope.model_validate(
            {
                "event_id": "x",
                "seq": 0,
                "kind": "visit.recorded",
                "entity_id": "",
                "station_id": "s",
                "device_id": "d",
                "device_time": "not a time",
                "payload": {},
                "surprise": True,
            }
        )


def test_the_fast_envelope_accepts_and_refuses_what_the_documented_one_does() -> None:
    from sync.protocol import MAX_SEQ, PayloadError, contract

    good = {
        "event_id": "01a20000-0000-7000-8000-000000000001",
        "seq": 1,
        "kind": "visit.recorded",
        "entity_id": "01a20000-0000-7000-8000-000000000002",
        "station_id": "01a20000-0000-7000-8000-000000000003",
        "device_id": "01a20000-0000-7000-8000-000000000004",
        "operator_id": None,
        "device_time": "2026-07-01T08:00:00.000000Z",
        "payload": {"services": ["water"]},
    }
    samples = [
        good,
        {**good, "seq": MAX_SEQ},
        {**good, "operator_id": "01a20000-0000-7000-8000-000000000005"},
        {**good, "seq": 0},
        {**good, "seq": MAX_SEQ + 1},
        {**good, "seq": 2**63 - 1},
        {**good, "event_id": "x" * 35},
        {**good, "entity_id": ""},
        {**good, "kind": "k" * 41},
        {**good, "device_time": "not a time"},
        {**good, "payload": []},
        {**good, "surprise": True},
        {key: value for key, value in good.items() if key != "kind"},
    ]
    for sample in samples:
        try:
            EventEnvelope.model_validate(sample)
            documented = True
        except ValidationError:
            documented = False
        try:
            fast = contract.envelope(sample)
        except PayloadError as error:
            assert error.reason.startswith("invalid:")
            fast = None
        assert documented == (fast is not None), sample
    event = contract.envelope(good)
    assert event.device_time == EventEnvelope.model_validate(good).device_time
