"""The devices page comes in pages of 100: a district has thousands of devices, and one page
of them all was the console's slowest (bench.hq_console: 2,000 devices, 747 KB, p95 435 ms)."""

from __future__ import annotations

import re

from sync.server.web.hq.devices import PAGE_SIZE
from tests.sync.conftest import Server
from tests.sync.web.console import client_logged_in, create_account
from tests.sync.web.test_hq_viewer import fake_device


def test_the_devices_page_lists_a_hundred_at_a_time(server: Server) -> None:
    made = server.admin("POST", "/v1/admin/stations", json={"name": "东湖驿站"})
    codes = [made["enrolment_code"]]
    for _ in range(PAGE_SIZE + 4):
        codes.append(server.admin("POST", "/v1/admin/stations/东湖驿站/codes")["enrolment_code"])
    for n, code in enumerate(codes):
        fake_device(server, code, f"P{n:05d}")
    create_account(server, "hq-admin")
    admin = client_logged_in(server, "hq-admin")

    first = admin.get("/hq/devices")
    assert first.status_code == 200
    shown = re.findall(r"P\d{5}", first.text)
    assert len(set(shown)) == PAGE_SIZE and "P00000" in shown
    assert "第 1 / 2 页，共 105 台" in first.text and 'href="/hq/devices?page=2"' in first.text

    second = admin.get("/hq/devices?page=2")
    rest = set(re.findall(r"P\d{5}", second.text))
    assert rest == {f"P{n:05d}" for n in range(PAGE_SIZE, PAGE_SIZE + 5)}
    assert 'href="/hq/devices?page=1"' in second.text

    # Beyond the last page, or nonsense: the nearest real page, never an error.
    assert set(re.findall(r"P\d{5}", admin.get("/hq/devices?page=99").text)) == rest
    assert admin.get("/hq/devices?page=-3").status_code == 200
    assert admin.get("/hq/devices?page=abc").status_code in (400, 422)
