"""``print``, ``card``, ``certificate`` and ``verify`` end to end through the console script.

The PDFs are rendered at 300 dpi with pdfium and every QR code is read back with zxing-cpp:
what is printed is what verifies. Subprocesses are few (each costs about half a second);
most decoded codes are checked through the service in this process instead.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
import pytest
import zxingcpp
from PIL import Image

from desktop.bootstrap import open_desk
from desktop.identity.tokens import Verdict
from desktop.services.cards import identity
from desktop.services.members import queries as member_queries
from desktop.storage.members.repositories import MemberRepository

REPO = Path(__file__).resolve().parents[2]
DPI = 300


def run(home: Path, *args: object, lang: str = "zh") -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("WAYSTATION_")}
    environment.update(QT_QPA_PLATFORM="offscreen", PYTHONIOENCODING="utf-8")
    return subprocess.run(
        [sys.executable, "-m", "ui.main", "--home", str(home), "--lang", lang]
        + [str(a) for a in args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=REPO,
        env=environment,
        timeout=120,
    )


def as_json(result: subprocess.CompletedProcess[str], code: int = 0) -> Any:
    assert result.returncode == code, (result.returncode, result.stdout, result.stderr)
    return json.loads(result.stdout)


def pages(pdf: Path) -> list[Image.Image]:
    document = pdfium.PdfDocument(str(pdf))
    try:
        return [page.render(scale=DPI / 72).to_pil() for page in document]
    finally:
        document.close()


def decoded(images: list[Image.Image]) -> list[str]:
    return [code.text for image in images for code in zxingcpp.read_barcodes(image)]


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    folder = tmp_path_factory.mktemp("print") / "home"
    init = run(
        folder,
        "init",
        "--station-name",
        "望京工会驿站",
        "--union",
        "朝阳区总工会",
        "--admin-pin",
        "2468",
        "--json",
    )
    as_json(init)
    as_json(run(folder, "demo", "--members", 12, "--json"))
    yield folder


def test_cards_on_a4_decode_and_verify(home: Path, tmp_path: Path) -> None:
    out = tmp_path / "cards.pdf"
    printed = as_json(
        run(home, "print", "cards", "--all", "--layout", "a4-10up", "--out", out, "--json")
    )
    assert printed["pages"] == 2 and len(printed["cards"]) == 12
    assert {c["serial"] for c in printed["cards"]} == {1}
    assert out.read_bytes().startswith(b"%PDF")
    images = pages(out)
    assert len(images) == 2
    texts = decoded(images)
    assert len(texts) == 12

    desk = open_desk(home)
    try:
        verdicts = [identity.verify_card_text(desk.uow(), t) for t in texts]
    finally:
        desk.close()
    assert all(v.verdict is Verdict.VALID and v.member_known for v in verdicts)
    assert {v.member_id for v in verdicts} == {c["member_id"] for c in printed["cards"]}

    one = as_json(run(home, "verify", texts[0], "--json"))
    assert (one["kind"], one["verdict"], one["valid"], one["problem"]) == (
        "card",
        "valid",
        True,
        None,
    )
    assert one["contents"]["serial"] == 1 and one["contents"]["name"]

    png = tmp_path / "page2.png"
    images[1].save(png)
    scanned = as_json(run(home, "verify", "--image", png, "--json"))
    assert [r["verdict"] for r in scanned] == ["valid", "valid"]

    # every card has been printed once now: a second job is refused whole, naming who
    again = tmp_path / "again.pdf"
    refused = run(home, "print", "cards", "--all", "--layout", "cr80", "--out", again)
    assert refused.returncode == 1 and "--reprint-reason" in refused.stderr
    assert printed["cards"][0]["name"] in refused.stderr
    assert not again.exists() and list(tmp_path.glob(".again*")) == []


def test_certificate_prints_verifies_and_can_be_revoked(home: Path, tmp_path: Path) -> None:
    out = tmp_path / "certificate.pdf"
    args = ["--title", "培训证书", "--for", "电工安全操作培训", "--hours", "1.5"]
    args += ["--from", "2025-03-01", "--to", "2025-03-10"]
    command = ["print", "certificate", "--member", _a_member(home), *args, "--out", out]
    issued = as_json(run(home, *command, "--json"))
    assert issued["fields"]["hours"] == "1.5"
    assert decoded(pages(out)) == [issued["url"]]

    checked = as_json(run(home, "verify", issued["url"], "--json"))
    assert (checked["kind"], checked["valid"], checked["revoked"]) == ("certificate", True, False)
    assert checked["contents"]["purpose"] == "电工安全操作培训"

    as_json(run(home, "certificate", "revoke", issued["serial"], "--reason", "信息有误", "--json"))
    revoked = run(home, "verify", issued["url"])
    assert revoked.returncode == 1 and "证书已被撤销：信息有误" in revoked.stdout


@pytest.mark.parametrize(("typed", "shown"), [("40", "40"), ("20.0", "20"), ("2.50", "2.5")])
def test_hours_read_as_people_write_them(
    home: Path, tmp_path: Path, typed: str, shown: str
) -> None:
    out = tmp_path / "certificate.pdf"
    args = ["--title", "结业证书", "--for", "电工安全操作", "--hours", typed, "--out", out]
    member = _a_member(home)
    issued = as_json(run(home, "print", "certificate", "--member", member, *args, "--json"))
    assert issued["fields"]["hours"] == shown
    checked = as_json(run(home, "verify", issued["url"], "--json"))
    assert checked["contents"]["hours"] == shown
    for lang, said in (("zh", f"学时 {shown}，"), ("en", f"hours {shown},")):
        text = run(home, "verify", issued["url"], lang=lang).stdout
        assert said in text and "E+" not in text, text


def _a_member(home: Path) -> str:
    desk = open_desk(home)
    try:
        with desk.uow().reading() as uow:
            first = member_queries.member_ids(uow)[0]
            member = uow.repo(MemberRepository).get(first)
            assert member is not None
            return member.member_number
    finally:
        desk.close()


def test_a_lost_card_is_blocked(home: Path, tmp_path: Path) -> None:
    number = _a_member(home)
    out = tmp_path / "card.pdf"
    printed = run(
        home,
        "print",
        "cards",
        "--member",
        number,
        "--layout",
        "cr80",
        "--reprint-reason",
        "卡片损坏",
        "--out",
        out,
        "--json",
    )
    text = decoded(pages(out))[0]
    assert as_json(printed)["cards"][0]["member_number"] == number

    lost = as_json(run(home, "card", "lost", number, "--reason", "丢失", "--json"))
    blocked = run(home, "verify", text)
    assert blocked.returncode == 1
    assert f"此卡（第 {lost['serial']} 张）已挂失或已补办" in blocked.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--hours", "abc"], "学时应为大于 0 的数字"),
        (["--from", "2025-02-30"], "日期“2025-02-30”无法识别"),
    ],
)
def test_bad_certificate_input_writes_nothing(
    home: Path, tmp_path: Path, args: list[str], message: str
) -> None:
    out = tmp_path / "bad.pdf"
    result = run(
        home,
        "print",
        "certificate",
        "--member",
        _a_member(home),
        "--title",
        "结业证书",
        "--for",
        "育婴员培训",
        *args,
        "--out",
        out,
    )
    assert result.returncode == 1 and message in result.stderr, result.stderr
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("lang", "message"),
    [("zh", "荣誉证书不写学时"), ("en", "A 荣誉证书 (an honour) states no hours")],
)
def test_an_honour_certificate_with_hours_is_refused(
    home: Path, tmp_path: Path, lang: str, message: str
) -> None:
    out = tmp_path / "honour.pdf"
    member = _a_member(home)
    honour = ["print", "certificate", "--member", member, "--title", "荣誉证书"]
    honour += ["--for", "快递技能竞赛一等奖", "--out", out]
    refused = run(home, *honour, "--hours", "8", lang=lang)
    assert refused.returncode == 1 and message in refused.stderr, refused.stderr
    assert list(tmp_path.iterdir()) == []
    issued = as_json(run(home, *honour, "--json"))  # without hours it is issued
    fields = issued["fields"]
    assert fields["title"] == "荣誉证书" and fields["hours"] is None and out.exists()


def test_bad_out_and_bad_image(home: Path, tmp_path: Path) -> None:
    folder = run(home, "print", "calibration", "--out", tmp_path, lang="en")
    assert folder.returncode == 1 and "is a folder" in folder.stderr
    nowhere = run(home, "print", "calibration", "--out", tmp_path / "missing" / "x.pdf")
    assert nowhere.returncode == 1 and "无法写入" in nowhere.stderr
    blank = tmp_path / "blank.png"
    Image.new("L", (200, 200), 255).save(blank)
    empty = run(home, "verify", "--image", blank)
    assert empty.returncode == 1 and "没有找到二维码" in empty.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["blank.png"]


def test_an_honour_recorded_with_hours_is_verified_without_them(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An honour a desk issued with hours before the rule: signed with them, never printed
    with them; verify (text and JSON, zh and en) does not show them either."""
    from desktop.services.certificates import commands as certificates

    monkeypatch.setattr(certificates, "check_hours", lambda title, hours: None)
    desk = open_desk(home)
    try:
        device = desk.device()
        assert device is not None
        with desk.uow().reading() as uow:
            member = member_queries.member_ids(uow)[0]
            admin = uow.operators.list()[0]
        from desktop.domain.model import DeskContext

        ctx = DeskContext(device.station.id, device.id, admin.id, admin.role)
        form = certificates.CertificateForm(member, "荣誉证书", "快递技能竞赛一等奖", "8")
        issued = certificates.issue_certificate(form, desk.uow(), ctx, desk.keys)
    finally:
        desk.close()
    assert issued.fields.hours == 8
    checked = as_json(run(home, "verify", issued.url, "--json"))
    assert checked["valid"] and checked["contents"]["hours"] is None
    said_in = {"zh": "事由 快递技能竞赛一等奖，签发", "en": "快递技能竞赛一等奖, issued by"}
    for lang, said in said_in.items():
        text = run(home, "verify", issued.url, lang=lang).stdout
        assert said in text and "学时" not in text and "hours" not in text, text
