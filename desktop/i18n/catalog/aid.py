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
}
