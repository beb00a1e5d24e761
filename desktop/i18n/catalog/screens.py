"""Messages of the member list, the operators screen and the settings screen."""

MESSAGES: dict[str, tuple[str, str]] = {
    # the member list
    "members.filter_hint": (
        "姓名 / 拼音 / 手机尾号 / 会员号",
        "Name / pinyin / phone / no.",
    ),
    "members.loading": ("正在读取会员名单……", "Loading members…"),
    "members.count": ("共 {n:,} 位会员", "{n:,} members"),
    "members.count_found": (
        "找到 {n:,} 位（共 {total:,} 位会员）",
        "{n:,} found ({total:,} members)",
    ),
    "members.count_capped": (
        "找到很多，只显示前 {n} 位，请多输入几个字",
        "Many matches; showing the first {n}. Type a little more",
    ),
    "members.none_found": (
        "没有找到“{text}”，可以点“登记新会员”",
        "Nothing found for “{text}”; use “Register” to add the person",
    ),
    "members.col_number": ("会员号", "Member no."),
    "members.col_name": ("姓名", "Name"),
    "members.col_phone": ("手机", "Phone"),
    "members.col_occupation": ("职业", "Occupation"),
    "members.col_employer": ("单位/平台", "Employer / platform"),
    "members.col_tags": ("标签", "Tags"),
    "members.col_status": ("状态", "Status"),
    "members.col_registered": ("登记时间", "Registered"),
    "members.sort_hint": (
        "点击按此列排序，再点一次倒序",
        "Click to sort by this column; again to reverse",
    ),
    "members.status_active": ("在册", "Active"),
    "members.status_inactive": ("已停用", "Deactivated"),
    "members.tag_separator": ("、", ", "),
    "members.register": ("登记新会员", "Register member"),
    "members.edit": ("修改", "Edit"),
    "members.deactivate": ("停用", "Deactivate"),
    "members.reactivate": ("恢复", "Reactivate"),
    "members.cancel": ("取消", "Cancel"),
    "members.lead_only": (
        "只有站长或管理员可以停用、恢复会员",
        "Only a station lead or an admin may deactivate or reactivate members",
    ),
    "members.deactivate_title": ("停用会员", "Deactivate member"),
    "members.deactivate_question": (
        "停用 {name} 的会员资格。停用后不能签到，记录都会保留，以后可以恢复。请写明原因：",
        "Deactivate {name}'s membership. They can no longer check in; their records are kept "
        "and the membership can be reactivated later. Give the reason:",
    ),
    "members.reason_hint": ("选择或填写原因", "Pick or type a reason"),
    "members.reason_moved": ("已离开本地", "Moved away"),
    "members.reason_duplicate": ("重复登记", "Registered twice"),
    "members.reason_request": ("本人要求", "At the person's request"),
    "members.reactivate_title": ("恢复会员", "Reactivate member"),
    "members.reactivate_question": (
        "恢复 {name} 的会员资格？恢复后可以正常签到。",
        "Reactivate {name}'s membership? They can check in again.",
    ),
    "members.existing_selected": (
        "{name} 已是会员，已为您选中。",
        "{name} is already a member and is now selected.",
    ),
    "members.saved": ("已保存：{name}", "Saved: {name}"),
    "members.deactivated": ("已停用：{name}", "Deactivated: {name}"),
    "members.reactivated": ("已恢复：{name}", "Reactivated: {name}"),
    # operators
    "operators.hint": (
        "值班员用自己的姓名和 PIN 码登录。站长还可以停用会员，管理员还可以管理值班员和设置。",
        "Operators sign in with their name and PIN. Station leads may also deactivate members; "
        "admins may also manage operators and settings.",
    ),
    "operators.admin_only": (
        "只有管理员可以管理值班员。如需添加或修改，请找管理员。",
        "Only an admin may manage operators. Ask an admin to add or change one.",
    ),
    "operators.col_name": ("姓名", "Name"),
    "operators.col_role": ("角色", "Role"),
    "operators.col_status": ("状态", "Status"),
    "operators.status_active": ("在岗", "Active"),
    "operators.status_inactive": ("已停用", "Deactivated"),
    "operators.you": ("（本人）", " (you)"),
    "operators.add": ("添加值班员", "Add operator"),
    "operators.edit": ("修改", "Edit"),
    "operators.deactivate": ("停用", "Deactivate"),
    "operators.reactivate": ("恢复", "Reactivate"),
    "operators.not_yourself": (
        "不能停用正在登录的账号",
        "You cannot deactivate the account you are signed in with",
    ),
    "operators.title_add": ("添加值班员", "Add operator"),
    "operators.title_edit": ("修改值班员", "Edit operator"),
    "operators.reset_pin": ("重设 PIN 码", "Reset the PIN"),
    "operators.pin": ("PIN 码", "PIN"),
    "operators.pin_again": ("再输一次", "PIN again"),
    "operators.pin_hint": ("4 到 8 位数字", "4 to 8 digits"),
    "operators.pin_mismatch": (
        "两次输入的 PIN 码不一致，请重新输入。",
        "The two PINs differ; type them again.",
    ),
    "operators.save": ("保存", "Save"),
    "operators.cancel": ("取消", "Cancel"),
    "operators.deactivate_question": (
        "停用值班员 {name}？停用后不能再登录，以前的记录都会保留。",
        "Deactivate operator {name}? They can no longer sign in; their past records are kept.",
    ),
    "operators.reactivate_question": (
        "恢复值班员 {name}？恢复后可以用原来的 PIN 码登录。",
        "Reactivate operator {name}? They can sign in again with their PIN.",
    ),
    # settings
    "settings.general": ("常用", "General"),
    "settings.services": ("服务项目", "Services"),
    # Language names are written in their own language, so anyone finds theirs.
    "settings.sound_on": ("签到时播放提示音", "Play a sound at check-in"),
    "settings.defaults_hint": (
        "签到时默认勾选的服务，只能从本站提供的服务里选。",
        "Services ticked in advance at check-in; only services offered here can be ticked.",
    ),
    "settings.new_occupation": ("输入新的职业，按回车添加", "Type a new occupation, press Enter"),
    "settings.new_tag": ("输入新的标签，按回车添加", "Type a new tag, press Enter"),
    "settings.add": ("添加", "Add"),
    "settings.remove": ("删除", "Remove"),
    "settings.move_up": ("上移", "Move up"),
    "settings.move_down": ("下移", "Move down"),
    "settings.save": ("保存设置", "Save settings"),
    "settings.saved": ("已保存", "Saved"),
    "settings.admin_only": (
        "只有管理员可以修改设置，这里只能查看。",
        "Only an admin may change settings; you can look at them here.",
    ),
    "settings.printing": ("会员卡与证书", "Cards and certificates"),
    "settings.backups": ("备份", "Backups"),
    "settings.backup_browse": ("选择…", "Choose…"),
    "settings.backup_status": ("最近一次备份", "Last backup"),
    "settings.backup_now": ("立即备份", "Back up now"),
    "settings.backup_done": ("已备份", "Backed up"),
    "settings.backup_never": (
        "还没有备份：请插上备份 U 盘并立即备份",
        "None yet: plug in the backup USB stick and back up now",
    ),
    "settings.backup_old": (
        "（已超过 3 天，请插上备份 U 盘并立即备份）",
        "(over 3 days old: plug in the backup USB stick and back up now)",
    ),
    "settings.restore": ("从备份恢复…", "Restore from a backup…"),
    "restore.title": ("从备份恢复", "Restore from a backup"),
    "restore.folder": (
        "备份文件夹 {folder} 中的备份（最新的在前）：",
        "Backups in {folder} (newest first):",
    ),
    "restore.folder_empty": (
        "备份文件夹 {folder} 中没有备份。请插上备份 U 盘，点“其他文件夹…”选择它。",
        "No backups in {folder}. Plug in the backup USB stick and choose it with “Other folder…”.",
    ),
    "restore.item": (
        "{when}　　{members} 名会员　　本机编号 {device}",
        "{when}    {members} members    device {device}",
    ),
    "restore.when_unknown": ("时间不明", "time unknown"),
    "restore.other_folder": ("其他文件夹…", "Other folder…"),
    "restore.check": ("检查这份备份", "Check this backup"),
    "restore.not_checked": (
        "请先检查这份备份是否完好，再恢复。",
        "Check that this backup is whole before restoring it.",
    ),
    "restore.checking": ("正在检查…", "Checking…"),
    "restore.whole": (
        "这份备份完好：备份于 {when}，{members} 名会员，本机编号 {device}。",
        "This backup is whole: made {when}, {members} members, device {device}.",
    ),
    "restore.explained": (
        "恢复时会：关闭本机的数据库；把现在的数据库和密钥原样移到 {home} 下的 "
        "replaced-…（恢复时间）文件夹中保存，不删除任何东西；放入 {when} 这份备份的数据库和密钥；"
        "再重新打开，回到登录页面。{when} 之后在本机录入的记录不在这份备份里"
        "（它们留在保存的旧文件中）。"
        "下次同步时，本机先从服务器取回此后用过的编号，不会重复发号。",
        "Restoring will: close this desk's database; move the present database and keys, "
        "untouched, into a replaced-… (time of the restore) folder in {home}, deleting "
        "nothing; put this backup's database and keys (made {when}) in their place; and open "
        "the desk again at the sign-in page. Records made here after {when} are not in the "
        "backup (they stay in the files kept aside). At the next sync the desk first learns "
        "from the server the numbers it used since, so none is handed out twice.",
    ),
    "restore.go": ("恢复这份备份", "Restore this backup"),
    "restore.cancel": ("取消", "Cancel"),
    "restore.question": (
        "确定用备份 {path} 恢复本机吗？本机将关闭并重新打开，请重新登录。",
        "Restore this desk from {path}? The desk closes and opens again; sign in once more.",
    ),
    "restore.done": (
        "已从 {when} 的备份恢复（{members} 名会员）。原有的数据库和密钥保存在 {aside}。"
        "请重新登录。",
        "Restored from the backup made {when} ({members} members). The previous database and "
        "keys are kept in {aside}. Please sign in again.",
    ),
    "settings.accept_unknown_hint": (
        "接受（核对证件后办理），否则拒绝",
        "Accept (after checking an ID), otherwise refuse",
    ),
    "settings.offsets": ("双面打印背面偏移", "Duplex back shift"),
    "settings.base_url_hint": (
        "还不知道：接入中心服务器时自动填写",
        "Not known yet: filled in when the desk enrols",
    ),
    "settings.base_url_tip": (
        "手机扫描证书二维码时打开的网址，即中心服务器的公开地址，如 https://zhengshu.example.cn。"
        "接入中心时自动设置。不知道就留空：证书上的二维码仍可在驿站扫码查验。",
        "The address a phone opens when it scans a certificate's QR code: the central "
        "server's public address, e.g. https://verify.example.org. Set when the desk enrols. "
        "Leave it empty if you do not know it: stations can still check the QR code.",
    ),
    "settings.offset_x": ("左右", "Left-right"),
    "settings.offset_y": ("上下", "Up-down"),
    "settings.print_calibration": ("打印校准页", "Print calibration page"),
    "settings.template_default": ("默认模板", "The default template"),
    "settings.template_browse": ("选择…", "Choose…"),
}
