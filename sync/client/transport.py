"""HTTP to the central server (httpx): versions on every request, gzip bodies, typed failures."""

from __future__ import annotations

import gzip
import socket
from importlib import metadata
from typing import Any

import httpx
import orjson

from sync.protocol import (
    APP_HEADER,
    EPOCH_HEADER,
    PROTOCOL_HEADER,
    PROTOCOL_VERSION,
    EnrolReply,
    EnrolRequest,
    PullReply,
    PushReply,
)


def app_version() -> str:
    try:
        return metadata.version("waystation")
    except metadata.PackageNotFoundError:
        return "0"


class NetworkError(Exception):
    """No answer: no network, refused, timed out, or the connection dropped. Retry later."""


class ServerUnavailable(Exception):
    """The server answered 5xx. Retry later."""

    def __init__(self, status: int) -> None:
        super().__init__(f"server answered {status}")
        self.status = status


class ServerProblem(Exception):
    """The server refused the request (4xx) with a problem code."""

    def __init__(self, status: int, code: str, detail: dict[str, Any] | None = None) -> None:
        super().__init__(f"{status} {code}")
        self.status = status
        self.code = code
        self.detail = detail or {}


class ServerClient:
    def __init__(
        self,
        base_url: str,
        token: str | None = None,
        epoch: str | None = None,
        timeout: float = 30.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        headers = {PROTOCOL_HEADER: str(PROTOCOL_VERSION), APP_HEADER: app_version()}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        if epoch:
            headers[EPOCH_HEADER] = epoch
        if transport is None:
            # Without TCP_NODELAY a request's body waits for the ACK of its headers (Nagle
            # against delayed ACK): some 40 ms lost on every push.
            transport = httpx.HTTPTransport(
                socket_options=[(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)]
            )
        self.http = httpx.Client(
            base_url=base_url.rstrip("/"),
            headers=headers,
            timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0)),
            transport=transport,
        )

    def close(self) -> None:
        self.http.close()

    def __enter__(self) -> ServerClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _send(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        return self._exchange(method, path, **kwargs)[0]

    def _exchange(self, method: str, path: str, **kwargs: Any) -> tuple[dict[str, Any], bytes]:
        """The answer as data, and its bytes."""
        try:
            response = self.http.request(method, path, **kwargs)
        except httpx.HTTPError as error:  # connect, read, write, timeouts, protocol
            raise NetworkError(str(error) or type(error).__name__) from error
        if response.status_code >= 500:
            raise ServerUnavailable(response.status_code)
        try:
            body = orjson.loads(response.content)
        except orjson.JSONDecodeError as error:
            if response.status_code >= 400:
                raise ServerProblem(response.status_code, "bad_request") from error
            raise NetworkError("the server's answer was not JSON") from error
        if response.status_code >= 400:
            code = body.get("code", "bad_request") if isinstance(body, dict) else "bad_request"
            detail = body.get("detail", {}) if isinstance(body, dict) else {}
            raise ServerProblem(
                response.status_code, str(code), detail if isinstance(detail, dict) else {}
            )
        if not isinstance(body, dict):
            raise NetworkError("unexpected answer")
        return body, response.content

    def health(self) -> dict[str, Any]:
        return self._send("GET", "/v1/health")

    def enrol(self, request: EnrolRequest) -> EnrolReply:
        return EnrolReply.model_validate(self._send("POST", "/v1/enrol", json=request.model_dump()))

    def push(self, events: list[dict[str, Any]]) -> PushReply:
        body = gzip.compress(orjson.dumps({"events": events}), compresslevel=1)
        headers = {"Content-Type": "application/json", "Content-Encoding": "gzip"}
        return PushReply.model_validate(
            self._send("POST", "/v1/push", content=body, headers=headers)
        )

    def pull_page(self, dataset: str, cursor: str, limit: int) -> dict[str, Any]:
        """A pull page as plain data (a first pull brings hundreds of thousands of events:
        the engine checks each event's shape itself instead of a model per event), with
        ``screened`` added: True when the page's text holds no NUL anywhere (then its events
        need not be searched for one, see ``EventKind.decode``)."""
        params = {"dataset": dataset, "cursor": cursor, "limit": str(limit)}
        page, content = self._exchange("GET", "/v1/pull", params=params)
        page["screened"] = b"\\u0000" not in content
        if not (
            isinstance(page.get("events"), list)
            and isinstance(page.get("cursor"), str)
            and isinstance(page.get("more"), bool)
        ):
            raise NetworkError("unexpected pull answer")
        return page

    def pull(self, dataset: str, cursor: str, limit: int) -> PullReply:
        params = {"dataset": dataset, "cursor": cursor, "limit": str(limit)}
        return PullReply.model_validate(self._send("GET", "/v1/pull", params=params))
