"""Messages of member import, exports and the monthly report (screens and command line)."""

MESSAGES: dict[str, tuple[str, str]] = {
    # --- member fields, as column names --------------------------------------------------
    "field.name": ("姓名", "Name"),
    "field.phone": ("手机号", "Mobile"),
    "field.id_number": ("身份证号", "ID number"),
    "field.employer": ("工作单位/平台", "Employer / platform"),
    "field.occupation": ("职业", "Occupation"),
    "field.union_branch": ("所属工会", "Union branch"),
    "field.tags": ("标签", "Tags"),
    "field.member_number": ("会员号", "Member number"),
    "field.id_last4": ("身份证后四位", "ID number (last 4)"),
    "field.registered_at": ("登记时间", "Registered"),
    "field.active": ("状态", "Status"),
    "field.ignore": ("（不导入）", "(not imported)"),
    # --- files -------------------------------------------------------------------------
    "sheet.format": (
        "无法读取“{path}”：只支持 .xlsx、.xls、.ods 和 .csv 文件。",
        "Cannot read “{path}”: only .xlsx, .xls, .ods and .csv files are supported.",
    ),
    "sheet.empty": ("（无记录）", "(no records)"),
    "sheet.file_too_big": (
        "“{path}”超过 {limit} MB，不像是一份花名册，未导入。请只保留需要导入的工作表和列。",
        "“{path}” is over {limit} MB, more than any roster; nothing was imported. Keep only "
        "the sheet and columns to import.",
    ),
    "sheet.unpacked_too_big": (
        "“{path}”解压后超过 {limit} MB（可能是损坏或恶意构造的文件），未导入。",
        "“{path}” unpacks to more than {limit} MB (a damaged or crafted file); nothing was "
        "imported.",
    ),
    "sheet.too_many_rows": (
        "“{path}”的工作表超过 {limit} 行，未导入。请删去空行，或把名单分成几个文件。",
        "A sheet of “{path}” has more than {limit} rows; nothing was imported. Delete empty "
        "rows or split the roster into several files.",
    ),
    "sheet.too_many_columns": (
        "“{path}”的工作表超过 {limit} 列，未导入。请删去不需要的列。",
        "A sheet of “{path}” has more than {limit} columns; nothing was imported. Delete the "
        "columns not needed.",
    ),
    "sheet.too_many_cells": (
        "“{path}”的工作表范围超过 {limit} 个单元格（数据之间有大片空白），未导入。"
        "请删去空白的行和列后再导入。",
        "A sheet of “{path}” spans more than {limit} cells (large empty areas between the "
        "data); nothing was imported. Delete the empty rows and columns, then import it.",
    ),
    "sheet.blank_run": (
        "“{path}”从第 {row} 行起连续 {count} 行是空行（最多 {limit} 行），未导入。"
        "请删去这些空行后再导入。",
        "“{path}” has {count} empty rows in a run from row {row} (at most {limit}); nothing "
        "was imported. Delete those rows, then import it.",
    ),
    "sheet.field_too_long": (
        "有一格超过 {limit} 个字符，不是花名册的内容",
        "A cell is longer than {limit} characters: not roster content",
    ),
    "sheet.nul_in_cell": (
        "有一格含有空字符（NUL），文件可能已损坏",
        "A cell holds a NUL character; the file may be damaged",
    ),
    "import.totals_row": ("这是合计行，不是会员", "This is a totals row, not a member"),
    "sheet.missing": ("找不到文件“{path}”。", "There is no file “{path}”."),
    "sheet.unreadable": (
        "“{path}”无法打开，文件可能已损坏或不是表格文件。",
        "“{path}” cannot be opened; it may be damaged or not a spreadsheet.",
    ),
    "sheet.no_such_sheet": (
        "文件中没有名为“{sheet}”的工作表。",
        "The file has no sheet “{sheet}”.",
    ),
    "sheet.out_format": (
        "“{path}”：导出文件请以 .xlsx 或 .csv 结尾。",
        "“{path}”: the file to write must end in .xlsx or .csv.",
    ),
    "sheet.out_is_folder": (
        "“{path}”是一个文件夹，请给出文件名。",
        "“{path}” is a folder; give a file name.",
    ),
    "sheet.out_unwritable": (
        "无法写入“{path}”，请检查文件夹是否存在、是否可写，或文件是否正被打开。",
        "Cannot write “{path}”: check that the folder exists and is writable, and that the "
        "file is not open in another program.",
    ),
    # --- import ------------------------------------------------------------------------
    "import.no_header": (
        "在工作表“{sheet}”前 15 行中没有找到表头（至少要有“姓名”一列和另一列，如“手机号”）。",
        "No header row found in the first 15 rows of sheet “{sheet}” (it needs a name "
        "column and one more, such as a phone column).",
    ),
    "import.header_row": (
        "表头行应在第 1 至 {rows} 行之间。",
        "The header row must be between row 1 and row {rows}.",
    ),
    "import.header_row_label": ("表头在第几行", "Header row"),
    "cli.help.header_row": (
        "表头所在行（默认自动查找）",
        "the row holding the headings (default: found automatically)",
    ),
    "import.no_name_column": (
        "请指定哪一列是姓名。",
        "Choose which column holds the name.",
    ),
    "import.unknown_field": ("没有“{name}”这个字段。", "There is no field “{name}”."),
    "import.field_twice": (
        "“{name}”被指定给了两列，请只保留一列。",
        "“{name}” is assigned to two columns; keep only one.",
    ),
    "import.mapping_json": (
        '列对应关系应为 JSON，如 {{"姓名": "name", "C": "phone"}}。',
        'The column mapping must be JSON, such as {{"Name": "name", "C": "phone"}}.',
    ),
    "import.mapping_column": (
        "表中没有“{column}”这一列（可写表头文字、列字母如 C 或列序号如 3）。",
        "There is no column “{column}” (give a heading, a column letter such as C, or a "
        "column number such as 3).",
    ),
    "import.on_match": (
        "已是会员时只能选择“更新”或“跳过”。",
        "For existing members choose update or skip.",
    ),
    "import.id_rounded": (
        "身份证号“{value}”被 Excel 当成数字保存，后几位已经丢失。"
        "请把该列设为“文本”格式后重新输入。",
        "The ID number “{value}” was stored by Excel as a number and its last digits are "
        "lost. Format the column as Text and type the numbers again.",
    ),
    "import.duplicate_in_file": (
        "与第 {first} 行重复（同一手机号、身份证号或同一人）。",
        "Duplicate of row {first} (same phone, ID number or person).",
    ),
    "import.phone_other_id": (
        "该手机号已登记在另一位身份证号不同的会员名下，请核对。",
        "This phone number belongs to a member with a different ID number; please check.",
    ),
    "import.phone_other_name": (
        "该手机号已登记为会员 {name}（{member_number}），姓名不一致，"
        "请核对后修改表格或在会员页面处理。",
        "This phone number is registered to {name} ({member_number}) under another name; please "
        "check, then correct the file or the member on the Members screen.",
    ),
    "import.ambiguous": (
        "与 {count} 位已登记会员都相符，无法确定是哪一位，请在会员页面处理。",
        "Matches {count} registered members; cannot tell which. Please sort it out on the "
        "Members screen.",
    ),
    "import.already_member": ("已是会员（已跳过）", "Already a member (skipped)"),
    "import.rejects_sheet": ("未导入", "Not imported"),
    "import.rejects_row": ("原行号", "Row"),
    "import.rejects_reason": ("未导入原因", "Reason"),
    "import.rejects_suffix": ("-未导入", "-not-imported"),
    # --- export ------------------------------------------------------------------------
    "export.unknown_column": (
        "没有“{column}”这一列；可选：{known}",
        "There is no column “{column}”; choose from: {known}",
    ),
    "export.range": ("结束日期不能早于开始日期。", "The end date cannot be before the start."),
    "export.range_too_long": (
        "日期范围最多 {days} 天。",
        "A date range may span at most {days} days.",
    ),
    "export.col_time": ("到访时间", "Time"),
    "export.col_services": ("服务项目", "Services"),
    "export.col_operator": ("值班员", "Operator"),
    "export.col_voided": ("作废", "Voided"),
    "export.active": ("正常", "Active"),
    "export.inactive": ("已停用", "Deactivated"),
    "export.voided": ("已作废：{reason}", "Voided: {reason}"),
    "export.anonymous": ("未登记访客", "Unregistered visitor"),
    "export.members_sheet": ("会员名单", "Members"),
    "export.visits_sheet": ("到访记录", "Visits"),
    "export.range_to": ("至", "-to-"),
    # --- monthly report ----------------------------------------------------------------
    "report.bad_month": (
        "“{text}”不是月份，请写成 2025-03 这样的格式。",
        "“{text}” is not a month; write it like 2025-03.",
    ),
    "report.out_format": (
        "“{path}”：月报请保存为 .pdf 或 .xlsx 文件。",
        "“{path}”: save the report as a .pdf or .xlsx file.",
    ),
    "report.title_month": ("{year}年{month}月服务月报", "Monthly report, {year}-{month:02d}"),
    "report.title_range": ("服务报表（{start} 至 {end}）", "Report, {start} to {end}"),
    "report.subtitle": (
        "{union} · 统计期间 {start} 至 {end}",
        "{union} · period {start} to {end}",
    ),
    "report.subtitle_no_union": ("统计期间 {start} 至 {end}", "Period {start} to {end}"),
    "report.scope": (
        "统计范围：仅本站（{station}）的记录——本站的到访、本站登记的会员和本站打印的会员卡；"
        "从其他驿站同步来的会员和会员卡不计入。",
        "What it covers: this station's ({station}) own records only — its visits, the "
        "members it registered and the cards it printed; members and cards synced from other "
        "stations are not counted.",
    ),
    "report.scope_short": ("统计范围", "Covers"),
    "report.returning_members": ("回头客人数", "Returning visitors"),
    "report.returning_share": ("回头客占会员比例", "Returning visitors, share of members"),
    "report.no_visits": ("本期没有到访记录。", "No visits in this period."),
    "report.hour_label": ("{h}时", "{h}:00"),
    "report.visits": ("到访人次", "Visits"),
    "report.people": ("服务人数", "People served"),
    "report.members_visiting": ("其中会员人数", "of whom members"),
    "report.anonymous": ("未登记访客人次", "Unregistered visits"),
    "report.returning": ("回头客（占会员比例）", "Returning visitors (share of members)"),
    "report.new_members": ("新登记会员", "New members"),
    "report.cards_printed": ("打印会员卡", "Member cards printed"),
    "report.voided": ("作废记录（未计入）", "Voided visits (not counted)"),
    "report.made_at": ("生成时间", "Made at"),
    "report.not_given": ("未填写", "Not given"),
    "report.none": ("（无）", "(none)"),
    "report.others": ("其他 {n} 项", "{n} others"),
    "report.sheet_summary": ("概况", "Summary"),
    "report.sheet_days": ("每日到访", "Visits per day"),
    "report.sheet_services": ("服务项目", "Services used"),
    "report.sheet_occupations": ("按职业", "By occupation"),
    "report.sheet_tags": ("按标签", "By tag"),
    "report.sheet_hours": ("按时段", "By hour"),
    "report.col_item": ("项目", "Item"),
    "report.col_value": ("数值", "Value"),
    "report.col_day": ("日期", "Date"),
    "report.col_visits": ("人次", "Visits"),
    "report.col_people": ("人数", "People"),
    "report.col_service": ("服务项目", "Service"),
    "report.col_occupation": ("职业", "Occupation"),
    "report.col_tag": ("标签", "Tag"),
    "report.col_hour": ("时段", "Hour"),
    "report.chart_days": ("每日到访人次", "Visits per day"),
    "report.chart_hours": ("各时段到访人次（最忙时段）", "Visits by hour of the day"),
    "report.footer": (
        "{station} · 驿站通生成于 {made_at}",
        "{station} · made by Waystation at {made_at}",
    ),
    "report.page": ("第 {n} 页", "Page {n}"),
    "report.definitions": (
        "说明：作废的到访不计入。服务人数 = 到访会员人数 + 未登记访客人次。"
        "回头客指统计期间内在两天及以上到访的会员。新登记会员指本站在期间内登记的会员，"
        "打印会员卡指本站在期间内打印和补打的会员卡张数。",
        "Notes: voided visits are not counted. People served = members who came + "
        "unregistered visits. Returning visitors are members who came on two or more days "
        "of the period. New members are those registered at this station in the period; "
        "cards printed counts the prints and reprints made at this station in the period.",
    ),
    # --- command line ------------------------------------------------------------------
    "cli.help.member_import": (
        "从 .xlsx 或 .csv 花名册导入会员",
        "import members from an .xlsx or .csv roster",
    ),
    "cli.help.import_mapping": (
        "列对应关系：JSON 对象（或 .json 文件），键为表头文字、列字母或列序号，"
        '值为字段，如 "联系电话": "phone"；'
        "字段：name phone id_number employer occupation union_branch tags",
        "column mapping: a JSON object (or a .json file) from heading, column letter or number "
        'to field, e.g. "Contact": "phone"; '
        "fields: name phone id_number employer occupation union_branch tags",
    ),
    "cli.help.import_no_consent": (
        "名单上的人未书面同意：含手机号或身份证号的行不导入",
        "the people listed did not consent: rows with a phone or ID number are refused",
    ),
    "cli.help.member_export": ("导出会员名单（.xlsx 或 .csv）", "export members (.xlsx or .csv)"),
    "cli.help.visits_export": (
        "导出一段日期内的到访记录（.xlsx 或 .csv）",
        "export the visits of a date range (.xlsx or .csv)",
    ),
    "cli.help.export_columns": (
        "要导出的列，逗号分隔（默认全部）",
        "columns to export, comma-separated (default: all)",
    ),
    "cli.help.show_phones": (
        "导出完整手机号（仅管理员，记入操作日志）",
        "export phone numbers in full (admins only; recorded in the audit trail)",
    ),
    "cli.help.report": ("服务月报与报表", "monthly and period reports"),
    "cli.help.report_month": (
        "某月的服务月报（.pdf 或 .xlsx）",
        "a month's report (.pdf or .xlsx)",
    ),
    "cli.help.report_range": (
        "任意日期范围的报表（.pdf 或 .xlsx）",
        "a report for any date range (.pdf or .xlsx)",
    ),
    "cli.import_done": (
        "共 {rows} 行：新导入 {imported}，更新 {updated}，无变化 {unchanged}，"
        "跳过 {skipped}，未导入 {refused}",
        "{rows} rows: {imported} imported, {updated} updated, {unchanged} unchanged, "
        "{skipped} skipped, {refused} refused",
    ),
    "cli.import_row": ("第 {row} 行：{reason}", "Row {row}: {reason}"),
    "cli.import_more": ("……另有 {n} 行，见未导入文件", "... and {n} more rows; see the file"),
    "cli.import_rejects": (
        "未导入的行及原因已保存到 {path}，修改后可再次导入。",
        "The refused rows and their reasons are in {path}; fix them and import it again.",
    ),
    "cli.export_done": ("已导出 {rows} 行到 {out}", "Exported {rows} rows to {out}"),
    "cli.report_done": (
        "{title}：到访 {visits} 人次，已保存到 {out}",
        "{title}: {visits} visits, saved to {out}",
    ),
    # --- screens -------------------------------------------------------------------------
    "import.title": ("从表格导入会员", "Import members from a spreadsheet"),
    "import.menu": ("导入/导出", "Import / export"),
    "import.open": ("从表格导入会员…", "Import members from a spreadsheet…"),
    "import.page_file": ("选择花名册文件", "Choose the roster file"),
    "import.page_file_hint": (
        "支持 Excel（.xlsx）和 CSV 文件。文件只被读取，不会复制到本机数据文件夹。",
        "Excel (.xlsx) and CSV files. The file is only read, never copied into the data folder.",
    ),
    "import.browse": ("浏览…", "Browse…"),
    "import.file": ("文件", "File"),
    "import.sheet": ("工作表", "Sheet"),
    "import.file_filter": (
        "表格文件 (*.xlsx *.xls *.ods *.csv)",
        "Spreadsheets (*.xlsx *.xls *.ods *.csv)",
    ),
    "import.reading": ("正在读取文件…", "Reading the file…"),
    "import.no_header_found": (
        "在工作表“{sheet}”中没有找到含“姓名”的表头行，请换一张工作表或检查文件。",
        "No header row with a name column in sheet “{sheet}”; choose another sheet or "
        "check the file.",
    ),
    "import.found": (
        "表头在第 {row} 行，下面有 {rows} 行数据。",
        "Header found on row {row}, with {rows} rows of data below it.",
    ),
    "import.page_mapping": ("核对各列对应的内容", "Check what each column holds"),
    "import.page_mapping_hint": (
        "左侧为表中各列及猜测的内容，可修改；右侧是前几行将被保存的样子，红字为不能导入的原因。",
        "Left: the file's columns and what they were taken for (change any). Right: the "
        "first rows as they will be stored; red text says why a row cannot be imported.",
    ),
    "import.heading": ("表中的列", "Column in the file"),
    "import.field": ("导入为", "Import as"),
    "import.preview": ("预览（前 20 行）", "Preview (first 20 rows)"),
    "import.on_match_label": ("已是会员的人：", "People already registered:"),
    "import.on_match_update": ("用表中内容更新", "update from the file"),
    "import.on_match_skip": ("跳过", "skip"),
    "import.consent": (
        "名单上的人员已书面同意其个人信息用于工会服务",
        "The people listed agreed in writing to the use of their data for union services",
    ),
    "import.consent_hint": (
        "未勾选同意：含手机号或身份证号的行将不导入。",
        "Without consent, rows with a phone or ID number will not be imported.",
    ),
    "import.start": ("开始导入", "Start import"),
    "import.page_run": ("导入", "Import"),
    "import.running": ("正在导入…", "Importing…"),
    "import.cancel": ("停止", "Stop"),
    "import.cancelled": (
        "已停止：处理了 {done} / {rows} 行，已导入的保留；再次导入同一文件会继续其余各行。",
        "Stopped after {done} of {rows} rows; what was imported stays. Importing the same "
        "file again continues with the rest.",
    ),
    "import.save_rejects": ("保存未导入的行…", "Save the rows not imported…"),
    "import.saved": ("已保存到 {path}", "Saved to {path}"),
    "import.next": ("下一步", "Next"),
    "import.back": ("上一步", "Back"),
    "import.finish": ("完成", "Finish"),
    "export.open": ("导出会员…", "Export members…"),
    "export.title": ("导出数据", "Export data"),
    "export.what": ("导出内容", "Export"),
    "export.dates": ("日期范围", "Dates"),
    "export.columns": ("包含的列", "Columns"),
    "export.show_phones": (
        "导出完整手机号（将记入操作日志）",
        "Phone numbers in full (recorded in the audit trail)",
    ),
    "export.admin_only": ("仅管理员可导出完整手机号。", "Only admins may export full phones."),
    "export.privacy": (
        "身份证号只导出后四位；手机号默认隐去中间四位。请妥善保管导出的文件。",
        "ID numbers are exported by their last four characters only; phone numbers are "
        "masked unless chosen otherwise. Keep the exported file safe.",
    ),
    "export.save": ("导出…", "Export…"),
    "export.running": (
        "正在导出…（20 万会员约需半分钟）",
        "Exporting… (about half a minute for 200,000 members)",
    ),
    "export.no_columns": ("请至少选择一列。", "Choose at least one column."),
    "report.tab": ("报表", "Reports"),
    "report.to": ("至", "to"),
    "report.returning_value": ("{n}（{share}）", "{n} ({share})"),
    "report.period": ("统计期间", "Period"),
    "report.custom_range": ("自定义日期范围", "Custom date range"),
    "report.print": ("打印月报", "Print report"),
    "report.save_pdf": ("保存 PDF…", "Save PDF…"),
    "report.save_xlsx": ("保存 Excel…", "Save Excel…"),
    "report.export_data": ("导出明细…", "Export details…"),
    "report.col_group": ("分类", "Group"),
    "report.counting": ("正在统计…", "Counting…"),
    "report.save_title": ("保存报表", "Save the report"),
    "report.saved": ("已保存到 {path}", "Saved to {path}"),
}
