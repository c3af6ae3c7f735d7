"""Logging in and out of the web pages: sessions, CSRF, redirects, response headers."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import quote

import pytest
from conftest import PASSWORD
from fastapi.testclient import TestClient
from sqlalchemy import func, select, update
from web_client import csrf_for, csrf_of, logged_in, new_browser, submit_login

from dastavez.storage.tables import Entity, LoginAttempt, WebSession, utcnow
from dastavez.web.security import CSP, safe_next


def _entities(db) -> int:
    with db.read() as s:
        return s.scalar(select(func.count()).select_from(Entity)) or 0


def test_login_opens_a_session_with_a_strict_http_only_cookie(app, make_actor):
    actor = make_actor("analyst")
    browser = new_browser(app)
    response = submit_login(browser, actor.username, PASSWORD)
    assert response.status_code == 303
    assert response.headers["location"] == "/"
    cookie = next(c for c in response.headers.get_list("set-cookie") if c.startswith("dz_session="))
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/" in cookie
    assert "Secure" not in cookie  # settings.secure_cookies is off in tests
    page = browser.get("/")
    assert page.status_code == 200
    assert actor.username in page.text and "Analyst" in page.text  # who is logged in, and as what
    assert 'action="/logout"' in page.text


def test_secure_cookies_when_configured(settings, db, make_actor):
    from dastavez.app import create_app

    actor = make_actor("analyst")
    app = create_app(settings.with_(secure_cookies=True), database=db)
    browser = TestClient(app, base_url="https://testserver", follow_redirects=False)
    response = submit_login(browser, actor.username, PASSWORD)
    assert response.status_code == 303
    cookies = response.headers.get_list("set-cookie")
    assert any(c.startswith("dz_session=") and "Secure" in c for c in cookies)


def test_wrong_password_is_refused_and_the_username_kept(app, make_actor, db):
    actor = make_actor("analyst")
    browser = new_browser(app)
    response = submit_login(browser, actor.username, "not-the-password")
    assert response.status_code == 401
    assert "invalid username or password" in response.text
    assert f'value="{actor.username}"' in response.text
    assert "dz_session" not in browser.cookies
    with db.read() as s:  # the failed attempt was committed
        assert s.scalar(select(func.count()).select_from(LoginAttempt)
                        .where(LoginAttempt.success.is_(False))) >= 1


def test_too_many_failures_are_rate_limited(app, make_actor, settings):
    actor = make_actor("analyst")
    browser = new_browser(app)
    for _ in range(settings.login_attempts):
        assert submit_login(browser, actor.username, "wrong-password").status_code == 401
    response = submit_login(browser, actor.username, PASSWORD)  # even the right password now
    assert response.status_code == 429
    assert "too many failed logins; try again in a few minutes" in response.text
    assert "dz_session" not in browser.cookies


def test_login_form_needs_its_csrf_cookie_and_field(app, make_actor, db):
    actor = make_actor("analyst")
    browser = new_browser(app)
    page = browser.get("/login")
    token = csrf_of(page.text)
    forged = browser.post("/login", data={"username": actor.username, "password": PASSWORD,
                                          "csrf_token": token + "x"})
    assert forged.status_code == 403
    browser.cookies.clear()  # a cross-site post carries the field but not our cookie
    no_cookie = browser.post("/login", data={"username": actor.username, "password": PASSWORD,
                                             "csrf_token": token})
    assert no_cookie.status_code == 403
    assert "dz_session" not in browser.cookies
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(WebSession)) == 0


def test_pages_redirect_to_login_and_back(app, make_actor):
    actor = make_actor("analyst")
    browser = new_browser(app)
    response = browser.get("/search?q=akram")
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=" + quote("/search?q=akram", safe="/")
    after = submit_login(browser, actor.username, PASSWORD, login_path=response.headers["location"])
    assert after.status_code == 303
    assert after.headers["location"] == "/search?q=akram"


def test_htmx_requests_without_a_session_are_sent_to_login(app):
    response = new_browser(app).get("/search?q=x", headers={"HX-Request": "true"})
    assert response.status_code == 401
    assert response.headers["HX-Redirect"].startswith("/login?next=")


@pytest.mark.parametrize("target", [
    "https://evil.example/", "//evil.example/", "/\\evil.example", "/\t/evil.example",
    "javascript:alert(1)", "http:/evil.example", "/logout", "",
])
def test_no_open_redirect_after_login(app, make_actor, target):
    actor = make_actor("analyst")
    browser = new_browser(app)
    page = browser.get("/login")
    response = browser.post("/login", data={"username": actor.username, "password": PASSWORD,
                                            "csrf_token": csrf_of(page.text), "next": target})
    assert response.status_code == 303
    assert response.headers["location"] == "/"
    assert safe_next(target) == "/"


def test_safe_next_keeps_local_paths():
    assert safe_next("/entities/PER-1?tab=claims") == "/entities/PER-1?tab=claims"


@pytest.mark.parametrize("headers", [{}, {"X-CSRF-Token": "forged"}])
def test_posts_without_the_session_csrf_token_are_refused_and_write_nothing(app, make_actor, db, headers):
    browser, _ = logged_in(app, make_actor, "analyst")
    before = _entities(db)
    response = browser.post("/persons", data={"name": "Bilal Ahmed"}, headers=headers)
    assert response.status_code == 403
    assert "did not come from this site" in response.text
    wrong_field = browser.post("/persons", data={"name": "Bilal Ahmed", "csrf_token": "forged"})
    assert wrong_field.status_code == 403
    assert _entities(db) == before


def test_csrf_token_in_the_htmx_header_is_accepted(app, make_actor, db):
    browser, _ = logged_in(app, make_actor, "analyst")
    token = csrf_for(browser)
    response = browser.post("/persons", data={"name": "Bilal Ahmed"},
                            headers={"X-CSRF-Token": token, "HX-Request": "true"})
    assert response.status_code == 303
    assert _entities(db) == 1


def test_expired_session_goes_back_to_login(app, make_actor, db):
    browser, _ = logged_in(app, make_actor, "analyst")
    assert browser.get("/").status_code == 200
    with db.write() as s:
        s.execute(update(WebSession).values(expires_at=utcnow() - timedelta(minutes=1)))
    response = browser.get("/")
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login")


def test_logout_ends_the_session_for_good(app, make_actor, db):
    browser, _ = logged_in(app, make_actor, "analyst")
    stolen = browser.cookies["dz_session"]
    response = browser.post("/logout", data={"csrf_token": csrf_for(browser)})
    assert response.status_code == 303 and response.headers["location"] == "/login"
    assert "dz_session" not in browser.cookies
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(WebSession)) == 0
    replay = new_browser(app)
    replay.cookies.set("dz_session", stolen)
    assert replay.get("/").status_code == 303
    assert new_browser(app).get("/login").status_code == 200


def test_logout_needs_csrf(app, make_actor):
    browser, _ = logged_in(app, make_actor, "analyst")
    assert browser.post("/logout").status_code == 403
    assert browser.get("/").status_code == 200


def test_security_headers_on_every_page(app, make_actor):
    browser, _ = logged_in(app, make_actor, "analyst")
    for path in ("/", "/search?q=x", "/login", "/no-such-page", "/entities/PER-0000000000"):
        response = browser.get(path)
        headers = response.headers
        assert headers["Content-Security-Policy"] == CSP, path
        assert CSP == ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                       "frame-ancestors 'none'; form-action 'self'; base-uri 'none'")
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "no-referrer"
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["Cache-Control"] == "no-store", path
    static = browser.get("/static/app.css")
    assert static.status_code == 200 and static.headers["X-Content-Type-Options"] == "nosniff"
    assert browser.get("/static/vendor/htmx.min.js").status_code == 200, "run `make assets`"


def test_pages_have_no_inline_script_or_style(app, make_actor):
    browser, _ = logged_in(app, make_actor, "analyst")
    html = browser.get("/search").text
    assert "<style" not in html and " style=" not in html and " on" + "click=" not in html
    for tag in html.split("<script")[1:]:
        assert tag.lstrip().startswith("src="), "inline script"
    config = """<meta name="htmx-config" content='{"includeIndicatorStyles": false, "allowEval": false}'>"""
    assert config in html
    assert '<html lang="en">' in html


def test_oversized_form_posts_are_refused_before_reading(app, make_actor, db):
    browser, _ = logged_in(app, make_actor, "analyst")
    response = browser.post("/persons", data={"csrf_token": csrf_for(browser), "name": "x" * 300_000})
    assert response.status_code == 413
    assert 'role="alert"' in response.text and response.headers["X-Frame-Options"] == "DENY"
    assert _entities(db) == 0
