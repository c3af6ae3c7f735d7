"""Driving the web pages like a browser: the login form, CSRF fields, one cookie jar per user.

(Helpers, not a conftest: a second ``conftest`` module would shadow the root one, whose
constants tests import.)
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from conftest import PASSWORD
from fastapi.testclient import TestClient
from httpx import Response

from dastavez.access.actor import Actor

_CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')
_NEXT_FIELD = re.compile(r'name="next" value="([^"]*)"')


def csrf_of(html: str) -> str:
    match = _CSRF_FIELD.search(html)
    assert match, "no csrf_token field on the page"
    return match.group(1)


def new_browser(app: Any) -> TestClient:
    """A client with its own cookie jar that does not follow redirects (tests look at them)."""
    return TestClient(app, follow_redirects=False)


def submit_login(browser: TestClient, username: str, password: str, *,
                 login_path: str = "/login") -> Response:
    """Fetch the login form and post it back with its CSRF field, as a browser would."""
    page = browser.get(login_path)
    assert page.status_code == 200, page.text
    assert "dz_login_csrf" in browser.cookies
    data = {"username": username, "password": password, "csrf_token": csrf_of(page.text)}
    if (next_field := _NEXT_FIELD.search(page.text)) is not None:
        data["next"] = next_field.group(1).replace("&amp;", "&")
    return browser.post("/login", data=data)


def logged_in(app: Any, make_actor: Callable[..., Actor], *roles: str,
              clearances: list[str] | None = None) -> tuple[TestClient, Actor]:
    actor = make_actor(*roles, clearances=clearances)
    browser = new_browser(app)
    response = submit_login(browser, actor.username, PASSWORD)
    assert response.status_code == 303, response.text
    assert "dz_session" in browser.cookies
    return browser, actor


def csrf_for(browser: TestClient) -> str:
    """The session's CSRF token, read from a page that carries it."""
    return csrf_of(browser.get("/search").text)
