"""What every web page shares: the Jinja2 templates, the reader's language, the words in
both languages, the security headers and the HTML error page.

Words: each page module declares ``WORDS = {"key": ("中文", "English")}`` and registers
them with ``words.add(WORDS)``; templates call ``t("key", name=...)`` (``str.format``).
Chinese is the default; English by ``?lang=en`` (remembered in a cookie) or by the
browser's ``Accept-Language`` when it prefers English.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"
LANGUAGES = ("zh", "en")
LANG_COOKIE = "lang"

# No script, no frame, no outside asset; the referrer never carries a certificate's
# signature or a console address to another site.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
}


class Words:
    """Every page's words, both languages; a missing key shows as itself (tests catch it)."""

    def __init__(self) -> None:
        self._words: dict[str, tuple[str, str]] = {}

    def add(self, words: dict[str, tuple[str, str]]) -> None:
        for key, pair in words.items():
            if key in self._words and self._words[key] != pair:
                raise ValueError(f"web word {key!r} declared twice with other text")
            self._words[key] = pair

    def keys(self) -> set[str]:
        return set(self._words)

    def text(self, lang: str, key: str, **params: Any) -> str:
        pair = self._words.get(key)
        if pair is None:
            return key
        text = pair[1] if lang == "en" else pair[0]
        return text.format(**params) if params else text


words = Words()
words.add(
    {
        "site.name": ("驿站通", "Waystation"),
        "site.lang_other": ("English", "中文"),
        "error.title": ("出错了", "Something went wrong"),
        "error.404": ("找不到这个页面。", "There is no such page."),
        "error.400": ("请求有误。", "The request is not valid."),
        "error.403": ("没有权限。", "You are not allowed to do this."),
        "error.405": ("不支持这种请求。", "This kind of request is not supported."),
        "error.413": ("提交的内容太大。", "What was sent is too large."),
        "error.422": ("提交的内容有误。", "What was sent is not valid."),
        "error.429": ("尝试次数太多，请稍后再试。", "Too many attempts; try again later."),
        "error.500": (
            "服务器出了问题，请稍后再试。",
            "The server had a problem; try again later.",
        ),
    }
)

_environment = Environment(
    loader=FileSystemLoader(str(TEMPLATES)),
    autoescape=select_autoescape(("html",)),
    trim_blocks=True,
    lstrip_blocks=True,
    auto_reload=False,
)


def language(request: Request) -> str:
    """``?lang=`` first, then the cookie, then the browser's preference; Chinese otherwise."""
    asked = request.query_params.get("lang", "")
    if asked in LANGUAGES:
        return asked
    kept = request.cookies.get(LANG_COOKIE, "")
    if kept in LANGUAGES:
        return kept
    return from_accept_language(request.headers.get("accept-language", ""))


def from_accept_language(header: str) -> str:
    """The first of zh / en the header prefers (by q), Chinese when it names neither."""
    best, best_q = "zh", -1.0
    for position, part in enumerate(header.split(",")[:20]):
        tag, _, params = part.strip().partition(";")
        q = 1.0
        if params.strip().startswith("q="):
            try:
                q = float(params.strip()[2:])
            except ValueError:
                q = 0.0
        primary = tag.strip().lower().split("-")[0]
        if q <= 0:
            continue  # q=0: "not this one"
        if primary in LANGUAGES and q - position * 1e-6 > best_q:
            best, best_q = primary, q - position * 1e-6
    return best


def other_language_url(request: Request, lang: str) -> str:
    """This page's address in the other language (the ``lang`` query swapped)."""
    other = "en" if lang == "zh" else "zh"
    return (
        str(request.url.include_query_params(lang=other).path)
        + "?"
        + str(request.url.include_query_params(lang=other).query)
    )


def render(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    """A page in the reader's language, with the security headers; ``?lang=`` is kept in a
    cookie so the next page stays in it."""
    lang = language(request)

    def t(key: str, **params: Any) -> str:
        return words.text(lang, key, **params)

    html = _environment.get_template(template).render(
        request=request,
        lang=lang,
        t=t,
        other_language_url=other_language_url(request, lang),
        **context,
    )
    response = HTMLResponse(html, status_code=status, headers=SECURITY_HEADERS)
    if request.query_params.get("lang", "") in LANGUAGES:
        response.set_cookie(LANG_COOKIE, lang, max_age=365 * 86400, httponly=True, samesite="lax")
    return response


def is_page(path: str) -> bool:
    """Addresses answered with HTML (errors included), not with the API's JSON problems."""
    return path.startswith(("/v/", "/hq")) or path == "/v"


def error_page(request: Request, status: int) -> HTMLResponse:
    known = status if status in (400, 403, 404, 405, 413, 422, 429) else 500
    return render(request, "error.html", status=status, message_key=f"error.{known}")
