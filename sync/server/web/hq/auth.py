"""Who may use the HQ console: named accounts, sessions, CSRF, wrong-password pauses.

The interface the console's pages use (keep it stable):

- ``require(role)``: a FastAPI dependency giving the signed-in ``Account``
  (``Depends(require(HQ_ADMIN))`` or ``Depends(require(DISTRICT_VIEWER))``; an HQ admin
  passes both). Not signed in: a GET is sent to the login page (and back afterwards), a
  POST is refused. Signed in with too low a role: 403. **Every POST is checked for the
  session's CSRF token** (form field ``csrf``) and for a same-origin ``Origin`` by this
  same dependency, so a console form needs only ``{{ csrf_field }}`` inside it.
- ``Account``: ``name``, ``role``, ``union`` (``None`` for HQ), ``may_see(station_union)``.
  A district viewer sees only its union's stations: every page that takes a station (or a
  conflict, a device) from the address must check ``may_see`` and answer 404 otherwise.
- ``console_page(request, account, template, status=200, **context)``: a page in the
  console's layout (``templates/hq/layout.html``) with ``account``, ``csrf_field`` and the
  console's navigation in the context.
- ``Db`` (``Annotated[Session, Depends(transaction)]``): the request's one transaction.
- ``add_nav(word_key, href, role)``: a page area adds its link to the console's navigation.
- ``audit.record(session, account_or_actor, action, target, station_id=..., **detail)``
  (``sync/server/web/hq/audit.py``): every change is recorded.

Sessions: a random token in an HttpOnly, SameSite=Strict cookie (Secure over https), only
its hash kept server side; a new one at every login (a token planted before login is never
adopted); it ends after ``IDLE`` without use or ``LIFETIME`` at most, or at logout.
Passwords: argon2id (argon2-cffi). Wrong passwords: after ``ACCOUNT_LIMIT`` for one
account name or ``ADDRESS_LIMIT`` from one address within ``WINDOW``, that name or address
is paused for ``PAUSE``, right password or not. An unknown name costs the same time as a
known one (a dummy hash is checked).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone, tzinfo
from typing import Annotated, Any, Final
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from fastapi import Depends, Request
from fastapi.responses import HTMLResponse
from markupsafe import Markup, escape
from sqlalchemy import delete, select
from sqlalchemy.orm import Session
from uuid6 import uuid7

from sync.server import log
from sync.server.models import AccountRow, ConsoleSessionRow, LoginFailureRow
from sync.server.web import pages

HQ_ADMIN: Final = "hq_admin"
DISTRICT_VIEWER: Final = "district_viewer"
ROLES: Final = (HQ_ADMIN, DISTRICT_VIEWER)
_RANK = {DISTRICT_VIEWER: 1, HQ_ADMIN: 2}

SESSION_COOKIE = "hq_session"
LOGIN_COOKIE = "hq_login"  # the login form's own CSRF token (no session yet)
COOKIE_PATH = "/hq"
IDLE = timedelta(hours=2)
LIFETIME = timedelta(hours=12)
SEEN_EVERY = timedelta(minutes=1)  # how often a session's last use is written

ACCOUNT_LIMIT = 5
ADDRESS_LIMIT = 20
WINDOW = timedelta(minutes=15)
PAUSE = timedelta(minutes=15)

MIN_PASSWORD = 10
MAX_PASSWORD = 200
MAX_NAME = 60

_hasher = PasswordHasher()
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


class AccountError(ValueError):
    """A bad account name, role, union or password: ``code`` is a word key."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class LoginNeeded(Exception):
    """Not signed in (or the session ended): to the login page, then back to ``next``."""

    def __init__(self, next_url: str) -> None:
        super().__init__(next_url)
        self.next_url = next_url


class Refused(Exception):
    """Signed in, but this is not allowed (role, CSRF, origin): a 403 page."""


@dataclass(frozen=True)
class Account:
    id: str
    name: str
    role: str
    union: str | None
    csrf: str = ""

    @property
    def is_admin(self) -> bool:
        return self.role == HQ_ADMIN

    def has(self, role: str) -> bool:
        return _RANK.get(self.role, 0) >= _RANK[role]

    def may_see(self, station_union: str | None) -> bool:
        """HQ sees every station; a district viewer only its own union's."""
        if self.role == HQ_ADMIN:
            return True
        return bool(self.union) and (station_union or "") == self.union


# --- accounts ------------------------------------------------------------------------------


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise AccountError("password_short", f"a password needs at least {MIN_PASSWORD} characters")
    if len(password) > MAX_PASSWORD:
        raise AccountError("password_long", f"a password has at most {MAX_PASSWORD} characters")


def create_account(
    session: Session, name: str, role: str, password: str, union: str | None = None
) -> AccountRow:
    name = name.strip()
    if not name or len(name) > MAX_NAME or any(ch.isspace() or ord(ch) < 32 for ch in name):
        raise AccountError(
            "bad_name", f"an account name has 1 to {MAX_NAME} characters and no spaces"
        )
    if role not in ROLES:
        raise AccountError("bad_role", f"role must be one of {', '.join(ROLES)}")
    union = (union or "").strip() or None
    if role == DISTRICT_VIEWER and union is None:
        raise AccountError("union_needed", "a district viewer needs the name of its union")
    if role == HQ_ADMIN and union is not None:
        raise AccountError("union_not_for_admin", "an HQ admin sees every union: no --union")
    check_password(password)
    if session.scalar(select(AccountRow.id).where(AccountRow.name == name)) is not None:
        raise AccountError("account_exists", f"an account named {name} exists")
    row = AccountRow(
        id=str(uuid7()),
        name=name,
        password_hash=_hasher.hash(password),
        role=role,
        union_name=union,
        created_at=log.now(),
    )
    session.add(row)
    session.flush()
    return row


def set_password(session: Session, name: str, password: str) -> AccountRow:
    check_password(password)
    row = session.scalar(select(AccountRow).where(AccountRow.name == name))
    if row is None:
        raise AccountError("not_found", f"no account {name}")
    row.password_hash = _hasher.hash(password)
    # Every browser signed in as this account is signed out.
    session.execute(delete(ConsoleSessionRow).where(ConsoleSessionRow.account_id == row.id))
    return row


def disable_account(session: Session, name: str) -> AccountRow:
    row = session.scalar(select(AccountRow).where(AccountRow.name == name))
    if row is None:
        raise AccountError("not_found", f"no account {name}")
    if row.disabled_at is None:
        row.disabled_at = log.now()
    session.execute(delete(ConsoleSessionRow).where(ConsoleSessionRow.account_id == row.id))
    return row


def list_accounts(session: Session) -> list[AccountRow]:
    return list(session.scalars(select(AccountRow).order_by(AccountRow.name)))


def _account(row: AccountRow, csrf: str = "") -> Account:
    return Account(row.id, row.name, row.role, row.union_name, csrf)


# --- wrong passwords -----------------------------------------------------------------------


def _keys(name: str, address: str) -> list[tuple[str, int]]:
    return [
        (f"account:{name.strip().lower()[:100]}", ACCOUNT_LIMIT),
        (f"address:{address}", ADDRESS_LIMIT),
    ]


def paused_until(session: Session, name: str, address: str) -> datetime | None:
    """When the pause on this name or address ends, if one is on now."""
    at = log.now()
    latest: datetime | None = None
    for key, _limit in _keys(name, address):
        row = session.get(LoginFailureRow, key)
        if row is not None and row.paused_until is not None:
            until = log.aware(row.paused_until)
            if until > at and (latest is None or until > latest):
                latest = until
    return latest


def _failed(session: Session, name: str, address: str) -> None:
    at = log.now()
    for key, limit in _keys(name, address):
        row = session.get(LoginFailureRow, key, with_for_update=True)
        if row is None:
            row = LoginFailureRow(key=key, failures=0, first_at=at)
            session.add(row)
        elif log.aware(row.first_at) + WINDOW < at:
            row.failures, row.first_at, row.paused_until = 0, at, None
        row.failures += 1
        if row.failures >= limit:
            row.paused_until = at + PAUSE
    session.flush()


def _succeeded(session: Session, name: str) -> None:
    key, _limit = _keys(name, "")[0]
    session.execute(delete(LoginFailureRow).where(LoginFailureRow.key == key))


@dataclass(frozen=True)
class LoginResult:
    account: Account | None
    token: str = ""
    paused_until: datetime | None = None


def log_in(session: Session, name: str, password: str, address: str) -> LoginResult:
    """Check a name and password; on success a new session (its token for the cookie)."""
    until = paused_until(session, name, address)
    if until is not None:
        return LoginResult(None, paused_until=until)
    row = session.scalar(select(AccountRow).where(AccountRow.name == name.strip()[:MAX_NAME]))
    good_hash = row.password_hash if row is not None else _DUMMY_HASH
    ok: bool
    try:
        ok = _hasher.verify(good_hash, password[:MAX_PASSWORD])
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        ok = False
    if row is None or not ok or row.disabled_at is not None:
        _failed(session, name, address)
        return LoginResult(None, paused_until=paused_until(session, name, address))
    _succeeded(session, row.name)
    if _hasher.check_needs_rehash(row.password_hash):
        row.password_hash = _hasher.hash(password)
    token = secrets.token_urlsafe(32)
    at = log.now()
    session.execute(
        delete(ConsoleSessionRow).where(
            ConsoleSessionRow.account_id == row.id, ConsoleSessionRow.expires_at < at
        )
    )
    csrf = secrets.token_urlsafe(32)
    session.add(
        ConsoleSessionRow(
            token_hash=_hashed(token),
            account_id=row.id,
            csrf=csrf,
            created_at=at,
            seen_at=at,
            expires_at=at + LIFETIME,
            address=address[:60],
        )
    )
    return LoginResult(_account(row, csrf), token)


def log_out(session: Session, token: str) -> None:
    if token:
        session.execute(
            delete(ConsoleSessionRow).where(ConsoleSessionRow.token_hash == _hashed(token))
        )


def signed_in(session: Session, token: str) -> Account | None:
    """The account of a session token still valid (and not disabled), else None."""
    if not token or len(token) > 100:
        return None
    found = session.get(ConsoleSessionRow, _hashed(token))
    if found is None:
        return None
    at = log.now()
    if log.aware(found.expires_at) <= at or log.aware(found.seen_at) + IDLE <= at:
        session.delete(found)
        return None
    row = session.get(AccountRow, found.account_id)
    if row is None or row.disabled_at is not None:
        return None
    if log.aware(found.seen_at) + SEEN_EVERY <= at:
        found.seen_at = at
    return _account(row, found.csrf)


def _hashed(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


# --- the request side ----------------------------------------------------------------------


def transaction(request: Request) -> Iterator[Session]:
    """The request's one database transaction (committed when the page is done)."""
    with request.app.state.database.transaction() as session:
        yield session


# scope="function": committed before the response leaves, so that the page a redirect
# leads to sees the change (and a failed commit is an error page, not a false success).
Db = Annotated[Session, Depends(transaction, scope="function")]


def address_of(request: Request) -> str:
    return request.client.host if request.client is not None else "unknown"


async def _posted(request: Request) -> dict[str, str]:
    """A POST's form fields (Starlette keeps the parsed form for the page too)."""
    if request.method != "POST":
        return {}
    form = await request.form()
    return {key: value for key, value in form.items() if isinstance(value, str)}


def same_origin(request: Request) -> bool:
    """A browser's POST says where it comes from: ``Sec-Fetch-Site`` (sent whatever the
    referrer policy) must be same-origin, and an ``Origin`` naming a site must be this one.
    (Our pages send no referrer, so browsers send ``Origin: null`` on their own forms;
    an old browser sends neither header: the CSRF token still holds.)"""
    site = request.headers.get("sec-fetch-site")
    if site is not None and site not in ("same-origin", "none"):
        return False
    origin = request.headers.get("origin")
    if origin is None or origin == "null":
        return True
    parts = urlsplit(origin)
    host = request.headers.get("host", "")
    return parts.netloc == host and parts.scheme in ("http", "https")


def safe_next(target: str | None) -> str:
    """Where to go after login: only a console address of this server (no open redirect)."""
    target = (target or "").strip()
    if (
        not target.startswith("/hq")
        or target.startswith("//")
        or "\\" in target
        or any(ord(ch) < 32 for ch in target)
        or len(target) > 500
    ):
        return "/hq"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not (parts.path == "/hq" or parts.path.startswith("/hq/")):
        return "/hq"
    if parts.path.startswith(("/hq/login", "/hq/logout")):
        return "/hq"
    return target


def require(role: str) -> Callable[..., Account]:
    """The dependency a console page declares: the signed-in account having ``role``."""
    if role not in _RANK:
        raise ValueError(f"no role {role}")

    def dependency(
        request: Request,
        session: Db,
        posted: Annotated[dict[str, str], Depends(_posted)],
    ) -> Account:
        account = signed_in(session, request.cookies.get(SESSION_COOKIE, ""))
        if account is None:
            here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            raise LoginNeeded(safe_next(here) if request.method == "GET" else "/hq")
        if request.method not in ("GET", "HEAD"):
            sent = posted.get("csrf", "")
            if not same_origin(request) or not hmac.compare_digest(
                sent.encode("utf-8"), account.csrf.encode("utf-8")
            ):
                raise Refused()
        if not account.has(role):
            raise Refused()
        return account

    return dependency


def csrf_field(account: Account) -> Markup:
    return Markup('<input type="hidden" name="csrf" value="{}">').format(escape(account.csrf))


# --- the console's navigation and layout ---------------------------------------------------


@dataclass(frozen=True)
class NavItem:
    word: str
    href: str
    role: str
    order: int


_NAV: list[NavItem] = []


def add_nav(word: str, href: str, role: str = DISTRICT_VIEWER, order: int = 50) -> None:
    """A link in the console's navigation (shown to accounts having ``role``)."""
    if any(item.href == href for item in _NAV):
        return
    _NAV.append(NavItem(word, href, role, order))
    _NAV.sort(key=lambda item: (item.order, item.href))


def nav_for(account: Account) -> list[NavItem]:
    return [item for item in _NAV if account.has(item.role)]


def console_page(
    request: Request, account: Account, template: str, status: int = 200, **context: Any
) -> HTMLResponse:
    """A console page (``templates/hq/...`` extending ``hq/layout.html``)."""
    response = pages.render(
        request,
        template,
        status,
        account=account,
        csrf_field=csrf_field(account),
        console_nav=nav_for(account),
        here=request.url.path,
        when=shown_time(request),
        **context,
    )
    response.headers["Cache-Control"] = "no-store"
    return response


def shown_time(request: Request) -> Callable[[datetime | str | None], str]:
    """``when(moment)`` for templates: a stored UTC time on the console's clock
    (``WAYSTATION_SERVER_CONSOLE_TIMEZONE``, Asia/Shanghai by default)."""
    zone = console_zone(request)

    def when(moment: datetime | str | None) -> str:
        if isinstance(moment, str):  # ISO 8601 from a payload
            text = moment
            try:
                moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
            except ValueError:
                return text[:40]
        if moment is None:
            return ""
        return log.aware(moment).astimezone(zone).strftime("%Y-%m-%d %H:%M")

    return when


def console_zone(request: Request) -> tzinfo:
    name = getattr(request.app.state.settings, "console_timezone", "Asia/Shanghai")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return timezone(timedelta(hours=8), "UTC+8")


def secure_cookies(request: Request) -> bool:
    """Secure cookies when the browser reached us over https (directly, or the public
    address the server is configured with says https)."""
    public_url: str = getattr(request.app.state.settings, "public_url", "")
    return request.url.scheme == "https" or public_url.startswith("https://")


def set_session_cookie(request: Request, response: HTMLResponse | Any, token: str) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=int(LIFETIME.total_seconds()),
        path=COOKIE_PATH,
        httponly=True,
        samesite="strict",
        secure=secure_cookies(request),
    )


def clear_session_cookie(request: Request, response: HTMLResponse | Any) -> None:
    response.delete_cookie(
        SESSION_COOKIE,
        path=COOKIE_PATH,
        httponly=True,
        samesite="strict",
        secure=secure_cookies(request),
    )
