"""Messages of the ``waystation`` command line."""

MESSAGES: dict[str, tuple[str, str]] = {
    "cli.error_prefix": ("错误：", "Error: "),
    "cli.deactivated": ("（已停用）", "(deactivated)"),
    "cli.ambiguous_ref": (
        "“{ref}”对应多位会员，请用会员号，或先用 member find 查找。",
        "“{ref}” matches several members; use the member number, or member find first.",
    ),
    "cli.help.all_stations": (
        "也列出中心下发给其他驿站的（本站不参与）",
        "also list those HQ sent to other stations (not taking part here)",
    ),
    "cli.nothing_found": ("没有找到匹配的会员。", "No matching member."),
    "cli.init_done": (
        "已初始化驿站“{station}”（设备代码 {code}），管理员：{admin}",
        "Set up station “{station}” (device code {code}); admin: {admin}",
    ),
    "cli.init_pin": (
        "管理员 PIN 码：{pin}（请牢记，登录时需要）",
        "Admin PIN: {pin} (keep it; it is needed to sign in)",
    ),
    "cli.member_added": ("已登记：{line}", "Registered: {line}"),
    "cli.member_saved": ("已保存：{line}", "Saved: {line}"),
    "cli.member_detail": (
        "单位/平台：{employer}  所属工会：{branch}",
        "Employer: {employer}  Union branch: {branch}",
    ),
    "cli.member_tags": ("标签：{tags}", "Tags: {tags}"),
    "cli.member_visits": ("到访 {n} 次", "Visits: {n}"),
    "cli.member_id_last4": ("身份证后四位：{last4}", "ID number ends in {last4}"),
    "cli.member_deactivated": ("已停用：{reason}", "Deactivated: {reason}"),
    "cli.confirm_repeat_hint": (
        "未新增记录。如确属新的到访，请加 --confirm-repeat 再执行。",
        "Nothing recorded. If this is really a new visit, run again with --confirm-repeat.",
    ),
    "cli.checked_in_anonymous": (
        "已记录匿名到访（{occupation}）",
        "Anonymous visit recorded ({occupation})",
    ),
    "cli.visit_voided": ("已撤销该到访记录。", "The visit was undone."),
    "cli.voided": ("已撤销：{reason}", "undone: {reason}"),
    "cli.today": (
        "{day}：到访 {visits} 人次，{people} 人",
        "{day}: {visits} visits by {people} people",
    ),
    "cli.operator_saved": ("已保存值班员 {name}", "Saved operator {name}"),
    "cli.help.operator_edit": (
        "修改值班员：改名、改角色、重设 PIN 码",
        "edit an operator: name, role, PIN",
    ),
    "cli.help.operator_pin": ("新的 PIN 码（不填则不变）", "new PIN (unchanged when omitted)"),
    "cli.help.settings": (
        "本机设置：查看、修改（管理员）",
        "this desk's settings: show, set (admins)",
    ),
    "cli.help.settings_set": (
        "修改一项设置；列表用逗号分隔，开关用 on/off",
        "change one setting; lists comma-separated, switches on/off",
    ),
    "cli.operator_added": ("已添加值班员 {name}", "Added operator {name}"),
    "cli.demo_done": (
        "已生成演示数据：{members} 位会员，{visits} 次到访",
        "Demo data generated: {members} members, {visits} visits",
    ),
    "cli.help.home": ("数据文件夹（默认按系统规范）", "data folder (default: the platform's)"),
    "cli.help.lang": ("界面语言 zh 或 en", "language, zh or en"),
    "cli.help.json": ("以 JSON 输出", "print JSON"),
    "cli.help.operator": (
        "以哪位值班员的名义记录（默认第一位管理员）",
        "operator to record as (default: the first admin)",
    ),
    "cli.help.init": ("首次设置：驿站名称、类型与管理员", "first start: station, kind and admin"),
    "cli.help.union": ("所属工会或区县", "union or district"),
    "cli.help.verify_url": (
        "中心服务器的证书查验网址（可不填：接入中心时自动设置）",
        "the central server's certificate check address (optional: set when enrolling)",
    ),
    "cli.help.admin_pin": ("管理员 PIN 码（不填则随机生成）", "admin PIN (random when omitted)"),
    "cli.help.member": (
        "会员：登记、查找、查看、修改、停用",
        "members: add, find, show, edit, deactivate",
    ),
    "cli.help.member_add": ("登记新会员", "register a member"),
    "cli.help.member_edit": ("修改会员资料", "edit a member"),
    "cli.help.member_find": (
        "按姓名、拼音、手机尾号或会员号查找",
        "find by name, pinyin, phone tail or number",
    ),
    "cli.help.member_show": ("查看一位会员", "show one member"),
    "cli.help.member_deactivate": ("停用会员（需填写原因）", "deactivate a member (with a reason)"),
    "cli.help.member_reactivate": ("恢复会员", "reactivate a member"),
    "cli.help.same_phone": (
        "手机号与已有会员相同时仍然登记",
        "register even if another member has this phone",
    ),
    "cli.help.clear_id": ("删除已登记的身份证号", "remove the ID number on file"),
    "cli.help.tag": ("标签，可重复", "tag, may repeat"),
    "cli.help.id_number": (
        "身份证号（只保存加密摘要和后四位）；写 - 则从标准输入读取，不留在命令历史里",
        "ID number (only a keyed hash and the last four are kept); - reads it from stdin",
    ),
    "cli.help.no_consent": (
        "本人未同意：不保存手机号和身份证号",
        "no consent: store neither phone nor ID number",
    ),
    "cli.help.checkin": (
        "签到：会员号、扫码内容或手机号",
        "check in by member number, card text or phone",
    ),
    "cli.help.confirm_repeat": ("确认为新的一次到访", "confirm it is a new visit"),
    "cli.help.anonymous": ("匿名到访（只记职业）", "anonymous visit (occupation only)"),
    "cli.help.visit": ("到访记录：撤销", "visits: void"),
    "cli.help.visit_void": ("撤销一次到访（需填写原因）", "undo a visit (with a reason)"),
    "cli.help.visits": ("到访统计", "visit figures"),
    "cli.help.visits_today": ("今天的到访", "today's visits"),
    "cli.help.operator_verb": (
        "值班员：列表、添加、修改、停用、恢复",
        "operators: list, add, edit, deactivate, reactivate",
    ),
    "cli.help.backup": (
        "备份：数据库和本机密钥（密钥丢失则无法核验本机发出的会员卡）",
        "back up the database and this device's keys (without them its cards cannot be verified)",
    ),
    "cli.help.backup_out": (
        "备份存放的文件夹，如 U 盘",
        "folder to put the backup in, e.g. a USB stick",
    ),
    "cli.backup_done": ("已备份到 {path}", "Backed up to {path}"),
    "cli.backup_not_due": ("今天已经备份过，无需再备份。", "Backed up within the day: none due."),
    "cli.help.backup_if_due": (
        "仅在距上次备份超过一天时备份到设置中的文件夹，并只保留最近几份（供每日计划任务使用）",
        "back up to the settings' folder only if the last backup is over a day old, keeping "
        "the newest few (for a daily scheduled task)",
    ),
    "cli.help.restore": (
        "从备份恢复数据库和密钥（先检查备份完整性，现有文件另存一旁）",
        "restore the database and keys from a backup (checked first; the present files are "
        "kept aside)",
    ),
    "cli.help.restore_backup": (
        "备份文件夹（waystation-backup-…）",
        "the backup folder (waystation-backup-…)",
    ),
    "cli.restored": (
        "已从 {path} 恢复（备份于 {made_at}，{members} 名会员）。原有文件保存在 {aside}。"
        "下次同步时，本机会先从服务器取回此后用过的编号，不会重复发号。",
        "Restored from {path} (made {made_at}, {members} members). The present files are "
        "kept in {aside}. At the next sync the desk first learns from the server the numbers "
        "it used since, so none is handed out twice.",
    ),
    "cli.help.demo": (
        "生成演示数据（只用于空白的试用库）",
        "generate demo data (for an empty trial desk)",
    ),
    "cli.help.demo_add": (
        "库中已有会员或到访时仍然添加（演示数据会与真实数据混在一起）",
        "add even though the desk holds members or visits (demo data mixes with real data)",
    ),
}
