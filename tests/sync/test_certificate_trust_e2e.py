"""Who may say what about a certificate, end to end over real HTTP (PostgreSQL when
``WAYSTATION_TEST_POSTGRES`` is set):

1. one certificate a serial: a second ``certificate.issued`` under a serial the server holds
   (a new event id) is refused at ingest with its reason, the rest of the batch is stored,
   and the same event sent again stays an idempotent ``duplicate``;
2. only the issuing station (any of its desks) revokes a certificate: another station's
   desk is told so at the desk and the command line, and a tampered desk's revocation is
   refused by the server and, pulled from a log that holds one from before, set aside by
   every desk.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desktop.domain.clock import to_iso
from desktop.domain.errors import RuleViolation
from desktop.i18n import describe, language, set_language
from desktop.services.cards import verification
from desktop.services.certificates import commands as certificates
from desktop.services.sync import commands as syncing
from desktop.storage.certificates.repositories import Certificates
from desktop.storage.sync.tables import OutboxRow
from sync.client import transport
from sync.client.engine import enrol, sync_once
from sync.protocol import EventStatus
from sync.protocol.certificates import CertificateFields, sign_certificate
from sync.server.db import make_engine
from sync.server.figures.tables import FigureDayRow
from tests.sync.conftest import Server, Station, refreshed
from tests.sync.test_contract_server import _client, _push
from tests.sync.test_sync_e2e import enrolled, register
from tests.sync.web.test_verify import run_cli


def _issue(station: Station, member_id: str, purpose: str = "电工技能培训") -> Any:
    form = certificates.CertificateForm(
        member_id=member_id, title="结业证书", purpose=purpose, hours="8"
    )
    return certificates.issue_certificate(form, station.uow(), station.ctx, station.desk.keys)


def _queue_raw(station: Station, kind: str, entity_id: str, payload: dict[str, Any]) -> str:
    """What a tampered desk program does: an outbox row the desk's own code would refuse."""
    event_id = str(uuid.uuid4())
    with station.uow() as uow:
        uow.session.add(
            OutboxRow(
                event_id=event_id,
                kind=kind,
                entity_id=entity_id,
                payload=json.dumps(payload, ensure_ascii=False),
                station_id=station.ctx.station_id,
                device_id=station.ctx.device_id,
                operator_id=station.ctx.operator_id,
                device_time=to_iso(uow.now()),
            )
        )
        uow.commit()
    return event_id


def _refused(station: Station) -> dict[str, str]:
    return {q.entity_id: q.reason for q in syncing.quarantined(station.uow()) if not q.pulled}


def _certificate_events(station: Station, serial: str) -> list[dict[str, Any]]:
    """Every event of the certificates dataset about ``serial`` that a desk pulls."""
    with _client(station) as client:
        page = client.pull_page("certificates", "", 5000)
    return [e for e in page["events"] if e["entity_id"] == serial]


def _second_desk(server: Server, make_station: Callable[..., Station], first: Station) -> Station:
    """Another desk enrolled at ``first``'s station (an event's second sign-in desk)."""
    desk = make_station(first.name + "二号台")
    code = server.code(first.ctx.station_id)
    assert enrol(desk.desk, server.url, code, desk.ctx) == first.name
    refreshed(desk)
    return desk


def test_a_second_certificate_under_a_serial_is_refused_and_the_first_stands(
    server: Server, make_station: Callable[..., Station]
) -> None:
    a = enrolled(server, make_station("东湖驿站"))
    c = enrolled(server, make_station("汉口驿站"))
    member = register(a, "李春生", "13912345678")
    genuine = _issue(a, member)
    assert sync_once(a.desk).ok

    # The same device pushes other words under the same serial (a tampered desk, or one
    # that lost its counter), signed with its own key, beside an ordinary certificate.
    lie = CertificateFields(
        title="结业证书",
        recipient_name="冒名者",
        member_id=None,
        purpose="高级电工",
        hours=200,
        issued_on=genuine.fields.issued_on,
        issuing_union="测试区总工会",
    )
    signature = sign_certificate(genuine.serial, lie, a.desk.keys.private_key)
    second = {
        "serial": genuine.serial,
        "title": lie.title,
        "recipient_name": lie.recipient_name,
        "purpose": lie.purpose,
        "hours": "200",
        "issued_on": lie.issued_on.isoformat(),
        "issuing_union": lie.issuing_union,
        "signature": signature,
    }
    _queue_raw(a, "certificate.issued", genuine.serial, second)
    other = _issue(a, member, "育婴师培训")
    report = sync_once(a.desk)
    assert report.ok and report.quarantined == 1
    assert _refused(a) == {genuine.serial: "rejected:certificate_serial_taken"}

    # The log holds one certificate a serial; the page and every other desk keep the first.
    events = _certificate_events(c, genuine.serial)
    issued = [e for e in events if e["kind"] == "certificate.issued"]
    assert [e["payload"]["recipient_name"] for e in issued] == ["李春生"]
    assert [e["entity_id"] for e in _certificate_events(c, other.serial)] == [other.serial]
    page = httpx.get(genuine.url)
    assert page.status_code == 200 and "李春生" in page.text and "冒名者" not in page.text
    assert sync_once(c.desk).ok
    assert verification.scan(c.uow(), genuine.url).valid
    with c.uow().reading() as uow:
        kept = uow.repo(Certificates).get(genuine.serial)
        assert kept is not None and kept.recipient_name == "李春生"

    # A desk sending the very same event again (its answer was lost) is told duplicate, as
    # before; twice in one batch under new ids, both are refused.
    (sent,) = issued
    again = {key: sent[key] for key in ("event_id", "kind", "entity_id", "station_id")}
    again.update(
        seq=sent["seq"],
        device_id=a.ctx.device_id,
        operator_id=sent["operator_id"],
        device_time=sent["device_time"],
        payload=sent["payload"],
    )
    assert _push(a, [again]) == [(EventStatus.DUPLICATE, None)]
    fresh = _issue(a, member, "焊工培训")  # not pushed yet: its serial is new to the server
    first_copy = dict(again, event_id=str(uuid.uuid4()), entity_id=fresh.serial, seq=10_000)
    first_copy["payload"] = dict(sent["payload"], serial=fresh.serial)
    second_copy = dict(first_copy, event_id=str(uuid.uuid4()), seq=10_001)
    assert _push(a, [first_copy, second_copy]) == [
        (EventStatus.ACCEPTED, None),
        (EventStatus.REJECTED, "certificate_serial_taken"),
    ]


def test_only_the_issuing_station_revokes_a_certificate(
    server: Server, make_station: Callable[..., Station], monkeypatch: pytest.MonkeyPatch
) -> None:
    a = enrolled(server, make_station("东湖驿站"))
    a2 = _second_desk(server, make_station, a)
    b = enrolled(server, make_station("光谷驿站"))
    c = enrolled(server, make_station("汉口驿站"))
    member = register(a, "李春生", "13912345678")
    first = _issue(a, member)
    second = _issue(a, member, "育婴师培训")
    assert sync_once(a.desk).ok
    for desk in (a2, b, c):
        assert sync_once(desk.desk).ok

    # At another station's desk: a plain refusal in the desk's words; nothing written.
    with pytest.raises(RuleViolation) as refused:
        certificates.revoke_certificate(first.serial, "冒领", b.uow(), b.ctx)
    assert refused.value.code == "certificate.not_issuer"
    a_code = first.serial.split("-")[1]
    said = describe(refused.value)
    assert first.serial in said and a_code in said and "不能撤销" in said and "联系发证单位" in said
    before = language()
    set_language("en")
    try:
        said = describe(refused.value)
    finally:
        set_language(before)
    assert "cannot revoke" in said and "contact the issuer" in said and a_code in said
    for lang, words in (("zh", "不能撤销"), ("en", "cannot revoke")):
        done = run_cli(b, "--lang", lang, "certificate", "revoke", first.serial, "--reason", "冒领")
        assert done.returncode == 1 and "Traceback" not in done.stderr
        answer = json.loads(done.stderr)
        assert answer["error"] == "certificate.not_issuer" and words in answer["message"]
    with b.uow().reading() as uow:
        row = uow.repo(Certificates).get(first.serial)
        assert row is not None and row.revoked_at is None
        assert uow.outbox.pending_count() == 0

    # A tampered desk at that station sends one anyway: refused alone, the rest stored.
    _queue_raw(b, "certificate.revoked", first.serial, {"reason": "冒领"})
    other = register(b, "周八", "13100000008")
    report = sync_once(b.desk)
    assert report.ok and report.quarantined == 1
    assert _refused(b) == {first.serial: "rejected:certificate_not_issuer"}
    assert server.stats()["events_by_kind"]["member.registered"] == 2
    assert httpx.get(first.url).status_code == 200
    assert other

    # Another desk of the issuing station may (a course runs on several desks).
    certificates.revoke_certificate(second.serial, "写错了课程", a2.uow(), a2.ctx)
    assert sync_once(a2.desk).ok and not _refused(a2)
    assert httpx.get(second.url).status_code == 410
    assert sync_once(c.desk).ok
    assert verification.scan(c.uow(), second.url).revoked
    assert verification.scan(c.uow(), first.url).valid

    # A revocation by another station that a server stored before this rule (it is in the
    # log) comes to a desk by pull: set aside with its reason, never applied.
    real_pull = transport.ServerClient.pull_page

    def with_old_revocation(
        self: transport.ServerClient, dataset: str, cursor: str, limit: int
    ) -> Any:
        page = real_pull(self, dataset, cursor, limit)
        if dataset == "certificates":
            old = {
                "event_id": str(uuid.uuid4()),
                "seq": 99,
                "kind": "certificate.revoked",
                "entity_id": first.serial,
                "station_id": b.ctx.station_id,
                "device_id": b.ctx.device_id,
                "operator_id": b.ctx.operator_id,
                "device_time": "2026-12-01T08:00:00Z",
                "server_seq": 10_000_000,
                "received_at": "2026-12-01T08:00:01Z",
                "payload": {"reason": "冒领"},
                "signature": None,
            }
            page["events"] = [*page["events"], old]
        return page

    d = enrolled(server, make_station("花山驿站"))
    monkeypatch.setattr(transport.ServerClient, "pull_page", with_old_revocation)
    pulled = sync_once(d.desk)
    monkeypatch.undo()
    assert pulled.ok and pulled.set_aside == 1
    set_aside = [(q.entity_id, q.reason) for q in syncing.quarantined(d.uow()) if q.pulled]
    assert set_aside == [(first.serial, "certificate:not_issuer")]
    assert verification.scan(d.uow(), first.url).valid

    # HQ may revoke any certificate: as the server, signed; every desk believes it.
    done = server.cli("certificate", "revoke", first.serial, "--reason", "设备被盗", "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["revoked"] is True
    page = httpx.get(first.url)
    assert page.status_code == 410 and "设备被盗" in page.text
    again = server.cli("certificate", "revoke", first.serial, "--reason", "再撤一次", "--json")
    assert again.returncode == 1 and "already_revoked" in again.stderr
    for desk in (c, d):
        assert sync_once(desk.desk).ok
        assert verification.scan(desk.uow(), first.url).revoked
    assert syncing.status(d.uow()).set_aside == 1  # the old revocation only

    # The console counts both revocations at the issuing station (a2's and HQ's), none at B.
    engine = make_engine(server.database_url)
    try:
        with Session(engine) as session:
            counted = session.execute(
                select(FigureDayRow.station_id, func.sum(FigureDayRow.certificates_revoked))
                .group_by(FigureDayRow.station_id)
                .having(func.sum(FigureDayRow.certificates_revoked) > 0)
            ).all()
    finally:
        engine.dispose()
    assert [(station, int(n)) for station, n in counted] == [(a.ctx.station_id, 2)]
