"""`waystation` verbs of the aid area.

campaign create|list|show, item add|list, stock receive|transfer|adjust|count|show,
handout CAMPAIGN REF [--for REF] | handout void ID --reason, report campaign CAMPAIGN --out.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path
from typing import Any

from desktop.bootstrap import Desk
from desktop.cli.common import EXIT_OK, context, member_json, sub_verbs
from desktop.domain.aid import PROOFS, Campaign
from desktop.domain.clock import shown
from desktop.domain.errors import InvalidInput
from desktop.i18n import tr
from desktop.services.aid import campaigns, handouts, stock
from desktop.services.aid import report as aid_report
from desktop.services.aid.handouts import HandOut, HandoutRecord, HandoutRefused

# Exit status of a handout the campaign's rules refused (nothing handed out).
EXIT_HANDOUT_REFUSED = 4


def register(verbs: Any, common: argparse.ArgumentParser) -> None:
    """Add this area's sub-parsers; each sets `run=cmd_...(desk, args, out) -> int`."""
    campaign = verbs.add_parser("campaign", parents=[common], help=tr("aid.cli.help.campaign"))
    cverbs = campaign.add_subparsers(dest="campaign_verb", required=True)
    p = cverbs.add_parser("create", parents=[common], help=tr("aid.cli.help.campaign_create"))
    p.add_argument("--name", required=True)
    p.add_argument("--from", dest="starts_on", required=True, metavar="YYYY-MM-DD")
    p.add_argument("--to", dest="ends_on", required=True, metavar="YYYY-MM-DD")
    p.add_argument(
        "--package",
        action="append",
        required=True,
        metavar="ITEM=QTY",
        help=tr("aid.cli.help.package"),
    )
    p.add_argument("--tag", action="append", default=[], help=tr("aid.cli.help.tag"))
    p.add_argument("--occupation", action="append", default=[], help=tr("aid.cli.help.occupation"))
    p.add_argument("--max-per-person", type=int, help=tr("aid.cli.help.max_per_person"))
    p.add_argument("--min-interval", type=_interval, help=tr("aid.cli.help.min_interval"))
    p.add_argument("--max-per-day", type=int, help=tr("aid.cli.help.max_per_day"))
    p.add_argument("--not-combinable-with", action="append", default=[], metavar="CAMPAIGN")
    p.add_argument("--proof", choices=PROOFS, default="none", help=tr("aid.cli.help.proof"))
    p.add_argument("--this-station-only", action="store_true")
    p.add_argument(
        "--refuse-when-out", action="store_true", help=tr("aid.cli.help.refuse_when_out")
    )
    p.set_defaults(run=cmd_campaign_create)
    p = cverbs.add_parser("list", parents=[common], help=tr("aid.cli.help.campaign_list"))
    p.add_argument("--all-stations", action="store_true", help=tr("cli.help.all_stations"))
    p.set_defaults(run=cmd_campaign_list)
    p = cverbs.add_parser("show", parents=[common], help=tr("aid.cli.help.campaign_show"))
    p.add_argument("campaign")
    p.set_defaults(run=cmd_campaign_show)
    p = cverbs.add_parser("close", parents=[common], help=tr("aid.cli.help.campaign_close"))
    p.add_argument("campaign")
    p.set_defaults(run=cmd_campaign_close)

    item = verbs.add_parser("item", parents=[common], help=tr("aid.cli.help.item"))
    iverbs = item.add_subparsers(dest="item_verb", required=True)
    p = iverbs.add_parser("add", parents=[common])
    p.add_argument("--name", required=True)
    p.add_argument("--unit", required=True)
    p.set_defaults(run=cmd_item_add)
    p = iverbs.add_parser("list", parents=[common])
    p.set_defaults(run=cmd_item_list)

    stock_verb = verbs.add_parser("stock", parents=[common], help=tr("aid.cli.help.stock"))
    sverbs = stock_verb.add_subparsers(dest="stock_verb", required=True)
    p = sverbs.add_parser("receive", parents=[common], help=tr("aid.cli.help.stock_receive"))
    _stock_args(p)
    p.add_argument("--source", default="")
    p.add_argument("--note", default="")
    p.set_defaults(run=cmd_stock_receive)
    p = sverbs.add_parser("transfer", parents=[common], help=tr("aid.cli.help.stock_transfer"))
    _stock_args(p)
    p.add_argument("--to", dest="to_desk", required=True, metavar="DESK")
    p.add_argument("--note", default="")
    p.set_defaults(run=cmd_stock_transfer)
    p = sverbs.add_parser("adjust", parents=[common], help=tr("aid.cli.help.stock_adjust"))
    p.add_argument("campaign")
    p.add_argument("item")
    p.add_argument("delta", type=int)
    p.add_argument("--reason", required=True)
    p.set_defaults(run=cmd_stock_adjust)
    p = sverbs.add_parser("count", parents=[common], help=tr("aid.cli.help.stock_count"))
    p.add_argument("campaign")
    p.add_argument("item")
    p.add_argument("qty", type=int)
    p.set_defaults(run=cmd_stock_count)
    p = sverbs.add_parser("show", parents=[common], help=tr("aid.cli.help.stock_show"))
    p.add_argument("campaign")
    p.add_argument("--desk", default=None)
    p.set_defaults(run=cmd_stock_show)

    # `handout CAMPAIGN REF ...` hands out; `handout void ID --reason ...` voids.
    p = verbs.add_parser("handout", parents=[common], help=tr("aid.cli.help.handout"))
    p.add_argument("campaign", help=tr("aid.cli.help.handout_campaign"))
    p.add_argument("ref", help=tr("aid.cli.help.handout_ref"))
    p.add_argument("--item", action="append", default=[])
    p.add_argument("--qty", action="append", type=int, default=[])
    p.add_argument("--for", dest="for_ref", default="", help=tr("aid.cli.help.handout_for"))
    p.add_argument("--override-reason", default="")
    p.add_argument("--lead-pin", default="", help=tr("aid.cli.help.lead_pin"))
    p.add_argument("--proof", default="", help=tr("aid.cli.help.proof_text"))
    p.add_argument("--reason", default="", help=tr("aid.cli.help.void_reason"))
    p.set_defaults(run=cmd_handout)

    report = sub_verbs(verbs.choices["report"])
    p = report.add_parser("campaign", parents=[common], help=tr("aid.cli.help.report_campaign"))
    p.add_argument("campaign")
    p.add_argument("--out", required=True, metavar="FILE.xlsx|FILE.pdf")
    p.set_defaults(run=cmd_report_campaign)


def _stock_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("campaign")
    p.add_argument("item")
    p.add_argument("qty", type=int)


def _interval(text: str) -> int:
    """Minutes from `90`, `90m`, `4h` or `7d`."""
    found = re.fullmatch(r"\s*(\d{1,7})\s*([mhd]?)\s*", text.lower())
    if found is None:
        raise ValueError(text)
    return int(found.group(1)) * {"": 1, "m": 1, "h": 60, "d": 1440}[found.group(2)]


def _package(desk: Desk, specs: list[str]) -> tuple[tuple[str, int], ...]:
    lines = []
    for spec in specs:
        name, _, qty = spec.rpartition("=")
        if not name:
            name, qty = spec, "1"
        try:
            quantity = int(qty)
        except ValueError:
            raise InvalidInput("aid.cli.bad_package", field="package", spec=spec[:40]) from None
        lines.append((campaigns.find_item(desk.uow(), name).id, quantity))
    return tuple(lines)


def campaign_json(desk: Desk, campaign: Campaign) -> dict[str, Any]:
    names = {i.id: i for i in campaigns.list_items(desk.uow())}
    data = {"id": campaign.id, **campaign.rules(), "central": campaign.central}
    data["package"] = [
        {
            "item_id": p.item_id,
            "item": names[p.item_id].name if p.item_id in names else None,
            "unit": names[p.item_id].unit if p.item_id in names else None,
            "quantity": p.quantity,
        }
        for p in campaign.package
    ]
    return data


def campaign_line(campaign: Campaign) -> str:
    rules = []
    if campaign.max_per_person is not None:
        rules.append(tr("aid.cli.rule_limit", n=campaign.max_per_person))
    if campaign.max_per_day is not None:
        rules.append(tr("aid.cli.rule_day", n=campaign.max_per_day))
    if campaign.min_interval_minutes:
        rules.append(tr("aid.cli.rule_interval", minutes=campaign.min_interval_minutes))
    if campaign.refuse_when_out:
        rules.append(tr("aid.cli.rule_refuse_when_out"))
    state = "" if campaign.active else "  " + tr("aid.cli.closed")
    origin = f"［{tr('aid.central')}］" if campaign.central else ""
    return (
        f"{origin}{campaign.name}  {campaign.starts_on}~{campaign.ends_on}  "
        f"{'，'.join(rules) or '-'}  ({campaign.id}){state}"
    )


def cmd_campaign_create(desk: Desk, args: argparse.Namespace, out: Any) -> int:
    ctx = context(desk, args)
    others = tuple(campaigns.find_campaign(desk.uow(), ref).id for ref in args.not_combinable_with)
    form = campaigns.CampaignForm(
        name=args.name,
        starts_on=args.starts_on,
        ends_on=args.ends_on,
        package=_package(desk, args.package),
        tags=tuple(args.tag),
        occupations=tuple(args.occupation),
        max_per_person=args.max_per_person,
        min_interval_minutes=args.min_interval,
        max_per_day=args.max_per_day,
        not_combinable_with=others,
        proof=args.proof,
        stations=(ctx.station_id,) if args.this_station_only else (),
        refuse_when_out=args.refuse_when_out,
    )
    campaign = campaigns.create_campaign(form, desk.uow(), ctx)
    out.emit(
        campaign_json(desk, campaign), tr("aid.cli.campaign_created", line=campaign_line(campaign))
    )
    return EXIT_OK


def cmd_campaign_list(desk: Desk, args: argparse.Namespace, out: Any) -> int:
    device = desk.device()
    here = None if args.all_stations or device is None else device.station.id
    found = campaigns.list_campaigns(desk.uow(), station_id=here)
    text = "\n".join(campaign_line(c) for c in found) or tr("cli.nothing_found")
    out.emit([campaign_json(desk, c) for c in found], text)
    return 0


def cmd_campaign_show(desk: Desk, args: argparse.Namespace, out: Any) -> int:
    campaign = campaigns.find_campaign(desk.uow(), args.campaign)
    data = campaign_json(desk, campaign)
    package = "，".join(f"{p['item']} × {p['quantity']}{p['unit'] or ''}" for p in data["package"])
    lines = [campaign_line(campaign), tr("aid.cli.package", package=package)]
    if campaign.tags or campaign.occupations:
        lines.append(tr("aid.cli.eligible", who="、".join([*campaign.tags, *campaign.occupations])))
    out.emit(data, "\n".join(lines))
    return 0


def cmd_campaign_close(desk: Desk, args: argparse.Namespace, out: Any) -> int:
    campaign = campaigns.find_campaign(desk.uow(), args.campaign)
    closed = campaigns.close_campaign(campaign.id, desk.uow(), context(desk, args))
    out.emit(campaign_json(desk, closed), tr("aid.cli.campaign_closed", line=campaign_line(closed)))
    return 0


def cmd_item_add(desk: Desk, args: argparse.Namespace, out: Any) -> int:
    item = campaigns.create_item(args.name, args.unit, desk.uow(), context(desk, args))
    out.emit(item, tr("aid.cli.item_added", name=item.name, unit=item.unit, id=item.id))
    return 0


def cmd_item_list(desk: Desk, args: argparse.Namespace, out: Any) -> int:
    found = campaigns.list_items(desk.uow())
    text = "\n".join(f"{i.name}  {i.unit}  ({i.id})" for i in found) or tr("cli.nothing_found")
    out.emit(found, text)
    return 0


def _refs(desk: Desk, args: argparse.Namespace) -> tuple[str, str]:
    campaign = campaigns.find_campaign(desk.uow(), args.campaign)
    return campaign.id, campaigns.find_item(desk.uow(), args.item).id


def _levels_text(desk: Desk, campaign_id: str, desk_code: str | None = None) -> tuple[Any, str]:
    found = stock.levels(desk.uow(), campaign_id, desk=desk_code)
    lines = [
        tr(
            "aid.cli.level",
            item=s.item_name,
            left=s.left,
            unit=s.unit,
            moved=s.moved_in,
            out=s.handed_out,
            today=s.handed_out_today,
        )
        for s in found
    ]
    return found, "\n".join(lines) or tr("cli.nothing_found")


def cmd_stock_receive(desk: Desk, args: argparse.Namespace, out: Any) -> int:
    campaign_id, item_id = _refs(desk, args)
    move_id = stock.receive(
        campaign_id,
        item_id,
        args.qty,
        desk.uow(),
        context(desk, args),
        args.source,
        args.note,
    )
    levels, text = _levels_text(desk, campaign_id)
    out.emit({"move_id": move_id, "levels": levels}, tr("aid.cli.received") + "\n" + text)
    return 0


def cmd_stock_transfer(desk: Desk, args: argparse.Namespace, out: Any) -> int:
    campaign_id, item_id = _refs(desk, args)
    ctx = context(desk, args)
    transfer_id = stock.transfer(
        campaign_id, item_id, args.qty, args.to_desk, desk.uow(), ctx, args.note
    )
    levels, text = _levels_text(desk, campaign_id)
    out.emit(
        {"transfer_id": transfer_id, "levels": levels}, tr("aid.cli.transferred") + "\n" + text
    )
    return 0


def cmd_stock_adjust(desk: Desk, args: argparse.Namespace, out: Any) -> int:
    campaign_id, item_id = _refs(desk, args)
    ctx = context(desk, args)
    move_id = stock.adjust(campaign_id, item_id, args.delta, args.reason, desk.uow(), ctx)
    levels, text = _levels_text(desk, campaign_id)
    out.emit({"move_id": move_id, "levels": levels}, tr("aid.cli.adjusted") + "\n" + text)
    return 0


def cmd_stock_count(desk: Desk, args: argparse.Namespace, out: Any) -> int:
    campaign_id, item_id = _refs(desk, args)
    found = stock.count(campaign_id, item_id, args.qty, desk.uow(), context(desk, args))
    data = {
        "count_id": found.id,
        "counted": found.counted,
        "expected": found.expected,
        "difference": found.difference,
    }
    key = "aid.cli.count_matches" if found.difference == 0 else "aid.cli.count_differs"
    out.emit(data, tr(key, counted=found.counted, expected=found.expected, diff=found.difference))
    return 0


def cmd_stock_show(desk: Desk, args: argparse.Namespace, out: Any) -> int:
    campaign = campaigns.find_campaign(desk.uow(), args.campaign)
    levels, text = _levels_text(desk, campaign.id, args.desk)
    counts = stock.discrepancies(desk.uow(), campaign.id, args.desk)
    lines = [text]
    for c in counts:
        lines.append(
            tr(
                "aid.cli.discrepancy",
                day=c.local_date,
                desk=c.desk,
                item=c.item_name,
                counted=c.counted,
                expected=c.expected,
                diff=c.difference,
            )
        )
    out.emit({"levels": levels, "counts": counts}, "\n".join(lines))
    return 0


def handout_line(record: HandoutRecord) -> str:
    items = "，".join(f"{x.item_name} × {x.quantity}{x.unit}" for x in record.lines)
    mark = "  " + tr("cli.voided", reason=record.void_reason) if record.voided else ""
    when = shown(record.device_time)
    return f"{when}  {record.desk}  {record.operator_name}  {items}{mark}"


def cmd_handout(desk: Desk, args: argparse.Namespace, out: Any) -> int:
    ctx = context(desk, args)
    if args.campaign == "void":
        void_id = handouts.void_handout(args.ref, args.reason, desk.uow(), ctx)
        out.emit({"void_id": void_id, "handout_id": args.ref}, tr("aid.cli.voided"))
        return EXIT_OK
    campaign = campaigns.find_campaign(desk.uow(), args.campaign)
    if len(args.qty) > len(args.item):
        raise InvalidInput("aid.cli.qty_without_item", field="qty")
    items = tuple(
        (campaigns.find_item(desk.uow(), name).id, args.qty[i] if i < len(args.qty) else 1)
        for i, name in enumerate(args.item)
    )
    # REF is the person at the desk; with --for they collect for that member (代领).
    recipient, collector = (args.for_ref, args.ref) if args.for_ref else (args.ref, "")
    command = HandOut(
        campaign_id=campaign.id,
        member_ref=recipient,
        items=items,
        collector_ref=collector,
        override_pin=args.lead_pin,
        override_reason=args.override_reason,
        proof=args.proof,
    )
    try:
        result = handouts.hand_out(command, desk.uow(), ctx)
    except HandoutRefused as refused:
        refusal = {
            "status": "refused",
            "refusal": refused.refusal.code.value,
            "params": refused.refusal.params,
            "message": tr(refused.code, **refused.params),
            "member": member_json(refused.member),
            "refusal_id": refused.refusal_id,
        }
        text = tr(refused.code, **refused.params) + "\n" + tr("aid.cli.override_hint")
        out.emit(refusal, text)
        return EXIT_HANDOUT_REFUSED
    record = result.record
    data: dict[str, Any] = {
        "status": "handed_out",
        "handout": record,
        "member": member_json(result.member),
        "collector": None if result.collector is None else member_json(result.collector),
        "remaining": result.status.remaining,
    }
    text = tr("aid.cli.handed_out", name=result.member.name, line=handout_line(record))
    if result.collector is not None:
        text += "\n" + tr("aid.collected_by", name=result.collector.name)
    if record.overridden:
        text += "\n" + tr("aid.cli.overridden", lead=record.override_by_name or "")
    out.emit(data, f"{text}\n({record.id})")
    return EXIT_OK


def cmd_report_campaign(desk: Desk, args: argparse.Namespace, out: Any) -> int:
    from desktop.printing import campaign_report  # ReportLab and openpyxl: only when run

    campaign = campaigns.find_campaign(desk.uow(), args.campaign)
    path = Path(args.out)
    report = aid_report.campaign_report(desk.uow(), campaign.id)
    if path.suffix.lower() == ".pdf":
        data = campaign_report.report_pdf(report)
    elif path.suffix.lower() == ".xlsx":
        data = campaign_report.report_xlsx(report)
    else:
        raise InvalidInput("aid.cli.report_format", field="out")
    path.write_bytes(data)
    summary = {
        "file": str(path),
        "bytes": len(data),
        "people": report.total.people,
        "handouts": report.total.handouts,
        "refusals": report.total.refusals,
        "overrides": report.total.overrides,
    }
    out.emit(summary, tr("aid.cli.report_written", path=str(path), people=report.total.people))
    return 0
