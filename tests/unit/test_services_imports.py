"""Member import from messy rosters, on a real store: exact counts and reasons per row."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from desktop.bootstrap import Desk
from desktop.domain.errors import InvalidInput, PermissionDenied
from desktop.domain.import_mapping import find_header, guess_field, guess_mapping
from desktop.domain.model import DeskContext, Role
from desktop.domain.people import id_check_char
from desktop.services.desk import operators
from desktop.services.members import commands as members
from desktop.services.members import queries as member_queries
from desktop.services.members.commands import MemberForm
from desktop.services.reports import imports
from desktop.services.reports.imports import ImportOptions

# Region 990000 is assigned to no place: no number built on it belongs to a person.
ID_BODY = "99000019900307123"
ID_NUMBER = ID_BODY + id_check_char(ID_BODY)  # ends in X? either way a valid number
OTHER_BODY = "99000019851120456"
OTHER_ID = OTHER_BODY + id_check_char(OTHER_BODY)
BAD_CHECK = OTHER_BODY + ("1" if id_check_char(OTHER_BODY) != "1" else "2")


def count(desk: Desk, table: str, where: str = "1 = 1") -> int:
    with desk.engine.connect() as connection:
        return int(
            connection.exec_driver_sql(f"SELECT count(*) FROM {table} WHERE {where}").scalar()
        )


def messy_roster(path: Path) -> Path:
    """What a union office sends: a notes sheet first, then a titled two-row header with
    merged cells, blank rows, full-width digits, phones as floats, an ID Excel rounded."""
    book = Workbook()
    notes = book.active
    assert notes is not None
    notes.title = "填表说明"
    notes.append(["请按模板填写，手机号列请设为文本格式。"])
    ws = book.create_sheet("花名册")
    ws.append(["望京街道工会会员花名册（2025年）"])  # row 1, merged title
    ws.merge_cells("A1:H1")
    ws.append([])  # row 2
    ws.append(["序号", "姓名", "联系方式", None, "身份证号码", "工作单位", "职业", "类别"])  # 3
    ws.append([None, None, "手机号", "固定电话", None, None, None, None])  # row 4
    for column in "ABEFGH":
        ws.merge_cells(f"{column}3:{column}4")
    ws.merge_cells("C3:D3")
    rows = [
        # row 5: plain, lowercase x never arises here but stray spaces do
        [1, " 张三 ", "13800138000", "", ID_NUMBER.lower(), "美团", "外卖骑手", "新就业形态劳动者"],
        # row 6: full-width digits and a space inside the name; employer merged from row 5
        [2, "李 四", "１３９ ００１３ ９０００", "", "", None, "外卖骑手", ""],
        # row 7: the phone stored as a float
        [3, "王五", 13700137000.0, "", "", "顺丰速运", "快递员", "困难职工、新就业形态劳动者"],
        # row 8: a +86 prefix with dashes
        [4, "赵六", "+86 136-0013-6000", "", "", "滴滴出行", "网约车司机", ""],
        # row 9: an 18-digit ID that Excel turned into 1.1E17
        [5, "钱七", "13500135000", "", 9.90000198511204e17, "", "保安", ""],
        # row 10: a wrong check digit
        [6, "孙八", "13300133000", "", BAD_CHECK, "", "保安", ""],
        # row 11: no name
        [7, None, "13200132000", "", "", "", "环卫工人", ""],
        # row 12: a digit missing
        [8, "周九", "1380013800", "", "", "", "", ""],
        # row 13: the same phone as row 5
        [9, "张三丰", "138 0013 8000", "", "", "", "", ""],
        # row 14: blank
        [None, None, None, None, None, None, None, None],
        # row 15: Excel's scientific notation as text, with enough digits
        [10, "吴十", "1.38001381E10", "", "", "", "货车司机", ""],
        # row 16: already a member (registered at the desk with this phone)
        [11, "郑老大", "15000150000", "", "", "区环卫所", "环卫工人", "困难职工"],
        # row 17: name only, stray whitespace
        [12, "\t冯 小 二 ", "", "", "", "", "", ""],
    ]
    for row in rows:
        ws.append(row)
    ws.merge_cells("F5:F6")
    book.save(path)
    return path


@pytest.fixture
def roster(tmp_path: Path) -> Path:
    return messy_roster(tmp_path / "花名册.xlsx")


@pytest.fixture
def known(desk: Desk, ctx: DeskContext) -> str:
    member = members.register_member(
        MemberForm(name="郑老大", phone="15000150000", occupation="环卫工人", consent=True),
        desk.uow(),
        ctx,
    )
    return member.id


def reasons(result: imports.ImportResult) -> dict[int, str]:
    return {p.row: p.code for p in result.refused}


def test_headings_are_recognised_as_people_write_them() -> None:
    assert guess_field("姓 名") == "name"
    assert guess_field("手机号码（必填）") == "phone"
    assert guess_field("联系电话") == "phone"
    assert guess_field("公民身份号码") == "id_number"
    assert guess_field("身份证号*") == "id_number"
    assert guess_field("所属工会") == "union_branch"
    assert guess_field("工种") == "occupation"
    assert guess_field("Name") == "name"
    assert guess_field("Identity") is None
    assert guess_field("序号") is None
    assert guess_mapping(["序号", "姓名", "手机", "电话"]) == {1: "name", 2: "phone"}
    rows = [["花名册"], [], ["姓名", "手机号"], ["张三", "13800138000"]]
    assert find_header(rows) == 2
    assert find_header([["姓名"], ["张三"]]) is None  # one field is not yet a header


def test_inspect_finds_the_roster_sheet_its_header_and_mapping(
    desk: Desk, ctx: DeskContext, roster: Path
) -> None:
    layout = imports.inspect(roster)
    assert layout.sheets == ("填表说明", "花名册")
    assert layout.sheet == "花名册"
    assert layout.header_row == 4  # the lower of the two header rows
    assert layout.mapping == {
        1: "name",
        2: "phone",
        4: "id_number",
        5: "employer",
        6: "occupation",
        7: "tags",
    }
    assert layout.data_rows == 12
    with pytest.raises(InvalidInput) as refused:
        imports.inspect(roster, "没有这张表")
    assert refused.value.code == "sheet.no_such_sheet"


def test_preview_shows_rows_as_they_will_be_stored(
    desk: Desk, ctx: DeskContext, roster: Path
) -> None:
    layout = imports.inspect(roster)
    shown = imports.preview(roster, layout.sheet, 4, layout.mapping, desk.uow(), limit=5)
    assert [p.row for p in shown] == [5, 6, 7, 8, 9]
    assert shown[0].values["name"] == "张三"
    assert shown[0].values["id_number"] == "****" + ID_NUMBER[-4:]
    assert shown[1].values == {
        "name": "李四",
        "phone": "13900139000",
        "id_number": "",
        "employer": "美团",
        "occupation": "外卖骑手",
        "union_branch": "",
        "tags": "",
    }
    assert shown[2].values["phone"] == "13700137000"
    assert shown[2].values["tags"] == "困难职工、新就业形态劳动者"
    assert shown[4].problem is not None and shown[4].problem.code == "import.id_rounded"
    assert count(desk, "member") == 0  # a preview stores nothing


def test_a_messy_roster_imports_every_good_row_and_names_every_other(
    desk: Desk, ctx: DeskContext, roster: Path, known: str
) -> None:
    seen: list[tuple[int, int]] = []
    result = imports.import_members(
        roster, ImportOptions(), desk.uow(), ctx, progress=lambda d, t: seen.append((d, t))
    )
    assert (result.sheet, result.header_row, result.rows, result.blank) == ("花名册", 4, 12, 1)
    assert (result.imported, result.updated, result.unchanged) == (6, 1, 0)
    assert reasons(result) == {
        9: "import.id_rounded",
        10: "id.checksum",
        11: "name.empty",
        12: "phone.length",
        13: "import.duplicate_in_file",
    }
    duplicate = next(p for p in result.refused if p.row == 13)
    assert duplicate.params == {"first": 5} and "第 5 行" in duplicate.reason()
    assert result.imported + result.updated + len(result.refused) == result.rows
    assert seen == [(12, 12)]

    found = {m.name: m for m in member_queries.search_members(desk.uow(), "", limit=50)} or {}
    stored = {
        row[0]: row[1:]
        for row in sqlite3.connect(desk.paths.database).execute(
            "SELECT name, phone, employer, tags, id_last4, member_number, consent_at IS NOT NULL "
            "FROM member"
        )
    }
    assert stored["张三"][:2] == ("13800138000", "美团")
    assert stored["张三"][3] == ID_NUMBER[-4:]
    assert stored["李四"][:2] == ("13900139000", "美团")  # merged employer cell
    assert stored["王五"][0] == "13700137000"
    assert json.loads(stored["王五"][2]) == ["困难职工", "新就业形态劳动者"]
    assert stored["赵六"][0] == "13600136000"
    assert stored["吴十"][0] == "13800138100"
    assert stored["冯小二"][0] is None
    assert stored["郑老大"][1] == "区环卫所"  # updated: the file filled in the employer
    assert json.loads(stored["郑老大"][2]) == ["困难职工"]
    assert len(stored) == 7
    assert found is not None
    # Same path as the desk: member numbers, search keys, revisions, outbox events.
    assert count(desk, "member_search_key", "key = 'zhangsan'") == 1
    assert count(desk, "member_revision") == 6 + 2
    assert count(desk, "outbox", "kind = 'member.registered'") == 6 + 1
    assert count(desk, "outbox", "kind = 'member.updated'") == 1
    with sqlite3.connect(desk.paths.database) as db:
        payloads = [
            json.loads(p)
            for (p,) in db.execute("SELECT payload FROM outbox WHERE kind LIKE 'member.%'")
        ]
        raw = db.execute("SELECT group_concat(payload) FROM outbox").fetchone()[0]
    assert ID_NUMBER not in raw and ID_NUMBER.lower() not in raw
    assert {p["member_number"] for p in payloads} == {s[4] for s in stored.values()}
    hit = member_queries.search_members(desk.uow(), "zs", limit=5)
    assert "张三" in [m.name for m in hit]


def test_importing_the_same_file_again_creates_nobody(
    desk: Desk, ctx: DeskContext, roster: Path, known: str
) -> None:
    imports.import_members(roster, ImportOptions(), desk.uow(), ctx)
    events = count(desk, "outbox")
    again = imports.import_members(roster, ImportOptions(), desk.uow(), ctx)
    assert (again.imported, again.updated, again.unchanged) == (0, 0, 7)
    assert len(again.refused) == 5
    assert count(desk, "member") == 7 and count(desk, "outbox") == events

    skipped = imports.import_members(roster, ImportOptions(on_match="skip"), desk.uow(), ctx)
    assert (skipped.imported, skipped.updated, len(skipped.skipped)) == (0, 0, 7)
    assert {p.code for p in skipped.skipped} == {"import.already_member"}
    assert count(desk, "member") == 7


def test_skip_leaves_an_existing_member_as_it_is(
    desk: Desk, ctx: DeskContext, roster: Path, known: str
) -> None:
    result = imports.import_members(roster, ImportOptions(on_match="skip"), desk.uow(), ctx)
    assert result.imported == 6 and [p.row for p in result.skipped] == [16]
    member = members.resolve_member(desk.uow(), known)
    assert member.employer == "" and member.version == 1


def test_refused_rows_are_saved_with_reasons_fixed_and_imported_again(
    desk: Desk, ctx: DeskContext, roster: Path, tmp_path: Path
) -> None:
    result = imports.import_members(roster, ImportOptions(), desk.uow(), ctx)
    target = imports.rejects_path(roster)
    assert target.name == "花名册-未导入.xlsx"
    assert imports.write_rejects(result, target) == target
    sheet = load_workbook(target).active
    assert sheet is not None
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0][-2:] == ["原行号", "未导入原因"]
    assert [r[-2] for r in rows[1:]] == [9, 10, 11, 12, 13]
    assert "Excel" in rows[1][-1] and "校验" in rows[2][-1]
    # Someone fixes the two rows they can and imports the file again.
    book = load_workbook(target)
    ws = book.active
    assert ws is not None
    ws["E2"] = OTHER_ID  # 钱七's ID typed again as text
    ws["B4"] = "陈十一"  # the row without a name
    book.save(target)
    again = imports.import_members(target, ImportOptions(), desk.uow(), ctx)
    assert (again.imported, again.updated) == (2, 0)
    # 张三丰 on 张三's phone was a duplicate in the first file; now it is a name mismatch.
    assert reasons(again) == {
        3: "id.checksum",
        5: "phone.length",
        6: "import.phone_other_name",
    }
    mismatch = next(p for p in again.refused if p.row == 6)
    assert mismatch.params["name"] == "张三"
    assert members.resolve_member(desk.uow(), "13800138000").name == "张三"


def test_a_gbk_csv_with_a_title_line_and_float_phones(
    desk: Desk, ctx: DeskContext, tmp_path: Path
) -> None:
    path = tmp_path / "名单.csv"
    text = (
        "2025年新就业形态劳动者入会名单,,\r\n"
        "姓名,手机号码,人员类别\r\n"
        "刘一,13800138000.0,困难职工；新就业形态劳动者\r\n"
        ",,\r\n"
        "陈二,1.39001390E+10,\r\n"
    )
    path.write_bytes(text.encode("gb18030"))
    result = imports.import_members(path, ImportOptions(), desk.uow(), ctx)
    assert (result.header_row, result.imported, result.blank, result.refused) == (2, 2, 1, ())
    liu = members.resolve_member(desk.uow(), "13800138000")
    assert liu.tags == ("困难职工", "新就业形态劳动者")
    assert members.resolve_member(desk.uow(), "13900139000").name == "陈二"


def test_a_mapping_given_by_the_person_wins_over_the_guess(
    desk: Desk, ctx: DeskContext, tmp_path: Path
) -> None:
    path = tmp_path / "list.csv"
    path.write_text("Name,Contact,Unit\n林一,13800138000,美团\n", encoding="utf-8")
    layout = imports.inspect(path)
    assert (layout.header_row, layout.mapping) == (1, {0: "name"})
    mapping = imports.mapping_from_json('{"Contact": "phone", "C": "employer"}', layout.headings)
    assert mapping == {0: "name", 1: "phone", 2: "employer"}
    result = imports.import_members(path, ImportOptions(mapping=mapping), desk.uow(), ctx)
    assert result.imported == 1
    assert members.resolve_member(desk.uow(), "13800138000").employer == "美团"
    nameless = tmp_path / "nameless.csv"
    nameless.write_text("Contact,Unit\n13800138000,美团\n", encoding="utf-8")
    with pytest.raises(InvalidInput) as no_header:
        imports.import_members(nameless, ImportOptions(), desk.uow(), ctx)
    assert no_header.value.code == "import.no_header"
    with pytest.raises(InvalidInput) as twice:
        imports.check_mapping({0: "name", 1: "phone", 2: "phone"})
    assert twice.value.code == "import.field_twice"
    with pytest.raises(InvalidInput) as nameless:
        imports.check_mapping({1: "phone"})
    assert nameless.value.code == "import.no_name_column"


def test_cancelling_keeps_committed_batches_and_reports_the_rest(
    desk: Desk, ctx: DeskContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(imports, "BATCH_ROWS", 10)
    path = tmp_path / "big.csv"
    lines = ["姓名,手机号"] + [f"会员{chr(0x4E00 + i)},138{i:08d}" for i in range(35)]
    path.write_text("\n".join(lines), encoding="utf-8")
    asked = []

    def stop() -> bool:
        asked.append(1)
        return len(asked) > 2

    result = imports.import_members(path, ImportOptions(), desk.uow(), ctx, should_stop=stop)
    assert result.cancelled and (result.processed, result.imported, result.rows) == (20, 20, 35)
    assert count(desk, "member") == 20
    rest = imports.import_members(path, ImportOptions(), desk.uow(), ctx)
    assert (rest.imported, rest.unchanged) == (15, 20)


def test_unreadable_files_get_a_clear_message(desk: Desk, ctx: DeskContext, tmp_path: Path) -> None:
    old = tmp_path / "old.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0")
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"not a zip")
    for path, code in (
        (old, "sheet.unreadable"),
        (broken, "sheet.unreadable"),
        (tmp_path / "none.xlsx", "sheet.missing"),
        (tmp_path / "a.pdf", "sheet.format"),
    ):
        with pytest.raises(InvalidInput) as refused:
            imports.import_members(path, ImportOptions(), desk.uow(), ctx)
        assert refused.value.code == code


def test_attendants_may_not_import(desk: Desk, ctx: DeskContext, roster: Path) -> None:
    form = operators.OperatorForm(name="小李", role=Role.ATTENDANT, pin="1357")
    added = operators.add_operator(form, desk.uow(), ctx)
    attendant = DeskContext(ctx.station_id, ctx.device_id, added.id, added.role)
    with pytest.raises(PermissionDenied):
        imports.import_members(roster, ImportOptions(), desk.uow(), attendant)


def test_without_consent_rows_with_phone_or_id_are_refused(
    desk: Desk, ctx: DeskContext, roster: Path
) -> None:
    result = imports.import_members(roster, ImportOptions(consent=False), desk.uow(), ctx)
    assert result.imported == 1  # 冯小二: a name only
    # Rows 9-12 have other problems found first; the seven other rows with a phone wait.
    assert sum(p.code == "member.consent_required" for p in result.refused) == 7


def test_cells_read_as_the_text_they_mean() -> None:
    from datetime import datetime

    from desktop.domain.import_mapping import cell_text, id_number_text, split_tags

    assert cell_text(13800138000.0) == "13800138000"
    assert cell_text(9.90000198511204e17) == "9.90000198511204E+17"
    assert cell_text(datetime(2025, 3, 1)) == "2025-03-01"
    assert cell_text("  张  三 ") == "张 三"
    assert cell_text(None) == ""
    assert id_number_text(ID_NUMBER.lower()) == ID_NUMBER.lower()  # upper-cased when cleaned
    for rounded in (9.90000198511204e17, "9.90000198511204E+17", "９.９E+17"):
        with pytest.raises(InvalidInput) as refused:
            id_number_text(rounded)
        assert refused.value.code == "import.id_rounded"
    assert split_tags("困难职工、新就业形态劳动者; 劳模 /") == (
        "困难职工",
        "新就业形态劳动者",
        "劳模",
    )


def test_matching_by_id_number_and_refusing_a_phone_of_another_id(
    desk: Desk, ctx: DeskContext, tmp_path: Path
) -> None:
    known = members.register_member(
        MemberForm(name="林一", phone="13800138000", id_number=ID_NUMBER, consent=True),
        desk.uow(),
        ctx,
    )
    third_body = "99000019700101001"
    members.register_member(
        MemberForm(
            "周一", "13700137000", id_number=third_body + id_check_char(third_body), consent=True
        ),
        desk.uow(),
        ctx,
    )
    fourth_body = "99000019800202002"
    fourth = fourth_body + id_check_char(fourth_body)
    path = tmp_path / "ids.csv"
    path.write_text(
        "姓名,手机号,身份证号,工种\n"
        f"林一,13900139000,{ID_NUMBER},快递员\n"  # same ID, new phone: the member is updated
        f"林二,13800138000,{OTHER_ID},\n"  # 林一's old phone, free now: a new member
        f"林三,13900139000,,\n"  # 林一's new phone under another name: refused
        f"周一,13700137000,{fourth},\n",  # 周一's phone with another ID number: refused
        encoding="utf-8",
    )
    result = imports.import_members(path, ImportOptions(), desk.uow(), ctx)
    assert (result.imported, result.updated) == (1, 1)
    assert reasons(result) == {4: "import.duplicate_in_file", 5: "import.phone_other_id"}
    assert members.resolve_member(desk.uow(), "13800138000").name == "林二"
    member = members.resolve_member(desk.uow(), known.id)
    assert (member.phone, member.occupation, member.version) == ("13900139000", "快递员", 2)
    assert count(desk, "member_revision", f"member_id = '{known.id}'") == 2


def test_the_desk_can_write_between_batches(
    desk: Desk, ctx: DeskContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from desktop.services.visits import checkin

    monkeypatch.setattr(imports, "BATCH_ROWS", 3)
    path = tmp_path / "list.csv"
    lines = ["姓名,手机号"] + [f"会员{chr(0x4E00 + i)},136{i:08d}" for i in range(7)]
    path.write_text("\n".join(lines), encoding="utf-8")
    visits: list[str] = []

    def meanwhile(done: int, total: int) -> None:
        # A check-in at the desk while the import goes on: no lock is held between batches.
        visits.append(checkin.check_in_anonymous("快递员", ("water",), desk.uow(), ctx))

    result = imports.import_members(path, ImportOptions(), desk.uow(), ctx, progress=meanwhile)
    assert result.imported == 7 and len(visits) == 3


def test_the_person_can_say_where_the_header_is(
    desk: Desk, ctx: DeskContext, tmp_path: Path
) -> None:
    path = tmp_path / "odd.csv"
    # Headings nobody guesses: the person names the header row and the columns.
    path.write_text("说明：请勿改动\n人员,号码\n林一,13800138000\n", encoding="utf-8")
    assert imports.inspect(path).header_row is None
    layout = imports.inspect(path, header_row=2)
    assert (layout.header_row, layout.headings, layout.mapping, layout.rows) == (
        2,
        ("人员", "号码"),
        {},
        3,
    )
    options = ImportOptions(header_row=2, mapping={0: "name", 1: "phone"})
    result = imports.import_members(path, options, desk.uow(), ctx)
    assert (result.header_row, result.imported) == (2, 1)
    with pytest.raises(InvalidInput) as refused:
        imports.inspect(path, header_row=9)
    assert refused.value.code == "import.header_row"
