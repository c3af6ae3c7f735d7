"""The web UI in a real browser: Debian's chromium driven by Playwright against uvicorn.

Playwright's own browser download does not work here, so the test launches
``/usr/bin/chromium`` and fails (never skips) when it is missing: install it with
``make browser``.
"""

from __future__ import annotations

import re
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from conftest import PASSWORD
from playwright.sync_api import Page, expect, sync_playwright

from dastavez.app import create_app
from dastavez.evidence.exhibits import register_exhibit
from dastavez.registry.claims import add_claim
from dastavez.registry.records import add_person

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
HTMX = Path(__file__).resolve().parents[2] / "dastavez" / "web" / "static" / "vendor" / "htmx.min.js"
URDU_NAME = "محمد اکرم بلوچ"

pytestmark = pytest.mark.browser


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def live_server(settings, db) -> Iterator[str]:
    """The real app under uvicorn on a free local port, in a background thread."""
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(settings, database=db), host="127.0.0.1", port=port,
                                           log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, name="uvicorn", daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=15)


@pytest.fixture
def page(live_server) -> Iterator[Page]:
    if not CHROMIUM.exists():
        pytest.fail(f"chromium is missing at {CHROMIUM}: install it with `make browser` "
                    "(Debian's chromium; `playwright install` does not work here)")
    assert HTMX.exists(), f"htmx is missing at {HTMX}: run `make assets`"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        context = browser.new_context(base_url=live_server, viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.set_default_timeout(10_000)
        problems: list[str] = []
        page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
        page.on("pageerror", lambda err: problems.append(str(err)))
        failed: list[str] = []
        page.on("response", lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)
        yield page
        context.close()
        browser.close()
        # A CSP violation (an inline script or style slipping in) shows up as a console error;
        # a failed load (a 404 stylesheet) as a response. The refused claim's 422 is expected.
        console = [p for p in problems if not p.startswith("Failed to load resource")]
        assert not console, f"errors in the browser console: {console}"
        assert [f for f in failed if not f.startswith("422 ")] == [], f"failed requests: {failed}"


@pytest.fixture
def seeded(db, make_actor):
    analyst = make_actor("analyst", username="rubina")
    with db.write() as s:
        exhibit = register_exhibit(s, analyst, title="Seizure memo, Quetta", kind="document")
        person = add_person(s, analyst, name="Muhammad Akram Baloch", name_ur=URDU_NAME)
        add_claim(s, analyst, entity_id=person.id, prop="alias", value="Ustad")
    return {"user": analyst.username, "person": person.id, "exhibit": exhibit.id}


def test_analyst_searches_adds_and_retracts_claims_then_logs_out(page: Page, seeded, tmp_path):
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/login\?next=/$|/login$"))
    page.get_by_label("Username").fill(seeded["user"])
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Overview")).to_be_visible()
    expect(page.locator("header")).to_contain_text(seeded["user"])

    # Live search: typing, no submit; htmx fetches results and pushes the URL.
    page.get_by_role("link", name="Search", exact=True).click()
    page.evaluate("window.__sameDocument = true")
    page.get_by_label("Name, alias or entity id").press_sequentially("akram bal", delay=40)
    result = page.locator("#results").get_by_role("link", name="Muhammad Akram Baloch")
    expect(result).to_be_visible()
    assert page.evaluate("window.__sameDocument") is True, "the live search reloaded the page"
    expect(page).to_have_url(re.compile(r"/search\?q=akram"))
    result.click()

    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text("Muhammad Akram Baloch")
    urdu = page.locator('span[lang="ur"]', has_text=URDU_NAME)
    expect(urdu).to_be_visible()
    assert urdu.get_attribute("dir") == "auto"
    font = urdu.evaluate("el => getComputedStyle(el).fontFamily")
    assert "Noto Nastaliq Urdu" in font

    # A refused claim: the message appears next to the form and the input stays.
    page.evaluate("window.__sameDocument = true")
    form = page.locator("#add-claim")
    form.get_by_label("Property").select_option("birthDate")
    form.get_by_label("Value").fill("1979-02-30")
    form.get_by_role("button", name="Add claim").click()
    expect(page.locator("#add-claim [role=alert]")).to_contain_text("has no day 30")
    expect(page.locator("#add-claim").get_by_label("Value")).to_have_value("1979-02-30")

    # A supported claim, added through htmx: the profile refreshes in place.
    form = page.locator("#add-claim")
    form.get_by_label("Property").select_option("nationality")
    form.get_by_label("Value").fill("Pakistan")
    form.get_by_label("Exhibit number").fill(seeded["exhibit"])
    form.get_by_label("Locator").fill("p. 7")
    form.get_by_role("button", name="Add claim").click()
    added = page.locator("table#prop-nationality tbody tr").first
    expect(added).to_contain_text(seeded["exhibit"])
    expect(added).to_contain_text("p. 7")
    expect(added).to_contain_text("Pakistan")
    assert page.evaluate("window.__sameDocument") is True, "adding a claim reloaded the page"

    # Retract the alias with a reason: it stays, struck through, with the reason.
    alias = page.locator("table#prop-alias tbody tr", has_text="Ustad")
    expect(alias.locator(".badge-unsupported")).to_be_visible()
    alias.get_by_text("Retract", exact=True).click()
    alias.get_by_label("Reason for retracting").fill("informant confused him with his brother")
    alias.get_by_role("button", name="Retract claim").click()
    retracted = page.locator("table#prop-alias tbody tr.retracted")
    expect(retracted.locator("del")).to_have_text("Ustad")
    expect(retracted).to_contain_text("informant confused him with his brother")
    strike = retracted.locator("del").evaluate("el => getComputedStyle(el).textDecorationLine")
    assert strike == "line-through"

    page.screenshot(path=str(tmp_path / "profile.png"), full_page=True)

    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
    page.goto(f"/entities/{seeded['person']}")
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()  # the session is gone
