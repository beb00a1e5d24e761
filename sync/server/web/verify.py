"""The public certificate check: ``GET /v/{serial}?s={signature}``, what a certificate's QR
holds. No login, no script; one small page in the reader's language.

The link's signature is checked against the signed fields the issuing desk pushed
(``certificate_index``, kept by ``sync/server/rules/certificates.py``) with the key of the
device its serial names, as the server registered it at enrolment. What the page says, and
the status it answers with:

======================  ======  =============================================================
verdict                 status  cache
======================  ======  =============================================================
valid                   200     ``no-cache``: it may be revoked any minute
revoked (when, why)     410     ``private, max-age=3600``: a revocation is final
signature does not      409     ``private, max-age=3600``: the record is immutable, the
match (forged?)                 link's signature never becomes right
not synced yet          404     ``no-cache``: the issuing desk may sync any minute
not a link at all       400     ``private, max-age=3600``
device revoked          410     ``private, max-age=3600``: the issuing device was revoked and
                                the server did not receive this certificate before that
uncertain               409     ``no-cache``: the issuing device was revoked and the server
                                cannot tell when it received the certificate
======================  ======  =============================================================

A certificate whose device was revoked later (a PC lost, stolen or retired:
``device.revoked``) stays valid when the server received it *before* the revocation, by
the server's own clock (``certificate_index.received_at``; the issue date is the device's
word, and a stolen key can sign any date): the page says valid and notes the revocation.
A revoked device's token is refused, so anything it signs afterwards never reaches the
server: a link of such a device that the server does not hold is not valid (rather than
"not synced yet": it never will be). With no receipt time (indexed before server
migration 0008 from an event no longer in the log) the page cannot tell and says so.

The signed fields are shown only when the link's signature matches them: a serial is easy to
guess (``C-{device}-0001``, ``-0002``...), a signature is not, so nobody reads a holder's
name by counting serials.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from enum import StrEnum
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import select

from sync.protocol import PayloadError
from sync.protocol.certificates import (
    CertificateFields,
    certificate_signed,
    fields_of,
    hours_text,
    parse_certificate_serial,
    prints_hours,
    signature_of,
)
from sync.protocol.events.certificates import CERTIFICATE_ISSUED
from sync.server import log
from sync.server.db import Database
from sync.server.models import CertificateIndexRow, DeviceRow, StationRow
from sync.server.web.pages import render, words

router = APIRouter()

MAX_SERIAL = 40
MAX_SIGNATURE = 200
CHINA_TIME = timezone(timedelta(hours=8))  # the stations' time; no daylight saving

words.add(
    {
        "verify.title": ("证书查验", "Certificate check"),
        "verify.valid": ("有效", "Valid"),
        "verify.valid_detail": (
            "这张证书由发证驿站签发，内容与签名一致，未被撤销。",
            "This certificate was issued by the station below; its contents match its "
            "signature and it has not been revoked.",
        ),
        "verify.revoked": ("已撤销", "Revoked"),
        "verify.revoked_detail": (
            "发证单位已于 {when} 撤销这张证书。原因：{why}",
            "The issuer revoked this certificate on {when}. Reason: {why}",
        ),
        "verify.no_reason": ("未说明", "not given"),
        "verify.forged": ("签名不符，可能伪造", "Signature does not match: possibly forged"),
        "verify.forged_detail": (
            "二维码里的签名与中心记录的这张证书不符：证书可能被改动或伪造。请勿采信，"
            "并向发证单位核实。",
            "The signature in the QR code does not match this certificate as the central "
            "server recorded it: it may have been altered or forged. Do not rely on it; "
            "check with the issuer.",
        ),
        "verify.unknown": (
            "尚未同步到中心，请联系发证驿站",
            "Not yet synced to the central server: contact the issuing station",
        ),
        "verify.unknown_detail": (
            "中心还没有编号为 {serial} 的证书。新发的证书要等发证驿站联网同步后才能在这里查到；"
            "发证驿站的电脑也能离线查验这张证书。",
            "The central server has no certificate {serial} yet. A new certificate can be "
            "checked here once the issuing station has synced; the station's own computer "
            "can check it offline.",
        ),
        "verify.unknown_station": ("发证驿站：{station}", "Issuing station: {station}"),
        "verify.device_revoked": (
            "无效：发证设备已停用",
            "Not valid: the issuing device was revoked",
        ),
        "verify.device_revoked_detail": (
            "签发这张证书的设备已于 {when} 停用，而中心在此之前没有收到这张证书。停用后签发或"
            "同步的证书一律无效。请勿采信，并向发证单位核实。",
            "The device that issued this certificate was revoked on {when}, and the central "
            "server had not received this certificate before then. Certificates issued or "
            "synced after a device is revoked are not valid. Do not rely on it; check with "
            "the issuer.",
        ),
        "verify.uncertain": (
            "无法确认：发证设备已停用",
            "Cannot be confirmed: the issuing device was revoked",
        ),
        "verify.uncertain_detail": (
            "证书内容与签名一致，但签发它的设备已于 {when} 停用，中心无法确定是否在停用前收到"
            "这张证书。请向发证单位核实后再采信。",
            "The contents match the signature, but the device that issued it was revoked on "
            "{when} and the central server cannot tell whether it received this certificate "
            "before then. Check with the issuer before relying on it.",
        ),
        "verify.device_revoked_note": (
            "说明：发证设备已于 {revoked} 停用（如电脑丢失或更换）。这张证书中心已于 {received} "
            "收到，早于停用，仍然有效。",
            "Note: the issuing device was revoked on {revoked} (a PC lost or replaced, say). "
            "The central server received this certificate on {received}, before that, so it "
            "stays valid.",
        ),
        "verify.malformed": ("链接不完整或有误", "This link is incomplete or wrong"),
        "verify.malformed_detail": (
            "这不是一个完整的证书查验链接，可能被截断或输错。请用手机重新扫描证书上的二维码。",
            "This is not a complete certificate link: it may have been cut short or "
            "mistyped. Scan the QR code on the certificate again.",
        ),
        "verify.signed": ("证书内容（已签名）", "What the certificate says (signed)"),
        "verify.holder": ("持证人", "Holder"),
        "verify.certificate": ("证书", "Certificate"),
        "verify.purpose": ("培训或事由", "Course or award"),
        "verify.hours": ("学时", "Hours"),
        "verify.hours_value": ("{hours} 学时", "{hours} hours"),
        "verify.dates": ("培训日期", "Dates"),
        "verify.issued_on": ("发证日期", "Issued on"),
        "verify.union": ("发证单位", "Issued by"),
        "verify.station": ("发证驿站", "Issuing station"),
        "verify.serial": ("证书编号", "Serial"),
        "verify.china_time": ("北京时间", "China time"),
        "verify.note": (
            "查验结果来自驿站通中心服务器。发证驿站一栏不在签名之内。",
            "Checked by the Waystation central server. The issuing station is not part of "
            "the signature.",
        ),
    }
)


class Verdict(StrEnum):
    VALID = "valid"
    REVOKED = "revoked"
    FORGED = "forged"
    UNKNOWN = "unknown"
    MALFORMED = "malformed"
    DEVICE_REVOKED = "device_revoked"  # its device was revoked before the server had it
    UNCERTAIN = "uncertain"  # its device was revoked; when the server had it is unknown


STATUS = {
    Verdict.VALID: 200,
    Verdict.REVOKED: 410,
    Verdict.FORGED: 409,
    Verdict.UNKNOWN: 404,
    Verdict.MALFORMED: 400,
    Verdict.DEVICE_REVOKED: 410,
    Verdict.UNCERTAIN: 409,
}
CACHE = {
    Verdict.VALID: "no-cache",
    Verdict.UNKNOWN: "no-cache",
    Verdict.REVOKED: "private, max-age=3600",
    Verdict.FORGED: "private, max-age=3600",
    Verdict.MALFORMED: "private, max-age=3600",
    Verdict.DEVICE_REVOKED: "private, max-age=3600",
    Verdict.UNCERTAIN: "no-cache",
}
BAND = {
    Verdict.VALID: "ok",
    Verdict.REVOKED: "bad",
    Verdict.FORGED: "bad",
    Verdict.UNKNOWN: "warn",
    Verdict.MALFORMED: "warn",
    Verdict.DEVICE_REVOKED: "bad",
    Verdict.UNCERTAIN: "warn",
}


@dataclass(frozen=True)
class Check:
    """What the page shows: the verdict, and the signed fields only when they matched."""

    verdict: Verdict
    serial: str = ""
    fields: CertificateFields | None = None
    station: str = ""
    revoked_at: datetime | None = None
    revoke_reason: str = ""
    device_revoked_at: datetime | None = None  # the issuing device's revocation
    received_at: datetime | None = None  # when the server received the certificate


def check(database: Database, serial_text: str, signature_text: str) -> Check:
    """The verdict on one link; never raises on what a phone sends."""
    serial = serial_text.strip().upper()
    parsed = parse_certificate_serial(serial) if len(serial) <= MAX_SERIAL else None
    text = signature_text.strip().upper()
    signature = signature_of(text) if len(text) <= MAX_SIGNATURE else None
    if parsed is None or signature is None:
        return Check(Verdict.MALFORMED)
    with database.transaction() as session:
        row = session.get(CertificateIndexRow, serial)
        device = session.scalar(select(DeviceRow).where(DeviceRow.code == parsed[0]))
        station_id = row.station_id if row is not None and row.station_id else None
        if station_id is None and device is not None:
            station_id = device.station_id
        station = session.get(StationRow, station_id) if station_id else None
        station_name = station.name if station is not None else ""
        device_revoked = log.aware(device.revoked_at) if device and device.revoked_at else None
        if row is None or row.payload is None or device is None:
            if device_revoked is not None:  # it can never reach the server now
                return Check(
                    Verdict.DEVICE_REVOKED,
                    serial,
                    station=station_name,
                    device_revoked_at=device_revoked,
                )
            return Check(Verdict.UNKNOWN, serial, station=station_name)
        fields = _fields(row.payload)
        key = _raw_key(device.public_key)
        if fields is None or key is None or not certificate_signed(key, serial, fields, signature):
            return Check(Verdict.FORGED, serial)
        if row.revoked_at is not None:
            return Check(
                Verdict.REVOKED,
                serial,
                fields,
                station_name,
                row.revoked_at,
                row.revoke_reason or "",
            )
        if device_revoked is None:
            return Check(Verdict.VALID, serial, fields, station_name)
        received = log.aware(row.received_at) if row.received_at is not None else None
        if received is None:
            verdict = Verdict.UNCERTAIN
        elif received < device_revoked:
            verdict = Verdict.VALID  # received before: stays valid, with a note
        else:
            verdict = Verdict.DEVICE_REVOKED
        return Check(
            verdict,
            serial,
            fields,
            station_name,
            device_revoked_at=device_revoked,
            received_at=received,
        )


def _fields(payload: str) -> CertificateFields | None:
    try:
        return fields_of(CERTIFICATE_ISSUED.decode(json.loads(payload)))
    except (PayloadError, ValueError):
        return None


def _raw_key(text: str) -> bytes | None:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return None


def _day(value: date | None) -> str:
    return value.isoformat() if value is not None else ""


def _facts(result: Check, t: Any) -> list[tuple[str, str]]:
    """(label, value) rows of the signed fields, in the reader's language."""
    fields = result.fields
    if fields is None:
        return []
    rows = [
        (t("verify.holder"), fields.recipient_name),
        (t("verify.certificate"), fields.title),
        (t("verify.purpose"), fields.purpose),
    ]
    if prints_hours(fields):  # as printed: an award states no hours
        assert fields.hours is not None
        rows.append((t("verify.hours"), t("verify.hours_value", hours=hours_text(fields.hours))))
    if fields.starts_on or fields.ends_on:
        span = " – ".join(d for d in (_day(fields.starts_on), _day(fields.ends_on)) if d)
        rows.append((t("verify.dates"), span))
    rows += [
        (t("verify.issued_on"), _day(fields.issued_on)),
        (t("verify.union"), fields.issuing_union),
    ]
    if result.station:
        rows.append((t("verify.station"), result.station))
    rows.append((t("verify.serial"), result.serial))
    return rows


def _when(moment: datetime | None) -> str:
    if moment is None:
        return ""
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    return aware.astimezone(CHINA_TIME).strftime("%Y-%m-%d %H:%M")


@router.get("/v/{serial}", response_class=HTMLResponse, include_in_schema=False)
def verify_page(request: Request, serial: str) -> HTMLResponse:
    signatures = request.query_params.getlist("s") or request.query_params.getlist("S")
    signature = signatures[0] if len(signatures) == 1 else ""
    result = check(request.app.state.database, serial, signature)
    response = render(
        request,
        "verify.html",
        status=STATUS[result.verdict],
        result=result,
        verdict=result.verdict.value,
        band=BAND[result.verdict],
        facts=_facts,
        when=_when(result.revoked_at),
        device_revoked=_when(result.device_revoked_at),
        received=_when(result.received_at),
    )
    response.headers["Cache-Control"] = CACHE[result.verdict]
    response.headers["Vary"] = "Accept-Language, Cookie"
    # A holder's name is nobody's search result.
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response
