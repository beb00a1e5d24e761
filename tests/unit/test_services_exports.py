"""Exports on a real store: masking, column choice, who may see phones, the audit trail."""

from __future__ import annotations

import csv
import json
import re
import sqlite3
from datetime import date
from pathlib import Path

import pytest

from desktop.bootstrap import Desk
from desktop.domain.errors import InvalidInput, PermissionDenied
from desktop.domain.model import DeskContext, Role
from desktop.domain.people import id_check_char
from desktop.services.desk import operators
from desktop.services.members import commands as members
from desktop.services.members.commands import MemberForm
from desktop.services.reports import exports
from desktop.services.reports.exports import ExportRequest
from desktop.services.visits import checkin
from desktop.services.visits.checkin import CheckIn

ID_BODY = "99000019900307123"
ID_NUMBER = ID_BODY + id_check_char(ID_BODY)


@pytest.fixture
def people(desk: Desk, ctx: DeskContext) -> None:
    zhang = members.register_member(
        MemberForm(
            "张三", "13800138000", "外卖骑手", tags=("困难职工",), id_number=ID_NUMBER, consent=True
        ),
        desk.uow(),
        ctx,
    )
    members.register_member(MemberForm("李四", occupation="快递员"), desk.uow(), ctx)
    done = checkin.check_in(CheckIn(member_id=zhang.id, services=("water",)), desk.uow(), ctx)
    checkin.void_visit(done.visit_id or "", "误操作", desk.uow(), ctx)
    checkin.check_in_anonymous("保安", ("rest", "water"), desk.uow(), ctx)


def rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


def attendant(desk: Desk, ctx: DeskContext) -> DeskContext:
    added = operators.add_operator(
        operators.OperatorForm(name="小李", role=Role.ATTENDANT, pin="1357"), desk.uow(), ctx
    )
    return DeskContext(ctx.station_id, ctx.device_id, added.id, added.role)


def test_members_masked_and_the_id_only_by_its_last_four(
    desk: Desk, ctx: DeskContext, people: None, tmp_path: Path
) -> None:
    out = tmp_path / "m.csv"
    with pytest.raises(PermissionDenied):  # the register leaves the desk by an admin only
        exports.export_members(ExportRequest(str(out)), desk.uow(), attendant(desk, ctx))
    assert not out.exists()
    result = exports.export_members(ExportRequest(str(out)), desk.uow(), ctx)
    assert (result.rows, result.phones_shown) == (2, False)
    with sqlite3.connect(desk.paths.database) as db:
        audited = db.execute("SELECT operator_id FROM audit_log WHERE action = 'export_members'")
        assert [r[0] for r in audited] == [ctx.operator_id]
    table = rows(out)
    assert table[0] == [
        "会员号",
        "姓名",
        "手机号",
        "身份证后四位",
        "职业",
        "工作单位/平台",
        "所属工会",
        "标签",
        "登记时间",
        "状态",
    ]
    zhang = table[1]
    assert zhang[1:4] == ["张三", "138****8000", ID_NUMBER[-4:]] and zhang[7] == "困难职工"
    assert table[2][2] == "" and table[2][9] == "正常"
    assert ID_NUMBER not in out.read_text(encoding="utf-8-sig")


def test_only_admins_see_phones_and_that_is_audited(
    desk: Desk, ctx: DeskContext, people: None, tmp_path: Path
) -> None:
    out = tmp_path / "m.csv"
    with pytest.raises(PermissionDenied):
        exports.export_members(
            ExportRequest(str(out), show_phones=True), desk.uow(), attendant(desk, ctx)
        )
    assert not out.exists()
    request = ExportRequest(str(out), ("name", "phone"), show_phones=True)
    exports.export_members(request, desk.uow(), ctx)
    assert rows(out)[1] == ["张三", "13800138000"]
    with sqlite3.connect(desk.paths.database) as db:
        found = db.execute(
            "SELECT operator_id, detail FROM audit_log WHERE action = 'export_unmasked_phones'"
        ).fetchall()
    assert len(found) == 1 and found[0][0] == ctx.operator_id
    detail = json.loads(found[0][1])
    assert detail == {"what": "members", "file": "m.csv", "rows": 2, "columns": ["name", "phone"]}


def test_visits_of_a_range_with_voids_marked(
    desk: Desk, ctx: DeskContext, people: None, tmp_path: Path
) -> None:
    out = tmp_path / "v.csv"
    today = date.today()
    result = exports.export_visits(ExportRequest(str(out)), today, today, desk.uow(), ctx)
    assert result.rows == 2
    table = rows(out)
    assert table[0] == [
        "到访时间",
        "会员号",
        "姓名",
        "手机号",
        "职业",
        "服务项目",
        "值班员",
        "作废",
    ]
    assert table[1][2:] == ["张三", "138****8000", "外卖骑手", "饮水", "王站长", "已作废：误操作"]
    assert table[2][2:] == ["未登记访客", "", "保安", "休息、饮水", "王站长", ""]
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", table[1][0])  # as before in .csv

    from openpyxl import load_workbook

    book = tmp_path / "v.xlsx"
    exports.export_visits(ExportRequest(str(book)), today, today, desk.uow(), ctx)
    when = load_workbook(book).active["A2"]
    assert when.is_date and when.value.date() == today  # a time a workbook sorts, not text
    nothing = tmp_path / "none.xlsx"
    exports.export_visits(
        ExportRequest(str(nothing)), date(2001, 1, 1), date(2001, 1, 2), desk.uow(), ctx
    )
    assert load_workbook(nothing).active["A2"].value == "（无记录）"
    with pytest.raises(InvalidInput) as backwards:
        exports.export_visits(ExportRequest(str(out)), today, date(2000, 1, 1), desk.uow(), ctx)
    assert backwards.value.code == "export.range"
    with pytest.raises(InvalidInput) as unknown:
        exports.export_visits(
            ExportRequest(str(out), ("shoe_size",)), today, today, desk.uow(), ctx
        )
    assert unknown.value.code == "export.unknown_column"


def test_text_that_looks_like_a_formula_stays_text(
    desk: Desk, ctx: DeskContext, tmp_path: Path
) -> None:
    from openpyxl import load_workbook

    members.register_member(
        MemberForm("王五", employer='=HYPERLINK("http://x","y")', union_branch="-1+2"),
        desk.uow(),
        ctx,
    )
    out = tmp_path / "m.csv"
    exports.export_members(ExportRequest(str(out), ("employer", "union_branch")), desk.uow(), ctx)
    assert rows(out)[1] == ['\'=HYPERLINK("http://x","y")', "'-1+2"]
    book = tmp_path / "m.xlsx"
    exports.export_members(ExportRequest(str(book), ("employer",)), desk.uow(), ctx)
    sheet = load_workbook(book).active
    assert sheet is not None
    cell = sheet["A2"]
    assert cell.data_type == "s" and cell.value == '=HYPERLINK("http://x","y")'
