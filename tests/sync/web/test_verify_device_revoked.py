"""A certificate whose issuing device was revoked later (``device.revoked``: a PC lost,
stolen or retired), on the public page and at a desk's verify tab.

The rule: the server received the certificate before the revocation (its own clock): still
valid, with a note saying the device was revoked. The server did not hold it when the
device was revoked: not valid (it never will reach the server: the device's token is
refused). The server cannot tell when it received it: a warning, not "valid".
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import httpx
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from sqlalchemy import update
from sqlalchemy.orm import Session

from desktop.services.cards import verification
from desktop.services.certificates import commands as certificates
from desktop.storage.desk.repositories import PublicKeys
from sync.client.engine import sync_once
from sync.server.db import make_engine
from sync.server.models import CertificateIndexRow, DeviceRow
from tests.sync.conftest import Server, Station
from tests.sync.test_sync_e2e import enrolled, register
from tests.sync.web.test_verify import Shot, shots, verdict


def _issue(station: Station, member_id: str, purpose: str) -> Any:
    form = certificates.CertificateForm(
        member_id=member_id, title="结业证书", purpose=purpose, hours="16"
    )
    return certificates.issue_certificate(form, station.uow(), station.ctx, station.desk.keys)


def test_a_revoked_devices_certificates_before_and_after(
    server: Server,
    make_station: Callable[..., Station],
    page: WebDriver,
    screenshot: Shot,
) -> None:
    a = enrolled(server, make_station("东湖驿站"))
    c = enrolled(server, make_station("汉口驿站"))
    member = register(a, "李春生", "13912345678")
    before = _issue(a, member, "电工技能提升培训班")
    assert sync_once(a.desk).ok
    assert sync_once(c.desk).ok  # C holds the certificate, pulled before the revocation
    after = _issue(a, member, "焊工培训班")  # signed with the same key, never synced

    # HQ revokes the device (the PC was stolen, say).
    server.admin("POST", f"/v1/admin/devices/{a.ctx.device_id}/revoke")

    # Received before the revocation: valid, and the page says the device was revoked.
    page.get(before.url)
    assert verdict(page) == "有效"
    note = page.find_element(By.ID, "device-revocation").text
    assert "停用" in note and "仍然有效" in note
    assert "电工技能提升培训班" in page.find_element(By.ID, "facts").text
    assert httpx.get(before.url).status_code == 200
    shots(page, screenshot, "valid-device-revoked")
    page.get(before.url + "&lang=en")
    assert verdict(page) == "Valid"
    assert "stays valid" in page.find_element(By.ID, "device-revocation").text
    page.delete_all_cookies()

    # Signed by the revoked device but never received: not valid (never "not synced yet").
    page.get(after.url)
    assert verdict(page) == "无效：发证设备已停用"
    assert "焊工培训班" not in page.page_source
    answer = httpx.get(after.url)
    assert answer.status_code == 410 and answer.headers["cache-control"].startswith("private")
    shots(page, screenshot, "device-revoked")

    engine = make_engine(server.database_url)
    try:
        with Session(engine) as session, session.begin():
            device = session.get(DeviceRow, a.ctx.device_id)
            assert device is not None and device.revoked_at is not None
            revoked_at = device.revoked_at
            # No receipt time (indexed before server migration 0008, its event gone): a
            # warning, never "valid".
            session.execute(
                update(CertificateIndexRow)
                .where(CertificateIndexRow.serial == before.serial)
                .values(received_at=None)
            )
        page.get(before.url)
        assert verdict(page) == "无法确认：发证设备已停用"
        assert "电工技能提升培训班" in page.find_element(By.ID, "facts").text
        assert httpx.get(before.url).status_code == 409
        shots(page, screenshot, "uncertain")

        # Received after the revocation (which the token check makes impossible, unless
        # the server's processes disagree about the time): not valid.
        with Session(engine) as session, session.begin():
            session.execute(
                update(CertificateIndexRow)
                .where(CertificateIndexRow.serial == before.serial)
                .values(received_at=revoked_at + timedelta(seconds=1))
            )
        page.get(before.url)
        assert verdict(page) == "无效：发证设备已停用"
        assert httpx.get(before.url).status_code == 410
    finally:
        engine.dispose()

    # A desk's verify tab, by the same rule: C held the certificate before it learned of
    # the revocation; the one never received it cannot hold.
    assert sync_once(c.desk).ok
    with c.uow().reading() as uow:
        assert uow.repo(PublicKeys).revoked_at(before.serial.split("-")[1]) is not None
    held = verification.scan(c.uow(), before.url)
    assert held.valid and held.message_code == "verify.certificate_valid_device_revoked"
    assert held.device_revoked_at is not None
    assert "scan.device_revoked_at" in dict(held.rows)
    unheld = verification.scan(c.uow(), after.url)
    assert not unheld.valid
    assert unheld.message_code == "verify.unknown_certificate_device_revoked"
