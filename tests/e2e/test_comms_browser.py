"""The communications pages in a real browser: import a CSV through the form, open the link
graph, read Cytoscape's state, tap an edge and a node, read the evidence panel.

Uses the live server and the chromium page of ``test_browser.py`` (same checks: no console
errors, so no CSP violation, not even Cytoscape's own stylesheet, and no failed requests).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import test_browser
from conftest import PASSWORD
from playwright.sync_api import Page, expect

from dastavez.evidence.authority import add_authority
from dastavez.registry.claims import add_claim
from dastavez.registry.records import add_person

pytestmark = [pytest.mark.browser, pytest.mark.slow]

live_server = test_browser.live_server
page = test_browser.page

LEADER = "+971501234567"
BROKER = "+923001110001"
LOCAL = "+923002220002"
URDU_NAME = "محمد اکرم بلوچ"
CSV = ("caller,callee,start_time,duration_s\n"
       f"{LEADER},{BROKER},2026-03-01T09:15:00Z,120\n"
       f"{BROKER},{LEADER},2026-03-02T10:00:00Z,60\n"
       f"{BROKER},{LOCAL},2026-03-02T11:30:00Z,45\n"
       f"{LOCAL},{BROKER},2026-03-03T08:05:00Z,30\n")

# What the import's progress line says, kept on window: the answer replaces <main>, not the page.
WATCH_PROGRESS = """() => {
  const box = document.querySelector("[data-import-progress]");
  const line = box.querySelector("[data-import-percent]");
  window.progressSeen = [];
  new MutationObserver(() => {
    window.progressSeen.push({hidden: box.hidden, text: line.textContent});
  }).observe(box, {attributes: true, subtree: true, childList: true, characterData: true});
}"""

GRAPH_STATE = """() => {
  const cy = window.dastavezGraph;
  return {nodes: cy.nodes().map(n => ({id: n.id(), side: n.data("side"), label: n.data("label"),
                                       visible: n.visible()})),
          edges: cy.edges().length, width: cy.width(), height: cy.height()};
}"""


@pytest.fixture
def seeded(db, admin, make_actor):
    analyst = make_actor("analyst", username="rubina")
    with db.write() as session:
        warrant = add_authority(session, admin, basis="Investigation for Fair Trial Act 2013, s. 8",
                                reference="W-17/2026", issued_by="Judge, ATC Quetta", valid_from="2026-01-01",
                                valid_to="2026-12-31", targets=[BROKER])
        broker = add_person(session, analyst, name="Muhammad Akram Baloch", name_ur=URDU_NAME)
        add_claim(session, analyst, entity_id=broker.id, prop="phone", value=BROKER)
    return {"user": analyst.username, "authority": warrant.id, "reference": warrant.reference,
            "broker": broker.id}


def _log_in(page: Page, username: str) -> None:
    page.goto("/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Overview")).to_be_visible()


def test_analyst_imports_then_explores_the_graph(page: Page, seeded, tmp_path: Path):
    export = tmp_path / "operator-export.csv"
    export.write_text(CSV, encoding="utf-8")
    _log_in(page, seeded["user"])

    page.get_by_role("link", name="Call records", exact=True).click()
    form = page.locator("#import-cdr")
    form.get_by_label("File").set_input_files(export)
    form.get_by_label("Legal authority").select_option(seeded["authority"])
    page.evaluate(WATCH_PROGRESS)
    page.evaluate("window.samePage = true")
    form.get_by_role("button", name="Import").click()
    result = page.get_by_role("status", name="Import result")
    expect(result).to_contain_text("4 rows read, 0 rejected, 0 out of scope")
    assert page.evaluate("window.samePage") is True, "the import did not go through XMLHttpRequest"
    seen = page.evaluate("window.progressSeen")
    assert seen and seen[0]["hidden"] is False, seen
    assert any(s["text"].startswith("Sent; importing") for s in seen), seen
    dataset = re.search(r"CDR-[A-Z0-9]+", result.inner_text())
    assert dataset, result.inner_text()
    expect(page.locator(f"tr#{dataset.group(0)}")).to_contain_text("4")

    page.get_by_role("link", name="Links", exact=True).click()
    expect(page.get_by_role("heading", name="Links", level=1)).to_be_visible()
    page.wait_for_function("() => window.dastavezGraph && window.dastavezGraph.nodes().length > 0")
    state = page.evaluate(GRAPH_STATE)
    nodes = {n["id"]: n for n in state["nodes"]}
    assert set(nodes) == {LEADER, seeded["broker"], LOCAL}, state  # the broker's number contracted
    assert nodes[LEADER]["side"] == "overseas" and nodes[LOCAL]["side"] == "local"
    assert nodes[seeded["broker"]]["label"] == "Muhammad Akram Baloch"
    assert state["edges"] == 2 and state["width"] > 300 and state["height"] > 300
    expect(page.locator("#comms-graph canvas").first).to_be_visible()
    expect(page.locator("#comms-graph-status")).to_contain_text("3 nodes and 2 links")
    # Without JavaScript the same analysis is listed under the graph.
    expect(page.locator(".comms-paths li").first).to_contain_text("Muhammad Akram Baloch")

    panel = page.locator("#comms-panel")
    page.evaluate(f"() => {{ window.dastavezGraph.getElementById('{seeded['broker']}').emit('tap'); }}")
    expect(panel.get_by_role("heading", name="Muhammad Akram Baloch")).to_be_visible()
    expect(panel.locator(".comms-side")).to_have_text("local")
    profile = panel.get_by_role("link", name="Open the profile")
    expect(profile).to_have_attribute("href", f"/entities/{seeded['broker']}")

    # (the block returns nothing: serialising a Cytoscape collection back takes Playwright a minute)
    page.evaluate(f"""() => {{ window.dastavezGraph.edges().filter(
        e => [e.source().id(), e.target().id()].includes("{LEADER}"))[0].emit("tap"); }}""")
    expect(panel.get_by_role("heading", name="Evidence of a link")).to_be_visible()
    expect(panel.locator(".comms-evidence-datasets")).to_contain_text(dataset.group(0))
    calls = panel.locator("table.comms-calls tbody tr")
    expect(calls).to_have_count(2)
    expect(calls.nth(0)).to_contain_text("2026-03-01 09:15")
    expect(calls.nth(0)).to_contain_text(dataset.group(0))
    expect(calls.nth(0).locator("td").last).to_have_text("2")  # the line of the operator's file
    expect(panel).to_contain_text("Calls 1–2 of 2")
    exhibit = panel.locator(".comms-evidence-datasets a")
    expect(exhibit).to_have_attribute("href", re.compile(r"^/exhibits/EXH-\d{4}-\d{6}$"))
    page.screenshot(path=str(tmp_path / "comms-graph.png"), full_page=True)

    exhibit.click()  # the evidence panel leads to the exhibit the calls came from
    expect(page).to_have_url(re.compile(r"/exhibits/EXH-\d{4}-\d{6}$"))
