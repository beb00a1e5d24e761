"""The sync verbs end to end, as an admin's script drives them: `waystation-server` makes a
station and its code; `waystation enroll / member add / sync / conflicts / conflict resolve`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import zxingcpp
from PIL import Image

from tests.sync.conftest import Server
from tests.sync.test_sync_e2e import ID_NUMBER
from tests.unit.test_cli import as_json, ok, run


def desk(home: Path, name: str) -> None:
    ok(run("init", "--station-name", name, "--admin-pin", "1234", "--home", home))


def cli(home: Path, *args: object, code: int = 0) -> Any:
    return as_json(run(*args, "--home", home, "--json"), code)


def test_station_code_qr_enroll_sync_and_resolve_from_the_command_line(
    server: Server, tmp_path: Path
) -> None:
    png = tmp_path / "enrol.png"
    made = server.cli("station", "create", "东湖驿站", "--json", "--qr-png", str(png))
    assert made.returncode == 0, made.stderr
    station = json.loads(made.stdout)
    decoded = zxingcpp.read_barcodes(Image.open(png))
    assert [d.text for d in decoded] == [station["link"]]
    text_out = server.cli("station", "code", "东湖驿站")
    assert (text_out.returncode == 0 and "█" in text_out.stdout) or "▀" in text_out.stdout

    a, b = tmp_path / "a", tmp_path / "b"
    desk(a, "东湖驿站")
    desk(b, "光谷驿站")
    refused = run("sync", "--home", a, "--json")
    assert refused.returncode == 1
    assert json.loads(refused.stdout)["error"]["code"] == "sync.error.not_enrolled"

    assert cli(a, "enroll", "--code", station["link"])["station"] == "东湖驿站"
    second = json.loads(server.cli("station", "create", "光谷驿站", "--json").stdout)
    assert cli(b, "enroll", "--server", server.url, "--code", second["enrolment_code"])["enrolled"]
    bad = run("enroll", "--server", server.url, "--code", "XXXX", "--home", b, "--json")
    assert bad.returncode == 1 and "已连接" in json.loads(bad.stderr)["message"]

    cli(a, "member", "add", "--name", "张秀英", "--phone", "13800001111", "--id-number", ID_NUMBER)
    cli(b, "member", "add", "--name", "张秀英", "--phone", "13800002222", "--id-number", ID_NUMBER)
    first = cli(a, "sync")
    assert first["ok"] and first["pushed"] > 0 and first["status"]["waiting"] == 0
    assert cli(b, "sync")["ok"]
    assert cli(a, "sync")["ok"]

    conflicts = cli(a, "conflicts")
    assert len(conflicts) == 1 and conflicts[0]["kind"] == "member.duplicate"
    listing = ok(run("conflicts", "--home", a))
    assert "疑似重复会员" in listing and "光谷驿站" in listing
    short = conflicts[0]["id"][:8]
    no_note = run("conflict", "resolve", short, "--note", " ", "--home", a)
    assert no_note.returncode == 1 and "说明" in no_note.stderr
    done = cli(a, "conflict", "resolve", short, "--note", "不同的人：身份证录入有误")
    assert done["status"] == "resolved"
    assert cli(a, "sync")["ok"] and cli(b, "sync")["ok"]
    assert cli(b, "conflicts") == []
    assert cli(b, "conflicts", "--all")[0]["note"] == "不同的人：身份证录入有误"

    status = cli(b, "sync", "status")
    assert status["enrolled"] and status["waiting"] == 0 and status["open_conflicts"] == 0
    stats = json.loads(server.cli("stats", "--json").stdout)
    assert stats["open_conflicts"] == 0 and stats["events_by_kind"]["member.registered"] == 2
    devices = json.loads(server.cli("device", "list", "--json").stdout)
    assert {d["station"] for d in devices} == {"东湖驿站", "光谷驿站"}

    revoked = server.cli("device", "revoke", devices[0]["code"], "--json")
    assert revoked.returncode == 0
    home = a if devices[0]["station"] == "东湖驿站" else b
    gone = run("sync", "--home", home, "--json")
    assert gone.returncode == 1 and json.loads(gone.stdout)["error"]["code"] == "sync.error.revoked"
    english = run("sync", "--home", home, "--lang", "en")
    assert "revoked" in english.stdout
