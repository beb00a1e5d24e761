"""Messages of the command line's printing, card, certificate and verify verbs."""

MESSAGES: dict[str, tuple[str, str]] = {
    # help
    "cli.help.print": (
        "打印会员卡、证书、签到表、校准页（PDF）",
        "Print cards, certificates, sheets (PDF)",
    ),
    "cli.help.print_cards": ("打印会员卡", "Print member cards"),
    "cli.help.refs": (
        "会员号、手机号或姓名（可重复）",
        "Member number, phone or name (repeatable)",
    ),
    "cli.help.unprinted": (
        "所有还没打印过会员卡的会员",
        "Every member whose card was never printed",
    ),
    "cli.help.all_members": ("所有在册（未停用）会员", "Every active member"),
    "cli.help.layout": (
        "cr80：卡片打印机，每页一张；a4-10up：A4 纸每页十张，带裁切线",
        "cr80: card printer, one a page; a4-10up: ten on A4 with crop marks",
    ),
    "cli.help.backs": ("同时打印卡背（双面）", "Also print the backs (duplex)"),
    "cli.help.reprint_reason": (
        "补打已打印过的卡的原因（如：卡片损坏）",
        "Why cards printed before are printed again (e.g. damaged)",
    ),
    "cli.help.print_cert": (
        "签发并打印证书，或按编号重印",
        "Issue and print a certificate, or reprint one",
    ),
    "cli.help.cert_serial": ("重印已签发的证书（编号）", "Reprint an issued certificate (serial)"),
    "cli.help.cert_for": (
        "证书事由：课程名称，或竞赛及奖项",
        "What it is for: a course, or a competition and award",
    ),
    "cli.help.cert_hours": ("学时，如 32 或 1.5", "Hours, such as 32 or 1.5"),
    "cli.help.print_signin": ("打印签到表", "Print a sign-in sheet"),
    "cli.help.print_calibration": ("打印双面校准页", "Print the duplex calibration page"),
    "cli.help.card": ("会员卡挂失、补办", "Report a card lost, reissue a card"),
    "cli.help.card_lost": ("挂失会员卡", "Report a member's card lost"),
    "cli.help.card_reissue": ("补办新卡（原卡作废）", "Reissue a card (the old one is blocked)"),
    "cli.help.certificate": ("证书管理", "Certificates"),
    "cli.help.cert_revoke": ("撤销证书", "Revoke a certificate"),
    "cli.help.cert_reprint": (
        "按原编号重印证书（内容与签名不变，二维码指向本机现在的查验网址）",
        "Reprint a certificate by its serial (same contents and signature; its QR leads to "
        "the check address this desk knows now)",
    ),
    "cli.help.verify": ("核验会员卡或证书的二维码内容", "Check a member card or certificate code"),
    "cli.help.verify_image": (
        "从图片中识别二维码再核验",
        "Read the codes in an image and check them",
    ),
    # --out
    "cli.out_is_folder": (
        "输出位置 {path} 是一个文件夹，请给出文件名，如 会员卡.pdf。",
        "The output {path} is a folder; give a file name, such as cards.pdf.",
    ),
    "cli.out_unwritable": (
        "无法写入 {path}：请检查文件夹是否存在、是否有写入权限。",
        "Cannot write {path}: check that the folder exists and may be written to.",
    ),
    # cards
    "cli.no_cards_to_print": ("没有需要打印的会员卡。", "There are no cards to print."),
    "cli.cards_deactivated": (
        "以下 {n} 位会员已停用，不能打印会员卡：{names}。未打印任何卡。",
        "{n} member(s) are deactivated and get no card: {names}. Nothing was printed.",
    ),
    "cli.cards_other_device": (
        "以下 {n} 位会员的卡由其他设备签发，本机不能补打：{names}。请先在本机补办新卡。"
        "未打印任何卡。",
        "The cards of {n} member(s) were issued by another device and cannot be reprinted "
        "here: {names}. Reissue them here first. Nothing was printed.",
    ),
    "cli.cards_need_reason": (
        "以下 {n} 位会员的卡已经打印过，补打需要用 --reprint-reason 说明原因（如：卡片损坏）："
        "{names}。未打印任何卡。",
        "The cards of {n} member(s) were printed before; a reprint needs --reprint-reason "
        "(e.g. damaged card): {names}. Nothing was printed.",
    ),
    "cli.cards_printed": (
        "已生成 {n} 张会员卡，共 {pages} 页：{out}",
        "{n} card(s) on {pages} page(s) written to {out}",
    ),
    "cli.cards_reprinted": ("其中 {n} 张为补打。", "{n} of them are reprints."),
    "cli.card_lost": (
        "已挂失 {name} 的会员卡（第 {serial} 张），该卡在各驿站同步后均不能再使用。",
        "{name}'s card (no. {serial}) is reported lost; once synced no station accepts it.",
    ),
    "cli.card_reissued": (
        "已为 {name} 补办新卡（第 {serial} 张），请打印。",
        "A new card (no. {serial}) is issued for {name}; print it next.",
    ),
    # certificates
    "cli.bad_date": (
        "日期“{text}”无法识别，请写成 2025-03-01 的形式。",
        "Cannot read the date “{text}”; write it like 2025-03-01.",
    ),
    "cli.certificate_needs": (
        "签发证书需要 --title 和 --for（或用 --serial 重印已签发的证书）。",
        "Issuing a certificate needs --title and --for (or --serial to reprint one).",
    ),
    "cli.certificate_printed": (
        "证书 {serial} 已生成：{out}",
        "Certificate {serial} written to {out}",
    ),
    "cli.certificate_revoked": ("证书 {serial} 已撤销。", "Certificate {serial} is revoked."),
    # sign-in sheets, calibration
    "cli.signin_printed": (
        "签到表已生成（{n} 人）：{out}",
        "Sign-in sheet ({n} people) written to {out}",
    ),
    "cli.calibration_printed": ("校准页已生成：{out}", "Calibration page written to {out}"),
    # verify
    "cli.image_unreadable": (
        "无法打开图片 {path}，请确认是 PNG 或 JPG 图片。",
        "Cannot open the image {path}; is it a PNG or JPG picture?",
    ),
    "cli.image_no_code": (
        "图片 {path} 中没有找到二维码。请拍得更清楚、更近一些再试。",
        "No code found in the image {path}. Try a sharper, closer picture.",
    ),
    "cli.verify_card_contents": (
        "卡上内容：会员 {who}，第 {serial} 张，签发设备 {device}",
        "On the card: member {who}, card no. {serial}, issued by device {device}",
    ),
    "cli.verify_certificate_contents": (
        "证书记录：{title}，获得者 {recipient}，事由 {purpose}，学时 {hours}，"
        "签发 {issuer}（{issued_on}），编号 {serial}",
        "Recorded: {title} for {recipient}, {purpose}, hours {hours}, issued by {issuer} "
        "on {issued_on}, serial {serial}",
    ),
    "cli.verify_certificate_contents_no_hours": (
        "证书记录：{title}，获得者 {recipient}，事由 {purpose}，"
        "签发 {issuer}（{issued_on}），编号 {serial}",
        "Recorded: {title} for {recipient}, {purpose}, issued by {issuer} "
        "on {issued_on}, serial {serial}",
    ),
    "cli.verify_certificate_dates": ("起止日期：{start} 至 {end}", "From {start} to {end}"),
}
