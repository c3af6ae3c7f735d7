"""The case pages in a real browser: the pending-cases dashboard, a case, a hearing recorded
through its form, the dashboard changed; then the list, exported as a PDF.

Uses the live server and the chromium page of ``test_browser.py`` (same checks: no console
errors, so no CSP violation, and no failed requests).
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest
import test_browser
from conftest import PASSWORD
from playwright.sync_api import Page, expect
from pypdf import PdfReader

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "cases"))
from cases_world import URDU_LEADER, build_world  # the hand-built world of tests/cases

pytestmark = pytest.mark.browser

# The fixtures live beside the first browser test; pytest finds fixtures by module attribute.
live_server = test_browser.live_server
page = test_browser.page


def test_prosecutor_records_a_hearing_and_exports_the_list(page: Page, db, make_actor, tmp_path):
    world = build_world(db, make_actor("supervisor", clearances=["ALPHA"], username="builder"),
                        make_actor("supervisor", username="reviewer"))
    make_actor("prosecutor", username="sadia")
    page.goto("/login")
    page.get_by_label("Username").fill("sadia")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Overview")).to_be_visible()

    # The pending-cases dashboard, before.
    page.get_by_role("link", name="Cases", exact=True).click()
    expect(page.get_by_role("heading", name="Pending cases", level=1)).to_be_visible()
    expect(page.locator("#total-adjournments")).to_have_text("0")
    row = page.locator(f"#row-{world.case}")
    expect(row.locator("[data-adjournments]")).to_have_text("0")
    expect(page.locator("#absconders")).to_be_visible()
    expect(page.get_by_role("table").filter(has_text="NBW 3/2026")).to_be_visible()

    # Open the case and record an adjourned hearing through htmx; the case refreshes in place.
    row.get_by_role("link", name=world.case).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(world.case)
    page.evaluate("window.__sameDocument = true")
    form = page.locator("#record-hearing")
    form.get_by_label("Outcome").select_option("adjourned")
    form.get_by_role("button", name="Record hearing").click()
    expect(page.locator("#record-hearing [role=alert]")).to_contain_text("an adjournment needs its reason")
    form = page.locator("#record-hearing")
    form.get_by_label("Reason for adjournment").fill("defence counsel absent")
    form.get_by_label("Purpose").fill("evidence of PW-1")
    form.get_by_role("button", name="Record hearing").click()
    expect(page.locator("#hearing-table")).to_contain_text("defence counsel absent")
    assert page.evaluate("window.__sameDocument") is True, "recording a hearing reloaded the page"

    # The dashboard has changed.
    page.get_by_role("link", name="Cases", exact=True).click()
    expect(page.locator("#total-adjournments")).to_have_text("1")
    expect(page.locator(f"#row-{world.case} [data-adjournments]")).to_have_text("1")
    page.screenshot(path=str(tmp_path / "cases.png"), full_page=True)

    # The list, with its Urdu names, exported as a PDF.
    page.get_by_role("link", name="The list", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Leaders and facilitators")
    person = page.locator(f"#person-{world.leader}")
    expect(person).to_contain_text("Zarak Khan Bloch")
    expect(person.locator('span[lang="ur"]')).to_have_text(URDU_LEADER)
    expect(page.locator(f"#person-{world.facilitator} li.missing")).to_have_count(3)
    with page.expect_download() as download_info:
        page.locator("#export-pdf").click()
    download = download_info.value
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    assert saved.suffix == ".pdf" and saved.read_bytes().startswith(b"%PDF")
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(saved.read_bytes())).pages)
    assert "RESTRICTED" in text and "Ledger checkpoint" in text and "Zarak Khan Bloch" in text
    assert " ".join(reversed(URDU_LEADER.split())) in text
    page.screenshot(path=str(tmp_path / "list.png"), full_page=True)
