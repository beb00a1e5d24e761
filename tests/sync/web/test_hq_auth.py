"""The HQ console's front door: accounts, login, sessions, CSRF, the pause after wrong
passwords, roles and the district viewer's limits — over real HTTP, in a real browser."""

from __future__ import annotations

import httpx
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.wait import WebDriverWait

from tests.sync.conftest import Server
from tests.sync.web.console import ADMIN_PASSWORD, create_account, csrf_of, log_in


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
