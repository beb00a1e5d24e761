"""The record of every change (``audit.py``), newest first: HQ admins see all of it."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from sync.server.web import pages
from sync.server.web.hq import audit, auth
from sync.server.web.hq.auth import HQ_ADMIN, Account, Db

router = APIRouter(include_in_schema=False)

WORDS = {
    "hq.nav.audit": ("操作记录", "Audit"),
    "hq.audit.title": ("操作记录", "Audit log"),
    "hq.audit.at": ("时间", "When"),
    "hq.audit.actor": ("操作人", "Who"),
    "hq.audit.action": ("操作", "What"),
    "hq.audit.target": ("对象", "On"),
    "hq.audit.detail": ("详情", "Detail"),
    "hq.audit.address": ("地址", "Address"),
    "hq.audit.none": ("还没有记录。", "Nothing recorded yet."),
    "hq.audit.shown": ("最近 {n} 条", "The latest {n}"),
    "hq.action.login": ("登录", "signed in"),
    "hq.action.logout": ("退出", "signed out"),
    "hq.action.station.create": ("新建驿站", "created a station"),
    "hq.action.station.code": ("生成登记码", "made an enrolment code"),
    "hq.action.station.union": ("更改所属工会", "moved a station to a union"),
    "hq.action.device.revoke": ("停用设备", "revoked a device"),
    "hq.action.certificate.revoke": ("撤销证书", "revoked a certificate"),
    "hq.action.conflict.resolve": ("处理冲突", "resolved a conflict"),
    "hq.action.account.create": ("新建账号", "created an account"),
    "hq.action.account.password": ("重设密码", "set a password"),
    "hq.action.account.disable": ("停用账号", "disabled an account"),
}
pages.words.add(WORDS)
auth.add_nav("hq.nav.audit", "/hq/audit", HQ_ADMIN, order=90)


@router.get("/hq/audit")
def audit_log(
    request: Request, session: Db, account: Annotated[Account, Depends(auth.require(HQ_ADMIN))]
) -> Response:
    entries = audit.recent(session, limit=300)
    known = pages.words.keys()
    return auth.console_page(request, account, "hq/audit.html", entries=entries, action_words=known)
