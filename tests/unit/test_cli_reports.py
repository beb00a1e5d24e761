"""`member import`, `member export`, `visits export` and `report month` through the script."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from datetime import date
from pathlib import Path

from openpyxl import load_workbook

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.unit.test_cli import as_json, ok, run_cli  # noqa: E402
from tests.unit.test_services_imports import ID_NUMBER, messy_roster  # noqa: E402


def test_import_export_and_report_from_the_command_line(tmp_path: Path) -> None:
    home = tmp_path / "home"

    def run(*args: object) -> subprocess.CompletedProcess[str]:
        return run_cli("--home", home, *args)

    ok(run("init", "--station-name", "望京工会驿站", "--admin-name", "王芳", "--admin-pin", "2468"))
    roster = messy_roster(tmp_path / "花名册.xlsx")
    done = as_json(run("member", "import", roster, "--json"))
    assert (done["rows"], done["imported"], done["refused"], done["header_row"]) == (12, 7, 5, 4)
    assert [r["row"] for r in done["refused_rows"]] == [9, 10, 11, 12, 13]
    rejects = Path(done["rejects_file"])
    assert rejects == tmp_path / "花名册-未导入.xlsx" and rejects.exists()
    again = as_json(run("member", "import", roster, "--on-match", "skip", "--json"))
    assert (again["imported"], again["skipped"]) == (0, 7)
    text = ok(run("member", "import", roster, "--rejects", tmp_path / "r.xlsx"))
    assert "新导入 0" in text and "第 9 行" in text and "r.xlsx" in text
    # Nothing of the source file is kept in the data folder.
    assert not [p for p in home.rglob("*.xlsx")]

    mapped = tmp_path / "list.csv"
    mapped.write_text("Name,Contact\n林一,13600136001\n", encoding="utf-8")
    done = as_json(run("member", "import", mapped, "--mapping", '{"Contact": "phone"}', "--json"))
    assert done["imported"] == 1

    ok(run("checkin", "13800138000", "--service", "water"))
    out = tmp_path / "members.xlsx"
    exported = as_json(run("member", "export", "--out", out, "--json"))
    assert exported["rows"] == 8 and not exported["phones_shown"]
    sheet = load_workbook(out).active
    assert sheet is not None
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0][:4] == ["会员号", "姓名", "手机号", "身份证后四位"]
    zhang = next(r for r in rows if r[1] == "张三")
    assert zhang[2] == "138****8000" and zhang[3] == ID_NUMBER[-4:]
    assert ID_NUMBER not in out.read_bytes().decode("latin-1")

    csv_out = tmp_path / "members.csv"
    ok(run("member", "export", "--out", csv_out, "--columns", "name,phone", "--show-phones"))
    text = csv_out.read_text(encoding="utf-8-sig")
    assert text.splitlines()[0] == "姓名,手机号" and "张三,13800138000" in text
    with sqlite3.connect(home / "waystation.sqlite3") as db:
        audit = db.execute(
            "SELECT detail FROM audit_log WHERE action = 'export_unmasked_phones'"
        ).fetchall()
    assert len(audit) == 1 and json.loads(audit[0][0])["file"] == "members.csv"

    today = date.today()
    visits_out = tmp_path / "visits.xlsx"
    visits = as_json(
        run("visits", "export", "--from", today, "--to", today, "--out", visits_out, "--json")
    )
    assert visits["rows"] == 1
    refused = run("member", "export", "--out", tmp_path / "m.docx")
    assert refused.returncode == 1 and ".xlsx" in refused.stderr

    month = today.strftime("%Y-%m")
    pdf = tmp_path / "月报.pdf"
    report = as_json(run("report", "month", month, "--out", pdf, "--json"))
    assert report["visits"] == 1 and report["new_members"] == 8
    assert pdf.read_bytes().startswith(b"%PDF")
    xlsx = tmp_path / "月报.xlsx"
    ok(run("report", "month", month, "--out", xlsx))
    assert "按时段" in load_workbook(xlsx).sheetnames
    ranged = as_json(
        run("report", "range", "--from", today, "--to", today, "--out", xlsx, "--json")
    )
    assert (ranged["start"], ranged["end"], ranged["visits"]) == (str(today), str(today), 1)
    wrong = run("visits", "export", "--from", "yesterday", "--to", today, "--out", visits_out)
    assert wrong.returncode == 1 and "yesterday" in wrong.stderr
    english = run("--lang", "en", "report", "month", month, "--out", tmp_path / "en.pdf")
    assert "saved to" in english.stdout
    bad = run("report", "month", "2025-13", "--out", pdf)
    assert bad.returncode == 1 and "2025-03" in bad.stderr
