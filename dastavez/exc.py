"""The one error family of dastavez.

Every error a user can cause or meet is a :class:`DastavezError` with a ``status``
(the HTTP status it maps to) and a ``detail`` (one line a person can act on). The API
turns it into one JSON shape, the CLI prints the detail and exits non-zero, the web
pages show it as a message. Anything else that escapes is a bug.
"""

from __future__ import annotations

from typing import Any


class DastavezError(Exception):
    """Base error: a one-line ``detail`` and the HTTP ``status`` it stands for."""

    status: int = 500
    code: str = "internal_error"

    def __init__(self, detail: str, *, field: str | None = None, extra: dict[str, Any] | None = None):
        super().__init__(detail)
        self.detail = " ".join(str(detail).split())  # always one line
        self.field = field
        self.extra = extra or {}

    def to_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {"code": self.code, "detail": self.detail, "status": self.status}
        if self.field:
            body["field"] = self.field
        if self.extra:
            body["extra"] = self.extra
        return {"error": body}


class InvalidInput(DastavezError):
    """The request or a value in it is malformed or not allowed."""

    status = 422
    code = "invalid_input"


class NotFound(DastavezError):
    """No such record, or none the actor is cleared to see (the two are not told apart)."""

    status = 404
    code = "not_found"


class Conflict(DastavezError):
    """The request contradicts the current state (duplicate, wrong state)."""

    status = 409
    code = "conflict"


class NotAuthenticated(DastavezError):
    """No valid credentials were presented."""

    status = 401
    code = "not_authenticated"


class PermissionDenied(DastavezError):
    """The actor is known but their role does not allow this."""

    status = 403
    code = "permission_denied"


class RateLimited(DastavezError):
    """Too many attempts; try again later."""

    status = 429
    code = "rate_limited"


class PayloadTooLarge(DastavezError):
    """An upload or field exceeds the configured size limit."""

    status = 413
    code = "payload_too_large"


class HttpError(DastavezError):
    """A plain HTTP error raised by the framework (e.g. 405 method not allowed)."""

    code = "http_error"

    def __init__(self, detail: str, *, status: int):
        super().__init__(detail)
        self.status = status


class ConfigurationError(DastavezError):
    """Settings or the environment are wrong (e.g. database unreachable)."""

    status = 500
    code = "configuration_error"


ALL_ERRORS: tuple[type[DastavezError], ...] = (
    DastavezError,
    InvalidInput,
    NotFound,
    Conflict,
    NotAuthenticated,
    PermissionDenied,
    RateLimited,
    PayloadTooLarge,
    ConfigurationError,
)  # HttpError is left out: its status is per instance
