"""Verifying cards and certificates, and this device's signing key: plain words for the desk."""

MESSAGES: dict[str, tuple[str, str]] = {
    "verify.card_valid": ("会员卡有效。", "Valid member card."),
    "verify.card_valid_new_member": (
        "会员卡有效。本机还没有该会员的资料，可以照常办理，同步后会自动补全。",
        "Valid member card. This station does not have this member's record yet; go ahead, "
        "it fills in after the next sync.",
    ),
    "verify.altered": (
        "无法识别：这不是本系统的会员卡或证书，或二维码已损坏、被改动。请勿办理，"
        "请对方出示身份证件人工核对。",
        "Not recognised: this is not a Waystation card or certificate, or the code is "
        "damaged or altered. Do not accept it; check the person's ID card by hand.",
    ),
    "verify.unsupported_version": (
        "此二维码的格式比本程序新，无法识别。请升级驿站通后再试，或人工核对证件。",
        "This code uses a newer format than this program knows. Update Waystation and try "
        "again, or check the person's ID by hand.",
    ),
    "verify.certificate_not_card": (
        "这是证书的二维码，不是会员卡。请扫描会员卡。",
        "This is a certificate, not a member card. Scan the member card.",
    ),
    "verify.card_not_certificate": (
        "这是会员卡的二维码，不是证书。",
        "This is a member card, not a certificate.",
    ),
    "verify.unknown_device": (
        "由其他设备（{device}）签发，本机尚未同步该设备，无法核验真伪。请核对证件，或同步后再试。",
        "Issued by another device ({device}) that this station has not synced yet, so it "
        "cannot be checked. Check the person's ID, or sync and try again.",
    ),
    "verify.blocked": (
        "此卡（第 {serial} 张）已挂失或已补办，不能再使用。请持卡人出示新卡或身份证件。",
        "This card (no. {serial}) was reported lost or has been replaced and is no longer "
        "valid. Ask for the new card or an ID card.",
    ),
    "verify.deactivated": (
        "该会员已停用，不能办理。如有疑问请联系站长。",
        "This member is deactivated and cannot be served. Ask the station lead if in doubt.",
    ),
    "verify.certificate_valid": (
        "证书真实有效（编号 {serial}），内容以本机记录为准，见下方。",
        "Genuine certificate (serial {serial}); its contents as recorded are shown below.",
    ),
    "verify.certificate_valid_device_revoked": (
        "证书真实有效（编号 {serial}），内容以本机记录为准，见下方。发证设备 {device} 已于 "
        "{revoked_at} 停用；这张证书在停用前已登记到中心，仍然有效。",
        "Genuine certificate (serial {serial}); its contents as recorded are shown below. "
        "The issuing device {device} was revoked on {revoked_at}; this certificate reached "
        "the central server before that, so it stays valid.",
    ),
    "verify.unknown_certificate_device_revoked": (
        "本机没有编号 {serial} 的证书记录。发证设备 {device} 已于 {revoked_at} 停用：停用前"
        "没有登记到中心的证书无效。请同步后再试，或用手机扫码在线查验。",
        "This station has no record of certificate {serial}. The issuing device {device} "
        "was revoked on {revoked_at}: a certificate that had not reached the central server "
        "by then is not valid. Sync and try again, or scan it with a phone to check online.",
    ),
    "verify.unknown_certificate": (
        "本机没有编号 {serial} 的证书记录，无法核验。请同步后再试，或用手机扫码在线查验。",
        "This station has no record of certificate {serial}, so it cannot be checked here. "
        "Sync and try again, or scan it with a phone to check online.",
    ),
    "identity.key_unreadable": (
        "无法读取本机的签名密钥文件 {path}。请从备份恢复该文件，不要删除它，"
        "否则本机发出的会员卡和证书将无法核验。",
        "Cannot read this device's signing key file {path}. Restore it from a backup and do "
        "not delete it, or the cards and certificates this device issued can no longer be "
        "verified.",
    ),
}
