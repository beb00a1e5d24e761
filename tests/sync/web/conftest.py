"""A real headless browser for the server's web pages: Debian's chromium driven through
chromedriver (selenium). `.ci/run` installs both; without them these tests fail, never skip.

The machine has no Chinese font: the browser is given the one the app ships
(resources/fonts) through a fontconfig file of its own, so screenshots show real text.
Screenshots go to ``screenshots/web/<name>-<width>x<height>.png``.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.remote.webdriver import WebDriver

REPO = Path(__file__).resolve().parents[3]
SHOTS = REPO / "screenshots" / "web"
PHONE = (360, 740)
DESKTOP = (1366, 768)
CHROMIUM = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")
CHROMEDRIVER = ("/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver")


def _first(paths: tuple[str, ...], name: str) -> str:
    for path in paths:
        if Path(path).exists():
            return path
    found = shutil.which(name)
    if found:
        return found
    pytest.fail(
        f"{name} is not installed: the web pages are tested in a real browser "
        "(Debian: apt-get install chromium chromium-driver; .ci/run does it)"
    )


def _fontconfig(folder: Path) -> Path:
    conf = folder / "fonts.conf"
    conf.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n'
        f"  <dir>{REPO / 'resources' / 'fonts'}</dir>\n"
        "  <dir>/usr/share/fonts</dir>\n"
        f"  <cachedir>{folder / 'cache'}</cachedir>\n"
        "</fontconfig>\n",
        encoding="utf-8",
    )
    return conf


@pytest.fixture(scope="session")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebDriver]:
    """One headless chromium for the session; each test starts from a clean slate
    (cookies cleared by ``page``)."""
    folder = tmp_path_factory.mktemp("chromium")
    options = Options()
    options.binary_location = _first(CHROMIUM, "chromium")
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--no-first-run",
        "--disable-extensions",
        "--hide-scrollbars",
        "--force-device-scale-factor=1",
        f"--user-data-dir={folder / 'profile'}",
        f"--window-size={DESKTOP[0]},{DESKTOP[1]}",
    ):
        options.add_argument(argument)
    # A phone in China: the browser asks for Chinese first.
    options.add_experimental_option("prefs", {"intl.accept_languages": "zh-CN,zh"})
    options.add_argument("--lang=zh-CN")
    service = Service(
        executable_path=_first(CHROMEDRIVER, "chromedriver"),
        env={"FONTCONFIG_FILE": str(_fontconfig(folder)), "HOME": str(folder), "LANG": "C.UTF-8"},
    )
    driver = webdriver.Chrome(options=options, service=service)
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture
def page(browser: WebDriver) -> Iterator[WebDriver]:
    """The browser with no cookies, at desktop size, asking for Chinese."""
    browser.delete_all_cookies()
    browser.set_window_size(*DESKTOP)
    yield browser
    browser.delete_all_cookies()


def set_viewport(driver: WebDriver, width: int, height: int) -> None:
    """Resize so that the page's own viewport (not the window) is width x height."""
    driver.set_window_size(width, height)
    inner = driver.execute_script("return [window.innerWidth, window.innerHeight];")
    driver.set_window_size(width + (width - inner[0]), height + (height - inner[1]))


@pytest.fixture
def screenshot() -> Callable[[WebDriver, str, tuple[int, int]], Path]:
    """``screenshot(driver, "verify-valid-zh", PHONE)``: the page as that screen shows it."""

    def take(driver: WebDriver, name: str, size: tuple[int, int]) -> Path:
        SHOTS.mkdir(parents=True, exist_ok=True)
        set_viewport(driver, *size)
        path = SHOTS / f"{name}-{size[0]}x{size[1]}.png"
        driver.save_screenshot(str(path))
        return path

    return take
