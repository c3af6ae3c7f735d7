"""Cases, parties, hearings, warrants and linked evidence through the services: every rule
refuses in one line, every write is audited, compartments hide cases completely."""

from __future__ import annotations

from datetime import date

import pytest
from cases_world import TODAY, at
from sqlalchemy import func, select

from dastavez.cases import casefile, hearings, links, parties, records, warrants
from dastavez.cases.stages import stage_machine
from dastavez.evidence.exhibits import register_exhibit
from dastavez.exc import Conflict, InvalidInput, NotFound, PermissionDenied
from dastavez.registry.claims import add_claim
from dastavez.registry.records import add_person
from dastavez.storage.case_tables import CourtCase
from dastavez.storage.tables import AuditEvent


@pytest.fixture
def prosecutor(make_actor):
    return make_actor("prosecutor", username="prosecutor")


@pytest.fixture
def case_id(db, prosecutor):
    with db.write() as session:
        return records.add_case(
            session,
            prosecutor,
            fir="12/2026",
            station="PS Kohsang City",
            district="Kohsang",
            sections=["ATA 1997 s.7", "PPC s.302"],
            registered_on="2026-01-10",
            court="ATC-I Kohsang",
            now=at("2026-01-10"),
        ).id


@pytest.fixture
def accused(db, admin):
    with db.write() as session:
        return add_person(session, admin, name="Zarak Khan Bloch").id


def _actions(db):
    with db.read() as session:
        return [a for (a,) in session.execute(select(AuditEvent.action).order_by(AuditEvent.id))]


def test_a_case_is_numbered_starts_in_investigation_and_is_audited(db, prosecutor, case_id):
    assert case_id == "CASE-2026-000001"
    with db.audited_read() as session:
        view = casefile.show_case(session, prosecutor, case_id, machine=stage_machine(), today=TODAY)
    assert view["stage"] == "investigation" and view["sections"] == ["ATA 1997 s.7", "PPC s.302"]
    assert view["offences"][0]["statute"] == "Anti-Terrorism Act, 1997"
    assert [h["to"] for h in view["stage_history"]] == ["investigation"]
    assert {n["name"] for n in view["next_stages"]} == {"report-submitted", "disposed"}
    assert _actions(db)[-2:] == ["case.add", "case.read"]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"fir": " "}, "fir is required"),
        ({"sections": ["PPC 999"]}, "no section 999"),
        ({"sections": []}, "at least one statute section"),
        ({"registered_on": "12-01-2026"}, "YYYY-MM-DD"),
        ({"registered_on": "2099-01-01"}, "in the future"),
        ({"compartment": "NOPE"}, "no compartment"),
    ],
)
def test_bad_cases_are_refused_without_a_trace(db, prosecutor, changes, message):
    values = {
        "fir": "1/2026",
        "station": "PS A",
        "district": "Kohsang",
        "sections": ["ATA 1997 s.7"],
    } | changes
    with pytest.raises((InvalidInput, NotFound), match=message), db.write() as session:
        records.add_case(session, prosecutor, **values)
    with db.read() as session:
        assert session.scalar(select(func.count()).select_from(CourtCase)) == 0


def test_the_same_fir_of_the_same_station_is_one_case(db, prosecutor, case_id):
    with pytest.raises(Conflict, match="already registered"), db.write() as session:
        records.add_case(
            session,
            prosecutor,
            fir="12/2026",
            station="PS Kohsang City",
            district="Kohsang",
            sections=["PPC 302"],
        )


def test_stage_moves_are_recorded_with_who_and_when(db, prosecutor, case_id):
    with db.write() as session:
        records.move_stage(
            session,
            prosecutor,
            case_id=case_id,
            stage="report-submitted",
            note="challan filed",
            now=at("2026-02-01"),
        )
    with pytest.raises(Conflict, match="cannot move to judgment"), db.write() as session:
        records.move_stage(session, prosecutor, case_id=case_id, stage="judgment")
    with db.audited_read() as session:
        history = casefile.show_case(session, prosecutor, case_id, machine=stage_machine(), today=TODAY)[
            "stage_history"
        ]
    assert [(h["from"], h["to"], h["by"], h["note"]) for h in history] == [
        (None, "investigation", "prosecutor", None),
        ("investigation", "report-submitted", "prosecutor", "challan filed"),
    ]
    assert "case.stage" in _actions(db)


def test_roles_and_compartments_gate_cases(db, make_actor, case_id):
    liaison = make_actor("liaison")
    with pytest.raises(PermissionDenied), db.write() as session:
        records.move_stage(session, liaison, case_id=case_id, stage="report-submitted")
    insider = make_actor("prosecutor", clearances=["ALPHA"])
    with db.write() as session:
        secret = records.add_case(
            session,
            insider,
            fir="2/2026",
            station="PS A",
            district="Kohsang",
            sections=["ATA 1997 s.11F"],
            compartment="ALPHA",
        ).id
    outsider = make_actor("prosecutor")
    with pytest.raises(NotFound) as hidden, db.read() as session:
        records.visible_case(session, outsider, secret)
    with pytest.raises(NotFound) as missing, db.read() as session:
        records.visible_case(session, outsider, "CASE-2026-999999")
    assert hidden.value.detail.replace(secret, "X") == missing.value.detail.replace("CASE-2026-999999", "X")
    with db.read() as session:
        assert [c["id"] for c in records.list_cases(session, outsider)["cases"]] == [case_id]
        assert {c["id"] for c in records.list_cases(session, insider)["cases"]} == {case_id, secret}


def test_parties_and_custody(db, prosecutor, case_id, accused):
    with db.write() as session:
        party = parties.add_party(session, prosecutor, case_id=case_id, role="absconder", entity_id=accused)
        witness = parties.add_party(
            session, prosecutor, case_id=case_id, role="witness", name="Constable Ahmad Ali"
        )
        assert (party.custody, witness.custody) == ("absconding", None)
        party_id = party.id
    with pytest.raises(Conflict, match="already a absconder"), db.write() as session:
        parties.add_party(session, prosecutor, case_id=case_id, role="absconder", entity_id=accused)
    with pytest.raises(InvalidInput, match="must be a person in the registry"), db.write() as session:
        parties.add_party(session, prosecutor, case_id=case_id, role="accused", name="Somebody")
    with pytest.raises(InvalidInput, match="custody must be one of"), db.write() as session:
        parties.set_custody(session, prosecutor, case_id=case_id, party_id=party_id, custody="hiding")
    with db.write() as session:
        parties.set_custody(
            session,
            prosecutor,
            case_id=case_id,
            party_id=party_id,
            custody="abroad",
            note="crossed the border",
        )
    with db.read() as session:
        listed = parties.parties_of(session, prosecutor, [case_id])[case_id]
    assert [(p["role"], p["custody"], p["name"]) for p in listed] == [
        ("absconder", "abroad", "Zarak Khan Bloch"),
        ("witness", None, "Constable Ahmad Ali"),
    ]


def test_hearing_rules(db, prosecutor, case_id):
    def hearing(**kw):
        values = {
            "case_id": case_id,
            "date": "2026-02-10",
            "outcome": "adjourned",
            "reason": "counsel absent",
            "today": TODAY,
        } | kw
        with db.write() as session:
            return hearings.record_hearing(session, prosecutor, **values)

    assert hearing().court == "ATC-I Kohsang"  # the case's court by default
    with pytest.raises(InvalidInput, match="needs its reason"):
        hearing(reason=None)
    with pytest.raises(InvalidInput, match="in the future"):
        hearing(date=date(2026, 7, 1))
    with pytest.raises(InvalidInput, match="before the FIR"):
        hearing(date="2025-12-31")
    with pytest.raises(InvalidInput, match="next date must come after"):
        hearing(next_date="2026-02-01")
    with pytest.raises(InvalidInput, match="outcome must be one of"):
        hearing(outcome="postponed")
    with db.write() as session:
        records.move_stage(session, prosecutor, case_id=case_id, stage="disposed", note="withdrawn")
    with pytest.raises(Conflict, match="disposed"):
        hearing()


def test_warrants_need_a_party_and_end_once(db, prosecutor, admin, case_id, accused):
    with db.write() as session:
        scan = register_exhibit(session, admin, title="NBW scan", kind="document").id
    with pytest.raises(InvalidInput, match="add them as a party first"), db.write() as session:
        warrants.issue_warrant(
            session,
            prosecutor,
            case_id=case_id,
            entity_id=accused,
            kind="arrest",
            court="ATC-I",
            issued_on="2026-02-01",
            reference="W-1",
        )
    with db.write() as session:
        parties.add_party(
            session, prosecutor, case_id=case_id, role="accused", entity_id=accused, custody="absconding"
        )
        warrant = warrants.issue_warrant(
            session,
            prosecutor,
            case_id=case_id,
            entity_id=accused,
            kind="non-bailable",
            court="ATC-I",
            issued_on="2026-02-01",
            reference="NBW 3/2026",
            exhibit_id=scan,
        )
        assert warrants.warrant_view(warrant)["valid"]
        warrant_id = warrant.id
    with pytest.raises(InvalidInput, match="say why"), db.write() as session:
        warrants.set_warrant_status(session, prosecutor, warrant_id=warrant_id, status="cancelled")
    with db.write() as session:
        warrants.set_warrant_status(session, prosecutor, warrant_id=warrant_id, status="executed")
    with pytest.raises(Conflict, match="cannot change again"), db.write() as session:
        warrants.set_warrant_status(session, prosecutor, warrant_id=warrant_id, status="recalled", note="x")
    with pytest.raises(NotFound), db.write() as session:
        warrants.set_warrant_status(
            session,
            prosecutor,
            warrant_id=warrant_id,
            status="recalled",
            note="x",
            case_id="CASE-2026-000099",
        )


def test_linking_evidence(db, prosecutor, admin, case_id, accused):
    with db.write() as session:
        exhibit = register_exhibit(session, admin, title="Seizure memo", kind="document").id
        claim, _ = add_claim(
            session, admin, entity_id=accused, prop="alias", value="Ustad", exhibit_id=exhibit
        )
        claim_id = claim.id
    with db.write() as session:
        links.link_evidence(session, prosecutor, case_id=case_id, exhibit_id=exhibit)
        links.link_evidence(session, prosecutor, case_id=case_id, claim_id=claim_id)
    with pytest.raises(Conflict, match="already linked"), db.write() as session:
        links.link_evidence(session, prosecutor, case_id=case_id, exhibit_id=exhibit)
    with pytest.raises(InvalidInput, match="either an exhibit or a claim"), db.write() as session:
        links.link_evidence(session, prosecutor, case_id=case_id)
    with db.read() as session:
        linked = links.evidence_of(session, prosecutor, case_id)
    assert [e["id"] for e in linked["exhibits"]] == [exhibit] and [c["id"] for c in linked["claims"]] == [
        claim_id
    ]
