"""The evidence pages in a real browser: upload with progress, custody, verification and its review.

Uses the live server and the chromium page of ``test_browser.py`` (same checks: no console
errors, so no CSP violation, and no failed requests).
"""

from __future__ import annotations

import io
import json
import re
import wave
from pathlib import Path

import pytest
import test_browser
from conftest import PASSWORD
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

# The fixtures live beside the first browser test; pytest finds fixtures by module attribute.
live_server = test_browser.live_server
page = test_browser.page

# Records what the progress bar shows, in sessionStorage because the page moves on when done.
WATCH_PROGRESS = """() => {
  const box = document.querySelector("[data-upload-progress]");
  const bar = box.querySelector("progress");
  const seen = [];
  new MutationObserver(() => {
    const text = box.querySelector("[data-upload-percent]").textContent;
    seen.push({hidden: box.hidden, value: bar.value, text: text});
    sessionStorage.setItem("progress", JSON.stringify(seen));
  }).observe(box, {attributes: true, subtree: true, childList: true, characterData: true});
}"""


def _wav(path: Path) -> Path:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:  # 1.5 s of 8 kHz stereo
        out.setnchannels(2)
        out.setsampwidth(2)
        out.setframerate(8000)
        out.writeframes(b"\x01\x00" * 2 * 12_000)
    path.write_bytes(buffer.getvalue())
    return path


def _log_in(page: Page, username: str) -> None:
    page.goto("/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Overview")).to_be_visible()


def test_custodian_uploads_and_hands_over_then_a_supervisor_reviews(page: Page, make_actor, tmp_path):
    custodian = make_actor("custodian", username="nadia")
    supervisor = make_actor("supervisor", username="farooq")
    recording = _wav(tmp_path / "call-2026-03-03.wav")

    _log_in(page, custodian.username)
    page.get_by_role("link", name="Exhibits", exact=True).click()
    page.get_by_role("link", name="Upload evidence").click()
    expect(page.get_by_role("heading", name="Upload evidence")).to_be_visible()
    form = page.locator("#upload-evidence")
    form.get_by_label("File").set_input_files(recording)
    form.get_by_label("Kind").select_option("audio")
    form.get_by_label("Title").fill("Call of 3 March, Quetta")
    form.get_by_label("Place").fill("CTD Quetta")
    expect(form.locator("[data-upload-progress]")).to_be_hidden()
    page.evaluate(WATCH_PROGRESS)
    form.get_by_role("button", name="Upload and register").click()

    expect(page).to_have_url(re.compile(r"/exhibits/EXH-\d{4}-\d{6}$"))
    progress = json.loads(page.evaluate("sessionStorage.getItem('progress')") or "[]")
    assert progress and progress[0]["hidden"] is False, f"the progress bar never showed: {progress}"
    assert progress[-1]["value"] == 100, f"the progress bar did not complete: {progress}"
    expect(page.get_by_role("heading", level=1)).to_have_text("Call of 3 March, Quetta")
    expect(page.locator(".facts.media")).to_contain_text("1.5 s")
    status = page.locator(".exhibit-status .badge-verification")
    expect(status).to_have_text("unverified")

    # Hand it over to the supervisor: htmx swaps the refreshed exhibit in.
    custody = page.locator("#custody-form")
    custody.get_by_label("Action").select_option("transferred")
    custody.get_by_label("To (who receives it)").fill(supervisor.username)
    custody.get_by_label("Purpose").fill("voice comparison")
    custody.get_by_label("Re-hash the stored file").check()
    custody.get_by_role("button", name="Record event").click()
    events = page.locator("ol.timeline > li")
    expect(events).to_have_count(2)
    expect(events.nth(0)).to_contain_text("collected")
    expect(events.nth(1)).to_contain_text("transferred")
    expect(events.nth(1)).to_contain_text(f"{custodian.username} → {supervisor.username}")
    expect(events.nth(1)).to_contain_text("checked: matches")
    expect(status).to_have_text("unverified")

    verify = page.locator("#verification-form")
    verify.get_by_label("Method").fill("voice comparison, ENF analysis")
    verify.get_by_label("Result").select_option("passed")
    verify.get_by_role("button", name="Record verification").click()
    expect(status).to_have_text("verification pending review")
    exhibit_url = page.url
    page.screenshot(path=str(tmp_path / "exhibit.png"), full_page=True)
    page.get_by_role("button", name="Log out").click()

    _log_in(page, supervisor.username)
    page.goto(exhibit_url)
    review = page.locator("#review-form")
    expect(review).to_contain_text(custodian.username)
    review.get_by_label("Decision").select_option("confirmed")
    review.get_by_label("Note").fill("listened in full")
    review.get_by_role("button", name="Record review").click()
    expect(status).to_have_text("verified")
    expect(page.locator("table.verifications")).to_contain_text("listened in full")
