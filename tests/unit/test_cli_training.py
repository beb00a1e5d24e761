"""The training verbs end to end through the console script: create a course with sessions,
import and enrol, sign in at the door (twice, walk-in, excused), close, completion, certify
(the PDF's QR codes decode and verify), report as .xlsx and PDF, bad input refused."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from desktop.bootstrap import open_desk
from desktop.services.members import queries as member_queries
from desktop.storage.members.repositories import MemberRepository
from tests.unit.test_cli_print import as_json, decoded, pages, run


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    folder = tmp_path_factory.mktemp("training") / "home"
    as_json(run(folder, "init", "--station-name", "望京工会驿站", "--admin-pin", "2468", "--json"))
    as_json(run(folder, "demo", "--members", 6, "--json"))
    yield folder


def numbers(home: Path) -> list[str]:
    desk = open_desk(home)
    try:
        with desk.uow().reading() as uow:
            found = [uow.repo(MemberRepository).get(i) for i in member_queries.member_ids(uow)]
            return [m.member_number for m in found if m is not None]
    finally:
        desk.close()


def test_a_course_from_creation_to_certificates(home: Path, tmp_path: Path) -> None:
    people = numbers(home)
    tomorrow = date.today() + timedelta(days=1)
    first = f"{tomorrow.isoformat()} 09:00-11:00 安全用电"
    second = f"{(tomorrow + timedelta(days=1)).isoformat()} 09:00-11:00"
    made = as_json(
        run(
            home,
            *("course", "create", "--title", "电工安全培训", "--minimum", "0.5"),
            *("--session", first, "--session", second, "--json"),
        )
    )
    assert made["sessions"] == 2 and made["hours"] == "4"
    assert [s["number"] for s in made["session_list"]] == [1, 2]

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["会员号", "姓名"])
    for number in people[:3]:
        sheet.append([number, None])
    sheet.append(["NOPE-1", None])
    roster = tmp_path / "roster.xlsx"
    book.save(roster)
    imported = as_json(run(home, "course", "import", "电工安全培训", roster, "--json"), code=1)
    assert imported["summary"] == {"enrolled": 3, "waitlisted": 0, "already": 0, "refused": 1}
    assert imported["rows"][3]["row"] == 5 and imported["rows"][3]["reason"]

    session = "电工安全培训#1"
    door = as_json(run(home, "attend", session, people[0], "--json"))
    assert (door["outcome"], door["status"], door["session"]["of"]) == ("marked", "present", 2)
    again = run(home, "attend", session, people[0])
    assert again.returncode == 3 and "无需重复扫码" in again.stdout
    stranger = run(home, "attend", session, people[4])
    assert stranger.returncode == 1 and "不在本班名单中" in stranger.stdout
    walk_in = as_json(run(home, "attend", session, people[4], "--walk-in", "--json"))
    assert walk_in["walk_in"] and walk_in["outcome"] == "marked"
    excused = ("--status", "excused", "--note", "加班", "--json")
    as_json(run(home, "attend", session, people[1], *excused))
    closed = as_json(run(home, "session", "close", session, "--json"))
    assert closed["marked_absent"] == 1
    assert closed["counters"]["expected"] == 4 and closed["counters"]["present"] == 2

    done = as_json(run(home, "course", "completion", "电工安全培训", "--json"))
    completed = {p["member_number"]: p["completed"] for p in done}
    assert completed == {people[0]: True, people[1]: False, people[2]: False, people[4]: True}
    assert {p["missing"] for p in done if not p["completed"]} == {"缺 1 次课"}

    pdf = tmp_path / "certificates.pdf"
    certified = as_json(run(home, "course", "certify", "电工安全培训", "--out", pdf, "--json"))
    assert len(certified["issued"]) == 2 and certified["pages"] == 2
    urls = decoded(pages(pdf))
    assert len(urls) == 2
    checked = as_json(run(home, "verify", urls[0], "--json"))
    assert checked["valid"] and checked["contents"]["purpose"] == "电工安全培训"

    xlsx = tmp_path / "report.xlsx"
    as_json(run(home, "report", "course", "电工安全培训", "--out", xlsx, "--json"))
    sheets = load_workbook(xlsx).sheetnames
    assert sheets == ["名单", "考勤表", "学时与结业", "证书"]
    grid = load_workbook(xlsx)["考勤表"]
    statuses = [row[2] for row in grid.iter_rows(min_row=5, values_only=True)]
    assert sorted(s or "" for s in statuses) == sorted(["到", "请假", "缺勤", "到"])
    report_pdf = tmp_path / "report.pdf"
    as_json(run(home, "report", "course", "电工安全培训", "--out", report_pdf, "--json"))
    assert report_pdf.read_bytes().startswith(b"%PDF")

    sheet_pdf = tmp_path / "sheet.pdf"
    signed = as_json(run(home, "session", "sheet", "电工安全培训#2", "--out", sheet_pdf, "--json"))
    assert signed["people"] == 4 and len(pages(sheet_pdf)) == 1


def test_bad_input_is_refused_in_words(home: Path, tmp_path: Path) -> None:
    spec = run(home, "course", "create", "--title", "x", "--session", "明天上午")
    assert spec.returncode == 1 and "无法识别" in spec.stderr
    missing = run(home, "attend", "没有这个班#1", "x", lang="en")
    assert missing.returncode == 1 and "No course" in missing.stderr
    wrong = run(home, "report", "course", "电工安全培训", "--out", tmp_path / "r.txt")
    assert wrong.returncode == 1 and ".xlsx" in wrong.stderr and not (tmp_path / "r.txt").exists()
