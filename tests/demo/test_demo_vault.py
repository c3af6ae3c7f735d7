"""The demo's evidence vault: warrants, recordings, custody, verification, on the ledger."""

from __future__ import annotations

from datetime import date

from dastavez.demo.scenario import build_scenario
from dastavez.demo.users import demo_actor
from dastavez.demo.vault import stage_evidence
from dastavez.evidence.authority import list_authorities
from dastavez.evidence.vault import blob_store, show_evidence
from dastavez.ledger.verify import verify_ledger


def test_the_demo_vault_tells_its_story_and_the_ledger_verifies(db, settings):
    build_scenario(db, settings, scale=1)
    made = stage_evidence(db, settings, seed=7, today=date(2026, 11, 28))
    assert len(made["recordings"]) == 3 and len(made["authorities"]) == 2
    with db.audited_read() as session:
        supervisor = demo_actor(session, "supervisor")
        first, outside, expired = (show_evidence(session, supervisor, e) for e in made["recordings"])
        transcript = show_evidence(session, supervisor, made["transcript"])
        expiring = list_authorities(session, supervisor, expiring_within=30, today=date(2026, 11, 28))
    assert first["verification_status"] == "verified" and first["flags"] == []
    assert [e["action"] for e in first["custody"]] == [
        "collected", "received", "sealed", "transferred", "received", "unsealed",
    ]
    assert first["media"]["format"] == "wav" and 3.0 <= first["media"]["duration_s"] <= 6.0
    assert outside["verification_status"] == "pending-review"
    assert any("does not cover" in flag for flag in outside["flags"])
    assert any("outside the authority's window" in flag for flag in expired["flags"])
    assert transcript["origin"] == "transcript" and transcript["parent"] == first["id"]
    assert {d["id"] for d in first["derived"]} == {made["transcript"]}
    assert [a["id"] for a in expiring] == [made["authorities"][0]]
    assert all(blob_store(settings).exists(e["sha256"]) for e in (first, outside, expired, transcript))
    with db.read() as session:
        report = verify_ledger(session, settings)
    assert report.ok, report.problems
