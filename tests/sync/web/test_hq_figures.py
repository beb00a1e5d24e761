"""The console's figures in a real browser: desks push, the stations list shows today's and
this month's visits, one station shows its month, the district's month report shows every
station side by side with totals and downloads as a workbook (typed cells) and a PDF (the
shipped font, rendered and read back); a district viewer sees only its union's stations.
Screenshots: phone 360x740 and desktop 1366x768, Chinese and English."""

from __future__ import annotations

import io
import json
import re
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
import pytest
from openpyxl import load_workbook
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver

from desktop.domain.clock import to_iso
from desktop.services.members import commands as members
from desktop.services.sync import commands as syncing
from desktop.services.visits import checkin
from sync.client.engine import enrol, sync_once
from sync.client.transport import ServerClient
from tests.sync.conftest import Server, Station, refreshed
from tests.sync.web.conftest import DESKTOP, PHONE, SHOTS
from tests.sync.web.console import client_logged_in, create_account, log_in

EAST, WEST = "东区总工会", "西区总工会"
Shot = Callable[[WebDriver, str, tuple[int, int]], Path]


def enrolled_in(server: Server, station: Station, union: str) -> Station:
    made = server.admin("POST", "/v1/admin/stations", json={"name": station.name, "union": union})
    assert enrol(station.desk, server.url, made["enrolment_code"], station.ctx) == station.name
    refreshed(station)
    return station


def register(station: Station, name: str, phone: str, occupation: str) -> str:
    form = members.MemberForm(name=name, phone=phone, occupation=occupation, consent=True)
    return members.register_member(form, station.uow(), station.ctx, confirm_duplicates=True).id


def visit(station: Station, member_id: str, *services: str) -> str:
    result = checkin.check_in(
        checkin.CheckIn(member_id=member_id, services=services, confirm_repeat=True),
        station.uow(),
        station.ctx,
    )
    assert result.visit_id is not None
    return result.visit_id


def push_handouts(station: Station, day: str, count: int) -> None:
    url, token, epoch = syncing.server(station.uow(), station.desk.paths.keys) or ("", "", None)
    campaign = str(uuid.uuid4())
    events: list[dict[str, Any]] = [
        {
            "event_id": str(uuid.uuid4()),
            "seq": 10_000 + n,  # after all the desk pushed: it pushes no more here
            "kind": "handout.recorded",
            "entity_id": str(uuid.uuid4()),
            "station_id": station.ctx.station_id,
            "device_id": station.ctx.device_id,
            "operator_id": station.ctx.operator_id,
            "device_time": to_iso(datetime.now(UTC)),
            "payload": {
                "campaign_id": campaign,
                "campaign_name": "冬季送温暖",
                "member_id": str(uuid.uuid4()),
                "desk": "DESK01",
                "local_date": day,
            },
        }
        for n in range(count)
    ]
    with ServerClient(url, token, epoch) as client:
        reply = client.http.post(
            "/v1/push",
            content=json.dumps({"events": events}),
            headers={"Content-Type": "application/json"},
        )
    assert reply.status_code == 200
    assert {r["status"] for r in reply.json()["results"]} == {"accepted"}


@pytest.fixture(autouse=True)
def china_time(server: Server, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The desks (this process) keep China's time, as the stations do: their local day is
    the console's. The server runs on the machine's clock, as it would."""
    monkeypatch.setenv("TZ", "Asia/Shanghai")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def text_of(driver: WebDriver) -> str:
    return str(driver.find_element(By.TAG_NAME, "main").text)


def test_figures_pages_month_report_and_downloads(
    server: Server, make_station: Callable[..., Station], page: WebDriver, screenshot: Shot
) -> None:
    a = enrolled_in(server, make_station("东湖驿站"), EAST)
    b = enrolled_in(server, make_station("南湖驿站"), EAST)
    c = enrolled_in(server, make_station("西山驿站"), WEST)
    day = datetime.now(UTC).astimezone().date().isoformat()
    month = day[:7]
    rider = register(a, "张三", "13800000001", "外卖骑手")
    courier = register(a, "李四", "13800000002", "快递员")
    for _ in range(3):
        visit(a, rider, "water", "rest")
    gone = visit(a, courier, "charging")
    checkin.check_in_anonymous("环卫工人", ("water",), a.uow(), a.ctx)
    checkin.void_visit(gone, "扫错了人", a.uow(), a.ctx)
    sync_once(a.desk)
    push_handouts(a, day, 2)
    walker = register(b, "王五", "13800000003", "保安")
    visit(b, walker, "toilet")
    sync_once(b.desk)
    stranger = register(c, "赵六", "13800000004", "货车司机")
    visit(c, stranger, "water")
    visit(c, stranger, "water")
    sync_once(c.desk)

    create_account(server, "hq-admin")
    create_account(server, "east", role="district_viewer", union=EAST)

    # The stations list: today's and this month's visits (A: 5 made, 1 voided).
    log_in(page, server, "hq-admin")
    page.get(server.url + "/hq")
    rows = {
        row.find_element(By.CSS_SELECTOR, "td a").text: row.text
        for row in page.find_elements(By.CSS_SELECTOR, "table.stations tbody tr")
    }
    assert rows["东湖驿站"].split()[-2:] == ["4", "4"]
    assert rows["西山驿站"].split()[-2:] == ["2", "2"]
    assert "今日到访" in text_of(page)
    screenshot(page, "hq-figures-stations-zh", DESKTOP)
    screenshot(page, "hq-figures-stations-zh", PHONE)

    # One station's month.
    page.get(f"{server.url}/hq/stations/{a.ctx.station_id}")
    shown = text_of(page)
    assert f"{month} 的数字" in shown
    assert "饮水" in shown and "外卖骑手" in shown and "环卫工人" in shown
    assert "冬季送温暖" in shown
    totals = page.find_element(By.CSS_SELECTOR, ".figures dl.totals").text
    assert "到访\n4" in totals and "物资发放\n2" in totals
    assert "快递员" not in page.find_element(By.CSS_SELECTOR, ".figures .split").text  # voided
    page.get(f"{server.url}/hq/stations/{a.ctx.station_id}#figures")  # the figures in view
    screenshot(page, "hq-figures-station-zh", DESKTOP)
    screenshot(page, "hq-figures-station-zh", PHONE)
    page.get(f"{server.url}/hq/stations/{a.ctx.station_id}?lang=en#figures")
    assert f"Figures for {month}" in text_of(page) and "Water" in text_of(page)
    screenshot(page, "hq-figures-station-en", DESKTOP)
    screenshot(page, "hq-figures-station-en", PHONE)

    # The district's month: every station, totals; an HQ admin may pick a union.
    page.get(server.url + "/hq/month?lang=zh")
    table = page.find_element(By.CSS_SELECTOR, "table.month")
    body = [r.text for r in table.find_elements(By.CSS_SELECTOR, "tbody tr")]
    assert [line.split()[0] for line in body] == ["东湖驿站", "南湖驿站", "西山驿站"]
    total = table.find_element(By.CSS_SELECTOR, "tfoot tr").text.split()
    assert total[:2] == ["合计", "7"]  # visits: 4 + 1 + 2
    screenshot(page, "hq-figures-month-zh", DESKTOP)
    screenshot(page, "hq-figures-month-zh", PHONE)
    page.get(server.url + "/hq/month?lang=en&union=" + WEST)
    assert "西山驿站" in text_of(page) and "东湖驿站" not in text_of(page)
    page.get(server.url + "/hq/month?lang=en")
    assert "All stations month report" in text_of(page)
    screenshot(page, "hq-figures-month-en", DESKTOP)
    screenshot(page, "hq-figures-month-en", PHONE)

    # A month that is no month: said plainly, this month shown.
    page.get(server.url + "/hq/month?lang=zh&month=2026-13")
    assert "月份应写成" in text_of(page) and f"汇总月报 · {month}" in text_of(page)

    # Downloads: a workbook with numbers in its cells, a PDF in the shipped font.
    client = client_logged_in(server, "hq-admin")
    workbook = client.get(f"/hq/month.xlsx?month={month}")
    assert workbook.status_code == 200
    sheet = load_workbook(io.BytesIO(workbook.content)).active
    assert sheet is not None
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[2][0] == "东湖驿站" and values[2][1] == 4 and isinstance(values[2][1], int)
    assert values[-1][0] == "合计" and values[-1][1] == 7
    document = client.get(f"/hq/month.pdf?month={month}")
    assert document.status_code == 200 and document.headers["content-type"] == "application/pdf"
    fonts = re.findall(rb"/BaseFont\s*/([^\s/]+)", document.content)
    assert fonts and all(b"WenQuanYiMicroHei" in f for f in fonts)  # only the app's font
    assert b"/FontFile2" in document.content  # embedded
    pdf = pdfium.PdfDocument(document.content)
    try:
        words = pdf[0].get_textpage().get_text_range()
        assert "东湖驿站" in words and "合计" in words and "汇总月报" in words
        SHOTS.mkdir(parents=True, exist_ok=True)
        pdf[0].render(scale=1.5).to_pil().save(SHOTS / "hq-figures-month-pdf.png")
    finally:
        pdf.close()

    # A district viewer: its union's stations only, on every figures page and download.
    page.delete_all_cookies()
    log_in(page, server, "east")
    page.get(server.url + "/hq")
    listed = [a.text for a in page.find_elements(By.CSS_SELECTOR, "table.stations tbody td a")]
    assert "西山驿站" not in listed and "东湖驿站" in listed
    page.get(server.url + "/hq/month?union=" + WEST)
    shown = text_of(page)
    assert "西山驿站" not in shown and "东湖驿站" in shown and EAST in shown
    screenshot(page, "hq-figures-month-viewer-zh", PHONE)
    page.get(f"{server.url}/hq/stations/{c.ctx.station_id}")
    assert "西山驿站" not in text_of(page)  # another union's station: not found
    viewer = client_logged_in(server, "east")
    assert viewer.get(f"/hq/stations/{c.ctx.station_id}").status_code == 404
    sheet = load_workbook(io.BytesIO(viewer.get("/hq/month.xlsx").content)).active
    assert sheet is not None
    names = [row[0].value for row in sheet.iter_rows(min_row=3)]
    assert names == ["东湖驿站", "南湖驿站", "合计"]
