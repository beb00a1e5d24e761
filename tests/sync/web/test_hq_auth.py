"""The HQ console's front door: accounts, login, sessions, CSRF, the pause after wrong
passwords, roles and the district viewer's limits — over real HTTP, in a real browser."""

from __future__ import annotations

from typing import Literal

import httpx
from argon2 import PasswordHasher
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.wait import WebDriverWait

from tests.sync.conftest import Server
from tests.sync.web.console import (
    ADMIN_PASSWORD,
    client_logged_in,
    create_account,
    csrf_of,
    log_in,
)


def test_an_admin_logs_in_and_out_in_the_browser(server: Server, page: WebDriver) -> None:
    create_account(server, "hq-admin")
    page.get(server.url + "/hq")
    # Not signed in: the login page, which brings the browser back afterwards.
    assert "/hq/login" in page.current_url
    log_in(page, server, "hq-admin")
    assert page.current_url.rstrip("/").endswith("/hq")
    nav = page.find_element(By.CSS_SELECTOR, "nav.console").text
    assert "驿站" in nav and "hq-admin" in nav
    cookie = page.get_cookie("hq_session")
    assert cookie is not None and cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    page.find_element(By.CSS_SELECTOR, "nav.console form button").click()
    WebDriverWait(page, 10).until(lambda d: "/hq/login" in d.current_url, page.page_source)
    page.get(server.url + "/hq")
    assert "/hq/login" in page.current_url


def test_login_goes_back_to_the_page_asked_for_but_never_elsewhere(server: Server) -> None:
    create_account(server, "hq-admin")
    client = httpx.Client(base_url=server.url, timeout=30)
    first = client.get("/hq/devices")
    assert first.status_code == 303 and first.headers["location"] == "/hq/login?next=/hq/devices"
    for target, lands in [
        ("/hq/devices", "/hq/devices"),
        ("https://evil.example/hq", "/hq"),
        ("//evil.example/hq", "/hq"),
        ("/hq/../../evil", "/hq/../../evil"),
        ("/\\evil.example", "/hq"),
        ("/hqevil", "/hq"),
    ]:
        client.cookies.clear()
        form = client.get("/hq/login", params={"next": target})
        reply = client.post(
            "/hq/login",
            data={
                "name": "hq-admin",
                "password": ADMIN_PASSWORD,
                "login_token": csrf_of(form.text, "login_token"),
                "next": target,
            },
        )
        assert reply.status_code == 303
        assert reply.headers["location"] == lands or (
            lands.startswith("/hq/") and reply.headers["location"].startswith("/hq")
        ), target
        assert not reply.headers["location"].startswith("//")
        assert "evil.example" not in reply.headers["location"]


def _new_station_form(client: httpx.Client) -> str:
    page = client.get("/hq/stations/new")
    assert page.status_code == 200
    return csrf_of(page.text)


def _station_names(server: Server) -> set[str]:
    return set(server.stats()["events_by_station"]) | {
        d["station"] for d in server.admin("GET", "/v1/admin/devices")
    }


def test_every_post_needs_the_sessions_csrf_token_and_this_origin(server: Server) -> None:
    create_account(server, "hq-admin")
    client = client_logged_in(server, "hq-admin")
    token = _new_station_form(client)
    refused = [
        ({"name": "无令牌站"}, {}),
        ({"name": "错令牌站", "csrf": "x" * len(token)}, {}),
        ({"name": "他站来源", "csrf": token}, {"Origin": "https://evil.example"}),
        ({"name": "跨站请求", "csrf": token}, {"Sec-Fetch-Site": "cross-site"}),
        ({"name": "同站异源", "csrf": token}, {"Sec-Fetch-Site": "same-site"}),
    ]
    for form, headers in refused:
        reply = client.post("/hq/stations/new", data=form, headers=headers)
        assert reply.status_code == 403, form
        assert "没有权限" in reply.text
    # Another session's token is no good either.
    other = client_logged_in(server, "hq-admin")
    reply = client.post(
        "/hq/stations/new", data={"name": "借令牌站", "csrf": _new_station_form(other)}
    )
    assert reply.status_code == 403
    listing = client.get("/hq").text
    for name in ("无令牌站", "错令牌站", "他站来源", "跨站请求", "同站异源", "借令牌站"):
        assert name not in listing
    made = client.post("/hq/stations/new", data={"name": "真站", "csrf": token})
    assert made.status_code == 201 and "真站" in client.get("/hq").text
    # Logging out is a POST too: a link on another site cannot sign anyone out.
    assert client.get("/hq/logout").status_code == 405
    assert client.post("/hq/logout", data={}).status_code == 403
    assert client.get("/hq").status_code == 200


def test_a_form_on_another_site_posts_nothing(server: Server, page: WebDriver, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A page on another origin (same machine, another port: the same *site* for cookies)
    with a form aimed at the console: the browser's POST is refused."""
    import functools
    import http.server
    import threading

    create_account(server, "hq-admin")
    log_in(page, server, "hq-admin")
    (tmp_path / "evil.html").write_text(
        '<form method="post" action="'
        + server.url
        + '/hq/stations/new"><input name="name" value="钓鱼站">'
        '<input name="csrf" value="guess"><button id="go">win a prize</button></form>',
        encoding="utf-8",
    )
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(tmp_path))
    evil = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=evil.serve_forever, daemon=True).start()
    try:
        page.get(f"http://127.0.0.1:{evil.server_address[1]}/evil.html")
        page.find_element(By.ID, "go").click()
        WebDriverWait(page, 10).until(lambda d: "/hq" in d.current_url)
        assert "钓鱼站" not in page.page_source or "没有权限" in page.page_source
    finally:
        evil.shutdown()
    page.get(server.url + "/hq")
    assert "钓鱼站" not in page.find_element(By.TAG_NAME, "main").text


def test_a_session_token_planted_before_login_is_never_adopted(server: Server) -> None:
    create_account(server, "hq-admin")
    create_account(server, "viewer", role="district_viewer", union="甲区总工会")
    # An attacker's own valid session, planted in the victim's browser...
    attacker = client_logged_in(server, "viewer")
    planted = attacker.cookies["hq_session"]
    victim = httpx.Client(base_url=server.url, timeout=30)
    victim.cookies.set("hq_session", planted, domain="127.0.0.1", path="/hq")
    form = victim.get("/hq/login?next=/hq/devices")
    # ...(a signed-in browser is sent on: still the attacker's session, so log in anew)
    victim.cookies.clear()
    victim.cookies.set("hq_session", planted, domain="127.0.0.1", path="/hq")
    form = victim.get("/hq/login")
    assert form.status_code in (200, 303)
    fresh = httpx.Client(base_url=server.url, timeout=30)
    fresh.cookies.set("hq_session", planted, domain="127.0.0.1", path="/hq")
    fresh.cookies.set("hq_login", "known-to-attacker", domain="127.0.0.1", path="/hq")
    reply = fresh.post(
        "/hq/login",
        data={"name": "hq-admin", "password": ADMIN_PASSWORD, "login_token": "known-to-attacker"},
    )
    assert reply.status_code == 303
    new = reply.cookies["hq_session"]
    assert new != planted
    # The planted token ended with that login: the attacker holds nothing of the admin's.
    assert attacker.get("/hq").status_code == 303
    # And a made-up token is simply not a session.
    stranger = httpx.Client(base_url=server.url, timeout=30)
    stranger.cookies.set("hq_session", "made-up", domain="127.0.0.1", path="/hq")
    assert stranger.get("/hq").status_code == 303


def test_wrong_passwords_pause_the_account_and_the_address(server: Server) -> None:
    create_account(server, "hq-admin")
    create_account(server, "hq-other")
    client = httpx.Client(base_url=server.url, timeout=30)

    def attempt(name: str, password: str) -> httpx.Response:
        client.cookies.clear()
        form = client.get("/hq/login")
        return client.post(
            "/hq/login",
            data={
                "name": name,
                "password": password,
                "login_token": csrf_of(form.text, "login_token"),
            },
        )

    for _ in range(4):
        wrong = attempt("hq-admin", "not the password")
        assert wrong.status_code == 401 and "账号或密码不对" in wrong.text
    # The fifth wrong one pauses the account; the page says until when.
    fifth = attempt("hq-admin", "not the password")
    assert fifth.status_code == 429 and "密码错误次数太多" in fifth.text
    # Paused: the right password is refused too.
    assert attempt("hq-admin", ADMIN_PASSWORD).status_code == 429
    # An unknown name is paused the same way (no telling which names exist).
    assert [attempt("nobody", "guess").status_code for _ in range(5)] == [401] * 4 + [429]
    # Another account from this address still works, until the address's own limit
    # (20 wrong passwords, whatever the names).
    assert attempt("hq-other", ADMIN_PASSWORD).status_code == 303
    sprayed = [attempt(f"spray-{n}", "guess").status_code for n in range(10)]
    assert sprayed == [401] * 9 + [429]
    assert attempt("hq-other", ADMIN_PASSWORD).status_code == 429
    # A pause needs `user password` or time; the audit is not touched by failures.
    done = server.cli("user", "list", "--json")
    assert done.returncode == 0 and "hq-admin" in done.stdout


def test_an_unknown_name_costs_a_password_check_like_a_known_one(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Login timing: the same argon2 verification runs whether the name exists or not
    (counted, not timed: tests never assert on time)."""
    from sync.server import db
    from sync.server.web.hq import auth

    database = db.Database(f"sqlite:///{tmp_path / 'hq.sqlite3'}")
    db.migrate(database.engine)
    with database.transaction() as session:
        auth.create_account(session, "hq-admin", auth.HQ_ADMIN, ADMIN_PASSWORD)
    calls: list[str] = []
    real = auth._hasher

    class Counting(PasswordHasher):
        def verify(self, hash: str | bytes, password: str | bytes) -> Literal[True]:
            calls.append(str(hash)[:9])
            return super().verify(hash, password)

    auth._hasher = Counting()
    try:
        with database.transaction() as session:
            assert auth.log_in(session, "hq-admin", "wrong password", "a").account is None
            assert auth.log_in(session, "nobody-here", "wrong password", "b").account is None
            assert auth.log_in(session, "hq-admin", ADMIN_PASSWORD, "c").account is not None
    finally:
        auth._hasher = real
    assert len(calls) == 3 and all(c.startswith("$argon2id") for c in calls)
    database.dispose()


def test_sessions_end_when_idle_too_long_or_too_old(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from datetime import timedelta

    from sync.server import db
    from sync.server.models import ConsoleSessionRow
    from sync.server.web.hq import auth

    database = db.Database(f"sqlite:///{tmp_path / 'hq.sqlite3'}")
    db.migrate(database.engine)
    with database.transaction() as session:
        auth.create_account(session, "hq-admin", auth.HQ_ADMIN, ADMIN_PASSWORD)
        idle = auth.log_in(session, "hq-admin", ADMIN_PASSWORD, "a").token
        old = auth.log_in(session, "hq-admin", ADMIN_PASSWORD, "a").token
        fine = auth.log_in(session, "hq-admin", ADMIN_PASSWORD, "a").token
    with database.transaction() as session:
        rows = {row.token_hash: row for row in session.query(ConsoleSessionRow)}
        rows[auth._hashed(idle)].seen_at -= auth.IDLE + timedelta(seconds=1)
        rows[auth._hashed(old)].expires_at -= auth.LIFETIME
    with database.transaction() as session:
        assert auth.signed_in(session, idle) is None
        assert auth.signed_in(session, old) is None
        account = auth.signed_in(session, fine)
        assert account is not None and account.name == "hq-admin" and account.is_admin
    with database.transaction() as session:
        auth.disable_account(session, "hq-admin")
    with database.transaction() as session:
        assert auth.signed_in(session, fine) is None
    database.dispose()


def test_the_session_cookie_is_secure_over_https(make_server, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Behind an https proxy (the public address says https) the cookie is Secure."""
    from tests.sync.conftest import Server as ServerType

    plain: ServerType = make_server()
    create_account(plain, "hq-admin")
    plain.stop()
    plain.extra_env["WAYSTATION_SERVER_PUBLIC_URL"] = "https://hq.union.example"
    plain.start()
    client = httpx.Client(base_url=plain.url, timeout=30)
    form = client.get("/hq/login")
    assert "secure" in form.headers["set-cookie"].lower()
    # httpx keeps a Secure cookie from plain http out of its jar: sent by hand here.
    login_cookie = form.headers["set-cookie"].split(";")[0]
    reply = client.post(
        "/hq/login",
        headers={"Cookie": login_cookie},
        data={
            "name": "hq-admin",
            "password": ADMIN_PASSWORD,
            "login_token": csrf_of(form.text, "login_token"),
        },
    )
    assert reply.status_code == 303
    cookie = reply.headers["set-cookie"].lower()
    assert "hq_session=" in cookie and "secure" in cookie
    assert "httponly" in cookie and "samesite=strict" in cookie and "path=/hq" in cookie


def test_the_cli_makes_accounts_and_refuses_bad_ones(server: Server) -> None:
    import subprocess
    import sys

    from tests.sync.conftest import REPO

    def create(*args: str, password: str = ADMIN_PASSWORD) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "sync.server.cli", "user", "create", *args, "--password-stdin"],
            input=password + "\n",
            capture_output=True,
            text=True,
            cwd=REPO,
            env=server.env(),
            timeout=120,
        )

    assert create("short-pw", "--role", "hq_admin", password="short").returncode == 1
    assert create("viewer", "--role", "district_viewer").returncode == 1  # no union
    assert create("admin-x", "--role", "hq_admin", "--union", "甲").returncode == 1
    assert create("has space", "--role", "hq_admin").returncode == 1
    assert create("hq-admin", "--role", "hq_admin").returncode == 0
    again = create("hq-admin", "--role", "hq_admin")
    assert again.returncode == 1 and "exists" in again.stderr
    assert "Traceback" not in again.stderr
    listed = server.cli("user", "list", "--json")
    assert '"hq-admin"' in listed.stdout and "password" not in listed.stdout
