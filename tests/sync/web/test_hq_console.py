"""The HQ console by clicking, in a real browser against a real server and real desks: log
in, create a station (its enrolment QR read off the screen enrols a desk), resolve a
conflict two desks made (the desks then show HQ's note) and revoke a device (its next sync
is refused). Screenshots of every page, phone and desktop, Chinese and English."""

from __future__ import annotations

import base64
import io
from collections.abc import Callable
from pathlib import Path

import zxingcpp
from PIL import Image
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.wait import WebDriverWait

from desktop.services.members import commands as members
from desktop.services.sync import commands as syncing
from sync.client.engine import enrol, sync_once
from tests.sync.conftest import Server, Station, refreshed
from tests.sync.web.conftest import DESKTOP, PHONE
from tests.sync.web.console import create_account, log_in

UNION = "测试区总工会"
ID_BODY = "99000019850101002"


def id_number() -> str:
    from desktop.domain.people import id_check_char

    return ID_BODY + id_check_char(ID_BODY)


def enrolled(server: Server, station: Station, union: str = UNION) -> Station:
    made = server.admin("POST", "/v1/admin/stations", json={"name": station.name, "union": union})
    assert enrol(station.desk, server.url, made["enrolment_code"], station.ctx) == station.name
    refreshed(station)
    return station


def register(station: Station, name: str, phone: str) -> str:
    form = members.MemberForm(name=name, phone=phone, id_number=id_number(), consent=True)
    return members.register_member(form, station.uow(), station.ctx, confirm_duplicates=True).id


Shot = Callable[[WebDriver, str, tuple[int, int]], Path]


def shots(page: WebDriver, screenshot: Shot, server: Server, name: str, path: str) -> None:
    """The page at ``path`` in Chinese and English, phone and desktop; then back to Chinese
    at desktop size."""
    for lang in ("zh", "en"):
        joiner = "&" if "?" in path else "?"
        page.get(f"{server.url}{path}{joiner}lang={lang}")
        assert "Traceback" not in page.page_source
        for size in (PHONE, DESKTOP):
            assert screenshot(page, f"hq-{name}-{lang}", size).stat().st_size > 2000
        # Nothing overflows the phone's width but tables, which scroll in their own box.
        wide = page.execute_script(
            "return document.documentElement.scrollWidth > window.innerWidth + 1;"
        )
        assert not wide, f"{name} ({lang}) is wider than the screen"
    page.get(f"{server.url}{path}{joiner}lang=zh")
    page.set_window_size(*DESKTOP)


def click_link(page: WebDriver, text: str) -> None:
    links = [a for a in page.find_elements(By.TAG_NAME, "a") if text in a.text]
    assert links, (page.current_url, page.find_element(By.TAG_NAME, "body").text)
    links[0].click()


def submit(page: WebDriver, css: str = "main section form button[type=submit]") -> None:
    old = page.find_element(By.TAG_NAME, "html")
    page.find_element(By.CSS_SELECTOR, css).click()
    WebDriverWait(page, 15).until(lambda d: old.id != d.find_element(By.TAG_NAME, "html").id)


def qr_on_screen(page: WebDriver) -> str:
    source = page.find_element(By.CSS_SELECTOR, "img.qr").get_attribute("src") or ""
    assert source.startswith("data:image/png;base64,")
    image = Image.open(io.BytesIO(base64.b64decode(source.split(",", 1)[1])))
    found = zxingcpp.read_barcodes(image)
    assert len(found) == 1
    return str(found[0].text)


def test_hq_logs_in_creates_a_station_resolves_a_conflict_and_revokes_a_device(
    server: Server,
    make_station: Callable[..., Station],
    page: WebDriver,
    screenshot: Shot,
) -> None:
    a = enrolled(server, make_station("东湖驿站"))
    b = enrolled(server, make_station("光谷驿站"))
    register(a, "张秀英", "13800001111")
    register(b, "张秀英", "13800002222")
    assert sync_once(a.desk).ok and sync_once(b.desk).ok and sync_once(a.desk).ok
    assert len(server.conflicts()) == 1
    create_account(server, "hq-admin")

    page.get(server.url + "/hq/login")
    shots(page, screenshot, server, "login", "/hq/login")
    log_in(page, server, "hq-admin")

    # The stations, with their devices and the open conflict.
    rows = {
        row.find_element(By.TAG_NAME, "a").text: row.text
        for row in page.find_elements(By.CSS_SELECTOR, "table.stations tbody tr")
    }
    assert set(rows) == {"东湖驿站", "光谷驿站"}
    assert UNION in rows["东湖驿站"]
    shots(page, screenshot, server, "stations", "/hq")

    # Create a station by clicking; its enrolment QR, read off the screen, enrols a desk.
    page.get(server.url + "/hq")
    click_link(page, "新建驿站")
    shots(page, screenshot, server, "station-new", "/hq/stations/new")
    page.get(server.url + "/hq/stations/new")
    page.find_element(By.NAME, "name").send_keys("汉口驿站")
    page.find_element(By.NAME, "union").send_keys(UNION)
    submit(page)
    assert "驿站已创建" in page.find_element(By.TAG_NAME, "main").text
    code = page.find_element(By.ID, "enrolment-code").text
    link = qr_on_screen(page)
    assert link.startswith(f"waystation-enrol:{server.url}#{code}#")
    for size in (PHONE, DESKTOP):
        screenshot(page, "hq-station-code-zh", size)
    page.set_window_size(*DESKTOP)
    c = make_station("汉口驿站")
    assert enrol(c.desk, "", link, c.ctx) == "汉口驿站"
    # The same in English (another station, so that the page is made anew).
    page.get(server.url + "/hq/stations/new?lang=en")
    page.find_element(By.NAME, "name").send_keys("Hanyang")
    submit(page)
    assert "The station was created" in page.find_element(By.TAG_NAME, "main").text
    for size in (PHONE, DESKTOP):
        screenshot(page, "hq-station-code-en", size)
    page.get(server.url + "/hq?lang=zh")
    page.set_window_size(*DESKTOP)

    # One station's page: its devices and its open conflict.
    click_link(page, "东湖驿站")
    main = page.find_element(By.TAG_NAME, "main").text
    assert a.ctx.device_id not in main  # devices by their codes
    station_path = page.current_url.replace(server.url, "")
    shots(page, screenshot, server, "station", station_path)

    # Resolve the conflict by clicking, with a note.
    page.get(server.url + "/hq")
    click_link(page, "冲突")
    shots(page, screenshot, server, "conflicts", "/hq/conflicts")
    page.get(server.url + "/hq/conflicts")
    click_link(page, "查看并处理")
    conflict_path = page.current_url.replace(server.url, "")
    shots(page, screenshot, server, "conflict-open", conflict_path)
    page.get(server.url + conflict_path)
    page.find_element(By.NAME, "note").send_keys("同一人，两站各自登记；总工会核实")
    submit(page)
    assert "同一人，两站各自登记；总工会核实" in page.find_element(By.ID, "resolution").text
    shots(page, screenshot, server, "conflict-resolved", conflict_path)
    assert server.conflicts()[0]["status"] == "resolved"

    # The resolution reaches the desks like one made at a desk (signed by the server).
    for station in (a, b):
        assert sync_once(station.desk).ok
        [resolved] = syncing.conflicts(station.uow(), include_resolved=True)
        assert resolved.status == "resolved"
        assert resolved.note == "同一人，两站各自登记；总工会核实"
        assert syncing.status(station.uow()).open_conflicts == 0

    # Revoke B's device by clicking; its next sync is refused.
    page.get(server.url + "/hq")
    click_link(page, "设备")
    shots(page, screenshot, server, "devices", "/hq/devices")
    page.get(server.url + "/hq/devices")
    b_code = b.desk.device().code  # type: ignore[union-attr]
    page.find_element(By.CSS_SELECTOR, f"#device-{b_code} a[href$='/revoke']").click()
    revoke_path = page.current_url.replace(server.url, "")
    shots(page, screenshot, server, "device-revoke", revoke_path)
    page.get(server.url + revoke_path)
    submit(page, "#revoke")
    assert "已于" in page.find_element(By.ID, f"device-{b_code}").text
    report = sync_once(b.desk)
    assert not report.ok and report.error is not None
    assert report.error.code == "sync.error.revoked"
    assert sync_once(a.desk).ok  # A is not affected

    # Every change is in the audit, with who made it.
    page.get(server.url + "/hq")
    click_link(page, "操作记录")
    audit = page.find_element(By.CSS_SELECTOR, "table.audit").text
    for action in ("新建驿站", "处理冲突", "停用设备", "登录"):
        assert action in audit
    assert "hq-admin" in audit
    shots(page, screenshot, server, "audit", "/hq/audit")
