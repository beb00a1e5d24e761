"""Helpers for tests of the HQ console: make an account (through the real CLI) and sign a
browser (or an httpx client) in through the real login form.

    from tests.sync.web.console import ADMIN_PASSWORD, create_account, log_in
    create_account(server, "hq-admin")                      # an HQ admin
    create_account(server, "viewer", role="district_viewer", union="测试区总工会")
    log_in(page, server, "hq-admin")                        # the browser is signed in
"""

from __future__ import annotations

import re
import subprocess
import sys

import httpx
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.wait import WebDriverWait

from tests.sync.conftest import REPO, Server

ADMIN_PASSWORD = "correct horse battery"


def create_account(
    server: Server,
    name: str,
    role: str = "hq_admin",
    union: str | None = None,
    password: str = ADMIN_PASSWORD,
) -> None:
    """``waystation-server user create`` against the test server's database."""
    args = ["user", "create", name, "--role", role, "--password-stdin", "--json"]
    if union is not None:
        args += ["--union", union]
    done = subprocess.run(
        [sys.executable, "-m", "sync.server.cli", *args],
        input=password + "\n",
        capture_output=True,
        text=True,
        cwd=REPO,
        env=server.env(),
        timeout=120,
    )
    assert done.returncode == 0, done.stderr


def log_in(
    driver: WebDriver, server: Server, name: str, password: str = ADMIN_PASSWORD, lang: str = ""
) -> None:
    """Sign the browser in by the login form; afterwards it is on the console's home."""
    query = f"?lang={lang}" if lang else ""
    driver.get(server.url + "/hq/login" + query)
    driver.find_element(By.NAME, "name").send_keys(name)
    driver.find_element(By.NAME, "password").send_keys(password)
    driver.find_element(By.CSS_SELECTOR, "form.stack button[type=submit]").click()
    WebDriverWait(driver, 15).until(
        lambda d: d.find_elements(By.CSS_SELECTOR, "nav.console"), "not signed in"
    )


def client_logged_in(server: Server, name: str, password: str = ADMIN_PASSWORD) -> httpx.Client:
    """An httpx client signed in through the login form (for tests without a browser)."""
    client = httpx.Client(base_url=server.url, timeout=30)
    form = client.get("/hq/login")
    token = csrf_of(form.text, "login_token")
    reply = client.post(
        "/hq/login", data={"name": name, "password": password, "login_token": token}
    )
    assert reply.status_code == 303, reply.text[:2000]
    return client


def csrf_of(html: str, field: str = "csrf") -> str:
    """The value of a hidden form field in a page."""
    found = re.search(rf'name="{field}" value="([^"]*)"', html)
    assert found is not None, f"no {field} field in the page"
    return found.group(1)
