"""Activity analyses over imported calls: timeline, incident bursts, co-location, handsets."""

from __future__ import annotations

from datetime import datetime, timedelta
from urllib.parse import quote

import pytest
from activity_world import Row, at, daily, store_calls
from sqlalchemy import select

from dastavez.cases.incidents import add_incident
from dastavez.comms.attribution import attribute
from dastavez.comms.colocation import colocation
from dastavez.comms.imei import handsets
from dastavez.comms.incident_activity import incident_activity
from dastavez.comms.timeline import daily_timeline
from dastavez.exc import InvalidInput, NotFound, PermissionDenied
from dastavez.registry.records import add_membership, add_person, create_with_claims
from dastavez.storage.tables import AuditEvent

A, B, C = "+923001111111", "+923002222222", "+447700900123"
D, E = "+971501234567", "+923004444444"
PAIR = sorted([D, E])


def test_timeline_counts_days_fills_gaps_and_shifts_to_karachi(db, admin, settings):
    rows = [
        Row(A, B, at("2026-03-01T10:00"), 60),
        Row(B, A, at("2026-03-01T11:00"), 30),
        Row(A, C, at("2026-03-01T12:00"), 0, "sms"),
        Row(A, C, at("2026-03-03T21:30"), 100),  # 02:30 on the 4th in Karachi
        Row(B, C, at("2026-03-03T09:00"), 10),
    ]
    store_calls(db, admin, settings, rows)
    whole = daily_timeline(db, admin, settings)
    assert [d["day"] for d in whole["days"]] == ["2026-03-01", "2026-03-02", "2026-03-03"]
    assert whole["days"][0] == {"day": "2026-03-01", "calls": 2, "sms": 1, "duration_s": 90, "pairs": 2}
    assert whole["days"][1] == {"day": "2026-03-02", "calls": 0, "sms": 0, "duration_s": 0, "pairs": 0}
    assert whole["days"][2] == {"day": "2026-03-03", "calls": 2, "sms": 0, "duration_s": 110, "pairs": 2}
    assert whole["totals"] == {"calls": 4, "sms": 1, "duration_s": 200, "pairs": 3}
    home = daily_timeline(db, admin, settings, nodes=[C], time_zone="Asia/Karachi")
    assert [(d["day"], d["calls"], d["sms"]) for d in home["days"]] == [
        ("2026-03-01", 0, 1),
        ("2026-03-02", 0, 0),
        ("2026-03-03", 1, 0),
        ("2026-03-04", 1, 0),
    ]
    bounded = daily_timeline(db, admin, settings, nodes=[A], since=at("2026-02-27"), until=at("2026-03-02"))
    assert [(d["day"], d["calls"]) for d in bounded["days"]] == [
        ("2026-02-27", 0),
        ("2026-02-28", 0),
        ("2026-03-01", 2),
    ]


def _incident(db, admin, when: str, compartment: str | None = None) -> str:
    with db.write() as session:
        return add_incident(
            session,
            admin,
            occurred_at=at(when),
            district="Kohsang",
            kind="ied",
            target="checkpost",
            compartment=compartment,
        ).id


def _background(first: datetime, days: int) -> list[Row]:
    """A and B talk twice a day, B and C once: the usual level, flat."""
    return daily(A, B, first, days, per_day=2) + daily(B, C, first, days, per_day=1, hour=15)


def test_a_planted_burst_before_an_incident_is_found_and_a_flat_period_is_not(db, admin, settings):
    start = at("2026-01-01T00:00")
    burst = [Row(D, E, at("2026-03-26T08:00") + timedelta(hours=9 * i), 40) for i in range(12)]
    store_calls(db, admin, settings, _background(start, 100) + burst)
    hot = _incident(db, admin, "2026-03-31T12:00+05:00")
    flat = _incident(db, admin, "2026-03-10T12:00+05:00")
    result = incident_activity(db, admin, settings)
    by_id = {item["incident"]: item for item in result["incidents"]}
    assert [(b["incident"], b["scope"], b["nodes"]) for b in result["bursts_found"]] == [(hot, "pair", PAIR)]
    top = by_id[hot]["rising_pairs"][0]
    assert top["nodes"] == PAIR and top["window"] == 12 and top["baseline"] == 0 and top["burst"]
    assert by_id[hot]["baseline"] == {
        "start": "2026-01-27T07:00:00+00:00",
        "end": "2026-03-24T07:00:00+00:00",
        "days": 56,
        "sufficient": True,
    }
    assert by_id[flat]["burst"] is False and by_id[flat]["bursting_pairs"] == 0
    assert by_id[flat]["window_contacts"] == 21 and by_id[flat]["ratio"] == 1.0
    # restricted to the burst's numbers, the whole activity is the burst
    narrow = incident_activity(db, admin, settings, nodes=[D], incidents=[hot])
    assert narrow["incidents"][0]["burst"] is True and narrow["incidents"][0]["window_contacts"] == 12
    assert {b["scope"] for b in narrow["bursts_found"]} == {"total", "pair"}


def test_a_baseline_the_data_does_not_cover_claims_no_burst(db, admin, settings):
    store_calls(db, admin, settings, daily(D, E, at("2026-03-28T00:00"), 3, per_day=4))
    _incident(db, admin, "2026-03-31T12:00+05:00")
    result = incident_activity(db, admin, settings)
    assert result["incidents"][0]["baseline"]["sufficient"] is False
    assert result["bursts_found"] == []


def test_colocation_counts_shared_cell_buckets_with_their_rows(db, admin, settings):
    base = at("2026-04-01T09:00")
    rows = []
    for day in range(4):  # A and B at cell X together on four mornings; C there only once
        moment = base + timedelta(days=day)
        rows.append(Row(A, E, moment, cell_id="X-1"))
        rows.append(Row(B, E, moment + timedelta(minutes=5), cell_id="X-1"))
        if day == 0:
            rows.append(Row(C, E, moment + timedelta(minutes=2), cell_id="X-1"))
    rows.append(Row(A, E, base + timedelta(days=5), cell_id="Y-2"))  # B elsewhere that day
    rows.append(Row(B, E, base + timedelta(days=5, minutes=3), cell_id="Z-3"))
    rows.append(Row(A, E, base + timedelta(days=6, minutes=14), cell_id="X-1"))  # across a boundary
    rows.append(Row(B, E, base + timedelta(days=6, minutes=16), cell_id="X-1"))
    ds = store_calls(db, admin, settings, rows)
    result = colocation(db, admin, settings)
    assert [(p["nodes"], p["times"], p["cells"]) for p in result["pairs"]] == [([A, B], 4, ["X-1"])]
    pair = result["pairs"][0]
    assert pair["first"] == "2026-04-01T09:00:00+00:00" and pair["last"] == "2026-04-04T09:00:00+00:00"
    assert pair["meetings"][0]["sightings"] == {
        A: [{"dataset": ds, "line": 2, "start": "2026-04-01T09:00:00+00:00"}],
        B: [{"dataset": ds, "line": 3, "start": "2026-04-01T09:05:00+00:00"}],
    }
    assert colocation(db, admin, settings, bucket_minutes=60)["pairs"][0]["times"] == 5
    assert colocation(db, admin, settings, min_times=5)["pairs"] == []
    assert colocation(db, admin, settings, min_times=1, nodes=[C])["pairs"][0]["nodes"] == sorted([A, C])
    crowded = colocation(db, admin, settings, max_crowd=2)
    assert crowded["crowded_buckets"] == 1 and crowded["pairs"][0]["times"] == 3


def test_handsets_used_with_several_sims_and_numbers_moved_between_handsets(db, admin, settings):
    one, two = "356938035643809", "490154203237518"
    rows = [
        Row(A, E, at("2026-05-01T10:00"), imei=one, imsi="410010000000001"),
        Row(A, C, at("2026-05-03T10:00"), imei=one, imsi="410010000000001"),
        Row(B, E, at("2026-05-06T10:00"), imei=one, imsi="410010000000002"),
        Row(B, E, at("2026-05-09T10:00"), imei=one, imsi="410010000000002"),
        Row(A, E, at("2026-05-11T10:00"), imei=two, imsi="410010000000001"),
        Row(C, E, at("2026-05-12T10:00"), imei=""),  # no handset given
    ]
    ds = store_calls(db, admin, settings, rows)
    result = handsets(db, admin, settings)
    assert [h["imei"] for h in result["handsets"]] == [one]
    shared = result["handsets"][0]
    assert shared["numbers"] == [A, B] and shared["datasets"] == [ds]
    assert [
        (s["imsi"], s["number"], s["first"], s["last"], s["rows"], s["first_row"]) for s in shared["sims"]
    ] == [
        (
            "410010000000001",
            A,
            "2026-05-01T10:00:00+00:00",
            "2026-05-03T10:00:00+00:00",
            2,
            {"dataset": ds, "line": 2},
        ),
        (
            "410010000000002",
            B,
            "2026-05-06T10:00:00+00:00",
            "2026-05-09T10:00:00+00:00",
            2,
            {"dataset": ds, "line": 4},
        ),
    ]
    assert [(n["number"], [h["imei"] for h in n["handsets"]]) for n in result["numbers"]] == [(A, [one, two])]
    assert handsets(db, admin, settings, nodes=[C])["handsets"] == []
    assert handsets(db, admin, settings, nodes=[B])["handsets"][0]["imei"] == one
    assert handsets(db, admin, settings, min_sims=3) == handsets(db, admin, settings, min_sims=3) | {
        "handsets": [],
        "numbers": [],
    }


def test_person_nodes_count_their_numbers_only_within_the_attribution(db, admin, settings):
    with db.write() as session:
        person = add_person(session, admin, name="Gul Khan").id
        org = create_with_claims(session, admin, schema="Organization", values=[("name", "Sarhad Front")]).id
        add_membership(session, admin, member_id=person, organization_id=org, role="member")
    attribute(
        db, admin, settings, number=A, person=person, exhibit=None, unsupported=True, valid_from="2026-03-02"
    )
    store_calls(
        db,
        admin,
        settings,
        [
            Row(A, B, at("2026-03-01T10:00")),
            Row(A, B, at("2026-03-02T10:00")),
            Row(C, A, at("2026-03-03T10:00")),
        ],
    )
    result = daily_timeline(db, admin, settings, nodes=[person])
    assert result["level"] == "person" and result["numbers"] == [A]
    assert [(d["day"], d["calls"]) for d in result["days"]] == [("2026-03-02", 1), ("2026-03-03", 1)]
    _incident(db, admin, "2026-03-04T00:00+00:00")
    members = incident_activity(db, admin, settings, organizations=[org])
    assert members["members"] == [person] and members["numbers"] == [A]
    assert members["incidents"][0]["window_contacts"] == 2
    by_pair = {tuple(p["nodes"]): p["persons"] for p in members["incidents"][0]["rising_pairs"]}
    # C ("+44…") sorts before A in its pair
    assert by_pair == {tuple(sorted([A, B])): [person, None], tuple(sorted([A, C])): [None, person]}


def test_analyses_read_only_the_datasets_the_actor_is_cleared_for(db, admin, settings, make_actor):
    importer = make_actor("admin", clearances=["SECRET"])
    store_calls(db, admin, settings, [Row(A, B, at("2026-03-01T10:00"), cell_id="X", imei="111", imsi="1")])
    store_calls(
        db,
        importer,
        settings,
        [
            Row(C, A, at("2026-03-01T10:05"), cell_id="X", imei="111", imsi="2"),
            Row(A, C, at("2026-03-02T10:05")),
        ],
        name="secret",
        compartment="SECRET",
    )
    plain, cleared = make_actor("analyst"), make_actor("analyst", clearances=["SECRET"])
    assert daily_timeline(db, plain, settings)["totals"]["calls"] == 1
    assert daily_timeline(db, cleared, settings)["totals"]["calls"] == 3
    assert handsets(db, plain, settings)["handsets"] == []
    assert handsets(db, cleared, settings)["handsets"][0]["imei"] == "111"
    assert colocation(db, plain, settings, min_times=1)["pairs"] == []
    assert colocation(db, cleared, settings, min_times=1)["pairs"][0]["nodes"] == sorted([A, C])
    with pytest.raises(NotFound):
        daily_timeline(db, plain, settings, datasets=["CDR-SECRET"])
    with pytest.raises(PermissionDenied):
        daily_timeline(db, make_actor("liaison"), settings)


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda db, a, s: daily_timeline(db, a, s, time_zone="Mars/Olympus"), "time_zone"),
        (lambda db, a, s: daily_timeline(db, a, s, since=at("2026-03-02"), until=at("2026-03-01")), "until"),
        (lambda db, a, s: daily_timeline(db, a, s, nodes=["+92 300"]), "node"),
        (lambda db, a, s: incident_activity(db, a, s, window_days=0), "window_days"),
        (lambda db, a, s: incident_activity(db, a, s, method="magic"), "method"),
        (lambda db, a, s: colocation(db, a, s, bucket_minutes=100_000), "bucket_minutes"),
        (lambda db, a, s: handsets(db, a, s, min_sims=0), "min_sims"),
    ],
)
def test_bad_parameters_are_refused_with_the_field(db, admin, settings, call, field):
    with pytest.raises(InvalidInput) as caught:
        call(db, admin, settings)
    assert caught.value.field == field


def test_every_analysis_is_audited_as_a_read(db, admin, settings):
    store_calls(db, admin, settings, [Row(A, B, at("2026-03-01T10:00"))])
    daily_timeline(db, admin, settings, nodes=[A])
    incident_activity(db, admin, settings)
    colocation(db, admin, settings)
    handsets(db, admin, settings)
    with db.read() as session:
        events = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "links.read").order_by(AuditEvent.id)
        ).all()
    assert [e.detail["analysis"] for e in events] == ["timeline", "incidents", "colocation", "imei"]
    assert events[0].detail["nodes"] == [A] and len(events[0].detail["datasets"]) == 1


def test_cli_commands_answer_in_json_and_fail_in_one_line(cli, db, admin, settings):
    store_calls(db, admin, settings, _background(at("2026-01-01T00:00"), 70))
    _incident(db, admin, "2026-03-01T12:00+05:00")
    timeline = cli(
        "links",
        "timeline",
        "--node",
        A,
        "--since",
        "2026-02-01",
        "--until",
        "2026-02-03",
        "--tz",
        "Asia/Karachi",
        "--json",
    )
    assert timeline.code == 0, timeline.stderr
    assert [d["day"] for d in timeline.json["days"]] == ["2026-02-01", "2026-02-02", "2026-02-03"]
    assert timeline.json["days"][0]["calls"] == 2
    incidents = cli("links", "incidents", "--window-days", "7", "--baseline-weeks", "8", "--json")
    assert incidents.code == 0 and incidents.json["bursts_found"] == []
    assert incidents.json["incidents"][0]["baseline"]["days"] == 51  # shortened to the days the data covers
    assert cli("links", "colocation", "--json").json["pairs"] == []
    assert cli("links", "imei", "--json").json["handsets"] == []
    assert cli("links", "timeline").code == 0  # the table view
    assert cli("links", "incidents").code == 0
    bad = cli("links", "timeline", "--tz", "Nowhere/Else")
    assert bad.code == 1 and bad.stderr.count("\n") == 1 and "unknown time zone" in bad.stderr


def test_api_endpoints_answer_with_the_service_results(api, db, admin, settings):
    store_calls(
        db,
        admin,
        settings,
        [Row(A, B, at("2026-03-01T10:00"), cell_id="X"), Row(B, A, at("2026-03-01T10:05"), cell_id="X")],
    )
    analyst = api("analyst")
    timeline = analyst.get(f"/api/v1/links/timeline?node={quote(A)}&tz=Asia/Karachi")
    assert timeline.status_code == 200 and timeline.json()["totals"]["calls"] == 2
    assert analyst.get("/api/v1/links/incidents").json()["incidents"] == []
    assert analyst.get("/api/v1/links/colocation?min_times=1").json()["pairs"][0]["times"] == 1
    assert analyst.get("/api/v1/links/imei").json()["numbers"] == []
    bad = analyst.get("/api/v1/links/colocation?bucket_minutes=0")
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "bucket_minutes"
    assert api("liaison").get("/api/v1/links/timeline").status_code == 403


def test_calls_outside_the_authority_are_left_out_unless_asked_for(db, admin, settings):
    rows = [Row(A, B, at("2026-03-01T10:00")), Row(C, E, at("2026-03-01T11:00"))]  # C–E: no target
    store_calls(db, admin, settings, rows, targets=[A])
    assert daily_timeline(db, admin, settings)["totals"]["calls"] == 1
    assert daily_timeline(db, admin, settings, include_out_of_scope=True)["totals"]["calls"] == 2
