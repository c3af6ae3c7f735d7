"""The case, incident and list pages: what each role sees, the forms, the exports."""

from __future__ import annotations

import re

import pytest
from cases_world import build_world
from conftest import PASSWORD
from fastapi.testclient import TestClient
from pypdf import PdfReader

from dastavez.cases import incidents, records

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def browser_for(app, actor) -> TestClient:
    browser = TestClient(app, follow_redirects=False)
    page = browser.get("/login")
    token = CSRF.search(page.text).group(1)
    response = browser.post(
        "/login", data={"username": actor.username, "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 303, response.text
    return browser


def csrf(browser: TestClient, path: str) -> str:
    return CSRF.search(browser.get(path).text).group(1)


@pytest.fixture
def world(db, make_actor):
    return build_world(
        db,
        make_actor("supervisor", clearances=["ALPHA"], username="builder"),
        make_actor("supervisor", username="reviewer"),
    )


def test_the_dashboard_and_a_case_page(app, make_actor, world):
    browser = browser_for(app, make_actor("prosecutor"))
    page = browser.get("/cases")
    assert page.status_code == 200
    assert world.case in page.text and "Absconders abroad with a valid warrant" in page.text
    assert "Zarak Khan Bloch" in page.text and "NBW 3/2026" in page.text
    assert 'href="/static/cases/cases.css"' in page.text and "<script>" not in page.text
    case = browser.get(f"/cases/{world.case}")
    assert case.status_code == 200 and "Record a hearing" in case.text and "ATA 1997 s.7" in case.text


def test_recording_a_hearing_changes_the_dashboard(app, make_actor, world):
    browser = browser_for(app, make_actor("prosecutor"))
    token = csrf(browser, f"/cases/{world.case}")
    before = browser.get("/cases").text
    assert re.search(rf'id="row-{world.case}".*?data-adjournments="0"', before, re.S)
    response = browser.post(
        f"/cases/{world.case}/hearings",
        data={
            "csrf_token": token,
            "date": "2026-01-20",
            "outcome": "adjourned",
            "reason": "defence counsel absent",
            "next_date": "2026-02-03",
        },
    )
    assert response.status_code == 303 and response.headers["location"] == f"/cases/{world.case}#hearings"
    after = browser.get("/cases").text
    assert re.search(rf'id="row-{world.case}".*?data-adjournments="1"', after, re.S)


def test_a_refused_hearing_comes_back_with_its_message_in_place(app, make_actor, world):
    browser = browser_for(app, make_actor("prosecutor"))
    token = csrf(browser, f"/cases/{world.case}")
    refused = browser.post(
        f"/cases/{world.case}/hearings",
        headers={"HX-Request": "true"},
        data={"csrf_token": token, "date": "2026-01-20", "outcome": "adjourned", "reason": ""},
    )
    assert refused.status_code == 422
    assert refused.headers["HX-Retarget"] == "#record-hearing"
    assert "an adjournment needs its reason" in refused.text and 'aria-invalid="true"' in refused.text
    illegal = browser.post(f"/cases/{world.case}/stage", data={"csrf_token": token, "stage": "judgment"})
    assert illegal.status_code == 409 and "cannot move to judgment" in illegal.text


def test_readers_see_no_forms_and_cannot_post(app, make_actor, world):
    browser = browser_for(app, make_actor("auditor"))
    page = browser.get(f"/cases/{world.case}")
    assert page.status_code == 200 and "Record a hearing" not in page.text
    token = csrf(browser, "/cases")
    refused = browser.post(
        f"/cases/{world.case}/hearings", data={"csrf_token": token, "date": "2026-01-20", "outcome": "held"}
    )
    assert refused.status_code == 403
    assert browser_for(app, make_actor("custodian")).get("/cases").status_code == 403


def test_registering_a_case_through_the_form(app, make_actor):
    browser = browser_for(app, make_actor("prosecutor"))
    token = csrf(browser, "/cases/new")
    bad = browser.post(
        "/cases",
        data={
            "csrf_token": token,
            "fir": "9/2026",
            "station": "PS Mehrdara",
            "district": "Mehrdara",
            "sections": "PPC 999",
        },
    )
    assert bad.status_code == 422 and "no section 999" in bad.text and 'value="9/2026"' in bad.text
    good = browser.post(
        "/cases",
        data={
            "csrf_token": token,
            "fir": "9/2026",
            "station": "PS Mehrdara",
            "district": "Mehrdara",
            "sections": "ATA 1997 s.7\nPPC 302",
        },
    )
    assert good.status_code == 303 and good.headers["location"].startswith("/cases/CASE-")


def test_incidents_page_draws_the_map_and_timeline(app, db, make_actor, world):
    from datetime import datetime

    analyst = make_actor("analyst")
    with db.write() as session:
        incidents.add_incident(
            session,
            analyst,
            occurred_at=datetime.fromisoformat("2026-03-14T21:10+05:00"),
            district="Kohsang",
            kind="ied",
            target="<b>checkpost</b>",
            killed=3,
            injured=4,
            latitude=30.2,
            longitude=67.0,
        )
    page = browser_for(app, analyst).get("/incidents")
    assert page.status_code == 200
    assert "<circle" in page.text and 'class="timeline-bar"' in page.text
    assert "&lt;b&gt;checkpost&lt;/b&gt;" in page.text and "<b>checkpost" not in page.text


def test_the_list_page_exports_and_the_four_eyes_flow(app, make_actor, world):
    author, approver = make_actor("supervisor"), make_actor("supervisor")
    browser = browser_for(app, author)
    page = browser.get("/lists/leaders")
    assert page.status_code == 200 and "Zarak Khan Bloch" in page.text and "زرک خان بلوچ" in page.text
    pdf = browser.get("/lists/leaders/export?format=pdf")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert "NOT APPROVED" in PdfReader(__import__("io").BytesIO(pdf.content)).pages[0].extract_text()
    token = csrf(browser, "/lists/leaders")
    drafted = browser.post("/lists/leaders/versions", data={"csrf_token": token, "note": "June list"})
    assert drafted.status_code == 303
    version_path = drafted.headers["location"]
    own = browser.get(version_path)
    assert "a different person must approve it" in own.text and "Approve for issue" not in own.text
    second = browser_for(app, approver)
    assert "Approve for issue" in second.get(version_path).text
    decided = second.post(
        version_path + "/decision", data={"csrf_token": csrf(second, version_path), "decision": "approved"}
    )
    assert decided.status_code == 303
    assert "approved" in second.get(version_path).text


def test_compartmented_case_pages_are_not_found(app, db, make_actor):
    insider = make_actor("prosecutor", clearances=["ALPHA"])
    with db.write() as session:
        secret = records.add_case(
            session,
            insider,
            fir="3/2026",
            station="PS A",
            district="Kohsang",
            sections=["ATA 1997 s.11F"],
            compartment="ALPHA",
        ).id
    assert browser_for(app, make_actor("prosecutor")).get(f"/cases/{secret}").status_code == 404
    assert browser_for(app, insider).get(f"/cases/{secret}").status_code == 200
