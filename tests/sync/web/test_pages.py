"""What every server page shares: language, error pages, headers, no outside asset."""

from __future__ import annotations

import httpx
import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver

from sync.server.web.pages import from_accept_language
from tests.sync.conftest import Server


@pytest.mark.parametrize(
    ("header", "lang"),
    [
        ("", "zh"),
        ("en-US,en;q=0.9", "en"),
        ("zh-CN,zh;q=0.9,en;q=0.8", "zh"),
        ("fr-FR, en;q=0.5", "en"),
        ("en;q=0.2, zh;q=0.8", "zh"),
        ("de", "zh"),
        ("en;q=abc", "zh"),
    ],
)
def test_the_language_follows_the_browser(header: str, lang: str) -> None:
    assert from_accept_language(header) == lang


def test_an_unknown_page_is_a_page_in_the_readers_language(server: Server) -> None:
    zh = httpx.get(server.url + "/hq/no-such-page")
    assert zh.status_code == 404
    assert "text/html" in zh.headers["content-type"]
    assert "找不到这个页面" in zh.text
    assert "Traceback" not in zh.text
    en = httpx.get(server.url + "/hq/no-such-page", headers={"Accept-Language": "en"})
    assert "There is no such page" in en.text
    assert en.headers["content-security-policy"].startswith("default-src 'none'")
    # The API keeps answering problems in JSON.
    api = httpx.get(server.url + "/v1/no-such-thing")
    assert api.status_code == 404 and api.json()["code"] == "not_found"


def test_the_stylesheet_is_the_servers_own(server: Server) -> None:
    css = httpx.get(server.url + "/static/site.css")
    assert css.status_code == 200 and "text/css" in css.headers["content-type"]
    assert "@import" not in css.text and "url(" not in css.text


def test_the_browser_shows_chinese_then_english_by_the_link(
    server: Server, page: WebDriver
) -> None:
    page.get(server.url + "/hq/no-such-page")
    assert "找不到这个页面" in page.find_element(By.TAG_NAME, "main").text
    page.find_element(By.CLASS_NAME, "lang").click()
    assert "There is no such page" in page.find_element(By.TAG_NAME, "main").text
    # The choice is remembered for the next page.
    page.get(server.url + "/hq/another-missing-page")
    assert "There is no such page" in page.find_element(By.TAG_NAME, "main").text


def test_error_page_screenshots(server: Server, page: WebDriver, screenshot) -> None:  # type: ignore[no-untyped-def]
    from tests.sync.web.conftest import DESKTOP, PHONE

    for lang in ("zh", "en"):
        page.get(server.url + f"/hq/no-such-page?lang={lang}")
        for size in (PHONE, DESKTOP):
            assert screenshot(page, f"error-404-{lang}", size).stat().st_size > 1000
