"""``mount_web(app, settings)``: the pages, their static files and their response headers."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from dastavez.settings import Settings
from dastavez.web import (
    auth,
    routes_audit,
    routes_cases,
    routes_claims,
    routes_comms,
    routes_dedupe,
    routes_evidence,
    routes_registry,
    routes_screening,
)
from dastavez.web.security import SecurityHeaders

STATIC = Path(__file__).resolve().parent / "static"


def mount_web(app: FastAPI, settings: Settings) -> None:
    """Add the web pages to ``app``. Settings are read per request from ``app.state``."""
    app.add_middleware(SecurityHeaders)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    pages = (auth, routes_registry, routes_screening, routes_claims, routes_evidence, routes_audit,
             routes_cases, routes_dedupe, routes_comms)
    for module in pages:
        app.include_router(module.router, include_in_schema=False)
