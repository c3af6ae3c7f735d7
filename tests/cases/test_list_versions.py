"""Issuing the list: four eyes, and the differences from the last approved version with reasons."""

from __future__ import annotations

import pytest
from cases_world import TODAY, build_world
from sqlalchemy import select

from dastavez.cases.list_versions import decide, draft_version, list_versions, show_version
from dastavez.exc import Conflict, InvalidInput, NotFound, PermissionDenied
from dastavez.registry.claims import retract_claim
from dastavez.registry.legal_status import set_legal_status
from dastavez.registry.records import add_membership, add_person
from dastavez.storage.tables import Claim


@pytest.fixture
def people(db, make_actor):
    author = make_actor("supervisor", username="author")
    second = make_actor("supervisor", username="second")
    world = build_world(db, make_actor("supervisor", clearances=["ALPHA"], username="builder"), second)
    return author, second, world


def _draft(db, actor, note="monthly list"):
    with db.write() as session:
        return draft_version(session, actor, today=TODAY, note=note).id


def test_the_author_can_never_approve_their_own_draft(db, people):
    author, second, _ = people
    version = _draft(db, author)
    with pytest.raises(Conflict, match="four eyes"), db.write() as session:
        decide(session, author, version_id=version, decision="approved")
    with db.write() as session:
        approved = decide(session, second, version_id=version, decision="approved", note="checked")
        assert (approved.status, approved.decided_by) == ("approved", "second")
    with pytest.raises(Conflict, match="already approved"), db.write() as session:
        decide(session, second, version_id=version, decision="rejected", note="x")


def test_only_approvers_decide_and_rejections_say_why(db, people, make_actor):
    author, second, _ = people
    version = _draft(db, author)
    with pytest.raises(PermissionDenied), db.write() as session:
        decide(session, make_actor("prosecutor"), version_id=version, decision="approved")
    with pytest.raises(InvalidInput, match="needs its reason"), db.write() as session:
        decide(session, second, version_id=version, decision="rejected")
    with db.write() as session:
        assert (
            decide(session, second, version_id=version, decision="rejected", note="scores look stale").status
            == "rejected"
        )


def test_the_diff_names_who_was_added_removed_and_changed_and_why(db, people):
    author, second, world = people
    first = _draft(db, author)
    with db.write() as session:
        decide(session, second, version_id=first, decision="approved")
    with db.read() as session:
        assert show_version(session, author, first)["diff"]["counts"] == {
            "added": 3,
            "removed": 0,
            "changed": 0,
        }
    with db.write() as session:
        newcomer = add_person(session, author, name="Gul Sher Zehri").id
        add_membership(
            session,
            author,
            member_id=newcomer,
            organization_id=world.org,
            role="commander",
            exhibit_id=world.good,
        )
        memberships = select(Claim.entity_id).where(
            Claim.prop == "member", Claim.value_key == world.unsupported
        )
        role = session.scalars(
            select(Claim).where(Claim.prop == "role", Claim.entity_id.in_(memberships))
        ).one()
        retract_claim(session, author, claim_id=role.id, reason="source withdrew the report")
        set_legal_status(
            session,
            author,
            entity_id=world.leader,
            status="wanted",
            basis="Proclaimed offender, ATC-I Kohsang order of 2026-05-02 u/s 87 CrPC",
            exhibit_id=world.good,
        )
    second_version = _draft(db, author)
    with db.read() as session:
        diff = show_version(session, second, second_version)["diff"]
    assert [(a["entity"], a["roles"]) for a in diff["added"]] == [(newcomer, ["commander"])]
    assert world.good in diff["added"][0]["why"]
    [removed] = diff["removed"]
    assert removed["entity"] == world.unsupported
    assert "retracted" in removed["why"] and "source withdrew the report" in removed["why"]
    [changed] = diff["changed"]
    assert changed["entity"] == world.leader
    [status] = changed["changes"]
    assert (status["field"], status["from"], status["to"]) == ("legal_status", None, "wanted")
    assert "u/s 87 CrPC" in status["why"] and world.good in status["why"]


def test_a_draft_overtaken_by_another_approval_must_be_drafted_again(db, people):
    author, second, _ = people
    old, new = _draft(db, author), _draft(db, author)
    with db.write() as session:
        decide(session, second, version_id=new, decision="approved")
    with pytest.raises(Conflict, match="draft the list again"), db.write() as session:
        decide(session, second, version_id=old, decision="approved")


def test_a_version_drawing_on_a_compartment_is_hidden_from_the_uncleared(db, people, make_actor):
    _, second, _ = people
    cleared = make_actor("supervisor", clearances=["ALPHA"])
    version = _draft(db, cleared)
    with db.read() as session:
        assert show_version(session, cleared, version)["compartments"] == ["ALPHA"]
        assert [v["id"] for v in list_versions(session, second)] == []
    with pytest.raises(NotFound), db.write() as session:
        decide(session, second, version_id=version, decision="approved")
