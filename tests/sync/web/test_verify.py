"""The public certificate check, end to end: a desk enrolled with a real server (PostgreSQL
in CI) prints a certificate through its command line, the QR is decoded from the rendered
PDF, and a real browser opens it: 有效; with one character of the signature changed: 签名不符;
revoked at the desk and synced: 已撤销; issued but not synced: 尚未同步.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver

from desktop.config import DeskSettings
from desktop.domain.clock import to_iso
from desktop.services.cards import verification
from desktop.services.sync import commands as syncing
from desktop.storage.sync.tables import OutboxRow
from sync.client.engine import sync_once
from sync.protocol.certificates import CertificateFields, certificate_url, sign_certificate
from tests.printing import pdfcheck
from tests.sync.conftest import Server, Station
from tests.sync.test_sync_e2e import enrolled, register
from tests.sync.web.conftest import DESKTOP, PHONE

REPO = Path(__file__).resolve().parents[3]
Shot = Callable[[WebDriver, str, tuple[int, int]], Path]


def run_cli(station: Station, *args: str) -> subprocess.CompletedProcess[str]:
    """A ``waystation`` verb at this desk, through the real entry point, ``--json``."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("WAYSTATION_")}
    environment.update(QT_QPA_PLATFORM="offscreen", PYTHONIOENCODING="utf-8")
    home = str(station.desk.paths.home)
    return subprocess.run(
        [sys.executable, "-m", "ui.main", "--home", home, "--json", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=REPO,
        env=environment,
        timeout=120,
    )


def cli(station: Station, *args: str) -> dict[str, Any]:
    done = run_cli(station, *args)
    assert done.returncode == 0, done.stderr + done.stdout
    assert "Traceback" not in done.stderr
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def print_certificate(station: Station, member: str, out: Path, **options: str) -> dict[str, Any]:
    extra = [item for key, value in options.items() for item in (f"--{key}", value)]
    return cli(station, "print", "certificate", "--member", member, "--out", str(out), *extra)


def qr_of(pdf: Path) -> str:
    """The one QR code on the rendered certificate, as a phone's camera reads it."""
    (page,) = pdfcheck.pages(pdf.read_bytes(), pdf.stem)
    (code,) = pdfcheck.decode(page)
    return str(code.text)


def verdict(page: WebDriver) -> str:
    return str(page.find_element(By.ID, "verdict").text)


def shots(page: WebDriver, screenshot: Shot, name: str) -> None:
    """Phone and desktop, Chinese then English (by the page's own language link)."""
    for size in (PHONE, DESKTOP):
        assert screenshot(page, f"verify-{name}-zh", size).stat().st_size > 1000
    page.find_element(By.CLASS_NAME, "lang").click()
    for size in (PHONE, DESKTOP):
        assert screenshot(page, f"verify-{name}-en", size).stat().st_size > 1000
    page.delete_all_cookies()


def altered(url: str) -> str:
    """The link with one character of its signature changed (one in the middle: the last
    carries spare bits)."""
    head, _, signature = url.partition("?s=")
    i = len(signature) // 2
    swapped = "A" if signature[i] != "A" else "B"
    return f"{head}?s={signature[:i]}{swapped}{signature[i + 1 :]}"


def test_a_phone_reads_valid_forged_revoked_and_not_synced(
    server: Server,
    make_station: Callable[..., Station],
    page: WebDriver,
    screenshot: Shot,
    tmp_path: Path,
) -> None:
    desk = enrolled(server, make_station("东湖驿站"))
    with desk.uow().reading() as uow:
        assert DeskSettings.certificate_base_url.read(uow) == server.url  # enrolment told it
    register(desk, "李春生", "13912345678")
    printed = print_certificate(
        desk,
        "李春生",
        tmp_path / "valid.pdf",
        title="结业证书",
        **{"for": "电工技能提升培训班", "hours": "32", "from": "2026-11-02", "to": "2026-11-20"},
    )
    assert printed["offline_only"] is False
    link = qr_of(tmp_path / "valid.pdf")
    assert link == printed["url"] and link.startswith(server.url + "/v/" + printed["serial"])
    assert sync_once(desk.desk).ok

    page.get(link)
    assert verdict(page) == "有效"
    facts = page.find_element(By.ID, "facts").text
    for shown in ("李春生", "结业证书", "电工技能提升培训班", "32 学时", "2026-11-02"):
        assert shown in facts
    assert "东湖驿站" in facts and "测试区总工会" in facts and printed["serial"] in facts
    assert not page.find_elements(By.TAG_NAME, "script")
    shots(page, screenshot, "valid")
    page.get(link + "&lang=en")
    assert verdict(page) == "Valid" and "32 hours" in page.find_element(By.ID, "facts").text
    page.delete_all_cookies()

    page.get(altered(link))
    assert verdict(page) == "签名不符，可能伪造"
    assert "李春生" not in page.page_source  # no record is shown for a wrong signature
    shots(page, screenshot, "forged")

    revoked = cli(desk, "certificate", "revoke", printed["serial"], "--reason", "培训考核成绩有误")
    assert revoked["revoked"] is True
    assert sync_once(desk.desk).ok
    page.get(link)
    assert verdict(page) == "已撤销"
    assert "培训考核成绩有误" in page.find_element(By.ID, "revocation").text
    shots(page, screenshot, "revoked")

    print_certificate(
        desk, "李春生", tmp_path / "waiting.pdf", title="荣誉证书", **{"for": "优秀学员"}
    )
    page.get(qr_of(tmp_path / "waiting.pdf"))
    assert verdict(page) == "尚未同步到中心，请联系发证驿站"
    assert "东湖驿站" in page.find_element(By.TAG_NAME, "main").text
    shots(page, screenshot, "unknown")
    assert sync_once(desk.desk).ok
    page.get(qr_of(tmp_path / "waiting.pdf"))
    assert verdict(page) == "有效"
    facts = page.find_element(By.ID, "facts").text
    assert "优秀学员" in facts and "学时" not in facts  # an award prints no hours

    page.get(server.url + "/v/C-XXXX?s=short")
    assert verdict(page) == "链接不完整或有误"
    shots(page, screenshot, "malformed")


def test_statuses_headers_and_hostile_links(
    server: Server, make_station: Callable[..., Station], tmp_path: Path
) -> None:
    """Each verdict has its status and caching; whatever a link holds, the answer is a small
    page of our own, never a stack trace."""
    desk = enrolled(server, make_station("光谷驿站"))
    register(desk, "王小红", "13812345678")
    printed = print_certificate(
        desk, "王小红", tmp_path / "c.pdf", title="培训证书", **{"for": "育婴师", "hours": "1.5"}
    )
    link = printed["url"]
    serial = printed["serial"]
    assert httpx.get(link).status_code == 404  # not synced yet
    assert sync_once(desk.desk).ok

    valid = httpx.get(link)
    assert valid.status_code == 200 and "有效" in valid.text and "1.5 学时" in valid.text
    assert valid.headers["cache-control"] == "no-cache"
    assert "Accept-Language" in valid.headers["vary"]
    assert valid.headers["content-security-policy"].startswith("default-src 'none'")
    assert "noindex" in valid.headers["x-robots-tag"]
    assert "<script" not in valid.text and "//" not in valid.text.replace("https://", "").replace(
        "http://", ""
    )
    assert len(valid.content) < 8000  # one small page
    english = httpx.get(link, headers={"Accept-Language": "en-US,en;q=0.9"})
    assert english.status_code == 200 and "Valid" in english.text
    # What a scanner with caps lock types, and what a phone's camera app lower-cases.
    assert httpx.get(link.replace("/v/", "/V/")).status_code in (200, 404)
    lower = link.split("/v/")[0] + "/v/" + serial.lower() + "?s=" + link.split("?s=")[1].lower()
    assert httpx.get(lower).status_code == 200

    forged = httpx.get(altered(link))
    assert forged.status_code == 409 and "签名不符" in forged.text and "王小红" not in forged.text
    assert "max-age" in forged.headers["cache-control"]
    # Another serial of the same device, with this certificate's signature: no names leak.
    other = link.replace(serial, serial[:-1] + ("2" if serial[-1] != "2" else "3"))
    answer = httpx.get(other)
    assert answer.status_code == 404 and "王小红" not in answer.text

    signature = parse_qs(urlsplit(link).query)["s"][0]
    hostile = [
        f"/v/{'C' * 5000}?s={signature}",
        f"/v/{serial}%00?s={signature}",
        f"/v/{serial}?s={signature}%00",
        f"/v/证书-{serial}?s={signature}",
        f"/v/{serial}?s={'A' * 10000}",
        f"/v/{serial}?s=",
        f"/v/{serial}",
        f"/v/{serial}?s={signature}&s={signature}",
        f"/v/{serial}?s=%F0%9F%98%80{signature[2:]}",
        "/v/%E2%80%AE%00%FF",
        "/v/",
    ]
    for path in hostile:
        response = httpx.get(server.url + path)
        assert response.status_code in (400, 404), (path, response.status_code)
        assert "text/html" in response.headers["content-type"], path
        assert "Traceback" not in response.text and "王小红" not in response.text, path

    cli(desk, "certificate", "revoke", serial, "--reason", "重复颁发")
    assert sync_once(desk.desk).ok
    gone = httpx.get(link)
    assert gone.status_code == 410 and "已撤销" in gone.text and "重复颁发" in gone.text
    assert "max-age" in gone.headers["cache-control"]


def test_a_desk_without_an_address_says_so_and_reprints_once_enrolled(
    server: Server,
    make_station: Callable[..., Station],
    page: WebDriver,
    tmp_path: Path,
) -> None:
    """Before enrolment no QR leads nowhere: it is one any station checks offline, and the
    certificate is reprinted under its serial with the real address once the desk knows it."""
    desk = make_station("花山驿站")
    with desk.uow() as uow:  # what an older desk stored: the placeholder
        DeskSettings.certificate_base_url.write(uow, "https://verify.waystation.example")
        uow.commit()
    register(desk, "赵大勇", "13712345678")
    first = print_certificate(
        desk, "赵大勇", tmp_path / "first.pdf", title="结业证书", **{"for": "叉车司机"}
    )
    assert first["offline_only"] is True and "查验网址" in first["warning"]
    offline = qr_of(tmp_path / "first.pdf")
    assert offline == first["url"] and not offline.startswith(("http://", "https://"))
    assert "waystation.example" not in offline
    scan = verification.scan(desk.uow(), offline)
    assert scan.valid and scan.certificate_serial == first["serial"]  # a station checks it

    enrolled(server, desk)
    again = cli(desk, "certificate", "reprint", first["serial"], "--out", str(tmp_path / "b.pdf"))
    assert again["serial"] == first["serial"] and again["offline_only"] is False
    assert again["fields"] == first["fields"]
    link = qr_of(tmp_path / "b.pdf")
    assert link == f"{server.url}/{offline}"  # same serial, same signature, real address
    assert sync_once(desk.desk).ok
    page.get(link)
    assert verdict(page) == "有效" and "赵大勇" in page.find_element(By.ID, "facts").text

    cli(desk, "certificate", "revoke", first["serial"], "--reason", "信息有误")
    refused = run_cli(
        desk, "certificate", "reprint", first["serial"], "--out", str(tmp_path / "c.pdf")
    )
    assert refused.returncode != 0 and "信息有误" in refused.stdout + refused.stderr
    assert "Traceback" not in refused.stderr and not (tmp_path / "c.pdf").exists()


def test_a_desk_cannot_put_words_under_another_desks_serial(
    server: Server, make_station: Callable[..., Station], tmp_path: Path
) -> None:
    """A tampered desk pushes, before the genuine one syncs, a certificate under a serial that
    names another device, signed with its own key: the server refuses it, and the page
    never shows its words."""
    attacker = enrolled(server, make_station("东湖驿站"))
    victim = enrolled(server, make_station("光谷驿站"))
    bystander = enrolled(server, make_station("花山驿站"))
    register(victim, "王小红", "13812345678")
    genuine = print_certificate(
        victim, "王小红", tmp_path / "g.pdf", title="结业证书", **{"for": "育婴师", "hours": "40"}
    )
    serial = genuine["serial"]
    lie = CertificateFields(
        title="结业证书",
        recipient_name="冒名者",
        member_id=None,
        purpose="高级电工",
        hours=200,
        issued_on=date(2026, 12, 1),
        issuing_union="测试区总工会",
    )
    signature = sign_certificate(serial, lie, attacker.desk.keys.private_key)
    with attacker.uow() as uow:
        uow.session.add(
            OutboxRow(
                event_id=str(uuid.uuid4()),
                kind="certificate.issued",
                entity_id=serial,
                payload=json.dumps(
                    {
                        "serial": serial,
                        "title": lie.title,
                        "recipient_name": lie.recipient_name,
                        "purpose": lie.purpose,
                        "hours": "200",
                        "issued_on": "2026-12-01",
                        "issuing_union": lie.issuing_union,
                        "signature": signature,
                    }
                ),
                station_id=attacker.ctx.station_id,
                device_id=attacker.ctx.device_id,
                operator_id=attacker.ctx.operator_id,
                device_time=to_iso(uow.now()),
            )
        )
        uow.commit()
    assert sync_once(attacker.desk).ok
    refused = [q.reason for q in syncing.quarantined(attacker.uow()) if q.entity_id == serial]
    assert refused == ["rejected:certificate_serial_not_own"]
    forged_link = certificate_url(server.url, serial, signature)
    for link in (forged_link, genuine["url"]):
        answer = httpx.get(link)
        assert answer.status_code == 404 and "冒名者" not in answer.text

    assert sync_once(victim.desk).ok
    real = httpx.get(genuine["url"])
    assert real.status_code == 200 and "王小红" in real.text and "冒名者" not in real.text
    fake = httpx.get(forged_link)
    assert fake.status_code == 409 and "冒名者" not in fake.text and "王小红" not in fake.text

    # A third desk pulls the genuine one (the lie never entered the log), and checks each
    # link offline as the page does.
    assert sync_once(bystander.desk).ok
    assert verification.scan(bystander.uow(), genuine["url"]).valid
    assert not verification.scan(bystander.uow(), forged_link).valid
