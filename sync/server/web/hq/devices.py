"""Every device the account may see, and revoking one (its token refused from then on; the
desks learn it from the signed ``device.revoked`` event)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from sync.server import admin
from sync.server.models import DeviceRow, StationRow
from sync.server.web import pages
from sync.server.web.hq import audit, auth, overview
from sync.server.web.hq.auth import DISTRICT_VIEWER, HQ_ADMIN, Account, Db

router = APIRouter(include_in_schema=False)

WORDS = {
    "hq.nav.devices": ("设备", "Devices"),
    "hq.devices.title": ("设备", "Devices"),
    "hq.devices.code": ("设备码", "Device code"),
    "hq.devices.enrolled": ("登记于", "Enrolled"),
    "hq.devices.last_push": ("最近上传", "Last upload"),
    "hq.devices.events": ("已收事件", "Events received"),
    "hq.devices.state": ("状态", "State"),
    "hq.devices.active": ("使用中", "in use"),
    "hq.devices.revoke": ("停用…", "Revoke…"),
    "hq.devices.revoked_at": ("已于 {at} 停用", "revoked {at}"),
    "hq.devices.none": ("没有登记的设备。", "No enrolled devices."),
    "hq.revoke.title": ("停用设备 {code}", "Revoke device {code}"),
    "hq.revoke.what": (
        "停用后，这台电脑再也不能与中心同步（它的令牌被拒绝），各驿站的电脑也会得知它已停用。"
        "它已上传的记录保留。此操作不能撤销：要再用这台电脑，需重新登记。",
        "Once revoked, this PC can no longer sync with the centre (its token is refused) and "
        "the other desks learn that it is revoked. What it uploaded is kept. This cannot be "
        "undone: to use the PC again, enrol it anew.",
    ),
    "hq.revoke.submit": ("停用这台设备", "Revoke this device"),
    "hq.revoke.cancel": ("取消", "Cancel"),
    "hq.devices.page": (
        "第 {page} / {pages} 页，共 {count} 台",
        "Page {page} of {pages}, {count} devices",
    ),
    "hq.devices.previous": ("‹ 上一页", "‹ Previous"),
    "hq.devices.next": ("下一页 ›", "Next ›"),
}
pages.words.add(WORDS)
auth.add_nav("hq.nav.devices", "/hq/devices", DISTRICT_VIEWER, order=30)


PAGE_SIZE = 100  # devices per page: a district has thousands (bench.hq_console)


@router.get("/hq/devices")
def device_list(
    request: Request,
    session: Db,
    account: Annotated[Account, Depends(auth.require(DISTRICT_VIEWER))],
    page: int = 1,
) -> Response:
    count = overview.device_count(session, account)
    last = max(1, -(-count // PAGE_SIZE))
    page = min(max(page, 1), last)
    return auth.console_page(
        request,
        account,
        "hq/devices.html",
        devices=overview.devices(session, account, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE),
        show_station=True,
        page=page,
        pages=last,
        count=count,
    )


def _device_for(
    session: Db, account: Account, device_id: str
) -> tuple[DeviceRow, StationRow] | None:
    device = session.get(DeviceRow, device_id[:36])
    if device is None:
        return None
    station = overview.station_for(session, account, device.station_id)
    return (device, station) if station is not None else None


@router.get("/hq/devices/{device_id}/revoke")
def revoke_form(
    request: Request,
    session: Db,
    device_id: str,
    account: Annotated[Account, Depends(auth.require(HQ_ADMIN))],
) -> Response:
    found = _device_for(session, account, device_id)
    if found is None:
        return pages.error_page(request, 404)
    device, station = found
    return auth.console_page(
        request, account, "hq/device_revoke.html", device=device, station=station
    )


@router.post("/hq/devices/{device_id}/revoke")
def revoke(
    request: Request,
    session: Db,
    device_id: str,
    account: Annotated[Account, Depends(auth.require(HQ_ADMIN))],
) -> Response:
    found = _device_for(session, account, device_id)
    if found is None:
        return pages.error_page(request, 404)
    device, station = found
    if device.revoked_at is None:
        admin.revoke_device(session, device.id, request.app.state.key)
        audit.record(
            session,
            account,
            "device.revoke",
            f"{device.code} ({station.name})",
            station_id=station.id,
            address=auth.address_of(request),
            device_id=device.id,
        )
    return RedirectResponse(f"/hq/stations/{station.id}#device-{device.code}", status_code=303)
