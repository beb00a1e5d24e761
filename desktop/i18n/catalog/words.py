"""Plain words for attendants where a screen would otherwise show a code or jargon: which desk
a record came from, what 入库净额 and 日终盲盘 mean."""

MESSAGES: dict[str, tuple[str, str]] = {
    "desk_name.this_desk": ("本机", "This desk"),
    "desk_name.other_desk": ("其他服务台", "Another desk"),
    "desk_name.code_tip": ("设备码 {code}", "Device code {code}"),
    "desk_name.person_role": ("{name}（{role}）", "{name} ({role})"),
    "stock_words.stocked_tip": (
        "入库净额：本台收到的数量，减去调出到其他发放台的，加减站长的调整。",
        "Stocked (net): what this desk received, minus what it transferred to other desks, "
        "plus or minus a station lead's adjustments.",
    ),
    "stock_words.levels_hint": (
        "入库净额 = 收到 − 调出 ± 调整；剩余 = 入库净额 − 已发。",
        "Stocked (net) = received − transferred out ± adjusted;  Left = stocked − handed out.",
    ),
    "stock_words.count_tip": (
        "日终盲盘：下班前清点实物，输入数到的数量。先不看账面数，保存后才显示差异。",
        "End-of-day count: count what is physically there and type it in. The expected "
        "figure is shown only after saving, so the count is not guided by it.",
    ),
    "stock_words.counts_hint": (
        "盘点差异：日终盲盘数到的数量与账面数不一致的记录。",
        "Count discrepancies: end-of-day counts that differ from what the records expect.",
    ),
    "stock_words.own_desk": (
        "本发放台编号：{desk}（调拨时对方填写此编号）",
        "This desk's code: {desk} (the other desk types it for a transfer)",
    ),
    "import.path_hint": (
        "点“浏览…”选择文件，或在此粘贴文件路径后按回车",
        "Choose a file with Browse…, or paste its path here and press Enter",
    ),
    "settings_words.template_tip": (
        "留空用默认模板。要改版式：复制 resources/templates 中的文件，修改后在此选用。",
        "Empty: the default template. To change the layout, copy the file in "
        "resources/templates, change it and choose it here.",
    ),
    "verify_words.member_elsewhere": (
        "（在其他服务台登记，本机尚未同步）",
        "(registered at another desk, not synced here yet)",
    ),
}
