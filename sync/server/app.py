"""The HTTP API: enrolment, push, pull for devices; stations, devices and figures for admins.

Every reply that is not a success is a ``Problem`` (``code`` + English ``message``); desks
turn the code into words in their own language.
"""

import gzip
import hmac
import logging
import zlib
from collections.abc import Iterator
from typing import Annotated, Any

import orjson
from fastapi import Depends, FastAPI, Query, Request, Security
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.security import HTTPBearer
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.gzip import GZipMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sync.protocol import (
    APP_HEADER,
    DATASETS,
    EPOCH_HEADER,
    MAX_BATCH,
    MAX_BODY_BYTES,
    MAX_PAGE,
    PROTOCOL_HEADER,
    PROTOCOL_VERSION,
    EnrolReply,
    EnrolRequest,
    Problem,
    ProblemCode,
    PullReply,
    PushReply,
    PushRequest,
    Stats,
)
from sync.server import admin, db, feed, ingest, web
from sync.server.db import Database
from sync.server.models import DeviceRow
from sync.server.settings import DEVELOPMENT_WARNING, ServerSettings
from sync.server.signing import ServerKey, server_key
from sync.server.throttle import Throttle
from sync.server.web import docs
from sync.server.web import pages as web_pages
from sync.server.web.hq import audit

API_ACTOR = "admin-token"  # the audit's name for changes made through /v1/admin

log = logging.getLogger(__name__)


class ProblemError(Exception):
    def __init__(self, status: int, code: str, message: str, **detail: Any) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.detail = detail


def _address(request: Request) -> str:
    """The client's address as the connection shows it (a proxy's own, behind one)."""
    return request.client.host if request.client is not None else "unknown"


def _problem(status: int, code: str, message: str, **detail: Any) -> JSONResponse:
    body = Problem(code=code, message=message, detail=detail).model_dump()
    return JSONResponse(body, status_code=status)


class BodyLimit:
    """Refuse a request body larger than the limit (413) before reading it all."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", ()):
            if name == b"content-length":
                try:
                    too_big = int(value) > self.limit
                except ValueError:
                    too_big = True
                if too_big:
                    await _problem(413, ProblemCode.TOO_LARGE, "request body too large")(
                        scope, receive, send
                    )
                    return
        seen = 0

        async def limited() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise ProblemError(413, ProblemCode.TOO_LARGE, "request body too large")
            return message

        await self.app(scope, limited, send)


class Versions:
    """A desk speaking too old a protocol is told to upgrade (426) before anything else."""

    def __init__(self, app: ASGIApp, min_protocol: int) -> None:
        self.app = app
        self.min_protocol = min_protocol

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "") if scope["type"] == "http" else ""
        if path.startswith("/v1/") and not path.startswith("/v1/admin"):
            for name, value in scope.get("headers", ()):
                if name.decode("latin-1").lower() != PROTOCOL_HEADER.lower():
                    continue
                try:
                    version = int(value)
                except ValueError:
                    version = 0
                if version < self.min_protocol:
                    response = _problem(
                        426,
                        ProblemCode.UPGRADE_REQUIRED,
                        "this desk's Waystation is too old for the server; upgrade it",
                        min_protocol=self.min_protocol,
                    )
                    await response(scope, receive, send)
                    return
        await self.app(scope, receive, send)


OPENAPI_URL = "/openapi.json"
API_DESCRIPTION = (
    "Enrolment, push and pull for Waystation desks (device token), and admin endpoints "
    "(admin token). Every failure is a Problem: a `code` and an English `message`. The HQ "
    "console (`/hq`) and the certificate check (`/v/...`) are HTML pages, not listed here."
)
DEVICE_BEARER = HTTPBearer(
    scheme_name="DeviceToken",
    description="The token a desk received when it enrolled (POST /v1/enrol): push and pull.",
    auto_error=False,  # the endpoints answer a missing token with their own Problem
)
ADMIN_BEARER = HTTPBearer(
    scheme_name="AdminToken",
    description="The server's admin token (WAYSTATION_SERVER_ADMIN_TOKEN): /v1/admin/*.",
    auto_error=False,
)


class NewStationRequest(BaseModel):
    name: str = Field(min_length=1, max_length=100)
    kind: str = Field(default="station", pattern="^(station|event)$")
    union: str = Field(default="", max_length=100)


class NewStationReply(BaseModel):
    station_id: str
    name: str
    kind: str
    enrolment_code: str


def create_app(
    settings: ServerSettings, database: Database | None = None, key: ServerKey | None = None
) -> FastAPI:
    """``key``: the server's signing key (default: the configured one; in production mode a
    missing key file raises SigningKeyError: the server does not start without it)."""
    key = key or server_key(settings)
    database = database or Database(settings.database_url)
    show_docs = settings.api_docs if settings.api_docs is not None else not settings.production
    app = FastAPI(
        title="Waystation central server",
        version=str(PROTOCOL_VERSION),
        description=API_DESCRIPTION,
        docs_url=None,  # served from our own files (web/docs.py), never from a CDN
        redoc_url=None,
        openapi_url=OPENAPI_URL if show_docs else None,
    )
    app.state.database = database
    app.state.settings = settings
    app.state.key = key
    throttle = app.state.throttle = Throttle()
    if settings.mode == "development":
        log.warning(DEVELOPMENT_WARNING)
    elif settings.verification_on_loopback:
        log.warning(
            "certificates' QR codes will lead to %s, which no phone can reach: set "
            "WAYSTATION_SERVER_VERIFY_URL (or PUBLIC_URL) to the server's public address",
            settings.verification_url,
        )
    # Level 1: pull pages are large and mostly repetitive; speed matters more than the last %.
    app.add_middleware(GZipMiddleware, minimum_size=2048, compresslevel=1)
    app.add_middleware(BodyLimit, limit=MAX_BODY_BYTES)
    app.add_middleware(Versions, min_protocol=settings.min_protocol)

    @app.exception_handler(ProblemError)
    async def _on_problem(_request: Request, error: ProblemError) -> JSONResponse:
        return _problem(error.status, error.code, error.message, **error.detail)

    @app.exception_handler(admin.AdminError)
    async def _on_admin(_request: Request, error: admin.AdminError) -> JSONResponse:
        return _problem(error.status, error.code, error.message)

    @app.exception_handler(RequestValidationError)
    async def _on_invalid(request: Request, error: RequestValidationError) -> Response:
        if web_pages.is_page(request.url.path):
            return web_pages.error_page(request, 422)
        errors = [
            {"loc": [str(p) for p in e.get("loc", ())], "type": str(e.get("type", ""))}
            for e in error.errors()[:5]
        ]
        return _problem(422, ProblemCode.BAD_REQUEST, "invalid request", errors=errors)

    @app.exception_handler(StarletteHTTPException)
    async def _on_http(request: Request, error: StarletteHTTPException) -> Response:
        if web_pages.is_page(request.url.path):
            return web_pages.error_page(request, error.status_code)
        code = ProblemCode.NOT_FOUND if error.status_code == 404 else ProblemCode.BAD_REQUEST
        return _problem(error.status_code, code, str(error.detail))

    @app.exception_handler(Exception)
    async def _on_crash(request: Request, error: Exception) -> Response:
        """Never a stack trace: logged here, a plain page or problem there."""
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        if web_pages.is_page(request.url.path):
            return web_pages.error_page(request, 500)
        return _problem(500, ProblemCode.INTERNAL, "internal error")

    web.install(app)
    if show_docs:
        docs.install(app, OPENAPI_URL)

    # Used with scope="function": committed before the answer leaves, so that a client acting
    # on it at once (enrolling with the code a new station's reply carries) finds it stored.
    # FastAPI's default scope commits after the response is sent.
    def session() -> Iterator[Session]:
        with database.transaction() as s:
            yield s

    def device(
        request: Request, s: Annotated[Session, Depends(session, scope="function")]
    ) -> DeviceRow:
        return _device(request, s)

    def _device(request: Request, s: Session, push: bool = False) -> DeviceRow:
        """The device of the request's token; ``push``: locked for this transaction, with
        its station's lock, and the epoch read in the same round trip."""
        header = request.headers.get("authorization", "")
        token = header[7:] if header.lower().startswith("bearer ") else ""
        found: DeviceRow | None = None
        epoch: str | None = None
        if token and push:
            found, epoch = admin.device_for_push(s, token)
        elif token:
            found = admin.device_by_token(s, token)
        if found is None:
            raise ProblemError(401, ProblemCode.UNAUTHORIZED, "unknown device token")
        if found.revoked_at is not None:
            raise ProblemError(403, ProblemCode.DEVICE_REVOKED, "this device has been revoked")
        sent = request.headers.get(EPOCH_HEADER)
        if sent and sent != (epoch if epoch is not None else db.meta(s, "epoch")):
            raise ProblemError(409, ProblemCode.RESET, "the server's database changed; resync")
        version = request.headers.get(APP_HEADER)
        if version and version[:40] != found.app_version:
            found.app_version = version[:40]
        return found

    def admin_only(request: Request) -> None:
        address = _address(request)
        if throttle.blocked("admin_token", address):
            raise ProblemError(429, ProblemCode.TOO_MANY_ATTEMPTS, "too many wrong tokens")
        header = request.headers.get("authorization", "")
        token = header[7:] if header.lower().startswith("bearer ") else ""
        if not token or not hmac.compare_digest(token, settings.admin_token):
            throttle.failed("admin_token", address)
            raise ProblemError(401, ProblemCode.UNAUTHORIZED, "admin token required")

    @app.get("/v1/health", tags=["desks"])
    def health(s: Annotated[Session, Depends(session, scope="function")]) -> dict[str, Any]:
        """Is the server up: its protocol version and its database's epoch (no token)."""
        return {"status": "ok", "protocol": PROTOCOL_VERSION, "epoch": db.meta(s, "epoch")}

    @app.post(
        "/v1/enrol",
        tags=["desks"],
        responses={400: {"model": Problem}, 409: {"model": Problem}, 429: {"model": Problem}},
    )
    def enrol(
        request: EnrolRequest,
        http: Request,
        s: Annotated[Session, Depends(session, scope="function")],
    ) -> EnrolReply:
        """A desk joins a station with a one-time enrolment code (made in the HQ console or
        by ``waystation-server station create``) and its public key; it gets its device
        token, the station, the organisation's ID-hash key and the server's public key."""
        address = _address(http)
        if throttle.blocked("enrolment_code", address):
            raise ProblemError(429, ProblemCode.TOO_MANY_ATTEMPTS, "too many wrong codes")
        try:
            reply = admin.enrol(s, request, key)
        except admin.AdminError as error:
            if error.code == ProblemCode.BAD_CODE:
                throttle.failed("enrolment_code", address)
            raise
        return reply.model_copy(update={"verify_url": settings.verification_url})

    @app.post(
        "/v1/push",
        tags=["desks"],
        dependencies=[Security(DEVICE_BEARER)],
        responses={401: {"model": Problem}, 403: {"model": Problem}, 413: {"model": Problem}},
        openapi_extra={
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": PushRequest.model_json_schema()}},
            }
        },
    )
    async def push(request: Request) -> Response:
        """A desk sends a batch of its events (gzip allowed); each is answered accepted,
        duplicate or refused on its own. The server's rules may open conflicts."""
        body = await request.body()
        if request.headers.get("content-encoding", "").lower() == "gzip":
            body = _gunzip(body)
        events = _events_of(body)
        reply = await run_in_threadpool(_push, request, events)
        # Serialised once here (no second validation of 500 results by the response model).
        return Response(reply.model_dump_json(), media_type="application/json")

    def _push(request: Request, events: list[dict[str, Any]]) -> PushReply:
        with database.transaction() as s:
            # Locked as it is found: one batch per device at a time, across processes.
            found = _device(request, s, push=True)
            return ingest.push(s, found, events, key)

    @app.get(
        "/v1/pull",
        tags=["desks"],
        dependencies=[Security(DEVICE_BEARER)],
        response_model=PullReply,
        responses={401: {"model": Problem}, 409: {"model": Problem}},
    )
    def pull(
        dataset: Annotated[str, Query(max_length=20)],
        found: Annotated[DeviceRow, Depends(device)],
        s: Annotated[Session, Depends(session, scope="function")],
        cursor: Annotated[str, Query(max_length=200)] = "",
        limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 1000,
    ) -> Response:
        """A page of one dataset's events made elsewhere, after the cursor; server-made
        events carry the server key's signature."""
        if dataset not in DATASETS:
            raise ProblemError(404, ProblemCode.NOT_FOUND, f"no dataset {dataset}")
        epoch = db.meta(s, "epoch")
        try:
            body = feed.pull_json(s, found, epoch, dataset, cursor, limit)
            return Response(body, media_type="application/json")
        except feed.CursorError as error:
            raise ProblemError(409, ProblemCode.RESET, "unknown cursor; resync") from error

    # --- admin ------------------------------------------------------------------------------

    admin_deps = [Depends(admin_only), Security(ADMIN_BEARER)]

    @app.post("/v1/admin/stations", tags=["admin"], dependencies=admin_deps, status_code=201)
    def new_station(
        request: NewStationRequest,
        http: Request,
        s: Annotated[Session, Depends(session, scope="function")],
    ) -> NewStationReply:
        """Create a station (or an event site) in a union, with a one-time enrolment code."""
        made = admin.create_station(
            s, request.name, request.kind, settings.enrolment_code_days, request.union
        )
        audit.record(
            s,
            API_ACTOR,
            "station.create",
            made.name,
            station_id=made.station_id,
            address=_address(http),
            kind=made.kind,
            union=request.union.strip(),
        )
        return NewStationReply(
            station_id=made.station_id, name=made.name, kind=made.kind, enrolment_code=made.code
        )

    @app.post(
        "/v1/admin/stations/{ref}/codes", tags=["admin"], dependencies=admin_deps, status_code=201
    )
    def new_code(
        ref: Annotated[str, Field(max_length=100)],
        http: Request,
        s: Annotated[Session, Depends(session, scope="function")],
    ) -> dict[str, str]:
        """Another one-time enrolment code for a station (by name or id)."""
        station = admin.station_named(s, ref)
        audit.record(
            s,
            API_ACTOR,
            "station.code",
            station.name,
            station_id=station.id,
            address=_address(http),
        )
        return {"enrolment_code": admin.new_code(s, station, settings.enrolment_code_days)}

    @app.get("/v1/admin/devices", tags=["admin"], dependencies=admin_deps)
    def devices(s: Annotated[Session, Depends(session, scope="function")]) -> list[dict[str, Any]]:
        """Every enrolled device: its station, last push and pull, events, revoked or not."""
        return admin.list_devices(s)

    @app.post("/v1/admin/devices/{ref}/revoke", tags=["admin"], dependencies=admin_deps)
    def revoke(
        ref: Annotated[str, Field(max_length=36)],
        http: Request,
        s: Annotated[Session, Depends(session, scope="function")],
    ) -> dict[str, Any]:
        """Refuse a device (by id or code) from now on; desks learn it from a signed event."""
        found = admin.revoke_device(s, ref, key)
        audit.record(
            s,
            API_ACTOR,
            "device.revoke",
            found.code,
            station_id=found.station_id,
            address=_address(http),
            device_id=found.id,
        )
        return {"id": found.id, "code": found.code, "revoked": True}

    @app.get("/v1/admin/stats", tags=["admin"], dependencies=admin_deps)
    def stats(s: Annotated[Session, Depends(session, scope="function")]) -> Stats:
        """Events by kind and by station, open conflicts, devices."""
        return admin.stats(s)

    @app.get("/v1/admin/conflicts", tags=["admin"], dependencies=admin_deps)
    def conflicts(
        s: Annotated[Session, Depends(session, scope="function")],
    ) -> list[dict[str, Any]]:
        """Every conflict the rules opened, with its records and its resolution."""
        return admin.list_conflicts(s)

    return app


def _events_of(body: bytes) -> list[dict[str, Any]]:
    """The events of a push body: ``{"events": [...]}`` with at most MAX_BATCH objects. Each
    event is validated on its own later, so that one bad event is refused alone."""
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError as error:
        raise ProblemError(422, ProblemCode.BAD_REQUEST, "body is not JSON") from error
    events = data.get("events") if isinstance(data, dict) else None
    if not isinstance(events, list) or set(data) != {"events"}:
        raise ProblemError(422, ProblemCode.BAD_REQUEST, 'expected {"events": [...]}')
    if len(events) > MAX_BATCH:
        raise ProblemError(
            422, ProblemCode.BAD_REQUEST, f"at most {MAX_BATCH} events per push", max=MAX_BATCH
        )
    if not all(isinstance(event, dict) for event in events):
        raise ProblemError(422, ProblemCode.BAD_REQUEST, "every event must be an object")
    return events


def _gunzip(body: bytes) -> bytes:
    try:
        out = zlib.decompressobj(16 + zlib.MAX_WBITS)
        data = out.decompress(body, MAX_BODY_BYTES + 1)
    except (zlib.error, gzip.BadGzipFile) as error:
        raise ProblemError(400, ProblemCode.BAD_REQUEST, "body is not valid gzip") from error
    if len(data) > MAX_BODY_BYTES or out.unconsumed_tail:
        raise ProblemError(413, ProblemCode.TOO_LARGE, "request body too large")
    return data


def app_from_environment() -> FastAPI:
    """For ``uvicorn --factory`` with several worker processes (settings from the env)."""
    from sync.server.settings import load_settings

    return create_app(load_settings())
