"""A district viewer sees its own union's stations and nothing else, and changes nothing:
tried by typing addresses and posting forms (with its own valid CSRF token), not only by
looking for hidden links. Names and notes with HTML in them show as text."""

from __future__ import annotations

import base64
import secrets
import uuid
from collections.abc import Callable

import httpx

from desktop.domain.people import id_check_char
from desktop.services.members import commands as members
from sync.client.engine import enrol, sync_once
from tests.sync.conftest import Server, Station, refreshed
from tests.sync.web.console import client_logged_in, create_account, csrf_of

OURS = "甲区总工会"
THEIRS = "乙区总工会"
HOSTILE = '<img src=x onerror=alert(1)><b>粗</b>"站'
ID_BODY = "99000019850101002"


def station_in(server: Server, name: str, union: str) -> tuple[str, str]:
    made = server.admin("POST", "/v1/admin/stations", json={"name": name, "union": union})
    return str(made["station_id"]), str(made["enrolment_code"])


def desk_in(server: Server, station: Station, union: str) -> Station:
    _station_id, code = station_in(server, station.name, union)
    assert enrol(station.desk, server.url, code, station.ctx) == station.name
    refreshed(station)
    return station


def fake_device(server: Server, code: str, device_code: str) -> str:
    """A device enrolled by the protocol alone (no desk needed to list it)."""
    device_id = str(uuid.uuid4())
    reply = httpx.post(
        server.url + "/v1/enrol",
        json={
            "code": code,
            "device_id": device_id,
            "device_code": device_code,
            "public_key": base64.b64encode(secrets.token_bytes(32)).decode(),
            "local_station_id": str(uuid.uuid4()),
        },
        headers={"X-Waystation-Protocol": "1"},
        timeout=30,
    )
    assert reply.status_code == 200, reply.text
    return device_id


def test_a_district_viewer_sees_and_does_only_what_its_union_allows(
    server: Server, make_station: Callable[..., Station]
) -> None:
    own_id, own_code = station_in(server, HOSTILE, OURS)
    own_device = fake_device(server, own_code, "OWN001")
    g = desk_in(server, make_station("光谷驿站"), THEIRS)
    h = desk_in(server, make_station("汉口驿站"), THEIRS)
    id_number = ID_BODY + id_check_char(ID_BODY)
    for station, phone in ((g, "13800001111"), (h, "13800002222")):
        form = members.MemberForm(name="张秀英", phone=phone, id_number=id_number, consent=True)
        members.register_member(form, station.uow(), station.ctx, confirm_duplicates=True)
    assert sync_once(g.desk).ok and sync_once(h.desk).ok
    [conflict] = server.conflicts()
    theirs_id = next(
        r["station_id"] for r in conflict["detail"]["records"] if r["station_name"] == "光谷驿站"
    )
    theirs_device = g.ctx.device_id

    create_account(server, "viewer", role="district_viewer", union=OURS)
    viewer = client_logged_in(server, "viewer")

    # What it sees: its union's station (the hostile name as text), not the others.
    home = viewer.get("/hq")
    assert home.status_code == 200
    assert "光谷驿站" not in home.text and "汉口驿站" not in home.text
    assert "&lt;img src=x onerror=alert(1)&gt;&lt;b&gt;粗&lt;/b&gt;&#34;站" in home.text
    assert "<img src=x" not in home.text and "<b>粗" not in home.text
    assert viewer.get(f"/hq/stations/{own_id}").status_code == 200
    devices = viewer.get("/hq/devices").text
    assert "OWN001" in devices and g.desk.device().code not in devices  # type: ignore[union-attr]
    assert "新建驿站" not in home.text and "操作记录" not in home.text  # links it may not use

    # Typing the addresses of another union's things: as if they did not exist.
    for path in (
        f"/hq/stations/{theirs_id}",
        f"/hq/conflicts?station={theirs_id}",
        f"/hq/conflicts/{conflict['id']}",
        "/hq/stations/no-such-station",
    ):
        reply = viewer.get(path)
        assert reply.status_code == 404, path
        assert "光谷驿站" not in reply.text and "张秀英" not in reply.text
    listed = viewer.get("/hq/conflicts").text
    assert conflict["id"] not in listed and "张秀英" not in listed
    # Admin pages: refused even for its own union's things.
    for path in (
        "/hq/stations/new",
        "/hq/audit",
        f"/hq/devices/{own_device}/revoke",
        f"/hq/devices/{theirs_device}/revoke",
    ):
        assert viewer.get(path).status_code == 403, path

    # Posting the admin forms with its own valid CSRF token: refused, nothing changes.
    token = csrf_of(home.text)
    for path, form in (
        ("/hq/stations/new", {"name": "偷建驿站", "union": OURS}),
        (f"/hq/stations/{own_id}/code", {}),
        (f"/hq/devices/{own_device}/revoke", {}),
        (f"/hq/devices/{theirs_device}/revoke", {}),
        (f"/hq/conflicts/{conflict['id']}/resolve", {"note": "越权处理"}),
    ):
        reply = viewer.post(path, data={**form, "csrf": token})
        assert reply.status_code == 403, path
    assert server.conflicts()[0]["status"] == "open"
    assert not any(d["revoked"] for d in server.admin("GET", "/v1/admin/devices"))
    admin_view = server.admin("GET", "/v1/admin/devices")
    assert {d["station"] for d in admin_view} == {HOSTILE, "光谷驿站", "汉口驿站"}

    # The other union's viewer sees the conflict between its two stations, but only an
    # HQ admin resolves it.
    create_account(server, "viewer-b", role="district_viewer", union=THEIRS)
    other = client_logged_in(server, "viewer-b")
    page = other.get(f"/hq/conflicts/{conflict['id']}")
    assert page.status_code == 200 and "张秀英" in page.text
    assert 'name="note"' not in page.text and "只有总工会管理员可以处理冲突" in page.text
    assert HOSTILE not in other.get("/hq").text

    # An HQ admin's note with HTML in it shows as text, here and in the audit.
    create_account(server, "hq-admin")
    admin = client_logged_in(server, "hq-admin")
    form = admin.get(f"/hq/conflicts/{conflict['id']}")
    resolved = admin.post(
        f"/hq/conflicts/{conflict['id']}/resolve",
        data={"note": "<script>alert('x')</script>同一人", "csrf": csrf_of(form.text)},
        follow_redirects=True,
    )
    assert resolved.status_code == 200
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;同一人" in resolved.text
    assert "<script>" not in resolved.text
    audit = admin.get("/hq/audit").text
    assert "&lt;script&gt;" in audit and "<script>" not in audit
    assert "viewer" not in [line for line in audit.splitlines() if "越权" in line]

    # The admin makes another enrolment code for the station (a second PC), shown with its
    # QR; the code enrols a device.
    station_page = admin.get(f"/hq/stations/{own_id}")
    made = admin.post(f"/hq/stations/{own_id}/code", data={"csrf": csrf_of(station_page.text)})
    assert made.status_code == 200 and 'src="data:image/png;base64,' in made.text
    code = made.text.split('id="enrolment-code">', 1)[1].split("<", 1)[0]
    fake_device(server, code, "OWN002")
    assert "OWN002" in viewer.get(f"/hq/stations/{own_id}").text
