"""Messages shared by every screen and the command line."""

MESSAGES: dict[str, tuple[str, str]] = {
    "error.generic": ("操作未能完成。", "The operation could not be completed."),
    "input.invalid": ("输入有误：{field}", "Invalid input: {field}"),
    "record.not_found": ("找不到该记录。", "Record not found."),
    "rule.violation": ("此操作不被允许。", "This action is not allowed."),
    "auth.denied": ("您的角色无权执行此操作。", "Your role may not do this."),
    "setup.required": (
        "本机尚未初始化，请先完成首次设置（waystation init）。",
        "This device is not set up yet. Run the first-start setup (waystation init).",
    ),
}
