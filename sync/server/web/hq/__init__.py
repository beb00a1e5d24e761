"""The HQ console (``/hq``): named accounts, the stations, conflicts, devices, audit.

``auth.py`` is who may do what (the interface every console page uses); ``login.py`` the
front door; ``stations.py`` ``conflicts.py`` ``devices.py`` ``audit_page.py`` the pages;
``figures.py`` the figures (stations list columns, the station's month, 汇总月报);
``central.py`` campaigns and courses made at HQ; ``overview.py`` what they read;
``slots.py`` where other areas add their parts; ``audit.py`` the record of every change.
"""

from fastapi import FastAPI

from sync.server.web.hq import audit_page, central, conflicts, devices, figures, login, stations


def install(app: FastAPI) -> None:
    login.install(app)
    for module in (stations, conflicts, devices, central, audit_page, figures):
        app.include_router(module.router)
