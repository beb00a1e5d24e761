"""The handout desk: scan or search (the check-in screen's input), see at once what the person
may receive and why not, Enter hands out the default package.

States: SEARCH -> PICKED (status shown; Enter hands out, F6 a lead's override, Esc back).
A scanner burst hands out at once. 代领 (F4) names who collects for the next handout.
"""

from __future__ import annotations

import logging
from enum import Enum

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.aid import Campaign
from desktop.domain.changes import Changes
from desktop.domain.clock import SHORT, shown
from desktop.domain.errors import AppError, NotFound
from desktop.domain.model import Member, Role
from desktop.i18n import describe, tr
from desktop.services.aid import campaigns, handouts
from desktop.services.aid.handouts import AidStatus, HandOut, HandoutRecord, HandoutRefused
from desktop.services.desk.desks import desk_names
from desktop.services.members import commands as members
from desktop.services.members import queries as member_queries
from ui.aid.dialogs import OverrideDialog, SignatureDialog, ask_text, campaign_label
from ui.changes import follow
from ui.checkin.band import ResultBand, Tone
from ui.desk.scan_desk import (
    ScanDesk,
    name_column,
    number_column,
    occupation_column,
    phone_column,
)
from ui.desk.scan_queue import ScanQueue
from ui.desk.search_box import key_time
from ui.desk_names import desk_label, desk_tip
from ui.session.state import DeskSession
from ui.sound import Sounds
from ui.tables import read_only_rows
from ui.tasks import DbOp

log = logging.getLogger(__name__)

AID = Changes(aid=True, outbox=True)


class State(Enum):
    SEARCH = "search"
    PICKED = "picked"


def lines_text(record: HandoutRecord | AidStatus) -> str:
    lines = record.lines if isinstance(record, HandoutRecord) else record.package
    return "，".join(f"{x.item_name} × {x.quantity}{x.unit}" for x in lines)


def when(iso: str) -> str:
    return shown(iso, SHORT)


def refusal_text(status: AidStatus) -> str:
    assert status.refusal is not None
    return tr(
        f"aid.refused.{status.refusal.code.value}", name=status.member.name, **status.refusal.params
    )


class HandoutScreen(QWidget):
    def __init__(self, session: DeskSession, sounds: Sounds | None = None) -> None:
        super().__init__()
        self.setObjectName("handoutScreen")
        self.session = session
        self.sounds = sounds or Sounds(enabled=False)
        self.state = State.SEARCH
        self.campaign: Campaign | None = None
        self.status: AidStatus | None = None
        self.collector: Member | None = None
        # Cards scanned while a handout is being saved wait their turn (none is lost).
        self.scans: ScanQueue[str] = ScanQueue(self._scanned_now)

        self.campaign_box = QComboBox()
        self.campaign_box.setObjectName("campaignBox")
        self.campaign_box.setMinimumHeight(36)
        self.campaign_box.currentIndexChanged.connect(self._campaign_changed)
        self.campaign_box.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.campaign_rules = QLabel()
        self.campaign_rules.setStyleSheet("color:#546e7a;")

        self.desk = ScanDesk(
            session,
            name="handout",
            placeholder=tr("aid.ui.placeholder"),
            columns=[name_column(), number_column(), phone_column(), occupation_column()],
            on_scan=self.scanned,
            on_pick=self.show_person,
            refuse=self._refuse,
        )
        self.search, self.results = self.desk.search, self.desk.results
        self.search.escaped.connect(self.reset)
        self.search.key_for_state.connect(self._state_key)

        self.walk_in_button = QPushButton(tr("checkin.register") + "  F2")
        self.walk_in_button.clicked.connect(self.register_walk_in)
        self.proxy_button = QPushButton(tr("aid.ui.proxy") + "  F4")
        self.proxy_button.setObjectName("proxyButton")
        self.proxy_button.clicked.connect(self.choose_collector)
        self.override_button = QPushButton(tr("aid.ui.override") + "  F6")
        self.override_button.setObjectName("overrideButton")
        self.override_button.clicked.connect(self.override)
        for button in (self.walk_in_button, self.proxy_button, self.override_button):
            button.setMinimumHeight(48)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.collector_label = QLabel()
        self.collector_label.setStyleSheet("color:#6a1b9a; font-weight:bold;")

        self.person = QLabel()
        self.person.setObjectName("personStatus")
        self.person.setWordWrap(True)
        self.person.setStyleSheet("font-size:17px;")
        self.history = QTableWidget(0, 5)
        self.history.setObjectName("personHistory")
        self.history.setHorizontalHeaderLabels(
            [
                tr("aid.ui.col_time"),
                tr("aid.report.desk"),
                tr("aid.ui.col_operator"),
                tr("aid.ui.col_items"),
                tr("aid.ui.col_state"),
            ]
        )
        read_only_rows(self.history)
        self.history.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.history.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.history.setMaximumHeight(150)

        self.counters = QLabel()
        self.counters.setObjectName("aidCounters")
        self.counters.setWordWrap(True)
        self.counters.setStyleSheet(
            "font-size:15px; background:#eceff1; padding:8px; border-radius:4px;"
        )
        self.recent = QTableWidget(0, 4)
        self.recent.setObjectName("recentHandouts")
        self.recent.setHorizontalHeaderLabels(
            [
                tr("aid.ui.col_time"),
                tr("aid.ui.col_member"),
                tr("aid.ui.col_items"),
                tr("aid.ui.col_state"),
            ]
        )
        read_only_rows(self.recent)
        self.recent.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.recent.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.void_button = QPushButton(tr("aid.ui.void"))
        self.void_button.setObjectName("voidHandout")
        self.void_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.void_button.clicked.connect(self.void_selected)
        self._recent: list[HandoutRecord] = []

        self.band = ResultBand(tr("aid.ui.idle"))

        head = QHBoxLayout()
        head.addWidget(QLabel(tr("aid.ui.campaign")))
        head.addWidget(self.campaign_box, 1)
        head.addWidget(self.campaign_rules, 2)
        if session.can(Role.LEAD):
            self.new_campaign_button = QPushButton(tr("aid.ui.new_campaign"))
            self.new_campaign_button.setObjectName("newCampaign")
            self.new_campaign_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            self.new_campaign_button.clicked.connect(self.new_campaign)
            head.addWidget(self.new_campaign_button)
        for button in (self.walk_in_button, self.proxy_button, self.override_button):
            self.desk.top.addWidget(button)
        self.desk.column.insertWidget(1, self.collector_label)
        left = QVBoxLayout()
        left.addWidget(self.desk, 1)
        left.addWidget(self.person)
        left.addWidget(self.history)
        right = QVBoxLayout()
        right.addWidget(self.counters)
        right.addWidget(QLabel(tr("aid.ui.recent")))
        right.addWidget(self.recent, 1)
        right.addWidget(self.void_button)
        body = QHBoxLayout()
        body.addLayout(left, 3)
        body.addLayout(right, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(head)
        layout.addLayout(body, 1)
        layout.addWidget(self.band)

        QShortcut(QKeySequence(Qt.Key.Key_F2), self, self.register_walk_in)
        QShortcut(QKeySequence(Qt.Key.Key_F4), self, self.choose_collector)
        QShortcut(QKeySequence(Qt.Key.Key_F6), self, self.override)
        self.reload_campaigns()
        # Stock moved at the stock screen, campaigns and handouts pulled from other desks.
        follow(session.changes, self, lambda c: c.aid, self._aid_changed)

    # --- campaign -------------------------------------------------------------------------

    def reload_campaigns(self) -> None:
        current = self.campaign.id if self.campaign else None
        found = campaigns.list_campaigns(
            self.session.desk.uow(), include_closed=False, station_id=self.session.ctx().station_id
        )
        self.campaign_box.blockSignals(True)
        self.campaign_box.clear()
        for campaign in found:
            self.campaign_box.addItem(campaign_label(campaign), campaign.id)
        self.campaign_box.blockSignals(False)
        ids = [c.id for c in found]
        self.campaign_box.setCurrentIndex(ids.index(current) if current in ids else 0)
        self._campaign_changed()

    def _aid_changed(self) -> None:
        """Campaigns, stock or handouts changed elsewhere (the stock screen, a sync): the
        campaign list, counters and latest handouts follow; the person being served stays."""
        current = self.campaign.id if self.campaign else None
        found = campaigns.list_campaigns(
            self.session.desk.uow(), include_closed=False, station_id=self.session.ctx().station_id
        )
        ids = [c.id for c in found]
        if current not in ids:
            self.reload_campaigns()
            return
        self.campaign_box.blockSignals(True)
        self.campaign_box.clear()
        for campaign in found:
            self.campaign_box.addItem(campaign_label(campaign), campaign.id)
        self.campaign_box.setCurrentIndex(ids.index(current))
        self.campaign_box.blockSignals(False)
        self.campaign = found[ids.index(current)]
        self.campaign_rules.setText(self._rules_text())
        self.refresh_side()

    def new_campaign(self) -> None:
        from ui.aid.campaign_dialog import CampaignDialog

        dialog = CampaignDialog(self.session, self)
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.created is not None:
            self.campaign = dialog.created
            self.reload_campaigns()
        self.focus_input()

    def _campaign_changed(self, _index: int = -1) -> None:
        campaign_id = self.campaign_box.currentData()
        self.campaign = (
            campaigns.find_campaign(self.session.desk.uow(), campaign_id) if campaign_id else None
        )
        self.campaign_rules.setText(self._rules_text())
        self.reset()
        self.refresh_side()

    def _rules_text(self) -> str:
        c = self.campaign
        if c is None:
            return tr("aid.ui.no_campaign")
        parts = [f"{c.starts_on} ~ {c.ends_on}"]
        if c.central:
            parts.insert(0, tr("aid.central"))
        if c.max_per_person is not None:
            parts.append(tr("aid.cli.rule_limit", n=c.max_per_person))
        if c.max_per_day is not None:
            parts.append(tr("aid.cli.rule_day", n=c.max_per_day))
        if c.min_interval_minutes:
            parts.append(tr("aid.cli.rule_interval", minutes=c.min_interval_minutes))
        if c.tags or c.occupations:
            parts.append(tr("aid.cli.eligible", who="、".join([*c.tags, *c.occupations])))
        if c.refuse_when_out:
            parts.append(tr("aid.cli.rule_refuse_when_out"))
        return " · ".join(parts)

    # --- search ---------------------------------------------------------------------------

    def focus_input(self) -> None:
        self.desk.focus()

    @property
    def _hits(self) -> list[Member]:
        return self.desk.hits

    def update_results(self, text: str) -> None:
        self.desk.update_results(text)

    def submit(self, text: str, scanned: bool) -> None:
        self.desk.submit(text, scanned)

    def scanned(self, text: str) -> None:
        """A card or number scanned: show the person and hand out at once if allowed."""
        self.scans.offer(text)

    def _scanned_now(self, text: str) -> None:
        """Who the scanned text names, found on the database worker: the card of a member
        not on this desk yet is written first, and the GUI thread never waits for the write
        lock (a sync applying a pulled page holds it). Cards scanned meanwhile wait."""
        self.scans.start()
        uow = self.session.desk.uow()
        DbOp(self, lambda: members.resolve_member(uow, text)).success(self._resolved).failure(
            self._not_resolved
        ).run()

    def _resolved(self, member: Member) -> None:
        self.scans.stop()
        try:
            if self.show_person(member):
                self.hand_out()  # a write: the cards scanned meanwhile wait for it
        finally:
            self.scans.next()

    def _not_resolved(self, error: Exception) -> None:
        self.scans.stop()
        try:
            if isinstance(error, NotFound):
                self._refuse(tr("checkin.unknown_code_title"), tr("checkin.unknown_code_detail"))
            elif isinstance(error, AppError):
                self._refuse(tr("checkin.refused_title"), describe(error))
            else:
                raise error
        finally:
            self.scans.next()

    # --- the person -----------------------------------------------------------------------

    def pick(self, row: int) -> None:
        self.desk.pick(row)

    def show_person(self, member: Member) -> bool:
        """Show eligibility, history and what may be received; True when a handout may go."""
        if self.campaign is None:
            self._refuse(tr("aid.ui.no_campaign"), "")
            return False
        if not member.active:
            self._refuse(
                tr("checkin.inactive_title", name=member.name), member.deactivated_reason or ""
            )
            return False
        status = handouts.status(
            self.session.desk.uow(), self.campaign.id, member, self.session.ctx()
        )
        self.status = status
        self.state = State.PICKED
        self.search.capturing = True
        self._show_status(status)
        if status.refusal is not None:
            self.band.show_result(
                Tone.ERROR, refusal_text(status), tr("aid.ui.refused_detail"), sticky=True
            )
            self.sounds.play("error")
            return False
        if status.short:  # the shelf is empty here: handing out is a decision, not a scan
            left = "，".join(f"{x.item_name} {max(x.quantity, 0)}{x.unit}" for x in status.short)
            self.band.show_result(
                Tone.REPEAT,
                tr("aid.ui.short", name=member.name, left=left),
                tr("aid.ui.short_detail"),
                sticky=True,
            )
            self.sounds.play("repeat")
            return False
        self.band.show_result(
            Tone.ASK,
            tr("aid.ui.may_receive", name=member.name, items=lines_text(status)),
            tr("aid.ui.enter_to_hand_out"),
            sticky=True,
        )
        return True

    def _show_status(self, status: AidStatus) -> None:
        member = status.member
        parts = [f"<b>{member.name}</b>  {member.member_number}  {member.occupation}"]
        if status.refusal is None:
            parts.append(f"<span style='color:#2e7d32'>✔ {tr('aid.ui.eligible')}</span>")
        else:
            parts.append(f"<span style='color:#c62828'>✘ {refusal_text(status)}</span>")
        if status.remaining is not None:
            parts.append(tr("aid.ui.remaining", n=status.remaining))
        self.person.setText("<br>".join(parts))
        self.history.setRowCount(len(status.history))
        names = desk_names(self.session.desk.uow(), (r.desk for r in status.history))
        for row, record in enumerate(status.history):
            state = (
                tr("aid.ui.voided", reason=record.void_reason or "")
                if record.voided
                else (tr("aid.ui.overridden") if record.overridden else "")
            )
            cells = [when(record.device_time), desk_label(record.desk, names)]
            cells += [record.operator_name, lines_text(record), state]
            for column, value in enumerate(cells):
                item = QTableWidgetItem(value)
                if column == 1:
                    item.setToolTip(desk_tip(record.desk))
                self.history.setItem(row, column, item)

    def _state_key(self, event: QKeyEvent) -> None:
        key = event.key()
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if self.status is not None and self.status.refusal is None:
                self.hand_out()
            else:
                self.sounds.play("error")
        elif key == Qt.Key.Key_Escape:
            self.reset()
            self.band.clear()
        elif char := event.text():
            # The next person: a card being scanned, or a name typed.
            self.reset()
            self.search.feed(char, key_time(event))

    # --- hand out -------------------------------------------------------------------------

    def _proof(self) -> str | None:
        """Ask for the proof of receipt the campaign wants; None when the person cancels."""
        assert self.campaign is not None
        if self.campaign.proof == "code":
            return ask_text(self, tr("aid.ui.proof_code_title"), tr("aid.ui.proof_code_label"))
        if self.campaign.proof == "signature":
            dialog = SignatureDialog(self)
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return None
            return dialog.png_base64()
        return ""

    def hand_out(self, override_pin: str = "", override_reason: str = "") -> None:
        if self.scans.busy or self.status is None or self.campaign is None:
            return
        proof = self._proof()
        if proof is None:
            self.focus_input()
            return
        self.scans.start()
        command = HandOut(
            campaign_id=self.campaign.id,
            member_id=self.status.member.id,
            collector_id=self.collector.id if self.collector else "",
            override_pin=override_pin,
            override_reason=override_reason,
            proof=proof,
        )
        uow, ctx = self.session.desk.uow(), self.session.ctx()
        DbOp(self, lambda: handouts.hand_out(command, uow, ctx)).publish(
            self.session.changes, AID
        ).success(self._done).failure(self._failed).run()

    def _done(self, result: handouts.HandoutResult) -> None:
        self.scans.stop()
        try:
            self._show_done(result)
        finally:
            self.scans.next()  # then the cards scanned meanwhile

    def _show_done(self, result: handouts.HandoutResult) -> None:
        detail = lines_text(result.record)
        if result.collector is not None:
            detail += " · " + tr("aid.collected_by", name=result.collector.name)
        if result.record.overridden:
            detail += " · " + tr("aid.cli.overridden", lead=result.record.override_by_name or "")
        self.band.show_result(Tone.OK, tr("aid.ui.handed_out", name=result.member.name), detail)
        self.sounds.play("ok")
        self.collector = None
        self.collector_label.clear()
        self.reset()
        self.refresh_side()

    def _failed(self, error: Exception) -> None:
        self.scans.stop()
        try:
            self._show_failure(error)
        finally:
            self.scans.next()

    def _show_failure(self, error: Exception) -> None:
        if isinstance(error, HandoutRefused):
            self.session.changes.publish(AID, self)  # the refusal is recorded (for the report)
            if self.status is not None:
                self.show_person(self.status.member)
            self.refresh_side()
            return
        if not isinstance(error, AppError):
            raise error
        self.band.show_result(Tone.ERROR, tr("aid.ui.not_handed_out"), describe(error), sticky=True)
        self.sounds.play("error")
        self.focus_input()

    def override(self) -> None:
        """A station lead's PIN and a reason hand out what the rules refused."""
        if self.status is None or self.status.refusal is None:
            return
        dialog = OverrideDialog(refusal_text(self.status), self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.hand_out(override_pin=dialog.pin.text(), override_reason=dialog.reason.text())
        self.focus_input()

    def choose_collector(self) -> None:
        """代领: the member at the desk who collects for the next person handed out to."""
        text = ask_text(self, tr("aid.ui.proxy"), tr("aid.ui.proxy_label"))
        if not text:
            self.focus_input()
            return
        try:
            self.collector = members.resolve_member(self.session.desk.uow(), text)
        except NotFound:
            found = member_queries.search_members(self.session.desk.uow(), text, limit=2)
            self.collector = found[0] if len(found) == 1 else None
        except AppError as error:
            self._refuse(tr("checkin.refused_title"), describe(error))
            return
        if self.collector is None:
            self._refuse(tr("checkin.not_found_title"), tr("checkin.not_found_detail", text=text))
            return
        self.collector_label.setText(tr("aid.ui.collector", name=self.collector.name))
        self.focus_input()

    def register_walk_in(self) -> None:
        from ui.members.form import MemberFormDialog

        typed = self.search.text()
        self.reset()
        dialog = MemberFormDialog(self.session, prefill=typed, parent=self)
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.saved_member is not None:
            self.show_person(dialog.saved_member)
        self.focus_input()

    # --- void and the side panel ----------------------------------------------------------

    def void_selected(self) -> None:
        rows = self.recent.selectionModel().selectedRows()
        if not rows or not 0 <= rows[0].row() < len(self._recent):
            return
        record = self._recent[rows[0].row()]
        if record.voided:
            return
        reason = ask_text(self, tr("aid.ui.void"), tr("aid.ui.void_reason"))
        if not reason:
            self.focus_input()
            return
        uow, ctx = self.session.desk.uow(), self.session.ctx()

        def done(_void_id: str) -> None:
            self.band.show_result(Tone.IDLE, tr("aid.cli.voided"))
            self.refresh_side()
            self.focus_input()

        DbOp(self, lambda: handouts.void_handout(record.id, reason, uow, ctx)).publish(
            self.session.changes, AID
        ).success(done).failure(self._failed).run()

    def refresh_side(self) -> None:
        if self.campaign is None:
            self.counters.setText(tr("aid.ui.no_campaign"))
            self.recent.setRowCount(0)
            return
        uow = self.session.desk.uow
        figures = handouts.counters(uow(), self.campaign.id)
        out = "，".join(f"{x.item_name} {x.quantity}" for x in figures.handed_today) or "-"
        left = "，".join(
            f"{x.item_name} <b style='color:{'#c62828' if x.quantity <= 0 else '#263238'}'>"
            f"{x.quantity}</b>"
            for x in figures.left
        )
        self.counters.setText(
            tr("aid.ui.counters", desk=figures.desk, people=figures.people_today, out=out)
            + "<br>"
            + tr("aid.ui.left", left=left or "-")
        )
        self._recent = handouts.recent(uow(), self.campaign.id)
        self.recent.setRowCount(len(self._recent))
        for row, record in enumerate(self._recent):
            state = tr("aid.ui.voided", reason=record.void_reason or "") if record.voided else ""
            cells = [when(record.device_time), record.member_name or record.member_number]
            cells += [lines_text(record), state]
            for column, value in enumerate(cells):
                item = QTableWidgetItem(value)
                if record.voided:
                    item.setForeground(Qt.GlobalColor.gray)
                self.recent.setItem(row, column, item)

    def _refuse(self, title: str, detail: str) -> None:
        self.band.show_result(Tone.ERROR, title, detail)
        self.sounds.play("error")
        self.reset()

    def reset(self) -> None:
        self.state = State.SEARCH
        self.status = None
        self.search.capturing = False
        self.desk.clear()
        self.person.clear()
        self.history.setRowCount(0)
        if self.band.tone is Tone.ASK:
            self.band.clear()
        self.focus_input()
