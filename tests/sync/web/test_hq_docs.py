"""The interactive API docs: from the server's own files (no CDN), every endpoint described,
the device and admin tokens declared; off in production unless asked for."""

from __future__ import annotations

import re
import secrets
from pathlib import Path

import httpx
from fastapi.testclient import TestClient
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.wait import WebDriverWait

from sync.server import db
from sync.server.app import create_app
from sync.server.settings import ServerSettings
from sync.server.signing import server_key
from tests.sync.conftest import Server
from tests.sync.web.conftest import DESKTOP, PHONE


def test_the_docs_come_from_the_server_itself(server: Server) -> None:
    page = httpx.get(server.url + "/docs")
    assert page.status_code == 200
    assert "script-src 'self'" in page.headers["content-security-policy"]
    sources = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert sources and all(source.startswith("/") for source in sources), sources
    for source in sources:
        asset = httpx.get(server.url + source)
        assert asset.status_code == 200 and len(asset.content) > 100, source
    schema = httpx.get(server.url + "/openapi.json").json()
    schemes = schema["components"]["securitySchemes"]
    assert schemes["DeviceToken"]["scheme"] == "bearer"
    assert schemes["AdminToken"]["scheme"] == "bearer"
    paths = schema["paths"]
    assert {"DeviceToken": []} in paths["/v1/pull"]["get"]["security"]
    assert {"DeviceToken": []} in paths["/v1/push"]["post"]["security"]
    assert {"AdminToken": []} in paths["/v1/admin/devices"]["get"]["security"]
    assert "security" not in paths["/v1/enrol"]["post"]
    for path, operations in paths.items():
        for method, operation in operations.items():
            assert operation.get("description"), f"{method} {path} is not described"
    assert not any(path.startswith("/hq") for path in paths)  # pages, not the API


def test_the_docs_work_in_the_browser_with_no_way_out(
    server: Server, page: WebDriver, screenshot
) -> None:  # type: ignore[no-untyped-def]
    page.get(server.url + "/docs")
    WebDriverWait(page, 30).until(lambda d: d.find_elements(By.CSS_SELECTOR, ".opblock"))
    text = page.find_element(By.TAG_NAME, "body").text
    assert "Waystation central server" in text and "/v1/push" in text
    assert page.find_elements(By.CSS_SELECTOR, "button.authorize")
    # Everything the page loaded came from this server.
    loaded = page.execute_script(
        "return performance.getEntriesByType('resource').map(e => e.name);"
    )
    assert loaded and all(url.startswith(server.url) for url in loaded), loaded
    for size in (PHONE, DESKTOP):
        assert screenshot(page, "api-docs", size).stat().st_size > 2000


def test_production_serves_no_docs_unless_asked(tmp_path: Path) -> None:
    def client(**extra: object) -> TestClient:
        settings = ServerSettings(
            mode="production",
            admin_token=secrets.token_urlsafe(32),
            database_url=f"sqlite:///{tmp_path / 'docs.sqlite3'}",
            data_folder=tmp_path,
            **extra,  # type: ignore[arg-type]
        )
        database = db.Database(settings.database_url)
        db.migrate(database.engine)
        return TestClient(create_app(settings, database, server_key(settings, create=True)))

    closed = client()
    assert closed.get("/docs").status_code == 404
    assert closed.get("/openapi.json").status_code == 404
    opened = client(api_docs=True)
    assert opened.get("/docs").status_code == 200
    assert opened.get("/openapi.json").status_code == 200
