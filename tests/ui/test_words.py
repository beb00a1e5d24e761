"""Words that fit (issue 15, section 4): no device codes or member ids on attendants' screens,
入库净额 and 日终盲盘 explained where they appear, the language box says the language the desk
runs in, the members toolbar fits 1366 pixels in both languages."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QLabel
from pytestqt.qtbot import QtBot

from desktop import i18n
from desktop.bootstrap import Desk, open_desk
from desktop.domain.model import DeskContext, Member, StationKind
from desktop.i18n import tr
from desktop.identity.keys import generate_private_key
from desktop.identity.tokens import sign_card
from desktop.services.aid import campaigns, handouts, stock
from desktop.services.aid.campaigns import CampaignForm
from desktop.services.cards import commands as cards
from desktop.services.desk import setup
from desktop.services.desk.settings import read_settings
from desktop.services.members import commands as members
from desktop.services.sync import replication
from desktop.services.sync.appliers import APPLIERS as SERVER_APPLIERS
from sync.protocol.events.keys import DEVICE_ENROLLED
from tests.unit.test_services_aid import pull
from ui.admin.settings_screen import SettingsScreen
from ui.aid.handout_screen import HandoutScreen
from ui.aid.stock_screen import StockScreen
from ui.members.list_screen import MembersScreen
from ui.session.state import DeskSession
from ui.verify.screen import VerifyScreen

PUBLIC_KEY = base64.b64encode(bytes(32)).decode()


@pytest.fixture(params=["zh", "en"])
def lang(request: pytest.FixtureRequest) -> Iterator[str]:
    i18n.set_language(request.param)
    yield request.param
    i18n.set_language("zh")


@pytest.fixture
def second(tmp_path: Path) -> Iterator[tuple[Desk, DeskContext]]:
    other = open_desk(tmp_path / "second")
    device, admin = setup.set_up_station(
        setup.StationSetup(
            station_name="东湖驿站",
            kind=StationKind.STATION,
            union_name="测试区总工会",
            admin_name="钱站长",
            admin_pin="9753",
        ),
        other.uow(),
    )
    yield other, DeskContext(device.station.id, device.id, admin.id, admin.role)
    other.close()


def _enrolled(desk: Desk, code: str, station_name: str, key: str = PUBLIC_KEY) -> None:
    """The server's word (pulled, signature checked) that ``code`` belongs to a station."""
    payload = {
        "device_id": "0" * 36,
        "device_code": code,
        "public_key": key,
        "station_id": "s" * 36,
        "station_name": station_name,
    }
    event = replication.PulledEvent(
        server_seq=1,
        event_id="e" * 36,
        kind=DEVICE_ENROLLED.name,
        entity_id=code,
        station_id="s" * 36,
        device_id="0" * 36,
        operator_id=None,
        device_time="2026-07-01T00:00:00.000000Z",
        received_at="2026-07-01T00:00:00.000000Z",
        payload=payload,
    )
    uow = desk.uow()
    with uow:
        SERVER_APPLIERS[DEVICE_ENROLLED](uow, event, DEVICE_ENROLLED.decode(payload))
        uow.commit()


def _member(desk: Desk, ctx: DeskContext, name: str, phone: str) -> Member:
    form = members.MemberForm(name=name, phone=phone, occupation="快递员", consent=True)
    return members.register_member(form, desk.uow(), ctx)


# --- which desk, in words ------------------------------------------------------------------


def test_the_handout_history_names_desks_instead_of_showing_device_codes(
    qtbot: QtBot,
    desk: Desk,
    session: DeskSession,
    ctx: DeskContext,
    second: tuple[Desk, DeskContext],
    lang: str,
) -> None:
    other, other_ctx = second
    item = campaigns.create_item("棉衣", "件", other.uow(), other_ctx)
    campaign = campaigns.create_campaign(
        CampaignForm(
            name="冬送温暖",
            starts_on="2020-07-01",
            ends_on="2099-12-31",
            package=((item.id, 1),),
            max_per_person=3,
        ),
        other.uow(),
        other_ctx,
    )
    person = _member(other, other_ctx, "张三", "13900000001")
    stock.receive(campaign.id, item.id, 10, other.uow(), other_ctx)
    handouts.hand_out(handouts.HandOut(campaign.id, member_id=person.id), other.uow(), other_ctx)
    pull(other, desk)  # the person, the campaign and a handout made at the other desk
    other_code = stock.own_desk(other.uow())
    stock.receive(campaign.id, item.id, 10, desk.uow(), ctx)
    handouts.hand_out(handouts.HandOut(campaign.id, member_id=person.id), desk.uow(), ctx)

    screen = HandoutScreen(session)
    qtbot.addWidget(screen)
    screen.show()
    assert screen.show_person(members.resolve_member(desk.uow(), person.id)) is not None

    def desks() -> set[str]:
        return {screen.history.item(r, 1).text() for r in range(screen.history.rowCount())}

    # Not yet told which station the other device belongs to: a readable word, not the code.
    assert desks() == {tr("desk_name.this_desk"), tr("desk_name.other_desk")}
    tips = {screen.history.item(r, 1).toolTip() for r in range(screen.history.rowCount())}
    assert tr("desk_name.code_tip", code=other_code) in tips  # the code, for support

    _enrolled(desk, other_code, "东湖驿站")
    screen.show_person(members.resolve_member(desk.uow(), person.id))
    assert desks() == {tr("desk_name.this_desk"), "东湖驿站"}
    cells = [
        screen.history.item(r, c).text()
        for r in range(screen.history.rowCount())
        for c in range(screen.history.columnCount())
    ]
    assert not any(other_code in c or session.device.code in c for c in cells), cells


def test_a_device_enrolment_pulled_again_names_a_key_pulled_before_names_were_kept(
    desk: Desk,
) -> None:
    from desktop.services.desk.desks import desk_names

    _enrolled(desk, "RWM3Q3", "")
    assert desk_names(desk.uow(), ["RWM3Q3"]).station_of("RWM3Q3") == ""
    _enrolled(desk, "RWM3Q3", "东湖驿站")
    assert desk_names(desk.uow(), ["RWM3Q3"]).station_of("RWM3Q3") == "东湖驿站"


def _verify_rows(screen: VerifyScreen) -> dict[str, str]:
    found = {}
    for row in range(screen.rows.rowCount()):
        label = screen.rows.itemAt(row, screen.rows.ItemRole.LabelRole).widget()
        value = screen.rows.itemAt(row, screen.rows.ItemRole.FieldRole).widget()
        assert isinstance(label, QLabel) and isinstance(value, QLabel)
        found[label.text().rstrip("：:")] = value.text()
    return found


def test_the_verify_tab_shows_the_members_name_and_the_desk_never_ids_or_codes(
    qtbot: QtBot, desk: Desk, session: DeskSession, ctx: DeskContext, lang: str
) -> None:
    screen = VerifyScreen(session)
    qtbot.addWidget(screen)
    screen.show()
    zhang = _member(desk, ctx, "张三", "13900000001")
    token = cards.card_to_print(zhang.id, desk.uow(), ctx, desk.keys).qr_text
    screen.verify(token)

    shown = _verify_rows(screen)
    assert screen.scanned.text() == ""  # not the signed token's letters
    assert shown[tr("scan.member_name")] == "张三"
    assert shown[tr("scan.member_number")] == zhang.member_number
    assert shown[tr("scan.device")] == tr("desk_name.this_desk")
    assert zhang.id not in " ".join(shown.values())
    # the member number starts with the device code; nothing else shows it
    assert session.device.code not in " ".join(
        v for v in shown.values() if v != zhang.member_number
    )

    # A card of a member registered elsewhere and not pulled yet (its device known here).
    key = generate_private_key()
    stranger = "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b"
    public = base64.b64encode(key.public_key().public_bytes_raw()).decode()
    _enrolled(desk, "RWM3Q3", "东湖驿站", public)
    screen.verify(sign_card(stranger, 1, "RWM3Q3", key))
    shown = _verify_rows(screen)
    assert shown[tr("scan.member_name")] == tr("verify_words.member_elsewhere")
    assert shown[tr("scan.device")] == "东湖驿站"
    assert stranger not in " ".join(shown.values()) and "RWM3Q3" not in " ".join(shown.values())


# --- the stock words -----------------------------------------------------------------------


def test_stocked_net_and_the_blind_count_are_explained_where_they_appear(
    qtbot: QtBot, session: DeskSession, lang: str
) -> None:
    screen = StockScreen(session)
    qtbot.addWidget(screen)
    screen.resize(1366, 700)
    screen.show()
    header = screen.levels.horizontalHeaderItem(1)
    assert header.text() == tr("aid.ui.col_stocked")
    assert header.text() in header.toolTip() and len(header.toolTip()) > len(header.text()) + 20
    assert screen.levels_hint.isVisible()
    assert header.text() in screen.levels_hint.text()
    count = screen.buttons["count"]
    assert len(count.toolTip()) > 20
    if lang == "en":
        assert "Blind" not in count.text()  # a word an attendant would not guess
    else:
        assert "清点" in count.text()
    # the desk's own code is said to be what a transfer needs, not left bare
    assert len(screen.desk_label.text()) > len(stock.own_desk(session.desk.uow())) + 10


# --- the language box ----------------------------------------------------------------------


def test_the_language_box_shows_the_language_the_desk_runs_in(
    qtbot: QtBot, desk: Desk, session: DeskSession
) -> None:
    assert read_settings(desk.uow()).language == "zh"
    i18n.set_language("en")  # --lang en, or WAYSTATION_LANG=en, over the saved Chinese
    try:
        changed: list[str] = []
        screen = SettingsScreen(session, on_language_changed=changed.append)
        qtbot.addWidget(screen)
        screen.load()
        assert screen.language.currentData() == "en"
        assert screen.language.currentText() != "中文"
        screen.save()
        assert changed == []  # saving what is on show does not rebuild the window
    finally:
        i18n.set_language("zh")


# --- the members toolbar -------------------------------------------------------------------


def test_the_members_toolbar_buttons_are_not_clipped_at_1366(
    qtbot: QtBot, qapp: QApplication, session: DeskSession, lang: str
) -> None:
    screen = MembersScreen(session)
    qtbot.addWidget(screen)
    screen.resize(1366, 700)
    screen.show()
    qapp.processEvents()
    for button in (screen.card_menu_button, screen.roster_button):
        assert button.menu() is not None
        text = button.fontMetrics().horizontalAdvance(button.text())
        # the text, its margins and the menu arrow beside it (not drawn over its last letter)
        assert button.width() >= text + 24, (button.text(), button.width(), text)


def test_counts_in_english_read_well_for_one_and_for_none() -> None:
    i18n.set_language("en")
    try:
        for n in (0, 1, 2):
            text = tr("aid.ui.remaining", n=n)
            assert "1 more handouts" not in text and "0 more" not in text, text
    finally:
        i18n.set_language("zh")


def test_the_import_file_field_takes_a_typed_path(
    qtbot: QtBot, session: DeskSession, tmp_path: Path
) -> None:
    from PySide6.QtCore import Qt

    from tests.unit.test_services_imports import messy_roster
    from ui.imports.wizard import ImportWizard

    roster = messy_roster(tmp_path / "花名册.xlsx")
    wizard = ImportWizard(session)
    qtbot.addWidget(wizard)
    wizard.show()
    field = wizard.file_page.path
    assert not field.isReadOnly()
    field.setText(f'"{roster}"')  # as Windows' "copy as path" gives it
    qtbot.keyClick(field, Qt.Key.Key_Return)
    assert wizard.layout_ is not None and wizard.layout_.header_row == 4
    field.setText(str(tmp_path / "没有这个文件.xlsx"))
    qtbot.keyClick(field, Qt.Key.Key_Return)
    assert wizard.layout_ is None and wizard.file_page.info.text()  # said in words
    assert wizard.currentPage() is wizard.file_page  # Enter read the file, no more
