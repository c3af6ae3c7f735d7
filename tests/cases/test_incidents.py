"""Incidents, claims of responsibility, links to cases, and the map and timeline numbers."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from cases_world import at

from dastavez.cases import incidents, records
from dastavez.cases.incident_charts import incident_map, incident_timeline
from dastavez.evidence.exhibits import register_exhibit
from dastavez.exc import Conflict, InvalidInput, NotFound, PermissionDenied
from dastavez.registry.records import create_with_claims

WHEN = datetime.fromisoformat("2026-03-14T21:10+05:00")


@pytest.fixture
def analyst(make_actor):
    return make_actor("analyst", username="analyst")


def _add(db, actor, **kw):
    values = {
        "occurred_at": WHEN,
        "district": "Kohsang",
        "kind": "ied",
        "target": "police checkpost",
        "killed": 2,
        "injured": 5,
        "latitude": 30.18,
        "longitude": 66.99,
    } | kw
    with db.write() as session:
        return incidents.add_incident(session, actor, **values).id


def test_an_incident_with_a_claim_of_responsibility_and_a_case(db, analyst, admin):
    incident = _add(db, analyst)
    assert incident == "INC-2026-000001"
    with db.write() as session:
        org = create_with_claims(
            session, admin, schema="Organization", values=[("name", "Shafaq Brigade")]
        ).id
        video = register_exhibit(session, admin, title="Claim video", kind="video").id
        case = records.add_case(
            session,
            admin,
            fir="88/2026",
            station="PS Kohsang",
            district="Kohsang",
            sections=["ATA 1997 s.7", "ESA 1908 s.4"],
            registered_on="2026-03-15",
            now=at("2026-03-15"),
        ).id
    with db.write() as session:
        incidents.claim_responsibility(
            session, analyst, incident_id=incident, organization_id=org, exhibit_id=video, confidence="high"
        )
        incidents.link_case(session, analyst, incident_id=incident, case_id=case)
    with pytest.raises(Conflict, match="already recorded"), db.write() as session:
        incidents.claim_responsibility(
            session, analyst, incident_id=incident, organization_id=org, exhibit_id=video
        )
    with db.audited_read() as session:
        view = incidents.show_incident(session, analyst, incident)
    assert view["occurred_at"] == "2026-03-14T16:10:00+00:00"
    assert [(c["organization_name"], c["exhibit"], c["confidence"]) for c in view["responsibility"]] == [
        ("Shafaq Brigade", video, "high")
    ]
    assert view["cases"] == [case]
    with db.read() as session:
        assert [i["id"] for i in incidents.list_incidents(session, analyst, organization=org)] == [incident]
        assert incidents.list_incidents(session, analyst, since="2026-04-01") == []


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"occurred_at": datetime(2026, 3, 14, 21, 10)}, "needs its zone"),
        ({"occurred_at": datetime(2099, 1, 1, tzinfo=UTC)}, "before it happens"),
        ({"kind": "riot"}, "kind must be one of"),
        ({"latitude": 95}, "latitude must be between"),
        ({"longitude": None}, "both latitude and longitude"),
        ({"killed": -1}, "killed must be between"),
        ({"target": ""}, "target is required"),
    ],
)
def test_bad_incidents_are_refused(db, analyst, changes, message):
    with pytest.raises(InvalidInput, match=message):
        _add(db, analyst, **changes)


def test_who_may_record_and_who_may_see(db, make_actor):
    with pytest.raises(PermissionDenied):
        _add(db, make_actor("prosecutor"))
    insider = make_actor("analyst", clearances=["ALPHA"])
    secret = _add(db, insider, compartment="ALPHA")
    with pytest.raises(NotFound), db.read() as session:
        incidents.visible_incident(session, make_actor("auditor"), secret)


def test_map_and_timeline_numbers():
    def incident(day, lat, lon, killed=0):
        return {
            "id": day,
            "occurred_at": day + "T10:00:00+00:00",
            "latitude": lat,
            "longitude": lon,
            "kind": "ied",
            "district": "D",
            "killed": killed,
            "injured": 0,
        }

    drawn = incident_map(
        [
            incident("2026-01-05", 30.0, 66.0),
            incident("2026-03-01", 31.0, 67.0, killed=9),
            incident("2026-03-02", None, None),
        ]
    )
    assert drawn["unplaced"] == 1 and len(drawn["points"]) == 2
    south_west = next(p for p in drawn["points"] if p["id"] == "2026-01-05")
    north_east = next(p for p in drawn["points"] if p["id"] == "2026-03-01")
    assert south_west["x"] < north_east["x"] and south_west["y"] > north_east["y"]  # north is up
    assert north_east["r"] > south_west["r"]
    assert all(0 <= p["x"] <= drawn["width"] and 0 <= p["y"] <= drawn["height"] for p in drawn["points"])
    timeline = incident_timeline(
        [incident("2026-01-05", 1, 1), incident("2026-03-01", 1, 1, killed=9), incident("2026-03-02", 1, 1)]
    )
    assert [(b["month"], b["count"], b["killed"]) for b in timeline["bars"]] == [
        ("2026-01", 1, 0),
        ("2026-02", 0, 0),
        ("2026-03", 2, 9),
    ]
