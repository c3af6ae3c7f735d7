"""One JSON error shape for the whole API: ``{"error": {"code", "detail", "status", "field"?}}``.

Web pages (paths outside /api/) get the same information as an HTML message instead.
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from dastavez.exc import DastavezError, HttpError, InvalidInput, NotAuthenticated, NotFound, PermissionDenied

log = logging.getLogger(__name__)

_BY_STATUS: dict[int, type[DastavezError]] = {
    401: NotAuthenticated,
    403: PermissionDenied,
    404: NotFound,
    422: InvalidInput,
}


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def error_response(request: Request, error: DastavezError) -> Response:
    if not _is_api(request):
        from dastavez.web.pages import render_error

        return render_error(request, error)
    headers = {"WWW-Authenticate": "Bearer"} if error.status == 401 else None
    return JSONResponse(error.to_dict(), status_code=error.status, headers=headers)


def _describe_validation(exc: RequestValidationError) -> tuple[str, str | None]:
    first = exc.errors()[0] if exc.errors() else {}
    if first.get("type") == "json_invalid":  # its "loc" is a character offset, not a field
        position = first.get("loc", ("body", "?"))[-1]
        reason = (first.get("ctx") or {}).get("error", "malformed")
        return f"the request body is not valid JSON ({reason} at character {position})", None
    location = [str(part) for part in first.get("loc", ()) if part not in ("body", "query", "path")]
    field = ".".join(location) or None
    message = str(first.get("msg", "invalid request"))
    return (f"{field}: {message}" if field else message), field


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(DastavezError)
    async def on_dastavez_error(request: Request, exc: DastavezError) -> Response:
        return error_response(request, exc)

    @app.exception_handler(RequestValidationError)
    async def on_validation_error(request: Request, exc: RequestValidationError) -> Response:
        detail, field = _describe_validation(exc)
        return error_response(request, InvalidInput(detail, field=field))

    @app.exception_handler(StarletteHTTPException)
    async def on_http_error(request: Request, exc: StarletteHTTPException) -> Response:
        cls = _BY_STATUS.get(exc.status_code)
        error: DastavezError
        if cls is None:
            error = HttpError(str(exc.detail), status=exc.status_code)
        else:
            error = cls(str(exc.detail) if exc.status_code != 404 else "no such page or resource")
        return error_response(request, error)

    @app.exception_handler(Exception)
    async def on_unexpected(request: Request, exc: Exception) -> Response:
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return error_response(request, DastavezError("internal error; it has been logged"))
