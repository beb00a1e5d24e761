"""Messages of the station desk: members, check-ins, operators, setup, services, roles."""

MESSAGES: dict[str, tuple[str, str]] = {
    # setup
    "setup.already_done": ("本机已完成初始化。", "This device is already set up."),
    "setup.default_admin_name": ("管理员", "Admin"),
    "setup.station_name_empty": ("请填写驿站名称。", "Enter the station's name."),
    "setup.station_name_too_long": (
        "驿站名称最多 {max} 个字。",
        "A station name has at most {max} characters.",
    ),
    # operators and roles
    "auth.wrong_pin": ("PIN 码不正确，请重新输入。", "Wrong PIN. Please try again."),
    "auth.paused": (
        "PIN 码连续输错次数过多，请 {minutes} 分钟后再试，或请管理员重设 PIN 码。",
        "Too many wrong PINs in a row. Try again in {minutes} min, or ask an admin to reset it.",
    ),
    "auth.role_required": (
        "此操作需要{role}权限，请找有权限的同事。",
        "This needs the {role} role; ask a colleague who has it.",
    ),
    "operator.not_found": ("找不到该值班员。", "No such operator."),
    "operator.name_empty": ("请填写值班员姓名。", "Enter the operator's name."),
    "operator.name_too_long": ("姓名最多 {max} 个字。", "A name has at most {max} characters."),
    "operator.name_taken": (
        "已有名为“{name}”的值班员，请换一个名字。",
        "There is already an operator called “{name}”; choose another name.",
    ),
    "operator.pin_format": (
        "PIN 码应为 {min} 到 {max} 位数字。",
        "A PIN is {min} to {max} digits.",
    ),
    "operator.last_admin": (
        "至少要保留一名在岗的管理员。",
        "At least one active admin must remain.",
    ),
    "role.attendant": ("值班员", "attendant"),
    "role.lead": ("站长", "station lead"),
    "role.admin": ("管理员", "admin"),
    # members
    "member.not_found": ("未找到会员“{ref}”。", "No member “{ref}” was found."),
    "member.ref_empty": (
        "请输入会员号、手机号或扫码。",
        "Enter a member number, phone or scan a card.",
    ),
    "member.ambiguous_phone": (
        "有 {count} 位会员使用这个手机号，请用会员号或姓名查找。",
        "{count} members share this phone number; search by member number or name.",
    ),
    "member.deactivated": (
        "{name} 的会员资格已停用：{reason}",
        "{name}'s membership is deactivated: {reason}",
    ),
    "member.duplicate_id": (
        "这个身份证号已登记为会员 {name}（{number}），请直接打开该会员。",
        "This ID number is already registered to {name} ({number}); open that member instead.",
    ),
    "member.duplicate_phone": (
        "这个手机号已登记为会员 {name}（{number}）。如确是另一个人，请确认后再保存。",
        "This phone number belongs to member {name} ({number}). "
        "If this is really someone else, confirm and save again.",
    ),
    "member.changed_meanwhile": (
        "{name} 的资料刚被别人修改过，请重新打开后再改。",
        "{name} was changed by someone else meanwhile; reopen and edit again.",
    ),
    "member.consent_required": (
        "登记手机号或身份证号前，需本人同意个人信息的使用。",
        "The person must agree to the use of their data before a phone or ID number is stored.",
    ),
    "member.reason_required": ("请填写停用原因。", "Give a reason for deactivating."),
    "member.text_too_long": ("此项最多 {max} 个字。", "At most {max} characters here."),
    "member.too_many_tags": ("标签最多 {max} 个。", "At most {max} tags."),
    "member.tag_too_long": ("每个标签最多 {max} 个字。", "A tag has at most {max} characters."),
    "member.consent_withdraw": (
        "撤回同意前，请先清空手机号；已登记身份证号的，请先删除身份证号。",
        "To withdraw consent, first clear the phone number, and remove the ID number if one "
        "is on file.",
    ),
    # cards
    "card.reprint_reason": (
        "这张卡已经打印过，补打需要填写原因（如：卡片损坏）。",
        "This card was printed before; a reprint needs a reason (e.g. damaged card).",
    ),
    "card.reason_too_long": ("原因最多 {max} 个字。", "A reason has at most {max} characters."),
    "card.none": ("该会员还没有会员卡。", "This member has no card yet."),
    "card.printed_twice": ("同一张卡打印了两次", "The same card was printed twice"),
    "card.other_device": (
        "这张卡由设备 {device} 签发，本机不能补打；请在本机补办新卡。",
        "This card was issued by device {device}; this desk cannot reprint it. Reissue a "
        "new card here instead.",
    ),
    # certificates
    "certificate.title": ("证书名称只能是：{titles}。", "The title must be one of: {titles}."),
    "certificate.purpose": (
        "请填写证书事由（课程或竞赛及奖项），最多 {max} 个字。",
        "Say what it is for (a course, or a competition and award), at most {max} characters.",
    ),
    "certificate.hours": (
        "学时应为大于 0 的数字，如 32 或 1.5。",
        "Hours must be a number above 0, such as 32 or 1.5.",
    ),
    "certificate.honour_hours": (
        "{title}不写学时（证书上不印学时）。请清空学时，或改选{with_hours}。",
        "A {title} (an honour) states no hours; none are printed on it. Leave the hours "
        "empty, or choose {with_hours}.",
    ),
    "certificate.dates": ("结束日期不能早于开始日期。", "The end date cannot be before the start."),
    "certificate.reason_required": ("请填写撤销原因。", "Give a reason for revoking."),
    "certificate.not_found": ("找不到证书 {serial}。", "No certificate {serial}."),
    "certificate.no_verify_url": (
        "本机还不知道中心的证书查验网址：这张证书的二维码手机打不开，只能在驿站扫码查验。"
        "接入中心服务器（或在设置里填写查验网址）后，可按原编号重印。",
        "This desk does not know the central server's certificate check address yet: a "
        "phone cannot open this certificate's QR code; only a station can check it by "
        "scanning. Once the desk is enrolled (or the address is set in settings), reprint "
        "it under the same serial.",
    ),
    "certificate.already_revoked": ("这张证书已经撤销。", "This certificate was already revoked."),
    "certificate.not_issuer": (
        "证书 {serial} 由其他驿站的设备 {device}（{union}）签发，本站不能撤销。"
        "只有发证驿站的电脑或中心可以撤销它：请联系发证单位。证书未作任何改动。",
        "Certificate {serial} was issued by device {device} of another station ({union}); "
        "this station cannot revoke it. Only a computer of the issuing station, or the "
        "central office, can: contact the issuer. Nothing was changed.",
    ),
    "certificate.revoked": (
        "证书已被撤销：{reason}",
        "This certificate was revoked: {reason}",
    ),
    # check-in
    "checkin.recorded": ("{name} 签到成功，第 {n} 次到访", "{name} checked in — visit no. {n}"),
    "checkin.repeat": (
        "{name} 在 {minutes} 分钟前已签到，视为同一次到访",
        "{name} checked in {minutes} min ago — counted as the same visit",
    ),
    "checkin.anonymous_visitor": ("匿名访客（{occupation}）", "Anonymous visitor ({occupation})"),
    "visit.not_found": ("找不到到访记录“{ref}”。", "No visit “{ref}” was found."),
    "visit.already_voided": ("这条到访记录已撤销过。", "This visit was already undone."),
    "visit.reason_required": ("请填写撤销原因。", "Give a reason for undoing the visit."),
    "visit.reason_too_long": ("原因最多 {max} 个字。", "A reason has at most {max} characters."),
    "visit.unknown_service": ("未知的服务项目：{service}", "Unknown service: {service}"),
    # services
    "service.water": ("饮水", "Water"),
    "service.rest": ("休息", "Rest"),
    "service.charging": ("电动车充电", "E-bike charging"),
    "service.warmth": ("取暖纳凉", "Warm up / cool down"),
    "service.microwave": ("热饭", "Microwave"),
    "service.toilet": ("如厕", "Toilet"),
    "service.first_aid": ("急救药箱", "First-aid kit"),
    "service.health_check": ("健康检查", "Health check"),
    "service.legal_advice": ("法律咨询", "Legal advice"),
    "service.counselling": ("心理咨询", "Counselling"),
    "service.reading": ("阅读", "Reading"),
    "service.other": ("其他", "Other"),
    # options
    "option.language": ("界面语言", "Language"),
    "option.language.zh": ("中文", "中文"),
    "option.language.en": ("English", "English"),
    "option.idle_lock_minutes": ("无操作自动锁屏（分钟）", "Lock after idle (minutes)"),
    "option.repeat_window_minutes": (
        "重复签到提醒时间（分钟）",
        "Repeat check-in window (minutes)",
    ),
    "option.offered_services": ("本站提供的服务", "Services offered here"),
    "option.default_services": ("默认勾选的服务", "Services preselected"),
    "option.occupations": ("职业列表", "Occupations"),
    "option.tags": ("标签列表", "Tags"),
    "option.sound": ("提示音", "Sound"),
    "option.backup_folder": ("自动备份文件夹（如 U 盘）", "Automatic backups folder (a USB stick)"),
    "option.backup_keep": ("保留最近几份备份", "Backups kept"),
    "option.accept_unknown_devices": (
        "接受尚未同步的设备签发的会员卡",
        "Accept cards from devices not yet synced",
    ),
    "option.card_layout": ("会员卡版式", "Card layout"),
    "option.card_layout.a4": ("A4 纸，每页 10 张（办公打印机）", "A4, 10 a sheet (office printer)"),
    "option.card_layout.cr80": ("CR80，每页 1 张（制卡机）", "CR80, one a page (card printer)"),
    "option.auto_print_card": ("登记后打印会员卡", "Print the card after registering"),
    "option.auto_print_card.never": ("不打印", "Never"),
    "option.auto_print_card.ask": ("每次询问", "Ask each time"),
    "option.auto_print_card.always": ("总是打印（未打印过时）", "Always (if never printed)"),
    "option.print_offset_x_mm": ("背面左右偏移（毫米）", "Back side shift, left-right (mm)"),
    "option.print_offset_y_mm": ("背面上下偏移（毫米）", "Back side shift, up-down (mm)"),
    "option.certificate_seal": (
        "证书印章图片（透明背景 PNG）",
        "Certificate seal (transparent PNG)",
    ),
    "option.certificate_template": (
        "证书模板文件（留空用默认模板）",
        "Certificate template file (empty: the default)",
    ),
    "option.certificate_base_url": ("证书查验网址", "Certificate check address"),
}
