"""The server's front door (issue 16, part 4): development mode says so and stays on this
machine; production refuses guessable tokens; wrong codes and tokens are rate-limited per
client address, on the real server over real HTTP."""

from __future__ import annotations

import base64
import secrets
import subprocess
import sys

import httpx
import pytest

from sync.protocol import PROTOCOL_HEADER, PROTOCOL_VERSION, ProblemCode
from sync.server import throttle
from sync.server.settings import ServerSettings, SettingsError, load_settings, token_bits
from tests.sync.conftest import ADMIN, REPO, Server

HEADERS = {PROTOCOL_HEADER: str(PROTOCOL_VERSION)}


def test_production_refuses_guessable_tokens_and_takes_its_name_in_any_case(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    strong = secrets.token_urlsafe(32)
    for mode in ("Production", "PRODUCTION ", "production"):
        assert ServerSettings(mode=mode, admin_token=strong).mode == "production"
    for weak in (" " * 24, "a" * 40, "abababababababababababab", "development-only-admin-token"):
        with pytest.raises(SettingsError):
            ServerSettings(mode="production", admin_token=weak).check()
    assert token_bits(" " * 24) == 0 and token_bits(strong) > 100
    monkeypatch.setenv("WAYSTATION_SERVER_MODE", "staging")
    load_settings.cache_clear()
    try:
        with pytest.raises(SettingsError, match="WAYSTATION_SERVER_MODE"):
            load_settings()
    finally:
        load_settings.cache_clear()


def serve(host: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sync.server.cli", "serve", "--host", host, "--port", "1"],
        capture_output=True,
        text=True,
        cwd=REPO,
        env=env,
        timeout=60,
    )


def test_development_mode_refuses_to_listen_beyond_loopback_and_says_why(
    server: Server,
) -> None:
    env = server.env()
    for mode in ("development", "Production"):
        env["WAYSTATION_SERVER_MODE"] = mode
        env["WAYSTATION_SERVER_ADMIN_TOKEN"] = " " * 24
        done = serve("0.0.0.0", env)
        assert done.returncode == 2 and "Traceback" not in done.stderr, done.stderr
    assert "secret" in done.stderr  # production: the token
    env["WAYSTATION_SERVER_MODE"] = "development"
    assert "development mode" in serve("0.0.0.0", env).stderr
    # The running development server said it loudly at start.
    assert "DEVELOPMENT MODE" in server.log.read_text()


def _enrol(server: Server, code: str) -> httpx.Response:
    body = {
        "code": code,
        "device_id": "01a20000-0000-7000-8000-0000000000aa",
        "device_code": "THRT01",
        "public_key": base64.b64encode(b"k" * 32).decode(),
        "local_station_id": "01a20000-0000-7000-8000-0000000000bb",
    }
    return httpx.post(server.url + "/v1/enrol", json=body, headers=HEADERS, timeout=30)


def test_wrong_enrolment_codes_are_limited_per_address(server: Server) -> None:
    good = server.station("限流驿站")
    answers = [_enrol(server, f"WRONG-{i:04d}-CODE").status_code for i in range(throttle.LIMIT)]
    assert answers == [400] * throttle.LIMIT
    refused = _enrol(server, good)  # even the right code, from this address, for a while
    assert refused.status_code == 429
    assert refused.json()["code"] == ProblemCode.TOO_MANY_ATTEMPTS


def test_wrong_admin_tokens_are_limited_per_address(server: Server) -> None:
    def stats(token: str) -> int:
        headers = {**HEADERS, "Authorization": f"Bearer {token}"}
        return httpx.get(server.url + "/v1/admin/stats", headers=headers, timeout=30).status_code

    right = ADMIN["Authorization"][len("Bearer ") :]
    assert stats(right) == 200
    assert [stats(f"guess-{i}") for i in range(throttle.LIMIT)] == [401] * throttle.LIMIT
    assert stats(right) == 429


def test_the_window_passes() -> None:
    now = [0.0]
    gate = throttle.Throttle(limit=2, window=10, clock=lambda: now[0])
    for _ in range(2):
        gate.failed("code", "10.0.0.1")
    assert gate.blocked("code", "10.0.0.1") and not gate.blocked("code", "10.0.0.2")
    now[0] = 11
    assert not gate.blocked("code", "10.0.0.1")
