"""The interactive API documentation (``/docs``), served from the server's own files.

FastAPI's default page pulls Swagger UI from a CDN; here its files come from the
``swagger-ui-bundle-v2`` package (Swagger UI 5, Apache-2.0) under ``/docs/assets/`` and the
page's start-up script is ours (``static/docs-init.js``), so the page works on a union LAN
with no way out, under a CSP that allows only this server's scripts. On by default in
development; in production only with ``WAYSTATION_SERVER_API_DOCS=true`` (then
``/openapi.json`` too).
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from swagger_ui_bundle import swagger_ui_path

ASSETS = Path(str(swagger_ui_path))
DOCS_HEADERS = {
    # Swagger UI is a script; only this server's. Its widgets set inline styles.
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data:; connect-src 'self'; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
}

PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} — API</title>
<link rel="stylesheet" href="/docs/assets/swagger-ui.css">
</head>
<body>
<div id="swagger-ui" data-openapi="{openapi_url}"></div>
<script src="/docs/assets/swagger-ui-bundle.js"></script>
<script src="/static/docs-init.js"></script>
</body>
</html>
"""


def install(app: FastAPI, openapi_url: str) -> None:
    """``/docs`` and its assets; ``openapi_url`` is where the app serves its schema."""
    app.mount("/docs/assets", StaticFiles(directory=ASSETS), name="docs-assets")

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        html = PAGE.format(title=app.title, openapi_url=openapi_url)
        return HTMLResponse(html, headers=DOCS_HEADERS)
