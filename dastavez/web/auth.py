"""Logging in and out of the web pages; the session and CSRF checks every page relies on.

- The session lives in the database (``access.authn``); the browser holds only a random
  token in the ``dz_session`` cookie (HttpOnly, SameSite=Strict, Secure over HTTPS).
- Every POST must carry the session's CSRF token: the ``csrf_token`` form field, or the
  ``X-CSRF-Token`` header that htmx sends from ``hx-headers`` on ``<body>``.
- The login form has no session yet, so it uses a double-submit token: the same random
  value in a hidden field and in the ``dz_login_csrf`` cookie, which is signed with the
  app's secret so that a cookie planted by another site cannot match a forged field.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from dastavez.access.actor import Actor
from dastavez.access.authn import (
    authenticate,
    close_web_session,
    csrf_matches,
    discard_web_session,
    open_web_session,
    resolve_web_session,
)
from dastavez.exc import NotAuthenticated, PermissionDenied
from dastavez.settings import Settings
from dastavez.web.deps import DbDep, SettingsDep, client_of
from dastavez.web.pages import render
from dastavez.web.security import safe_next

SESSION_COOKIE = "dz_session"
LOGIN_CSRF_COOKIE = "dz_login_csrf"
LOGIN_FORM_SECONDS = 3600
CSRF_FAILED = "the form has expired or did not come from this site; reload the page and try again"

router = APIRouter()


@dataclass(frozen=True)
class WebUser:
    """The person behind a live web session."""

    actor: Actor
    csrf_token: str
    token: str

    @property
    def username(self) -> str:
        return self.actor.username

    @property
    def roles(self) -> list[str]:
        return sorted(self.actor.roles)

    def can(self, permission: str) -> bool:
        return self.actor.can(permission)


def current_user(request: Request, db: DbDep, settings: SettingsDep) -> WebUser:
    """The session's user (interface "web"); NotAuthenticated sends the browser to the login page."""
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        raise NotAuthenticated("please log in")
    with db.write() as session:  # the session's expiry slides forward
        actor, csrf = resolve_web_session(session, settings, token=token, client=client_of(request))
    user = WebUser(actor=actor, csrf_token=csrf, token=token)
    request.state.web_user = user  # so that error pages still show the header and navigation
    return user


UserDep = Annotated[WebUser, Depends(current_user)]


async def checked_user(request: Request, user: UserDep) -> WebUser:
    """The session's user, once the request has shown the session's CSRF token."""
    given = request.headers.get("X-CSRF-Token")
    if given is None:
        value = (await request.form()).get("csrf_token")
        given = value if isinstance(value, str) else None
    if not csrf_matches(user.csrf_token, given):
        raise PermissionDenied(CSRF_FAILED)
    return user


#: For every POST: a live session and its CSRF token.
WriterDep = Annotated[WebUser, Depends(checked_user)]


def _sign(settings: Settings, nonce: str) -> str:
    key = settings.resolved_secret().encode("utf-8")
    return hmac.new(key, b"login-csrf:" + nonce.encode("ascii"), hashlib.sha256).hexdigest()


def _login_csrf_valid(settings: Settings, cookie: str | None, field: str) -> bool:
    nonce, _, signature = (cookie or "").partition(".")
    if not nonce or not signature or not nonce.isascii():
        return False
    return hmac.compare_digest(signature, _sign(settings, nonce)) and csrf_matches(nonce, field)


def _login_page(request: Request, settings: Settings, *, next_path: str, username: str = "",
                error: str | None = None, status: int = 200) -> HTMLResponse:
    nonce = secrets.token_urlsafe(32)
    response = render(request, "login.html", {
        "title": "Log in", "csrf_token": nonce, "next": safe_next(next_path), "username": username,
        "error": error}, status=status)
    response.set_cookie(LOGIN_CSRF_COOKIE, f"{nonce}.{_sign(settings, nonce)}", max_age=LOGIN_FORM_SECONDS,
                        path="/login", httponly=True, samesite="strict", secure=settings.secure_cookies)
    return response


@router.get("/login")
def login_form(request: Request, settings: SettingsDep, next: str = "/") -> HTMLResponse:
    return _login_page(request, settings, next_path=next)


@router.post("/login")
def login(
    request: Request,
    db: DbDep,
    settings: SettingsDep,
    username: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    csrf_token: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/",
) -> Response:
    username = username.strip()[:64]
    if not _login_csrf_valid(settings, request.cookies.get(LOGIN_CSRF_COOKIE), csrf_token):
        return _login_page(request, settings, next_path=next, username=username, status=403,
                           error="the login form has expired; please try again")
    client = client_of(request)
    with db.write() as session:  # failed attempts count, so the outcome is committed either way
        result = authenticate(session, settings, username=username, password=password, client=client,
                              interface="web")
    if result.rate_limited:
        return _login_page(request, settings, next_path=next, username=username, status=429,
                           error="too many failed logins; try again in a few minutes")
    if result.user is None:
        return _login_page(request, settings, next_path=next, username=username, status=401,
                           error="invalid username or password")
    old = request.cookies.get(SESSION_COOKIE)
    with db.write() as session:
        if old:  # a fresh token on every login: no session fixation
            discard_web_session(session, token=old)
        opened = open_web_session(session, settings, user=result.user, client=client)
    response = RedirectResponse(safe_next(next), status_code=303)
    response.set_cookie(SESSION_COOKIE, opened.token, path="/", httponly=True, samesite="strict",
                        secure=settings.secure_cookies)
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/login", httponly=True, samesite="strict",
                           secure=settings.secure_cookies)
    return response


@router.post("/logout")
def logout(user: WriterDep, db: DbDep, settings: SettingsDep) -> Response:
    with db.write() as session:
        close_web_session(session, user.actor, token=user.token)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="strict",
                           secure=settings.secure_cookies)
    return response
