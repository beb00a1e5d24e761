"""The server's API fuzzed from its own OpenAPI schema (Schemathesis): no input gets a 5xx.
Plus the limits: oversized and gzip-bomb bodies are refused, secrets are required."""

from __future__ import annotations

import base64
import gzip
import json
import os
import secrets
from pathlib import Path
from typing import Any

import httpx
import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings

from sync.protocol import MAX_BODY_BYTES, PROTOCOL_HEADER, EnrolRequest
from sync.server import admin, db
from sync.server.app import create_app
from sync.server.settings import DEVELOPMENT_ADMIN_TOKEN, ServerSettings, SettingsError
from sync.server.signing import server_key

WORK = Path(os.environ.get("PYTEST_TMP_SERVER", "/tmp")) / f"ws-fuzz-{os.getpid()}"


def _app() -> tuple[Any, str]:
    WORK.mkdir(parents=True, exist_ok=True)
    path = WORK / f"fuzz-{secrets.token_hex(4)}.sqlite3"
    config = ServerSettings(database_url=f"sqlite:///{path}", data_folder=WORK)
    key = server_key(config)
    database = db.Database(config.database_url)
    db.migrate(database.engine)
    with database.transaction() as session:
        made = admin.create_station(session, "模糊测试站", "station")
        reply = admin.enrol(
            session,
            EnrolRequest(
                code=made.code,
                device_id="01a20000-0000-7000-8000-000000000001",
                device_code="FUZZ01",
                public_key=base64.b64encode(b"k" * 32).decode(),
                local_station_id="01a20000-0000-7000-8000-000000000002",
            ),
            key,
        )
    return create_app(config, database, key), reply.device_token


APP, TOKEN = _app()
schema = schemathesis.openapi.from_asgi("/openapi.json", APP)


@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_no_generated_request_gets_a_server_error(case: Any) -> None:
    token = DEVELOPMENT_ADMIN_TOKEN if "/admin/" in case.path else TOKEN
    # The schema declares the tokens (security schemes): Schemathesis then generates
    # Authorization headers of its own, which would win and trip the wrong-token pause.
    case.headers = {
        **(case.headers or {}),
        "Authorization": f"Bearer {token}",
        PROTOCOL_HEADER: "1",
    }
    response = case.call()
    assert response.status_code < 500, (case.path, response.status_code, response.text[:500])


@pytest.fixture
def client() -> httpx.Client:
    return TestClient(APP)


def test_oversized_and_bomb_bodies_are_refused(client: httpx.Client) -> None:
    headers = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"}
    huge = b'{"events": [' + b" " * (MAX_BODY_BYTES + 10) + b"]}"
    response = client.post("/v1/push", content=huge, headers=headers)
    assert response.status_code == 413
    assert response.json()["code"] == "too_large"
    bomb = gzip.compress(b'{"events": [' + b" " * (MAX_BODY_BYTES * 4) + b"]}")
    assert len(bomb) < MAX_BODY_BYTES
    response = client.post(
        "/v1/push", content=bomb, headers={**headers, "Content-Encoding": "gzip"}
    )
    assert response.status_code == 413
    broken = client.post(
        "/v1/push", content=b"not gzip", headers={**headers, "Content-Encoding": "gzip"}
    )
    assert broken.status_code == 400
    too_many = {"events": [{"event_id": str(i)} for i in range(501)]}
    response = client.post("/v1/push", content=json.dumps(too_many), headers=headers)
    assert response.status_code == 422


def test_device_and_admin_endpoints_need_their_tokens(client: httpx.Client) -> None:
    assert client.get("/v1/pull", params={"dataset": "members"}).status_code == 401
    wrong = {"Authorization": "Bearer nope"}
    assert client.get("/v1/pull", params={"dataset": "members"}, headers=wrong).status_code == 401
    assert client.get("/v1/admin/stats").status_code == 401
    assert (
        client.get("/v1/admin/stats", headers={"Authorization": f"Bearer {TOKEN}"}).status_code
        == 401
    )
    unknown = client.get(
        "/v1/pull",
        params={"dataset": "members", "cursor": "garbage"},
        headers={"Authorization": f"Bearer {TOKEN}"},
    )
    assert unknown.status_code == 409 and unknown.json()["code"] == "reset"


def test_production_refuses_the_development_secret() -> None:
    with pytest.raises(SettingsError):
        ServerSettings(mode="production").check()
    with pytest.raises(SettingsError):
        ServerSettings(mode="production", admin_token="short").check()
    with pytest.raises(SettingsError):  # long, but one character: guessable
        ServerSettings(mode="production", admin_token="x" * 32).check()
    ServerSettings(mode="production", admin_token=secrets.token_urlsafe(32)).check()
    ServerSettings(mode="development").check()
