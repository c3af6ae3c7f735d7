"""Rendering: the Jinja2 environment, pages and htmx fragments, and error pages.

Autoescaping is on for every template and nothing user-supplied is ever marked safe, so
a name like ``<script>`` is shown as text. Error pages carry the error's one-line detail
and its status, never a stack trace.
"""

from __future__ import annotations

import logging
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, Response
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from dastavez.access.roles import role_table
from dastavez.exc import DastavezError, NotAuthenticated
from dastavez.model.schema import model
from dastavez.web.security import apply_headers, login_redirect

log = logging.getLogger(__name__)
TEMPLATES = Path(__file__).resolve().parent / "templates"


def when(iso: str | None) -> str:
    """``2026-03-01T09:15:02.123+00:00`` → ``2026-03-01 09:15 UTC``; dates pass through."""
    if not iso:
        return ""
    try:
        moment = datetime.fromisoformat(iso)
    except ValueError:
        return iso
    return moment.strftime("%Y-%m-%d %H:%M UTC") if "T" in iso else iso


def role_label(role: str) -> str:
    return role_table().labels.get(role, role)


def schema_label(name: str) -> str:
    schema = model().schemata.get(name)
    return schema.label if schema else name


@cache
def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=True,  # every template, whatever its name
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["when"] = when
    env.globals["role_label"] = role_label
    env.globals["schema_label"] = schema_label
    return env


def is_htmx(request: Request) -> bool:
    """An htmx request wants a fragment; a history restore (back button) needs the whole page."""
    return (request.headers.get("HX-Request") == "true"
            and request.headers.get("HX-History-Restore-Request") != "true")


def render(request: Request, template: str, context: dict[str, Any] | None = None, *, status: int = 200,
           headers: dict[str, str] | None = None) -> HTMLResponse:
    values = {"user": getattr(request.state, "web_user", None), "path": request.url.path}
    values.update(context or {})
    html = environment().get_template(template).render(values)
    response = HTMLResponse(html, status_code=status, headers=headers)
    response.headers["Vary"] = "HX-Request"
    return response


def form_error(request: Request, *, fragment: str, page_title: str, block_id: str, status: int,
               context: dict[str, Any]) -> HTMLResponse:
    """A refused form, shown again with its message and what was typed.

    htmx gets just the form's block, swapped in place of the one on the page; a plain form
    post gets a page holding the form alone.
    """
    if is_htmx(request):
        selector = f"#{block_id}"
        return render(request, fragment, context, status=status,
                      headers={"HX-Retarget": selector, "HX-Reswap": "outerHTML", "HX-Reselect": selector})
    return render(request, "form_page.html", context | {"fragment": fragment, "title": page_title},
                  status=status)


def render_error(request: Request, error: DastavezError) -> Response:
    if isinstance(error, NotAuthenticated):
        return login_redirect(request)
    context = {"error": error, "title": _title(error.status)}
    template = "_error.html" if is_htmx(request) else "error.html"
    try:
        response: Response = render(request, template, context, status=error.status)
    except Exception:  # a broken template must not hide the original error
        log.exception("error page for %s could not be rendered", request.url.path)
        response = HTMLResponse("<!doctype html><html lang=en><title>Error</title><p role=alert>"
                                "internal error; it has been logged</p></html>", status_code=500)
    # Errors raised past the middleware (500s) still get the page headers.
    apply_headers(response.headers, request.url.path)
    return response


def _title(status: int) -> str:
    return {400: "Bad request", 403: "Not allowed", 404: "Not found", 409: "Conflict", 413: "Too large",
            422: "Not accepted", 429: "Too many attempts"}.get(status, "Error")
