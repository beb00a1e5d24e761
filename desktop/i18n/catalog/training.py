"""Messages of training: courses, sessions, rosters, attendance, completion, certificates."""

MESSAGES: dict[str, tuple[str, str]] = {
    # checking what was typed
    "training.required": ("请填写此项。", "This field is required."),
    "training.text_too_long": ("最多 {max} 个字。", "At most {max} characters."),
    "training.hours": (
        "学时应为大于 0 的数字，如 2 或 1.5。",
        "Hours must be a number above 0, such as 2 or 1.5.",
    ),
    "training.time": (
        "时间“{text}”无法识别，请写成 时:分，如 09:00。",
        "Cannot read the time “{text}”; write it as HH:MM, e.g. 09:00.",
    ),
    "training.rule": ("结业规则无法识别。", "Unknown completion rule."),
    "training.rule_minimum": (
        "结业要求应为出勤比例（如 0.8 或 80%）或最少学时（大于 0）。",
        "The requirement is a share of sessions (0.8 or 80%) or a minimum of hours (above 0).",
    ),
    "training.dates": ("结束日期不能早于开始日期。", "The end date cannot be before the start."),
    "training.capacity": ("名额应为 0（不限）或正整数。", "Capacity is 0 (no limit) or a number."),
    "training.grace": (
        "迟到宽限应为 0 到 600 分钟。",
        "The grace period is 0 to 600 minutes.",
    ),
    "training.session_times": (
        "下课时间应晚于上课时间。",
        "A session must end after it starts.",
    ),
    "training.ref_empty": ("请指明培训班或课时。", "Name a course or a session."),
    "training.note_too_long": ("备注最多 {max} 个字。", "A note has at most {max} characters."),
    "training.excuse_note": (
        "请假请写明原因。",
        "An excused absence needs a note saying why.",
    ),
    "training.source": ("未知的考勤来源。", "Unknown source of the mark."),
    # records
    "training.course_not_found": ("找不到培训班“{ref}”。", "No course “{ref}”."),
    "training.course_ambiguous": (
        "有 {count} 个培训班名为“{ref}”，请用编号指明。",
        "{count} courses are called “{ref}”; use the course id.",
    ),
    "training.session_not_found": ("找不到课时“{ref}”。", "No session “{ref}”."),
    "training.course_cancelled": ("培训班“{title}”已取消。", "The course “{title}” is cancelled."),
    "training.session_cancelled": ("该课时已取消。", "This session is cancelled."),
    "training.session_not_open": (
        "已取消或已结束的课时不能调整。",
        "A cancelled or closed session cannot be moved.",
    ),
    "training.session_closed": (
        "该课时已结束签到；如需更改考勤，请站长在考勤表中修改。",
        "This session is closed; a station lead can still change marks in the grid.",
    ),
    "training.not_enrolled": ("此人不在该班名单中。", "This person is not on the roster."),
    "training.no_certificates": (
        "没有可打印的证书：还没有人结业，或证书尚未颁发。",
        "No certificates to print: nobody completed yet, or none was issued.",
    ),
    # import
    "training.import_unreadable": (
        "无法读取表格文件 {path}，请另存为 .xlsx 后重试。",
        "Cannot read the spreadsheet {path}; save it as .xlsx and try again.",
    ),
    "training.import_no_ref": (
        "此行没有会员号或手机号。",
        "This row has neither a member number nor a phone.",
    ),
    "training.import_name_mismatch": (
        "表中姓名“{name}”与会员“{found}”不符。",
        "The name “{name}” does not match the member “{found}”.",
    ),
    # attendance words
    "attendance.present": ("到", "Present"),
    "attendance.late": ("迟到", "Late"),
    "attendance.excused": ("请假", "Excused"),
    "attendance.absent": ("缺勤", "Absent"),
    "attendance.none": ("未到", "Not yet"),
    "attendance.conflict": ("冲突", "Conflict"),
}
