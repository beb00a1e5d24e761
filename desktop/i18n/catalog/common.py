"""Messages shared by every screen and the command line."""

MESSAGES: dict[str, tuple[str, str]] = {
    "list.separator": ("、", ", "),
    "backup.not_a_folder": ("{path} 不是文件夹。", "{path} is not a folder."),
    "backup.not_a_backup": (
        "{path} 不是驿站通的备份（备份是一个名为 waystation-backup-… 的文件夹）。",
        "{path} is not a Waystation backup (a backup is a folder named waystation-backup-…).",
    ),
    "backup.damaged": (
        "备份 {path} 已损坏或不完整（{problem}），未做任何改动。请换一份备份。",
        "The backup {path} is damaged or incomplete ({problem}); nothing was changed. Choose "
        "another backup.",
    ),
    "backup.restore_failed": (
        "无法恢复到 {path}：{problem}。原有文件未改动。",
        "Could not restore into {path}: {problem}. The present files are unchanged.",
    ),
    "backup.failed": (
        "无法写入备份 {path}：{problem}。请换一个位置（如 U 盘）再试。",
        "Could not write the backup {path}: {problem}. Try another place (a USB stick, say).",
    ),
    "demo.negative": ("数量不能为负数。", "Counts cannot be negative."),
    "demo.not_empty": (
        "本机已有会员或到访记录，演示数据会与真实数据混在一起。请在新的数据文件夹中生成"
        "（--home），确需添加请加 --add。",
        "This desk already holds members or visits; demo people would mix with real ones. "
        "Generate into a new data folder (--home), or add --add if you really mean it.",
    ),
    "error.generic": ("操作未能完成。", "The operation could not be completed."),
    "input.invalid": ("输入有误：{field}", "Invalid input: {field}"),
    "input.bad_text": (
        "输入中有无法识别的字符（{text}），请检查终端的编码设置后重新输入。",
        "The input holds characters that are not valid text ({text}); check the terminal's "
        "encoding and type it again.",
    ),
    "record.not_found": ("找不到该记录。", "Record not found."),
    "rule.violation": ("此操作不被允许。", "This action is not allowed."),
    "auth.denied": ("您的角色无权执行此操作。", "Your role may not do this."),
    # settings refused: {title} is the option's title (option.*)
    "settings.range": (
        "「{title}」应在 {min} 到 {max} 之间。",
        "{title}: give a value between {min} and {max}.",
    ),
    "settings.choice": (
        "「{title}」只能是：{choices}。",
        "{title}: give one of {choices}.",
    ),
    "settings.switch": ("「{title}」请填 on 或 off。", "{title}: give on or off."),
    "settings.whole_number": ("「{title}」请填一个整数。", "{title}: give a whole number."),
    "settings.number": ("「{title}」请填一个数。", "{title}: give a number."),
    "settings.required": ("「{title}」至少要有一项。", "{title}: give at least one."),
    "settings.item_too_long": (
        "「{title}」每项最多 {max} 个字。",
        "{title}: each entry has at most {max} characters.",
    ),
    "settings.base_url": (
        "证书查验网址应以 https:// 开头，不含空格。",
        "The certificate address must start with https:// and hold no spaces.",
    ),
    "settings.seal": (
        "印章图片 {path} 无法使用：{problem}。请选择透明背景的 PNG 图片。",
        "The seal image {path} cannot be used: {problem}. Choose a PNG with a transparent "
        "background.",
    ),
    "settings.template": (
        "证书模板 {path} 无法使用：{problem}",
        "The certificate template {path} cannot be used: {problem}",
    ),
    "storage.newer_schema": (
        "数据文件 {path} 是由更新版本的驿站通创建的（版本 {revision}），请升级本程序后再打开。"
        "文件未做任何改动。",
        "The data file {path} was made by a newer Waystation (schema {revision}). Upgrade "
        "this program to open it; the file was not changed.",
    ),
    "storage.damaged": (
        "数据文件已损坏（{path}），本机未做任何改动。请不要重新初始化：用 waystation restore "
        "从最近的备份恢复，或请管理员处理。损坏的文件会被保留。",
        "The data file is damaged ({path}); nothing was changed. Do not set the desk up "
        "again: restore the latest backup with `waystation restore`, or call the "
        "administrator. The damaged file is kept.",
    ),
    "storage.database_missing": (
        "找不到本机的数据文件 {path}（密钥还在，说明本机用过）。请不要重新初始化：用 "
        "waystation restore 从备份恢复。",
        "The desk's data file {path} is missing (its keys are there: this desk was in use). "
        "Do not set it up again: restore a backup with `waystation restore`.",
    ),
    "storage.disk_full": (
        "磁盘已满（{path}），这次操作没有保存，之前的记录都还在。请腾出磁盘空间后再试。",
        "The disk is full ({path}): this action was not saved; everything recorded before "
        "is kept. Free some space on the disk, then try again.",
    ),
    "storage.read_only": (
        "数据文件夹 {path} 不可写（只读的磁盘或没有权限），本机无法在此工作。"
        "请把数据文件夹放在可写的位置，或请管理员检查权限。",
        "The data folder {path} cannot be written (a read-only disk, or no permission): the "
        "desk cannot work there. Put the data folder somewhere writable, or ask the "
        "administrator to check its permissions.",
    ),
    "storage.cannot_open": (
        "无法打开数据文件夹 {path} 中的数据文件。请检查该文件夹是否存在、是否可写。",
        "The data file in {path} cannot be opened. Check that the folder exists and can be "
        "written.",
    ),
    "storage.name_too_long": (
        "文件名太长：“{path}…”。请换一个短一些的名字。",
        "The file name is too long: “{path}…”. Choose a shorter name.",
    ),
    "storage.io_error": (
        "读写文件时出错（{path}）：{problem}。这次操作没有保存，之前的记录都还在。",
        "A file could not be read or written ({path}): {problem}. This action was not "
        "saved; everything recorded before is kept.",
    ),
    "storage.busy": (
        "数据文件正被另一个程序长时间占用（{path}），这次操作没有保存，之前的记录都还在。"
        "请稍后再试；若一直如此，请关闭同时打开本机数据的其他驿站通窗口或命令。",
        "The data file is held by another program for too long ({path}): this action was "
        "not saved; everything recorded before is kept. Try again in a moment; if it "
        "persists, close any other Waystation window or command using this desk's data.",
    ),
    "setup.required": (
        "本机尚未初始化，请先完成首次设置（waystation init）。",
        "This device is not set up yet. Run the first-start setup (waystation init).",
    ),
}
