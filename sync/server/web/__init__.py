"""The server's web pages: the public certificate check (``/v/...``) and the HQ console
(``/hq``). Server-rendered HTML (Jinja2), no script needed, no asset from outside the server.

``pages.py`` is the shared part (templates, language, words, headers, error pages); each
page area is one module with its own router and its own words: ``verify.py``, ``hq/``.
"""

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from sync.server.web import hq, verify
from sync.server.web.pages import STATIC


def install(app: FastAPI) -> None:
    """Mount the stylesheet and every page area's router on the server's app.

    Each page area adds its ``app.include_router(...)`` line here."""
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    hq.install(app)
    app.include_router(verify.router)
