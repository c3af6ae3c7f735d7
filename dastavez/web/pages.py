"""Rendering helpers for the web pages."""

from __future__ import annotations

from html import escape

from fastapi import Request
from fastapi.responses import HTMLResponse, Response

from dastavez.exc import DastavezError


def render_error(request: Request, error: DastavezError) -> Response:
    return HTMLResponse(f"<!doctype html><title>Error</title><p role=alert>{escape(error.detail)}</p>",
                        status_code=error.status)
