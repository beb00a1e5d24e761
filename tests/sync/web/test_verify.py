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
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver

from desktop.config import DeskSettings
from desktop.services.cards import verification
from sync.client.engine import sync_once
from tests.printing import pdfcheck
from tests.sync.conftest import Server, Station
from tests.sync.test_sync_e2e import enrolled, register
from tests.sync.web.conftest import DESKTOP, PHONE

REPO = Path(__file__).resolve().parents[3]
Shot = Callable[[WebDriver, str, tuple[int, int]], Path]


def cli(station: Station, *args: str) -> dict[str, Any]:
    """A ``waystation`` verb at this desk, through the real entry point, ``--json``."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("WAYSTATION_")}
    environment.update(QT_QPA_PLATFORM="offscreen", PYTHONIOENCODING="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "ui.main", "--home", str(station.desk.paths.home), "--json"]
        + list(args),
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=REPO,
        env=environment,
        timeout=120,
    )
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

    waiting = print_certificate(
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
