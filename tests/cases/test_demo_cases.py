"""The demo's courts: about 120 cases at mixed stages with hearings and warrants, 40 incidents
with claims of responsibility, an approved list; and the dashboards over them."""

from __future__ import annotations

from datetime import date

from dastavez.cases import dashboards, incidents
from dastavez.cases.list_versions import list_versions
from dastavez.cases.stages import stage_machine
from dastavez.demo.cases import stage_cases
from dastavez.demo.scenario import build_scenario
from dastavez.demo.users import demo_actor
from dastavez.ledger.verify import verify_ledger

TODAY = date(2026, 11, 28)


def test_the_demo_courts(db, settings):
    build_scenario(db, settings, scale=1)
    made = stage_cases(db, settings, seed=7, today=TODAY)
    assert made["cases"] == 120 and made["incidents"] == 40
    assert len(made["by_stage"]) >= 7, made["by_stage"]  # mixed stages
    assert made["hearings"] > 300 and made["warrants"] > 20 and made["responsibility_claims"] >= 25
    with db.audited_read() as session:
        supervisor = demo_actor(session, "supervisor")
        view = dashboards.dashboard(session, supervisor, machine=stage_machine(), today=TODAY)
        found = incidents.list_incidents(session, supervisor)
        versions = list_versions(session, supervisor)
    assert view["totals"]["pending"] == 120 - made["by_stage"].get("disposed", 0)
    assert view["totals"]["stalled"] > 0 and view["totals"]["overdue"] > 0
    assert view["absconders_abroad"], "no Red Notice candidate in the demo"
    assert len(found) == 40 and sum(1 for i in found if i["responsibility"]) >= 25
    assert [(v["status"], v["created_by"], v["decided_by"]) for v in versions] == [
        ("approved", "admin", "supervisor")
    ]
    with db.read() as session:
        assert verify_ledger(session, settings).ok
