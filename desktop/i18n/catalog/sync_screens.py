"""The sync screen, its dialogs and the status bar's sync line."""

MESSAGES: dict[str, tuple[str, str]] = {
    "shell.tab_sync": ("同步", "Sync"),
    "sync_bar.offline_only": (
        "单机使用，记录保存在本机",
        "Standalone: records are kept on this PC",
    ),
    "sync_bar.waiting": ("待上传 {waiting} 条", "{waiting} waiting"),
    "sync_bar.running": ("正在同步…", "syncing…"),
    "sync_bar.last": ("上次同步 {at}", "last sync {at}"),
    "sync_bar.quarantined": ("退回 {count} 条", "{count} refused"),
    "sync_bar.conflicts": ("冲突 {count} 个", "{count} conflicts"),
    "sync_bar.set_aside": ("收到未采用 {count} 条", "{count} set aside"),
    "sync_screen.set_aside": (
        "从服务器收到，未采用：{reason}",
        "From the server, not applied: {reason}",
    ),
    "sync_screen.reason_signature": (
        "签名无效，不是中心服务器签发的（可能是伪造的）",
        "bad signature: not signed by the central server (possibly forged)",
    ),
    "sync_screen.reason_no_server_key": (
        "本机没有保存中心服务器的公钥，请重新连接服务器",
        "this desk holds no key of the central server: connect to the server again",
    ),
    "sync_screen.reason_unknown_kind": (
        "本机不认识的记录类型，请升级驿站通",
        "a kind of record this desk does not know: upgrade Waystation",
    ),
    "sync_screen.reason_not_issuer": (
        "撤销证书的不是发证驿站的电脑，也不是中心",
        "the certificate was revoked by a desk of another station than the issuing one",
    ),
    "sync_screen.refused_serial_taken": (
        "中心已有同一编号的另一张证书，这张未被采用",
        "the server already holds another certificate under this serial: this one was refused",
    ),
    "sync_screen.refused_serial_not_own": (
        "证书编号不是本机的编号，中心不予采用",
        "the certificate's serial is not this device's: the server refused it",
    ),
    "sync_screen.refused_not_issuer": (
        "只有发证驿站的电脑或中心可以撤销这张证书",
        "only a desk of the issuing station, or the central office, may revoke this certificate",
    ),
    "sync_screen.reason_payload": (
        "内容不符合该类记录的格式（{detail}）",
        "its content does not match its kind ({detail})",
    ),
    "sync_screen.connected": (
        "已连接中心服务器 · 站点：{station}\n{server}",
        "Connected to the central server · station: {station}\n{server}",
    ),
    "sync_screen.not_connected": (
        "此设备尚未连接中心服务器，记录只保存在本机。连接后自动上传并接收其他站点的会员。",
        "This desk is not connected to a central server; records stay on this desk. Once "
        "connected, they go up automatically and members of other stations come down.",
    ),
    "sync_screen.connect_button": ("连接中心服务器…", "Connect to server…"),
    "sync_screen.sync_now": ("立即同步", "Sync now"),
    "sync_screen.stop": ("停止同步", "Stop syncing"),
    "sync_screen.progress_push": ("正在上传… 已上传 {count} 条", "Sending… {count} sent"),
    "sync_screen.progress_pull": ("正在接收… 已接收 {count} 条", "Receiving… {count} received"),
    "sync_screen.quarantined_title": (
        "被服务器退回、或从服务器收到未采用的记录",
        "Records the server refused, or received from it and not applied",
    ),
    "sync_screen.quarantined_hint": (
        "这些记录仍保存在本机，不会阻挡其他记录上传。请把原因告诉管理员。",
        "These records stay on this desk and do not hold up the others. Tell the "
        "administrator the reason shown.",
    ),
    "sync_screen.conflicts_title": ("多台设备之间的冲突", "Conflicts between desks"),
    "sync_screen.col_seq": ("序号", "No."),
    "sync_screen.col_kind": ("类型", "Kind"),
    "sync_screen.col_time": ("本机时间", "Desk time"),
    "sync_screen.col_reason": ("原因", "Reason"),
    "sync_screen.col_conflict": ("冲突", "Conflict"),
    "sync_screen.col_records": ("涉及的记录", "Records"),
    "sync_screen.col_status": ("状态", "Status"),
    "sync_screen.resolve_button": ("处理所选冲突…", "Resolve selected…"),
    "sync_screen.resolved_with": ("已处理：{note}", "Resolved: {note}"),
    "sync_screen.resolved_by_hq": ("总工会已处理：{note}", "Resolved at HQ: {note}"),
    "sync_screen.overruled": (
        "本站的处理“{note}”晚于总工会，未采用",
        "This station's resolution “{note}” came after HQ's and was not applied",
    ),
    "sync_screen.resolve_title": ("处理冲突", "Resolve conflict"),
    "sync_screen.merge_question": (
        "是同一个人吗？合并后两条记录的来访都保留。",
        "Is this the same person? After a merge, the visits of both records are kept.",
    ),
    "sync_screen.keep": (
        "同一人：保留 {name}（{station}）的记录",
        "Same person: keep the record of {name} ({station})",
    ),
    "sync_screen.different_people": ("不是同一人，不合并", "Different people: do not merge"),
    "sync_screen.note": ("处理说明（必填）", "Note (required)"),
    "sync_screen.note_placeholder": (
        "如：已电话核实为同一人 / 已退回 / 特批",
        "e.g. confirmed by phone / returned / approved exception",
    ),
    "sync_screen.resolve": ("处理", "Resolve"),
    "sync_screen.enrol_title": ("连接中心服务器", "Connect to the central server"),
    "sync_screen.enrol_intro": (
        "请输入工会管理员给的服务器地址和一次性连接码，或直接扫描连接二维码。",
        "Type the server address and the one-time code from the union administrator, or "
        "scan the enrolment QR code.",
    ),
    "sync_screen.server": ("服务器地址", "Server address"),
    "sync_screen.code": ("连接码", "Enrolment code"),
    "sync_screen.code_placeholder": ("如 ABCD-EFGH-JKMN", "e.g. ABCD-EFGH-JKMN"),
    "sync_screen.code_required": ("请输入连接码。", "Type the enrolment code."),
    "sync_screen.connecting": ("正在连接…", "Connecting…"),
    "sync_screen.connect": ("连接", "Connect"),
}
