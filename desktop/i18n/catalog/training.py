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
        "The requirement is a share of sessions (0.8 or 80%%) or a minimum of hours (above 0).",
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
    "training.course_central": (
        "“{title}”是中心下发的培训班，课程和课时由工会中心统一安排，本站不能改。",
        "“{title}” was sent by HQ: only HQ changes the course and its sessions.",
    ),
    "training.central": ("中心下发", "from HQ"),
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

MESSAGES.update(
    {
        "enrolment.enrolled": ("已报名", "Enrolled"),
        "enrolment.waitlisted": ("候补", "Waitlisted"),
        "enrolment.withdrawn": ("已退出", "Withdrawn"),
        "enrolment.already": ("已在名单中", "Already on the roster"),
        "completion.missing_hours": ("缺 {hours} 课时", "{hours} hours short"),
        "completion.missing_sessions": ("缺 {n} 次课", "{n} sessions short"),
        "completion.done": ("已结业", "Completed"),
        "report.roster": ("名单", "Roster"),
        "report.grid": ("考勤表", "Attendance"),
        "report.completion": ("学时与结业", "Hours and completion"),
        "report.certificates": ("证书", "Certificates"),
        "report.no_": ("序号", "No."),
        "report.name": ("姓名", "Name"),
        "report.member_number": ("会员号", "Member number"),
        "report.enrolment": ("报名状态", "Enrolment"),
        "report.walk_in": ("现场加入", "Walk-in"),
        "report.attended": ("出勤", "Attended"),
        "report.hours": ("学时", "Hours"),
        "report.excused": ("请假", "Excused"),
        "report.completed": ("结业", "Completed"),
        "report.missing": ("未结业原因", "Why not"),
        "report.serial": ("证书编号", "Serial"),
        "report.issued_on": ("颁发日期", "Issued on"),
        "report.state": ("状态", "State"),
        "report.valid": ("有效", "Valid"),
        "report.revoked": ("已撤销：{reason}", "Revoked: {reason}"),
        "report.yes": ("是", "Yes"),
        "report.no": ("否", "No"),
        "report.total_hours": ("共 {hours} 学时", "{hours} hours in all"),
    }
)

MESSAGES.update(
    {
        # the door
        "door.present": ("{name}  已签到 · 第 {n}/{of} 课时", "{name}  present · session {n}/{of}"),
        "door.late": ("{name}  迟到 · 第 {n}/{of} 课时", "{name}  late · session {n}/{of}"),
        "door.walk_in_flag": ("（现场加入）", "(walk-in)"),
        "door.already": (
            "{name}  已于 {at} 签到过 · 第 {n}/{of} 课时，无需重复扫码",
            "{name}  already signed in at {at} · session {n}/{of}; nothing more to do",
        ),
        "door.not_on_roster": (
            "{name} 不在本班名单中。按 Enter 作为现场加入登记，按 Esc 拒绝。",
            "{name} is not on the roster. Enter: sign in as a walk-in; Esc: refuse.",
        ),
        "door.refused": (
            "{name} 不在本班名单中，本班不接受现场加入。",
            "{name} is not on the roster, and this course takes no walk-ins.",
        ),
        "door.counters": (
            "应到 {expected}　已到 {arrived}（其中迟到 {late}）　"
            "请假 {excused}　缺勤 {absent}　未到 {waiting}",
            "Expected {expected}  arrived {arrived} ({late} late)  excused {excused}  "
            "absent {absent}  not yet {waiting}",
        ),
        # command line
        "cli.help.course": (
            "培训班：创建、课时、名单、结业、证书",
            "Courses: create, sessions, roster, completion, certificates",
        ),
        "cli.help.course_create": ("新建培训班（可同时加课时）", "Create a course (with sessions)"),
        "cli.help.course_session_spec": (
            "一个课时，如 '2025-03-14 09:00-11:00 安全用电'，可重复",
            "A session, e.g. '2025-03-14 09:00-11:00 Safety'; repeatable",
        ),
        "cli.help.course_session": ("课时：添加、调整、取消", "Sessions: add, move, cancel"),
        "cli.help.course_enrol": ("报名（名额满则候补）", "Enrol (waitlisted when full)"),
        "cli.help.course_import": ("从 .xlsx 导入名单", "Import a roster from .xlsx"),
        "cli.help.course_certify": (
            "给所有结业学员颁发证书并输出一个 PDF",
            "Issue certificates to all who completed, as one PDF",
        ),
        "cli.help.course_reissue": ("撤销并重新颁发一张证书", "Revoke and reissue a certificate"),
        "cli.help.course_minimum": (
            "结业要求：出勤比例（0.8 或 80%%）或最少学时",
            "Requirement: share of sessions (0.8 or 80%%) or minimum hours",
        ),
        "cli.help.course_grace": ("迟到宽限（分钟）", "Grace period in minutes"),
        "cli.help.attend": ("考勤：签到，或标记状态", "Attendance: sign in, or mark a status"),
        "cli.help.attend_walk_in": (
            "不在名单中则作为现场加入",
            "Enrol as a walk-in if not on the roster",
        ),
        "cli.help.attend_paper": ("据纸质签到表补录", "Entered from a signed paper sheet"),
        "cli.help.session": (
            "课时：结束签到、查看、签到表",
            "Sessions: close, show, sign-in sheet",
        ),
        "cli.help.session_sheet": ("打印纸质签到表", "Print the paper sign-in sheet"),
        "cli.help.report_course": ("培训班报表（.xlsx 或 .pdf）", "Course report (.xlsx or .pdf)"),
        "cli.session_spec": (
            "课时“{text}”无法识别，请写成 '2025-03-14 09:00-11:00 主题'。",
            "Cannot read the session “{text}”; write '2025-03-14 09:00-11:00 Topic'.",
        ),
        "cli.course_created": ("已创建培训班“{title}”（{id}）", "Course “{title}” created ({id})"),
        "cli.course_counts": (
            "{sessions} 个课时，{enrolled} 人报名",
            "{sessions} sessions, {enrolled} enrolled",
        ),
        "cli.session_closed": ("已结束", "closed"),
        "cli.session_cancelled": ("已取消", "cancelled"),
        "cli.session_added": ("已添加课时", "Session added"),
        "cli.session_moved": ("已调整课时", "Session moved"),
        "cli.session_cancelled_done": ("已取消该课时", "Session cancelled"),
        "cli.withdrawn": ("{name} 已退出", "{name} withdrawn"),
        "cli.promoted": ("{name} 由候补转为正式报名", "{name} moved up from the waitlist"),
        "cli.import_line": ("第 {row} 行  {ref}  {result}", "Row {row}  {ref}  {result}"),
        "cli.import_summary": (
            "报名 {enrolled}，候补 {waitlisted}，已在名单 {already}，未导入 {refused}",
            "Enrolled {enrolled}, waitlisted {waitlisted}, already there {already}, "
            "refused {refused}",
        ),
        "cli.certified": (
            "新颁发 {issued} 张证书；{out} 共 {pages} 页；未结业 {not_completed} 人",
            "{issued} certificates issued; {out} has {pages} pages; {not_completed} not completed",
        ),
        "cli.reissued": (
            "证书 {old} 已撤销，新证书 {new}",
            "Certificate {old} revoked; new one {new}",
        ),
        "cli.session_closed_done": (
            "已结束签到，{absent} 人记为缺勤",
            "Session closed; {absent} marked absent",
        ),
        "cli.report_format": (
            "报表文件应以 .xlsx 或 .pdf 结尾：{path}",
            "The report file must end in .xlsx or .pdf: {path}",
        ),
        "cli.report_written": ("报表已保存到 {out}", "Report saved to {out}"),
    }
)

MESSAGES.update(
    {
        # the door screen
        "door.placeholder": (
            "扫会员卡，或输入姓名 / 拼音 / 手机后四位 / 会员号",
            "Scan a card, or type a name, phone tail or no.",
        ),
        "door.idle": ("请扫码签到", "Scan to sign in"),
        "door.session": ("课时：", "Session:"),
        "door.session_no": ("第 {n}/{of} 课时", "session {n}/{of}"),
        "door.no_session": (
            "今天没有课时；请在“培训班”中选一个课时打开签到台。",
            "No session today; open one from the Courses page.",
        ),
        "door.col_status": ("考勤", "Attendance"),
        "door.col_time": ("时间", "Time"),
        "door.excuse": ("请假", "Excused"),
        "door.excuse_note": ("{name} 请假的原因：", "Why is {name} excused?"),
        "door.excused": ("{name} 已记为请假", "{name} marked excused"),
        "door.pick_someone": ("请先在名单中选中一人", "Select someone in the list first"),
        "door.close": ("结束签到", "Close session"),
        "door.close_confirm": (
            "结束签到后，尚未签到的 {n} 人将记为缺勤（之后站长仍可修改）。确定结束？",
            "Closing marks the {n} people not signed in as absent (a lead can still "
            "change it). Close now?",
        ),
        "door.print_sheet": ("打印签到表", "Print sign-in sheet"),
        "door.keep_open": ("继续签到", "Keep it open"),
        "door.walk_in_refused": ("未登记 {name}", "{name} not signed in"),
        "door.refused_title": ("未能签到", "Not signed in"),
    }
)

MESSAGES.update(
    {
        "shell.tab_training": ("培训", "Training"),
        "training.tab_door": ("签到台", "At the door"),
        "training.tab_courses": ("培训班", "Courses"),
        "course.new": ("新建培训班", "New course"),
        "course.new_micro": ("微课堂（一次课）", "Micro class (one session)"),
        "course.none": ("还没有培训班，请先新建。", "No courses yet; create one."),
        "course.title": ("名称", "Title"),
        "course.category": ("类别", "Category"),
        "course.cat_skill": ("技能培训", "Skill training"),
        "course.cat_micro": ("微课堂", "Micro class"),
        "course.cat_cadre": ("干部培训", "Cadre course"),
        "course.teacher": ("授课老师", "Teacher"),
        "course.venue": ("地点", "Venue"),
        "course.organiser": ("主办单位", "Organiser"),
        "course.capacity": ("名额", "Capacity"),
        "course.no_limit": ("不限", "No limit"),
        "course.rule": ("结业规则", "Completion rule"),
        "course.rule_share": ("按出勤比例", "By share of sessions"),
        "course.rule_hours": ("按学时", "By hours"),
        "course.rule_share_text": ("出勤 ≥ {share}% 结业", "Completes at ≥ {share}% attendance"),
        "course.rule_hours_text": ("满 {hours} 学时结业", "Completes at {hours} hours"),
        "course.minimum": ("结业要求（如 80% 或 12）", "Requirement (e.g. 80% or 12)"),
        "course.late": ("迟到计为", "Late counts as"),
        "course.late_full": ("出勤", "present"),
        "course.late_half": ("半次", "half"),
        "course.grace": ("迟到宽限", "Grace period"),
        "course.minutes": ("分钟", "min"),
        "course.walk_ins": ("名单外人员", "People not on the roster"),
        "course.walk_ins_offer": ("可现场加入（标记）", "May join at the door (flagged)"),
        "course.walk_ins_refuse": ("不接受", "Refused"),
        "course.certificate": ("证书名称", "Certificate title"),
        "course.date": ("日期", "Date"),
        "course.starts": ("开始时间", "Starts"),
        "course.ends": ("结束时间", "Ends"),
        "course.time": ("时间", "Time"),
        "course.topic": ("主题", "Topic"),
        "course.dates": ("日期", "Dates"),
        "course.people": ("课时 / 人数", "Sessions / people"),
        "course.col_no": ("课次", "No."),
        "course.tab_sessions": ("课时", "Sessions"),
        "course.tab_roster": ("名单", "Roster"),
        "course.tab_grid": ("考勤表", "Attendance"),
        "course.tab_completion": ("结业与证书", "Completion and certificates"),
        "course.add_session": ("添加课时", "Add session"),
        "course.cancel_session": ("取消课时", "Cancel session"),
        "course.open_door": ("打开签到台", "Open at the door"),
        "course.enrol_placeholder": (
            "报名：扫卡，或输入姓名 / 拼音 / 手机后四位后按 Enter",
            "Enrol: scan a card, or type a name / pinyin / phone tail and press Enter",
        ),
        "course.enrol_pick": (
            "“{text}”对应的不是一个人，请输入更完整的姓名或会员号。",
            "“{text}” does not name exactly one person; type more of the name or the number.",
        ),
        "course.import": ("从 Excel 导入名单", "Import roster from Excel"),
        "course.withdraw": ("所选学员退出培训班", "Withdraw the selected person"),
        "course.grid_hint": (
            "双击格子修改考勤（原记录保留，修改留痕）；橙色底为两台签到机记录冲突。",
            "Double-click a cell to change a mark (the old one is kept); orange cells are "
            "conflicting marks from two desks.",
        ),
        "course.mark_title": ("{name} · {where}", "{name} · {where}"),
        "course.note": ("备注", "Note"),
        "course.certify": ("给结业学员颁发证书", "Certify everyone who completed"),
        "course.reissue": ("撤销并重发证书", "Revoke and reissue"),
        "course.reissue_reason": ("撤销原因：", "Reason for revoking:"),
        "course.pick_certificate": (
            "请先选中一位已有证书的学员。",
            "Select someone who holds a certificate first.",
        ),
        "course.export_xlsx": ("导出 Excel 报表", "Export Excel report"),
        "course.print_report": ("打印报表", "Print report"),
    }
)

MESSAGES.update(
    {
        "course.history": ("记录", "Marks so far"),
        "course.no_marks": ("尚无考勤记录", "No marks yet"),
        "course.source_door": ("签到台", "at the door"),
        "course.source_desk": ("手工", "by hand"),
        "course.source_close": ("结束签到", "session closed"),
        "course.source_paper": ("纸质签到表", "paper sheet"),
        "course.source_grid": ("考勤表修改", "grid"),
    }
)

MESSAGES["course.move_session"] = ("调整课时", "Move session")
