"""The console's front door: the login page, logging out, and where a refused request goes."""

from __future__ import annotations

import hmac
import secrets
from typing import Annotated

from fastapi import APIRouter, Depends, FastAPI, Form, Request
from fastapi.responses import RedirectResponse, Response

from sync.server.web import pages
from sync.server.web.hq import audit, auth
from sync.server.web.hq.auth import Account, Db

router = APIRouter(include_in_schema=False)

WORDS = {
    "hq.title": ("总工会管理台", "HQ console"),
    "hq.login.title": ("登录管理台", "Sign in to the HQ console"),
    "hq.login.name": ("账号", "Account"),
    "hq.login.password": ("密码", "Password"),
    "hq.login.submit": ("登录", "Sign in"),
    "hq.login.wrong": ("账号或密码不对。", "Wrong account name or password."),
    "hq.login.paused": (
        "密码错误次数太多，请于 {until} 后再试。",
        "Too many wrong passwords: try again after {until}.",
    ),
    "hq.login.expired": (
        "登录页面已过期，请再试一次。",
        "The sign-in page had expired; please try again.",
    ),
    "hq.logout": ("退出", "Sign out"),
    "hq.signed_in_as": ("{name}", "{name}"),
    "hq.role.hq_admin": ("总工会管理员", "HQ admin"),
    "hq.role.district_viewer": ("区工会查看员（{union}）", "District viewer ({union})"),
    "hq.refused": (
        "没有权限，或页面已过期：请回到上一页刷新后再试。",
        "Not allowed, or the page had expired: go back, reload and try again.",
    ),
}
pages.words.add(WORDS)


def _login_form(
    request: Request, next_url: str, status: int = 200, message: str = "", **params: str
) -> Response:
    token = secrets.token_urlsafe(24)
    response = pages.render(
        request,
        "hq/login.html",
        status,
        next_url=auth.safe_next(next_url),
        login_token=token,
        message=message,
        message_params=params,
    )
    response.headers["Cache-Control"] = "no-store"
    response.set_cookie(
        auth.LOGIN_COOKIE,
        token,
        max_age=3600,
        path=auth.COOKIE_PATH,
        httponly=True,
        samesite="strict",
        secure=auth.secure_cookies(request),
    )
    return response


@router.get("/hq/login")
def login_page(request: Request, session: Db, next: str = "/hq") -> Response:
    if auth.signed_in(session, request.cookies.get(auth.SESSION_COOKIE, "")) is not None:
        return RedirectResponse(auth.safe_next(next), status_code=303)
    return _login_form(request, next)


@router.post("/hq/login")
def login(
    request: Request,
    session: Db,
    name: Annotated[str, Form(max_length=200)] = "",
    password: Annotated[str, Form(max_length=1000)] = "",
    next: Annotated[str, Form(max_length=1000)] = "/hq",
    login_token: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    kept = request.cookies.get(auth.LOGIN_COOKIE, "")
    if (
        not kept
        or not auth.same_origin(request)
        or not hmac.compare_digest(kept.encode(), login_token.encode())
    ):
        return _login_form(request, next, 403, "hq.login.expired")
    address = auth.address_of(request)
    result = auth.log_in(session, name, password, address)
    if result.account is None:
        if result.paused_until is not None:
            zone = auth.console_zone(request)
            until = result.paused_until.astimezone(zone).strftime("%H:%M")
            return _login_form(request, next, 429, "hq.login.paused", until=until)
        return _login_form(request, next, 401, "hq.login.wrong")
    audit.record(session, result.account, "login", result.account.name, address=address)
    response = RedirectResponse(auth.safe_next(next), status_code=303)
    # The old session (if this browser had one) ends: never two sessions in one cookie jar.
    auth.log_out(session, request.cookies.get(auth.SESSION_COOKIE, ""))
    auth.set_session_cookie(request, response, result.token)
    response.delete_cookie(auth.LOGIN_COOKIE, path=auth.COOKIE_PATH)
    return response


@router.post("/hq/logout")
def logout(
    request: Request,
    session: Db,
    account: Annotated[Account, Depends(auth.require(auth.DISTRICT_VIEWER))],
) -> Response:
    auth.log_out(session, request.cookies.get(auth.SESSION_COOKIE, ""))
    audit.record(session, account, "logout", account.name, address=auth.address_of(request))
    response = RedirectResponse("/hq/login", status_code=303)
    auth.clear_session_cookie(request, response)
    return response


def install(app: FastAPI) -> None:
    async def _login_needed(request: Request, error: Exception) -> Response:
        assert isinstance(error, auth.LoginNeeded)
        target = "/hq/login"
        if error.next_url != "/hq":
            from urllib.parse import quote

            target += "?next=" + quote(error.next_url, safe="/")
        response = RedirectResponse(target, status_code=303)
        auth.clear_session_cookie(request, response)
        return response

    async def _refused(request: Request, _error: Exception) -> Response:
        response = pages.render(request, "error.html", 403, message_key="hq.refused")
        return response

    app.add_exception_handler(auth.LoginNeeded, _login_needed)
    app.add_exception_handler(auth.Refused, _refused)
    app.include_router(router)
