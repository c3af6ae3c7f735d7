"""Dashboard arithmetic with a fixed clock: ages, time in stage, overdue, stalls, the week."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from cases_world import TODAY, at, build_world

from dastavez.cases import dashboards, hearings, records
from dastavez.cases.ageing import age_bucket
from dastavez.cases.stages import policy, stage_machine
from dastavez.settings import Settings


@pytest.fixture
def prosecutor(make_actor):
    return make_actor("prosecutor", username="prosecutor")


@pytest.fixture
def cases(db, prosecutor):
    """A stalled, overdue case before ATC-I; a fresh investigation; a disposed case."""
    with db.write() as session:
        stalled = records.add_case(
            session,
            prosecutor,
            fir="40/2026",
            station="PS Zarkand",
            district="Zarkand",
            sections=["ATA 1997 s.7"],
            registered_on="2026-01-10",
            now=at("2026-01-10"),
        )
        records.move_stage(
            session,
            prosecutor,
            case_id=stalled.id,
            stage="report-submitted",
            court="ATC-I Zarkand",
            now=at("2026-02-01"),
        )
        for day in ("2026-02-10", "2026-03-01", "2026-03-20"):
            hearings.record_hearing(
                session,
                prosecutor,
                case_id=stalled.id,
                date=day,
                outcome="adjourned",
                reason="prosecution witness absent",
                next_date="2026-04-10",
                today=TODAY,
            )
        fresh = records.add_case(
            session,
            prosecutor,
            fir="41/2026",
            station="PS Zarkand",
            district="Zarkand",
            sections=["PPC 302"],
            registered_on="2026-06-01",
            now=at("2026-06-01"),
        )
        done = records.add_case(
            session,
            prosecutor,
            fir="7/2025",
            station="PS Mehrdara",
            district="Mehrdara",
            sections=["PPC 302"],
            registered_on="2025-01-05",
            now=at("2025-01-05"),
        )
        records.move_stage(
            session, prosecutor, case_id=done.id, stage="disposed", note="FIR cancelled", now=at("2025-03-01")
        )
        return {"stalled": stalled.id, "fresh": fresh.id, "done": done.id}


def _pending(db, actor, today=TODAY, machine=None):
    with db.audited_read() as session:
        rows = dashboards.pending(session, actor, machine=machine or stage_machine(), today=today)["cases"]
    return {row["id"]: row for row in rows}


def test_ages_time_in_stage_overdue_and_stalls(db, prosecutor, cases):
    rows = _pending(db, prosecutor)
    assert set(rows) == {cases["stalled"], cases["fresh"]}  # disposed cases are not pending
    stalled = rows[cases["stalled"]]
    assert stalled["days_pending"] == (TODAY - date(2026, 1, 10)).days == 156
    assert stalled["days_in_stage"] == (TODAY - date(2026, 2, 1)).days == 134
    assert stalled["stage_limit_days"] == 30 and stalled["overdue"] and stalled["days_overdue"] == 104
    assert stalled["last_hearing"] == "2026-03-20" and stalled["days_without_hearing"] == 87
    assert stalled["adjournments"] == 3 and stalled["adjournments_in_a_row"] == 3
    assert stalled["stalled"] and stalled["stalled_because"] == [
        "no hearing for 87 days",
        "3 adjournments in a row",
    ]
    fresh = rows[cases["fresh"]]
    assert (fresh["days_pending"], fresh["days_in_stage"], fresh["overdue"], fresh["stalled"]) == (
        14,
        14,
        False,
        False,
    )
    assert fresh["days_without_hearing"] is None  # under investigation: no court, so no hearings expected


def test_a_hearing_held_clears_the_streak_and_the_silence(db, prosecutor, cases):
    with db.write() as session:
        hearings.record_hearing(
            session,
            prosecutor,
            case_id=cases["stalled"],
            date="2026-06-12",
            outcome="held",
            purpose="framing of charge",
            next_date="2026-06-18",
            today=TODAY,
        )
    row = _pending(db, prosecutor)[cases["stalled"]]
    assert (row["stalled"], row["adjournments_in_a_row"], row["days_without_hearing"]) == (False, 0, 3)
    assert row["next_hearing"] == "2026-06-18" and row["adjournments"] == 3


def test_the_clock_moves_the_flags(db, prosecutor, cases):
    early = _pending(db, prosecutor, today=date(2026, 2, 20))[cases["stalled"]]
    assert early["overdue"] is False and early["days_in_stage"] == 19 and early["stalled"] is False
    on_the_limit = _pending(db, prosecutor, today=date(2026, 3, 3))[cases["stalled"]]
    assert on_the_limit["days_in_stage"] == 30 and not on_the_limit["overdue"]
    assert _pending(db, prosecutor, today=date(2026, 3, 4))[cases["stalled"]]["overdue"]


def test_installation_limits_change_overdue_and_stalled(db, prosecutor, cases, tmp_path):
    relaxed = policy(Settings(home=tmp_path, stage_limits="report-submitted=200", stall_days=100))
    row = _pending(db, prosecutor, machine=relaxed)[cases["stalled"]]
    assert not row["overdue"] and row["stalled_because"] == ["3 adjournments in a row"]


def test_the_dashboard_groups_by_stage_age_court_and_week(db, prosecutor, cases):
    with db.write() as session:
        hearings.record_hearing(
            session,
            prosecutor,
            case_id=cases["stalled"],
            date="2026-06-15",
            outcome="held",
            next_date="2026-06-18",
            today=TODAY,
        )
    with db.audited_read() as session:
        view = dashboards.dashboard(session, prosecutor, machine=stage_machine(), today=TODAY)
    assert view["totals"]["pending"] == 2
    stages = {s["stage"]: s for s in view["by_stage"]}
    assert stages["report-submitted"]["count"] == 1 and stages["report-submitted"]["overdue"] == 1
    assert stages["report-submitted"]["ages"]["91-180"] == 1 and stages["investigation"]["ages"]["0-90"] == 1
    assert view["week"]["from"] == "2026-06-15" and view["week"]["to"] == "2026-06-21"
    [court] = view["week"]["courts"]
    assert court["court"] == "ATC-I Zarkand"
    assert [(h["date"], h["status"]) for h in court["hearings"]] == [
        ("2026-06-15", "held"),
        ("2026-06-18", "fixed"),
    ]
    courts = {c["court"]: c for c in view["courts"]}
    assert courts["ATC-I Zarkand"]["pending"] == 1 and courts["ATC-I Zarkand"]["coming_hearings"] == 1
    assert courts["(no court yet)"]["pending"] == 1
    assert [r["id"] for r in view["most_adjourned"]] == [cases["stalled"]]


def test_absconders_abroad_with_valid_warrants_are_the_red_notice_candidates(db, make_actor):
    author = make_actor("supervisor", clearances=["ALPHA"], username="author")
    world = build_world(db, author, make_actor("supervisor", username="reviewer"))
    with db.audited_read() as session:
        view = dashboards.dashboard(session, author, machine=stage_machine(), today=TODAY)
    [candidate] = view["absconders_abroad"]
    assert candidate["entity"] == world.leader and candidate["abroad"] and candidate["residence"] == "AE"
    assert [w["reference"] for w in candidate["warrants"]] == ["NBW 3/2026"]
    assert view["totals"]["red_notice_candidates"] == 1
    from dastavez.cases import warrants

    with db.write() as session:
        warrants.set_warrant_status(
            session, author, warrant_id=world.warrant, status="executed", note="arrested on arrival"
        )
    with db.audited_read() as session:
        view = dashboards.dashboard(session, author, machine=stage_machine(), today=TODAY)
    assert view["absconders_abroad"] == [] and view["absconding"][0]["warrants"] == []


def test_age_buckets():
    buckets = (90, 180, 365, 730)
    assert [age_bucket(d, buckets) for d in (0, 90, 91, 365, 366, 731)] == [
        "0-90",
        "0-90",
        "91-180",
        "181-365",
        "366-730",
        "over 730",
    ]


def test_compartmented_cases_stay_out_of_an_uncleared_dashboard(db, make_actor):
    insider = make_actor("prosecutor", clearances=["ALPHA"])
    outsider = make_actor("prosecutor")
    with db.write() as session:
        records.add_case(
            session,
            insider,
            fir="1/2026",
            station="PS Gulzarkot",
            district="Gulzarkot",
            sections=["ATA 1997 s.11F"],
            compartment="ALPHA",
            registered_on="2026-05-01",
        )
    assert len(_pending(db, insider, today=TODAY + timedelta(days=400))) == 1
    assert _pending(db, outsider, today=TODAY + timedelta(days=400)) == {}
