"""Sync with the central server: enrolment, status, errors in plain words, conflicts."""

MESSAGES: dict[str, tuple[str, str]] = {
    # enrolment
    "sync.demo_desk": (
        "此设备载有演示数据，不能连接中心服务器（演示人员不可上传）。请在新的数据目录中初始化后再连接。",
        "This desk holds demo data and cannot connect to the central server (generated people "
        "must not be uploaded). Set up a new data folder, then connect.",
    ),
    "sync.already_enrolled": (
        "此设备已连接中心服务器：{server}",
        "This desk is already connected to the central server: {server}",
    ),
    "sync.no_server_key": (
        "服务器没有提供签名公钥（版本过旧，或应答被篡改），未连接。请先升级中心服务器。",
        "The server sent no signing key (too old, or its answer was tampered with): not "
        "connected. Upgrade the central server first.",
    ),
    "sync.server_key_mismatch": (
        "应答的服务器密钥与连接二维码上的不一致：连接的可能不是本单位的中心服务器，未连接。"
        "请检查网络和服务器地址，并向管理员索取新的连接码。",
        "The server's key in the answer is not the one the enrolment QR names: this may not "
        "be your union's central server. Not connected: check the network and the address, "
        "and ask the administrator for a new code.",
    ),
    "sync.bad_server_url": (
        "服务器地址应以 http:// 或 https:// 开头：{url}",
        "The server address must start with http:// or https://: {url}",
    ),
    "sync.not_enrolled": ("未连接", "not connected"),
    "sync.never": ("从未", "never"),
    # errors a person reads in the status bar and on the sync screen
    "sync.error.network": (
        "连不上中心服务器（网络断开或服务器未开），记录已安全保存在本机，联网后自动上传。",
        "Cannot reach the central server (no network, or the server is down). Records are "
        "safe on this desk and go up when the network is back.",
    ),
    "sync.error.server": (
        "中心服务器暂时出错（{status}），稍后自动重试。",
        "The central server had a problem ({status}); trying again shortly.",
    ),
    "sync.error.revoked": (
        "此设备已被中心停用，不再同步。本机记录全部保留；请联系工会管理员。",
        "This device has been revoked by the centre and no longer syncs. Every record stays "
        "on this desk; contact the union administrator.",
    ),
    "sync.error.upgrade": (
        "中心服务器要求升级驿站通后才能同步。本机记录全部保留。",
        "The central server needs a newer Waystation before this desk can sync. Every record "
        "stays on this desk.",
    ),
    "sync.error.unauthorized": (
        "中心服务器不认识此设备，请重新连接（设置 → 连接服务器）。",
        "The central server does not know this device; connect it again (Settings → connect "
        "to server).",
    ),
    "sync.error.too_many_attempts": (
        "这台电脑输错登记码的次数太多，请 10 分钟后再试，并核对登记码。",
        "Too many wrong enrolment codes from this computer: wait 10 minutes, check the code, "
        "then try again.",
    ),
    "sync.error.bad_code": (
        "连接码无效、已用过或已过期，请向管理员索取新的连接码。",
        "The enrolment code is unknown, used or expired; ask the administrator for a new one.",
    ),
    "sync.error.device_code_taken": (
        "中心已有设备使用本机的设备编号，请联系管理员。",
        "Another device already uses this desk's device code on the server; contact the "
        "administrator.",
    ),
    "sync.error.too_large": (
        "一批数据超出服务器上限，请联系管理员。",
        "A batch was larger than the server accepts; contact the administrator.",
    ),
    "sync.error.refused": (
        "中心服务器拒绝了请求（{status}）。",
        "The central server refused the request ({status}).",
    ),
    "sync.error.unexpected": (
        "同步出错：{error}。记录已安全保存在本机。",
        "Sync failed: {error}. Records are safe on this desk.",
    ),
    "sync.error.not_enrolled": (
        "此设备尚未连接中心服务器（设置 → 连接服务器）。",
        "This desk is not connected to a central server yet (Settings → connect to server).",
    ),
    # conflicts
    "conflict.not_found": ("找不到冲突：{ref}", "No conflict {ref}"),
    "conflict.lead_only": (
        "只有站长或管理员可以处理冲突。",
        "Only a station lead or admin can resolve conflicts.",
    ),
    "conflict.note_required": ("请写明处理说明。", "Write a note on how it was resolved."),
    "conflict.note_too_long": (
        "说明最多 {max} 个字。",
        "The note can be at most {max} characters.",
    ),
    "conflict.already_resolved": ("此冲突已处理。", "This conflict has been resolved already."),
    "conflict.merge_not_a_side": (
        "只能合并到冲突中的两条会员记录之一。",
        "A merge must keep one of the two member records of the conflict.",
    ),
    "conflict.kind.member.duplicate": ("疑似重复会员", "Possible duplicate member"),
    "conflict.kind.handout.limit": ("超出活动限额的发放", "Handout beyond the campaign limit"),
    "conflict.side": (
        "{name}（{station} · 设备 {device} · {operator} · {time}）",
        "{name} ({station} · device {device} · {operator} · {time})",
    ),
    "conflict.open": ("待处理", "open"),
    "conflict.resolved_state": ("已处理", "resolved"),
    # command line
    "cli.help.enroll": ("把此设备连接到中心服务器", "connect this desk to the central server"),
    "cli.help.enroll_server": (
        "服务器地址，如 https://sync.example.org（扫码连接时可省略）",
        "server address, e.g. https://sync.example.org (not needed with a scanned code)",
    ),
    "cli.help.enroll_code": (
        "一次性连接码（或扫描到的连接二维码内容）",
        "one-time enrolment code (or the scanned QR text)",
    ),
    "cli.help.enroll_again": (
        "已连接的设备重新连接（中心服务器更换了签名密钥时），用新的一次性连接码",
        "enrol a connected desk again with a new one-time code (after the server changed its "
        "signing key)",
    ),
    "cli.help.sync": (
        "同步一次（now）或查看同步状态（status）",
        "sync once (now) or show the sync status (status)",
    ),
    "cli.help.sync_timeout": ("每个请求的超时秒数", "seconds before a request times out"),
    "cli.help.conflicts": ("列出本站待处理的冲突", "list this station's open conflicts"),
    "cli.help.conflicts_all": ("包括已处理的", "include resolved ones"),
    "cli.help.conflict": ("处理冲突", "resolve conflicts"),
    "cli.help.conflict_resolve": ("写明说明并关闭冲突", "close a conflict with a note"),
    "cli.help.conflict_merge_into": (
        "疑似重复会员：保留此会员（会员号或姓名），另一条合并进来，来访记录全部保留",
        "possible duplicate member: keep this member (number or name) and merge the other "
        "into it; every visit is kept",
    ),
    "cli.enrolled": (
        "已连接中心服务器，站点：{station}",
        "Connected to the central server; station: {station}",
    ),
    "cli.sync_server": ("服务器：{server}", "Server: {server}"),
    "cli.sync_waiting": ("待上传：{count} 条", "Waiting to go up: {count}"),
    "cli.sync_quarantined": ("被退回：{count} 条", "Refused by the server: {count}"),
    "cli.sync_set_aside": (
        "从服务器收到但未采用：{count} 条",
        "Received from the server, not applied: {count}",
    ),
    "cli.sync_conflicts": ("待处理冲突：{count} 个", "Open conflicts: {count}"),
    "cli.sync_last_success": ("上次成功同步：{at}", "Last successful sync: {at}"),
    "cli.sync_error": ("当前问题：{message}", "Current problem: {message}"),
    "cli.sync_done": (
        "同步完成：上传 {pushed} 条，下载 {pulled} 条，退回 {quarantined} 条",
        "Synced: {pushed} up, {pulled} down, {quarantined} refused",
    ),
    "cli.sync_failed": ("同步未完成：{message}", "Sync did not finish: {message}"),
    "cli.sync_renumbered": (
        "本机从备份恢复过：会员号 {old} 已被占用，改为 {new}（如已告诉会员，请更正）。",
        "This desk was restored from a backup: member number {old} was taken, now {new} "
        "(tell the member if they were given the old one).",
    ),
    "cli.sync_reserialled": (
        "本机从备份恢复过：证书编号 {old} 已被占用，改为 {new}。"
        "已打印的这张证书无法核验，请重新打印。",
        "This desk was restored from a backup: certificate serial {old} was taken, now {new}. "
        "A paper printed with the old serial does not verify: print it again.",
    ),
    "cli.no_conflicts": ("没有待处理的冲突。", "No open conflicts."),
    "cli.conflict_resolved": ("冲突 {id} 已处理。", "Conflict {id} resolved."),
}
