"""Messages of the aid area: campaigns, items, stock, the handout desk, the campaign report."""

MESSAGES: dict[str, tuple[str, str]] = {
    # items and campaigns
    "aid.item_name_empty": ("请填写物资名称。", "Enter the item's name."),
    "aid.item_name_too_long": (
        "物资名称最多 {max} 个字。",
        "An item name has at most {max} characters.",
    ),
    "aid.item_unit_empty": ("请填写单位（如 个、瓶、件）。", "Enter the unit (piece, bottle…)."),
    "aid.item_unit_too_long": ("单位最多 {max} 个字。", "A unit has at most {max} characters."),
    "aid.item_exists": ("已有名为“{name}”的物资。", "There is already an item called “{name}”."),
    "aid.item_not_found": ("找不到物资“{ref}”。", "No item “{ref}”."),
    "aid.campaign_name_empty": ("请填写活动名称。", "Enter the campaign's name."),
    "aid.campaign_name_too_long": (
        "活动名称最多 {max} 个字。",
        "A campaign name has at most {max} characters.",
    ),
    "aid.campaign_not_found": ("找不到活动“{ref}”。", "No campaign “{ref}”."),
    "aid.campaign_ref_empty": ("请指定活动。", "Name the campaign."),
    "aid.campaign_ambiguous": (
        "“{ref}”对应多个活动，请写完整名称。",
        "“{ref}” matches several campaigns; give the full name.",
    ),
    "aid.campaign_changed": (
        "这个活动刚被别人修改过，请重新打开后再改。",
        "Someone changed this campaign meanwhile; open it again and redo your change.",
    ),
    "aid.bad_date": (
        "日期“{text}”无效，请按 2026-07-01 这样的格式填写。",
        "“{text}” is not a date; write it like 2026-07-01.",
    ),
    "aid.dates_reversed": ("结束日期不能早于开始日期。", "The end date is before the start."),
    "aid.package_empty": (
        "请至少为默认发放包选一样物资。",
        "Put at least one item in the default package.",
    ),
    "aid.rule_range": ("规则中的数值应为正整数。", "Rule values must be whole numbers above 0."),
    "aid.bad_proof": ("签收方式无效。", "Unknown proof of receipt."),
    "aid.quantity_range": (
        "数量应为 1 到 {max} 的整数。",
        "A quantity is a whole number from 1 to {max}.",
    ),
    "aid.adjust_range": (
        "调整数量应为非零整数，绝对值不超过 {max}。",
        "An adjustment is a non-zero whole number of at most {max} either way.",
    ),
    "aid.count_range": (
        "盘点数量应为 0 到 {max} 的整数。",
        "A count is a whole number from 0 to {max}.",
    ),
    "aid.bad_desk": (
        "“{desk}”不是有效的发放台编号（设备码，如 7KQ3M2）。",
        "“{desk}” is not a desk code (a device code such as 7KQ3M2).",
    ),
    "aid.transfer_to_self": ("不能调拨给本发放台自己。", "A desk cannot transfer to itself."),
    "aid.note_too_long": ("备注最多 {max} 个字。", "A note has at most {max} characters."),
    "aid.reason_required": ("请填写原因。", "Enter a reason."),
    "aid.reason_too_long": ("原因最多 {max} 个字。", "A reason has at most {max} characters."),
    # handouts
    "aid.override_reason_required": (
        "特批发放需要填写原因。",
        "An override needs a reason.",
    ),
    "aid.override_pin_wrong": (
        "站长 PIN 码不正确，未发放。",
        "That is not a station lead's PIN; nothing was handed out.",
    ),
    "aid.proof_required_code": (
        "本活动需要领取人输入确认码后才能发放。",
        "This campaign needs the recipient's confirmation code.",
    ),
    "aid.proof_required_signature": (
        "本活动需要领取人签名后才能发放。",
        "This campaign needs the recipient's signature.",
    ),
    "aid.proof_too_long": ("签收内容过大。", "The proof of receipt is too large."),
    "aid.handout_not_found": ("找不到发放记录“{ref}”。", "No handout “{ref}”."),
    "aid.handout_already_voided": ("这条发放记录已经作废。", "This handout is already voided."),
    "aid.refused.not_started": (
        "{name}：活动还没开始（{starts_on} 开始），不能发放。",
        "{name}: the campaign starts on {starts_on}; nothing handed out.",
    ),
    "aid.refused.ended": (
        "{name}：活动已于 {ends_on} 结束，不能发放。",
        "{name}: the campaign ended on {ends_on}; nothing handed out.",
    ),
    "aid.refused.closed": (
        "{name}：活动已关闭，不能发放。",
        "{name}: the campaign is closed; nothing handed out.",
    ),
    "aid.refused.not_here": (
        "{name}：本站不参加这个活动，不能发放。",
        "{name}: this station does not take part in the campaign.",
    ),
    "aid.refused.not_eligible": (
        "{name}：不符合领取条件（限 {wanted}）。",
        "{name} is not eligible (only {wanted}).",
    ),
    "aid.refused.limit_reached": (
        "{name}：已领取 {received} 次，达到每人 {limit} 次的上限。",
        "{name} has received {received} times: the limit is {limit} per person.",
    ),
    "aid.refused.too_soon": (
        "{name}：两次领取至少间隔 {interval} 分钟，还需等 {minutes_left} 分钟。",
        "{name}: handouts are at least {interval} min apart; wait {minutes_left} more min.",
    ),
    "aid.refused.day_max": (
        "{name}：今天已领 {limit} 次，达到每日上限。",
        "{name} has received {limit} times today: the daily limit.",
    ),
    "aid.refused.not_combinable": (
        "{name}：已领取“{other}”，不能同时领取本活动。",
        "{name} already received “{other}”, which does not combine with this campaign.",
    ),
    # the command line
    "aid.cli.help.campaign": ("帮扶活动：创建、列出、查看", "aid campaigns: create, list, show"),
    "aid.cli.help.campaign_create": ("创建帮扶活动（站长）", "create a campaign (station lead)"),
    "aid.cli.help.campaign_list": ("列出帮扶活动", "list campaigns"),
    "aid.cli.help.campaign_show": ("查看一个活动及其规则", "show a campaign and its rules"),
    "aid.cli.help.package": (
        "默认发放包的一项：物资名=数量（可多次）",
        "one line of the default package: ITEM=QTY (repeatable)",
    ),
    "aid.cli.help.tag": ("有此标签者可领（可多次）", "eligible with this tag (repeatable)"),
    "aid.cli.help.occupation": (
        "此职业可领（可多次）",
        "eligible with this occupation (repeatable)",
    ),
    "aid.cli.help.max_per_person": ("每人最多领取次数", "handouts per person at most"),
    "aid.cli.help.min_interval": (
        "两次领取的最短间隔：90m、4h、7d",
        "minimum interval between handouts: 90m, 4h, 7d",
    ),
    "aid.cli.help.max_per_day": ("每人每天最多领取次数", "handouts per person per day at most"),
    "aid.cli.help.proof": ("签收方式", "proof of receipt"),
    "aid.cli.help.item": ("物资：添加、列出", "items: add, list"),
    "aid.cli.help.stock": (
        "库存：入库、调拨、调整、盘点、查看",
        "stock: receive, transfer, adjust, count, show",
    ),
    "aid.cli.help.stock_receive": ("本发放台入库", "stock received at this desk"),
    "aid.cli.help.stock_transfer": ("调拨给另一发放台", "transfer to another desk"),
    "aid.cli.help.stock_adjust": ("按原因调整库存（站长）", "adjust with a reason (station lead)"),
    "aid.cli.help.stock_count": (
        "日终盲盘：输入实际清点数",
        "close-of-day blind count: what is physically there",
    ),
    "aid.cli.help.stock_show": ("库存与盘点差异", "stock levels and count discrepancies"),
    "aid.cli.help.handout": (
        "发放：handout 活动 会员；作废：handout void 编号 --reason 原因",
        "hand out: handout CAMPAIGN REF; void: handout void ID --reason TEXT",
    ),
    "aid.cli.help.handout_campaign": ("活动名称或编号（或 void）", "campaign name or id (or void)"),
    "aid.cli.help.handout_ref": (
        "到场的人：会员号、卡、手机号（作废时为发放编号）",
        "the person at the desk: member number, card, phone (the handout id to void)",
    ),
    "aid.cli.help.handout_for": (
        "代领：为该会员领取（REF 为代领人）",
        "collect on behalf of this member (REF collects)",
    ),
    "aid.cli.help.lead_pin": ("站长 PIN 码（特批时）", "a station lead's PIN (to override)"),
    "aid.cli.help.proof_text": ("签收确认码", "confirmation code as proof of receipt"),
    "aid.cli.help.void_reason": ("作废原因", "reason for a void"),
    "aid.cli.help.report": ("报表", "reports"),
    "aid.cli.help.report_campaign": (
        "帮扶活动报表（.xlsx 或 .pdf）",
        "campaign report (.xlsx or .pdf)",
    ),
    "aid.cli.bad_package": (
        "“{spec}”应写成 物资名=数量。",
        "“{spec}” should read ITEM=QTY.",
    ),
    "aid.cli.qty_without_item": ("--qty 需要对应的 --item。", "Each --qty needs an --item."),
    "aid.cli.report_format": (
        "报表文件名应以 .xlsx 或 .pdf 结尾。",
        "The report file name must end in .xlsx or .pdf.",
    ),
    "aid.cli.campaign_created": ("已创建活动：{line}", "Campaign created: {line}"),
    "aid.cli.closed": ("（已关闭）", "(closed)"),
    "aid.cli.rule_limit": ("每人限 {n} 次", "{n} per person"),
    "aid.cli.rule_day": ("每天限 {n} 次", "{n} a day"),
    "aid.cli.rule_interval": ("间隔 ≥ {minutes} 分钟", "≥ {minutes} min apart"),
    "aid.cli.package": ("默认发放包：{package}", "Default package: {package}"),
    "aid.cli.eligible": ("领取条件：{who}", "Eligible: {who}"),
    "aid.cli.item_added": (
        "已添加物资：{name}（{unit}）  {id}",
        "Item added: {name} ({unit})  {id}",
    ),
    "aid.cli.level": (
        "{item}：剩余 {left} {unit}（入库净额 {moved}，已发 {out}，今日 {today}）",
        "{item}: {left} {unit} left (stocked net {moved}, handed out {out}, today {today})",
    ),
    "aid.cli.received": ("已入库。", "Stock received."),
    "aid.cli.transferred": ("已调拨。", "Stock transferred."),
    "aid.cli.adjusted": ("已调整。", "Stock adjusted."),
    "aid.cli.count_matches": (
        "盘点 {counted}，与账面 {expected} 一致（差 {diff}）。",
        "Counted {counted}, as the records expect ({expected}; difference {diff}).",
    ),
    "aid.cli.count_differs": (
        "盘点 {counted}，账面 {expected}，差异 {diff}，已记录。",
        "Counted {counted}, records expect {expected}: difference {diff}, recorded.",
    ),
    "aid.cli.discrepancy": (
        "{day} {desk} {item}：盘点 {counted}，账面 {expected}，差异 {diff}",
        "{day} {desk} {item}: counted {counted}, expected {expected}, difference {diff}",
    ),
    "aid.cli.handed_out": ("已发放给 {name}：{line}", "Handed out to {name}: {line}"),
    "aid.cli.overridden": ("站长特批：{lead}", "Overridden by station lead {lead}"),
    "aid.cli.override_hint": (
        "站长可用 --lead-pin 与 --override-reason 特批发放。",
        "A station lead may override with --lead-pin and --override-reason.",
    ),
    "aid.cli.voided": ("已作废这条发放记录，库存已退回。", "Handout voided; its stock is back."),
    "aid.cli.report_written": (
        "报表已保存到 {path}（服务 {people} 人）。",
        "Report saved to {path} ({people} people served).",
    ),
    "aid.collected_by": ("由 {name} 代领", "collected by {name}"),
    # the campaign report
    "aid.report.title": (
        "{name} 发放报表（{start} 至 {end}）",
        "{name}: handouts {start} to {end}",
    ),
    "aid.report.made": ("{station} · 生成于 {at}", "{station} · made at {at}"),
    "aid.report.total": ("合计", "Total"),
    "aid.report.day": ("日期", "Day"),
    "aid.report.desk": ("发放台", "Desk"),
    "aid.report.people": ("服务人数", "People"),
    "aid.report.handouts": ("发放次数", "Handouts"),
    "aid.report.out": ("发出：{item}", "Out: {item}"),
    "aid.report.in": ("入库：{item}", "In: {item}"),
    "aid.report.refusals": ("拒发", "Refusals"),
    "aid.report.overrides": ("特批", "Overrides"),
    "aid.report.voids": ("作废", "Voids"),
    "aid.report.item": ("物资", "Item"),
    "aid.report.stock_in": ("入库", "In"),
    "aid.report.transferred_out": ("调出", "Transferred out"),
    "aid.report.adjusted": ("调整", "Adjusted"),
    "aid.report.handed_out": ("已发", "Handed out"),
    "aid.report.left": ("剩余", "Left"),
    "aid.report.counted": ("盘点数", "Counted"),
    "aid.report.expected": ("账面数", "Expected"),
    "aid.report.difference": ("差异", "Difference"),
    "aid.report.sheet_days": ("按发放台和日期", "By desk and day"),
    "aid.report.sheet_stock": ("库存", "Stock"),
    "aid.report.sheet_counts": ("盘点差异", "Count discrepancies"),
}
