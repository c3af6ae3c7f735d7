"""Verification and its second-person review: who may do which, and the status it gives."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from dastavez.evidence import verification
from dastavez.evidence.exhibits import register_exhibit, visible_exhibit
from dastavez.evidence.listing import list_evidence
from dastavez.evidence.vault import show_evidence
from dastavez.exc import Conflict, InvalidInput, NotFound, PermissionDenied
from dastavez.storage.tables import AuditEvent, Exhibit


@pytest.fixture
def examiner(make_actor):
    return make_actor("analyst")


@pytest.fixture
def supervisor(make_actor):
    return make_actor("supervisor")


@pytest.fixture
def custodian(make_actor):
    return make_actor("custodian")


def new_exhibit(db, actor, title="Intercepted call"):
    with db.write() as s:
        return register_exhibit(s, actor, title=title, kind="audio").id


def examine(db, actor, exhibit_id, result="passed", **fields):
    with db.write() as s:
        exhibit = visible_exhibit(s, actor, exhibit_id)
        fields.setdefault("method", "ENF analysis and voice comparison")
        return verification.verification_view(
            verification.record_verification(s, actor, exhibit, result=result, **fields)
        )


def review(db, actor, exhibit_id, decision="confirmed", note=None):
    with db.write() as s:
        exhibit = visible_exhibit(s, actor, exhibit_id)
        return verification.verification_view(
            verification.review_verification(s, actor, exhibit, decision=decision, note=note)
        )


def status(db, actor, exhibit_id):
    with db.read() as s:
        exhibit = visible_exhibit(s, actor, exhibit_id)
        return verification.status_of(exhibit, verification.latest(s, exhibit_id))


def test_a_passed_verification_is_verified_only_after_a_second_person_confirms(db, examiner, supervisor):
    exhibit_id = new_exhibit(db, examiner)
    assert status(db, examiner, exhibit_id) == "unverified"
    done = examine(db, examiner, exhibit_id, note="no edits found")
    assert (done["examiner"], done["result"], done["review_decision"]) == (examiner.username, "passed", None)
    assert status(db, examiner, exhibit_id) == "pending-review"
    reviewed = review(db, supervisor, exhibit_id, note="method sound")
    assert (reviewed["reviewer"], reviewed["review_decision"], reviewed["review_note"]) == (
        supervisor.username,
        "confirmed",
        "method sound",
    )
    assert reviewed["reviewed_at"] is not None
    assert status(db, examiner, exhibit_id) == "verified"
    # the status is what the exhibit's page and every list show
    with db.write() as s:
        page = show_evidence(s, examiner, exhibit_id)
        listed = {e["id"]: e for e in list_evidence(s, examiner)["exhibits"]}
    assert (page["verification_status"], page["verification_label"]) == ("verified", "verified")
    assert [v["id"] for v in page["verifications"]] == [done["id"]]
    assert listed[exhibit_id]["verification_status"] == "verified"
    with db.read() as s:
        actions = s.scalars(
            select(AuditEvent.action).where(AuditEvent.target_id == exhibit_id).order_by(AuditEvent.id)
        ).all()
    assert actions[1:3] == ["verification.record", "verification.review"]


def test_a_custodian_may_review_too(db, examiner, custodian):
    exhibit_id = new_exhibit(db, examiner)
    examine(db, examiner, exhibit_id)
    assert review(db, custodian, exhibit_id)["reviewer"] == custodian.username
    assert status(db, examiner, exhibit_id) == "verified"


def test_the_examiner_cannot_review_their_own_verification(db, supervisor, custodian):
    exhibit_id = new_exhibit(db, supervisor)
    examine(db, supervisor, exhibit_id)
    with pytest.raises(Conflict, match="different user"):
        review(db, supervisor, exhibit_id)
    assert status(db, supervisor, exhibit_id) == "pending-review"
    review(db, custodian, exhibit_id)
    assert status(db, supervisor, exhibit_id) == "verified"


@pytest.mark.parametrize("role", ["analyst", "admin", "prosecutor", "auditor"])
def test_roles_without_review_permission_cannot_review(db, make_actor, examiner, role):
    exhibit_id = new_exhibit(db, examiner)
    examine(db, examiner, exhibit_id)
    with pytest.raises(PermissionDenied):
        review(db, make_actor(role), exhibit_id)
    assert status(db, examiner, exhibit_id) == "pending-review"


def test_roles_without_record_permission_cannot_verify(db, make_actor, examiner):
    exhibit_id = new_exhibit(db, examiner)
    for role in ("liaison", "prosecutor", "auditor"):
        with pytest.raises(PermissionDenied):
            examine(db, make_actor(role), exhibit_id)
    assert status(db, examiner, exhibit_id) == "unverified"


@pytest.mark.parametrize(
    ("result", "decision", "expected"),
    [
        ("passed", "confirmed", "verified"),
        ("passed", "rejected", "unverified"),
        ("failed", "confirmed", "failed"),
        ("failed", "rejected", "unverified"),
        ("inconclusive", "confirmed", "unverified"),
    ],
)
def test_status_after_review(db, examiner, supervisor, result, decision, expected):
    exhibit_id = new_exhibit(db, examiner)
    examine(db, examiner, exhibit_id, result=result)
    assert status(db, examiner, exhibit_id) == "pending-review"
    review(db, supervisor, exhibit_id, decision=decision)
    assert status(db, examiner, exhibit_id) == expected
    assert verification.LABELS[expected]


def test_one_verification_waits_for_review_at_a_time(db, examiner, supervisor):
    exhibit_id = new_exhibit(db, examiner)
    with pytest.raises(Conflict, match="no verification waiting"):
        review(db, supervisor, exhibit_id)
    first = examine(db, examiner, exhibit_id, result="failed")
    with pytest.raises(Conflict, match=f"verification {first['id']} .* still waiting"):
        examine(db, examiner, exhibit_id)
    with pytest.raises(Conflict, match="still waiting"):
        examine(db, supervisor, exhibit_id)  # whoever asks
    review(db, supervisor, exhibit_id, decision="rejected")
    with pytest.raises(Conflict, match="no verification waiting"):
        review(db, supervisor, exhibit_id)
    second = examine(db, examiner, exhibit_id, result="passed")
    review(db, supervisor, exhibit_id)
    with db.read() as s:
        history = verification.history(s, exhibit_id)
    assert [(v["id"], v["result"], v["review_decision"]) for v in history] == [
        (first["id"], "failed", "rejected"),
        (second["id"], "passed", "confirmed"),
    ]
    assert status(db, examiner, exhibit_id) == "verified"


def test_bad_input_is_refused(db, examiner, supervisor):
    exhibit_id = new_exhibit(db, examiner)
    with pytest.raises(InvalidInput, match="method"):
        examine(db, examiner, exhibit_id, method="   ")
    with pytest.raises(InvalidInput, match="result must be"):
        examine(db, examiner, exhibit_id, result="looks fine")
    with pytest.raises(NotFound):
        examine(db, examiner, exhibit_id, report_exhibit_id="EXH-1999-000001")
    with pytest.raises(InvalidInput, match="own verification report"):
        examine(db, examiner, exhibit_id, report_exhibit_id=exhibit_id)
    report = new_exhibit(db, examiner, title="Forensic report FR-12")
    done = examine(db, examiner, exhibit_id, report_exhibit_id=report.lower())
    assert done["report_exhibit"] == report
    with pytest.raises(InvalidInput, match="decision must be"):
        review(db, supervisor, exhibit_id, decision="ok")
    assert status(db, examiner, exhibit_id) == "pending-review"


def test_a_report_in_a_compartment_the_examiner_is_not_cleared_for_is_not_found(db, make_actor, examiner):
    cleared = make_actor("supervisor", clearances=["ALPHA"])
    with db.write() as s:
        secret = register_exhibit(
            s, cleared, title="Source report", kind="forensic-report", compartment="ALPHA"
        ).id
    exhibit_id = new_exhibit(db, examiner)
    with pytest.raises(NotFound):
        examine(db, examiner, exhibit_id, report_exhibit_id=secret)


def test_broken_integrity_overrides_every_status_and_blocks_verification(db, examiner, supervisor):
    exhibit_id = new_exhibit(db, examiner)
    examine(db, examiner, exhibit_id)
    review(db, supervisor, exhibit_id)
    with db.write() as s:
        s.get(Exhibit, exhibit_id).integrity = "broken"
    assert status(db, examiner, exhibit_id) == "integrity-broken"
    with pytest.raises(Conflict, match="no longer matches its hash"):
        examine(db, examiner, exhibit_id)


def test_statuses_in_one_query_equal_status_of_each(db, examiner, supervisor):
    ids = {
        name: new_exhibit(db, examiner, title=name)
        for name in ("none", "pending", "verified", "rejected", "failed", "inconclusive", "broken")
    }
    for name, result in (
        ("pending", "passed"),
        ("verified", "passed"),
        ("rejected", "passed"),
        ("failed", "failed"),
        ("inconclusive", "inconclusive"),
        ("broken", "passed"),
    ):
        examine(db, examiner, ids[name], result=result)
    for name in ("verified", "failed", "inconclusive", "broken"):
        review(db, supervisor, ids[name])
    review(db, supervisor, ids["rejected"], decision="rejected")
    examine(db, examiner, ids["rejected"], result="failed")  # a newer one, pending again
    with db.write() as s:
        s.get(Exhibit, ids["broken"]).integrity = "broken"
    with db.read() as s:
        exhibits = list(s.scalars(select(Exhibit).order_by(Exhibit.id)))
        batch = verification.statuses(s, exhibits)
        one_by_one = {e.id: verification.status_of(e, verification.latest(s, e.id)) for e in exhibits}
        assert verification.statuses(s, []) == {}
    assert batch == one_by_one
    assert {name: batch[exhibit_id] for name, exhibit_id in ids.items()} == {
        "none": "unverified",
        "pending": "pending-review",
        "verified": "verified",
        "rejected": "pending-review",
        "failed": "failed",
        "inconclusive": "unverified",
        "broken": "integrity-broken",
    }


def test_a_profile_shows_the_verification_status_of_every_exhibit_it_cites(db, admin, make_actor):
    from dastavez.evidence import verification
    from dastavez.evidence.exhibits import register_exhibit
    from dastavez.registry.claims import add_claim
    from dastavez.registry.profiles import profile
    from dastavez.registry.records import add_person

    supervisor = make_actor("supervisor")
    with db.write() as session:
        person = add_person(session, admin, name="Gul Zaman Achakzai").id
        report = register_exhibit(session, admin, title="Interrogation report", kind="statement")
        pending = register_exhibit(session, admin, title="Source note", kind="statement")
        add_claim(session, admin, entity_id=person, prop="birthDate", value="1979", exhibit_id=report.id)
        add_claim(session, admin, entity_id=person, prop="alias", value="Ustad", exhibit_id=pending.id)
        add_claim(session, admin, entity_id=person, prop="nationality", value="PK")
        verification.record_verification(
            session, admin, report, method="signatures compared", result="passed"
        )
        verification.review_verification(session, supervisor, report, decision="confirmed")
        verification.record_verification(
            session, admin, pending, method="source vetted", result="passed"
        )
    with db.read() as session:
        claims = {c["prop"]: c for c in profile(session, admin, person)["claims"]}
    assert claims["birthDate"]["exhibit_status"] == "verified"
    assert claims["alias"]["exhibit_status_label"] == "verification pending review"
    assert claims["nationality"]["exhibit_status"] is None  # unsupported: nothing to verify
