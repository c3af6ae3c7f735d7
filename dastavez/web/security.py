"""Browser-facing protections: response headers, safe redirects, cookie flags.

Every response outside ``/api/`` carries the headers below (the API's interactive docs
load their own scripts and are left alone). Pages are never cached: they show names and
evidence that must not linger in a shared browser's cache.
"""

from __future__ import annotations

from urllib.parse import quote, urlsplit

from fastapi import Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "frame-ancestors 'none'; form-action 'self'; base-uri 'none'")
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}
LOGIN_PATH = "/login"
_MAX_NEXT = 2000
#: The pages post short forms, never files: a bigger body is refused before it is read.
MAX_FORM_BYTES = 256 * 1024
#: uploads (evidence, call records) stream to disk and enforce ``settings.max_evidence_bytes`` themselves
LARGE_BODY_PATHS = ("/exhibits/upload", "/cdr/import")
_TOO_LARGE = (b"<!doctype html><html lang=\"en\"><title>Too large</title>"
              b"<p role=\"alert\">the form is too large to be accepted</p></html>")


def apply_headers(headers: MutableHeaders, path: str) -> None:
    for name, value in HEADERS.items():
        headers[name] = value
    if not path.startswith("/static/"):
        headers["Cache-Control"] = "no-store"


class SecurityHeaders:
    """ASGI middleware adding :data:`HEADERS` (and ``no-store`` on pages) to web responses,
    and refusing form posts larger than :data:`MAX_FORM_BYTES` (413)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path: str = scope.get("path", "")
        if scope["type"] != "http" or path.startswith("/api/"):
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                apply_headers(MutableHeaders(scope=message), path)
            await send(message)

        if path not in LARGE_BODY_PATHS and _declared_length(scope) > MAX_FORM_BYTES:
            response = Response(_TOO_LARGE, status_code=413, media_type="text/html; charset=utf-8")
            await response(scope, receive, send_with_headers)
            return
        await self.app(scope, receive, send_with_headers)


def _declared_length(scope: Scope) -> int:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return 0
    return 0


def safe_next(raw: str | None) -> str:
    """Where to go after logging in: a path on this site, or the dashboard.

    Anything that could leave the site is refused: absolute URLs, scheme-relative ``//host``,
    backslashes (which browsers read as slashes) and control characters (which they drop).
    """
    if not raw or len(raw) > _MAX_NEXT or not raw.startswith("/") or raw.startswith("//"):
        return "/"
    if "\\" in raw or any(ord(char) < 0x20 or ord(char) == 0x7F for char in raw):
        return "/"
    parts = urlsplit(raw)
    if parts.scheme or parts.netloc or parts.path in (LOGIN_PATH, "/logout"):
        return "/"
    return raw


def login_url(next_path: str | None) -> str:
    target = safe_next(next_path)
    return LOGIN_PATH if target == "/" else f"{LOGIN_PATH}?next={quote(target, safe='/')}"


def login_redirect(request: Request) -> Response:
    """Send someone without a live session to the login page, then back where they were.

    Only a page they were reading (a GET) is remembered; a form they posted cannot be replayed.
    """
    here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    target = login_url(here if request.method == "GET" else None)
    if request.headers.get("HX-Request") == "true":
        # htmx follows redirects inside the XHR and would paste the login page into a fragment.
        return Response(status_code=401, headers={"HX-Redirect": target})
    return RedirectResponse(target, status_code=303)
