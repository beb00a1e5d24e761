"""The aid verbs through the console script: campaign, item, stock, handout, report."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

from tests.printing.pdfcheck import page_texts
from tests.unit.test_cli import as_json, ok, run


def test_an_aid_day_end_to_end(tmp_path: Path) -> None:
    home = tmp_path / "home"
    ok(run("init", "--station-name", "测试驿站", "--admin-pin", "2468", "--home", home))

    def aid(*args: object, code: int = 0) -> Any:
        return as_json(run(*args, "--home", home, "--json"), code)

    ok(
        run(
            "operator", "add", "--name", "赵站长", "--role", "lead", "--pin", "1357", "--home", home
        )
    )
    rider = aid(
        "member", "add", "--name", "张三", "--phone", "13800138000", "--occupation", "外卖骑手"
    )
    friend = aid("member", "add", "--name", "李四", "--phone", "13900139000")
    aid("item", "add", "--name", "清凉包", "--unit", "个")
    aid("item", "add", "--name", "藿香正气水", "--unit", "盒")
    campaign = aid(
        "campaign", "create", "--name", "夏送清凉 2026", "--from", "2020-01-01",
        "--to", "2099-12-31", "--package", "清凉包=1", "--package", "藿香正气水=2",
        "--max-per-person", "1", "--min-interval", "7d",
    )  # fmt: skip
    assert campaign["max_per_person"] == 1 and campaign["min_interval_minutes"] == 7 * 1440
    assert [p["item"] for p in campaign["package"]] == ["清凉包", "藿香正气水"]
    assert [c["name"] for c in aid("campaign", "list")] == ["夏送清凉 2026"]
    text = ok(run("campaign", "show", "夏送清凉", "--home", home))
    assert "每人限 1 次" in text and "清凉包 × 1个" in text

    aid("stock", "receive", "夏送清凉", "清凉包", "100", "--source", "区总工会")
    aid("stock", "receive", "夏送清凉", "藿香正气水", "200")

    given = aid("handout", "夏送清凉", rider["member_number"])
    assert given["status"] == "handed_out" and given["remaining"] == 0
    handout_id = given["handout"]["id"]

    # the second time: refused with the reason in words, exit 4, nothing handed out
    refused = run("handout", "夏送清凉", rider["member_number"], "--home", home)
    assert refused.returncode == 4, refused.stderr
    assert "已领取 1 次，达到每人 1 次的上限" in refused.stdout
    wrong = run(
        "handout", "夏送清凉", rider["member_number"], "--lead-pin", "0000",
        "--override-reason", "特殊", "--home", home, "--json",
    )  # fmt: skip
    assert wrong.returncode == 1 and json.loads(wrong.stderr)["error"] == "aid.override_pin_wrong"
    override = aid(
        "handout", "夏送清凉", rider["member_number"], "--lead-pin", "1357",
        "--override-reason", "家中困难，站长同意",
    )  # fmt: skip
    assert override["handout"]["overridden"] == "limit_reached"
    assert override["handout"]["override_by_name"] == "赵站长"

    # 代领: 张三 at the desk collects a single item for 李四
    proxy = aid(
        "handout", "夏送清凉", rider["member_number"], "--for", friend["member_number"],
        "--item", "藿香正气水", "--qty", "1",
    )  # fmt: skip
    assert proxy["member"]["name"] == "李四" and proxy["collector"]["name"] == "张三"

    aid("handout", "void", handout_id, "--reason", "发错了")
    again = run("handout", "void", handout_id, "--reason", "again", "--home", home)
    assert again.returncode == 1 and "已经作废" in again.stderr

    levels = {s["item_name"]: s["left"] for s in aid("stock", "show", "夏送清凉")["levels"]}
    assert levels == {"清凉包": 99, "藿香正气水": 197}  # 2 handouts of 1 and 2, one void; 1 single
    counted = aid("stock", "count", "夏送清凉", "清凉包", "97")
    assert (counted["expected"], counted["difference"]) == (99, -2)
    shown = ok(run("stock", "show", "夏送清凉", "--home", home))
    assert "盘点 97，账面 99，差异 -2" in shown

    bad = run("stock", "receive", "夏送清凉", "清凉包", "0", "--home", home)
    assert bad.returncode == 1 and "数量应为 1 到" in bad.stderr
    missing = run("handout", "没有的活动", rider["member_number"], "--home", home)
    assert missing.returncode == 1 and "找不到活动" in missing.stderr

    xlsx, pdf = tmp_path / "report.xlsx", tmp_path / "report.pdf"
    summary = aid("report", "campaign", "夏送清凉", "--out", xlsx)
    assert summary["handouts"] == 2 and summary["refusals"] == 1 and summary["overrides"] == 1
    assert summary["people"] == 2
    book = load_workbook(xlsx)
    days = list(book.worksheets[0].iter_rows(values_only=True))
    header = days[3]
    total = days[-1]
    assert header[:4] == ("日期", "发放台", "服务人数", "发放次数")
    assert total[0] == "合计" and total[2:4] == (2, 2)
    assert total[header.index("发出：清凉包")] == 1
    assert total[header.index("入库：藿香正气水")] == 200
    assert total[header.index("拒发")] == 1 and total[header.index("作废")] == 1
    ok(run("report", "campaign", "夏送清凉", "--out", pdf, "--home", home))
    text = "".join(page_texts(pdf.read_bytes()))
    assert "夏送清凉 2026 发放报表" in text and "盘点差异" in text


def test_a_campaign_that_refuses_when_out_on_the_command_line(tmp_path: Path) -> None:
    home = tmp_path / "home"
    ok(run("init", "--station-name", "测试驿站", "--admin-pin", "2468", "--home", home))

    def aid(*args: object, code: int = 0) -> Any:
        return as_json(run(*args, "--home", home, "--json"), code)

    rider = aid("member", "add", "--name", "张三", "--phone", "13800138000")
    friend = aid("member", "add", "--name", "李四", "--phone", "13900139000")
    aid("item", "add", "--name", "清凉包", "--unit", "个")
    campaign = aid(
        "campaign", "create", "--name", "夏送清凉 2026", "--from", "2020-01-01",
        "--to", "2099-12-31", "--package", "清凉包=1", "--refuse-when-out",
    )  # fmt: skip
    assert campaign["refuse_when_out"] is True
    assert "缺货不发" in ok(run("campaign", "show", "夏送清凉", "--home", home))
    aid("stock", "receive", "夏送清凉", "清凉包", "1")
    assert aid("handout", "夏送清凉", rider["member_number"])["status"] == "handed_out"

    refused = aid("handout", "夏送清凉", friend["member_number"], code=4)
    assert refused["status"] == "refused" and refused["refusal"] == "out_of_stock"
    assert refused["params"] == {"left": "清凉包 0个"}
    assert "本活动缺货不发放" in refused["message"]
    english = run("handout", "夏送清凉", friend["member_number"], "--home", home, "--lang", "en")
    assert english.returncode == 4 and "not enough stock at this desk" in english.stdout
    levels = {s["item_name"]: s["left"] for s in aid("stock", "show", "夏送清凉")["levels"]}
    assert levels == {"清凉包": 0}  # never below zero
