"""The case, incident and list endpoints: shapes, the one error shape, compartments."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from cases_world import TODAY, build_world
from pypdf import PdfReader

from dastavez.cases.records import today_utc


@pytest.fixture
def prosecutor(api):
    return api("prosecutor")


def _case(client, **changes):
    body = {
        "fir": "12/2026",
        "station": "PS Kohsang City",
        "district": "Kohsang",
        "sections": ["ATA 1997 s.7"],
        "registered_on": "2026-01-10",
        "court": "ATC-I Kohsang",
    } | changes
    response = client.post("/api/v1/cases", json=body)
    assert response.status_code == 201, response.text
    return response.json()


def test_a_case_through_the_api(prosecutor):
    case = _case(prosecutor)
    assert case["id"] == "CASE-2026-000001" and case["sections"] == ["ATA 1997 s.7"]
    moved = prosecutor.post(f"/api/v1/cases/{case['id']}/stage", json={"stage": "report-submitted"})
    assert moved.status_code == 200 and moved.json()["stage"] == "report-submitted"
    illegal = prosecutor.post(f"/api/v1/cases/{case['id']}/stage", json={"stage": "judgment"})
    assert illegal.status_code == 409
    assert illegal.json()["error"] == {
        "code": "conflict",
        "status": 409,
        "field": "stage",
        "detail": "a case at stage report-submitted cannot move to judgment; it can move to charge-framed, "
        "investigation, disposed",
    }
    hearing = prosecutor.post(
        f"/api/v1/cases/{case['id']}/hearings",
        json={"date": "2026-02-01", "outcome": "adjourned", "reason": "strike of lawyers"},
    )
    assert hearing.status_code == 201 and hearing.json()["court"] == "ATC-I Kohsang"
    # the stage was entered on the real today; look 60 days on, past the 45 days without a hearing
    later = today_utc() + timedelta(days=60)
    age = (later - date(2026, 1, 10)).days
    shown = prosecutor.get(f"/api/v1/cases/{case['id']}", params={"today": later.isoformat()}).json()
    assert shown["adjournments"] == 1 and shown["days_pending"] == age
    pending = prosecutor.get("/api/v1/cases/pending", params={"today": later.isoformat()}).json()
    assert [(c["id"], c["days_pending"], c["stalled"]) for c in pending["cases"]] == [(case["id"], age, True)]
    dashboard = prosecutor.get("/api/v1/cases/dashboard", params={"today": later.isoformat()}).json()
    assert dashboard["totals"]["stalled"] == 1 and dashboard["courts"][0]["court"] == "ATC-I Kohsang"
    assert prosecutor.get("/api/v1/cases", params={"q": "12/2026"}).json()["total"] == 1


def test_bad_bodies_get_the_one_error_shape(prosecutor):
    response = prosecutor.post(
        "/api/v1/cases", json={"fir": "1", "station": "S", "district": "D", "sections": ["PPC 999"]}
    )
    assert response.status_code == 422
    assert (
        response.json()["error"]["field"] == "section"
        and "no section 999" in response.json()["error"]["detail"]
    )
    extra = prosecutor.post(
        "/api/v1/cases", json={"fir": "1", "station": "S", "district": "D", "sections": [], "judge": "x"}
    )
    assert extra.status_code == 422 and extra.json()["error"]["code"] == "invalid_input"
    today = prosecutor.get("/api/v1/cases/pending", params={"today": "yesterday"})
    assert today.status_code == 422


def test_compartmented_cases_are_404_for_the_uncleared(api):
    insider, outsider = api("prosecutor", clearances=["ALPHA"]), api("prosecutor")
    secret = _case(insider, compartment="ALPHA")
    assert outsider.get(f"/api/v1/cases/{secret['id']}").status_code == 404
    assert outsider.get("/api/v1/cases").json()["total"] == 0
    assert insider.get(f"/api/v1/cases/{secret['id']}").json()["compartment"] == "ALPHA"


def test_the_list_its_export_and_its_versions(api, db, make_actor):
    world = build_world(
        db,
        make_actor("supervisor", clearances=["ALPHA"], username="builder"),
        make_actor("supervisor", username="reviewer"),
    )
    analyst, supervisor = api("analyst"), api("supervisor")
    people = analyst.get("/api/v1/lists/leaders", params={"today": TODAY.isoformat()}).json()["people"]
    assert {p["entity"] for p in people} == {world.leader, world.facilitator, world.unsupported}
    only = analyst.get("/api/v1/lists/leaders", params={"abroad": "true"}).json()["people"]
    assert [p["entity"] for p in only] == [world.leader]
    pdf = analyst.get("/api/v1/lists/leaders/export", params={"format": "pdf"})
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert "Ledger checkpoint" in PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()
    csv = analyst.get("/api/v1/lists/leaders/export", params={"format": "csv"})
    assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
    assert analyst.get("/api/v1/lists/leaders/export", params={"format": "docx"}).status_code == 422
    version = analyst.post("/api/v1/lists/leaders/versions", json={"note": "June"}).json()
    assert version["status"] == "draft" and version["diff"]["counts"]["added"] == 3
    assert (
        analyst.post(
            f"/api/v1/lists/leaders/versions/{version['id']}/decision", json={"decision": "approved"}
        ).status_code
        == 403
    )
    decided = supervisor.post(
        f"/api/v1/lists/leaders/versions/{version['id']}/decision", json={"decision": "approved"}
    )
    assert decided.status_code == 200 and decided.json()["status"] == "approved"
    full = analyst.get(f"/api/v1/lists/leaders/versions/{version['id']}").json()
    assert len(full["entries"]) == 3
    assert [v["id"] for v in analyst.get("/api/v1/lists/leaders/versions").json()["versions"]] == [
        version["id"]
    ]


def test_incidents_through_the_api(api, db, make_actor):
    analyst = api("analyst")
    created = analyst.post(
        "/api/v1/incidents",
        json={
            "occurred_at": "2026-03-14T21:10:00+05:00",
            "district": "Kohsang",
            "kind": "ied",
            "target": "bus stand",
            "killed": 4,
            "injured": 11,
            "latitude": 30.2,
            "longitude": 67.0,
        },
    )
    assert created.status_code == 201, created.text
    incident = created.json()["id"]
    org = analyst.post("/api/v1/organizations", json={"name": "Zarkand Revolutionary Committee"}).json()["id"]
    claimed = analyst.post(f"/api/v1/incidents/{incident}/responsibility", json={"organization": org})
    assert claimed.status_code == 201 and claimed.json()["confidence"] == "medium"
    assert analyst.get(f"/api/v1/incidents/{incident}").json()["responsibility"][0]["organization"] == org
    assert analyst.get("/api/v1/incidents", params={"kind": "ied"}).json()["incidents"][0]["id"] == incident
    assert (
        api("prosecutor")
        .post(
            "/api/v1/incidents",
            json={"occurred_at": "2026-03-14T21:10:00+05:00", "district": "K", "kind": "ied", "target": "x"},
        )
        .status_code
        == 403
    )
