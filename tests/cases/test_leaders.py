"""The list of leaders and facilitators: who is on it, and the documentation score, against a
hand-built world whose right answers are known."""

from __future__ import annotations

import pytest
from cases_world import TODAY, URDU_LEADER, build_world

from dastavez.cases.documentation import definition, evaluate
from dastavez.cases.leaders import ListFilters, compute_list, read_list
from dastavez.exc import InvalidInput, PermissionDenied
from dastavez.storage.tables import AuditEvent


@pytest.fixture
def author(make_actor):
    return make_actor("supervisor", clearances=["ALPHA"], username="author")


@pytest.fixture
def world(db, author, make_actor):
    return build_world(db, author, make_actor("supervisor", username="reviewer"))


def _by_id(people):
    return {p["entity"]: p for p in people}


def test_the_list_holds_listed_roles_in_proscribed_organisations_only(db, make_actor, world):
    analyst = make_actor("analyst")
    with db.read() as session:
        people = _by_id(compute_list(session, analyst, today=TODAY))
    assert set(people) == {world.leader, world.facilitator, world.unsupported}
    # not: a plain member, a leader of an organisation that is not proscribed, a former commander,
    # nor a financier in a compartment the analyst is not cleared for
    leader = people[world.leader]
    assert leader["roles"] == ["leader"] and leader["organizations"][0]["id"] == world.org
    assert leader["name_ur"] == URDU_LEADER
    assert leader["abroad"] is True and leader["residence"] == "AE"
    assert leader["abroad_basis"]["exhibit"] == world.good
    assert leader["valid_warrants"] == 1 and leader["warrants"][0]["reference"] == "NBW 3/2026"
    assert [c["case"] for c in leader["cases"]] == [world.case]


def test_a_cleared_reader_also_sees_the_compartmented_financier(db, author, world):
    with db.read() as session:
        people = _by_id(compute_list(session, author, today=TODAY))
    assert world.hidden in people
    assert people[world.hidden]["compartments"] == ["ALPHA"]
    assert people[world.hidden]["roles"] == ["financier"]


def test_the_score_counts_only_elements_backed_by_exhibits_that_count(db, make_actor, world):
    with db.read() as session:
        people = _by_id(compute_list(session, make_actor("analyst"), today=TODAY))
    leader, facilitator, bare = people[world.leader], people[world.facilitator], people[world.unsupported]
    assert (leader["score"], leader["missing"]) == (100, [])
    # identity cites an exhibit that failed verification, communications one whose file changed
    assert facilitator["missing"] == ["identity", "communications", "warrant"]
    assert facilitator["score"] == 40
    elements = {e["element"]: e for e in facilitator["elements"]}
    assert elements["identity"]["not_counted"][0]["exhibit_status"] == "failed"
    assert elements["communications"]["not_counted"][0]["exhibit_status"] == "integrity-broken"
    assert elements["role"]["evidence"][0]["exhibit"] == world.good
    # claims with no exhibit back nothing
    assert (bare["score"], bare["missing"]) == (0, definition().names)
    assert {e["element"]: bool(e["unsupported"]) for e in bare["elements"]}["role"] is True


def test_membership_needs_both_ends_backed_when_the_definition_says_all():
    from dastavez.cases.documentation import Source

    member = Source(on="membership", prop="member", claim="CLM-1", exhibit="EXH-1", exhibit_status="verified")
    org = Source(on="membership", prop="organization", claim="CLM-2", exhibit=None, exhibit_status=None)
    result = evaluate([member, org])
    assert "membership" in result["missing"]
    cited_org = Source(
        on="membership", prop="organization", claim="CLM-2", exhibit="EXH-2", exhibit_status="unverified"
    )
    assert "membership" not in evaluate([member, cited_org])["missing"]


def test_filters(db, make_actor, world):
    analyst = make_actor("analyst")
    with db.read() as session:

        def ids(**kw):
            return {
                p["entity"] for p in compute_list(session, analyst, today=TODAY, filters=ListFilters(**kw))
            }

        assert ids(role="facilitator") == {world.facilitator, world.unsupported}
        assert ids(abroad=True) == {world.leader}
        assert ids(missing="warrant") == {world.facilitator, world.unsupported}
        assert ids(max_score=50) == {world.facilitator, world.unsupported}
        assert ids(organization=world.other_org) == set()
        assert ids(query="zarak") == {world.leader}
        assert ids(query=URDU_LEADER) == {world.leader}
        with pytest.raises(InvalidInput, match="missing must name an element"):
            ids(missing="motive")


def test_retracting_the_role_takes_someone_off_the_list(db, author, world):
    from sqlalchemy import select

    from dastavez.registry.claims import retract_claim
    from dastavez.storage.tables import Claim

    with db.write() as session:
        memberships = select(Claim.entity_id).where(
            Claim.prop == "member", Claim.value_key == world.facilitator
        )
        role = session.scalars(
            select(Claim).where(Claim.prop == "role", Claim.entity_id.in_(memberships))
        ).one()
        retract_claim(session, author, claim_id=role.id, reason="he was a driver, not a facilitator")
    with db.read() as session:
        assert world.facilitator not in _by_id(compute_list(session, author, today=TODAY))


def test_reading_the_list_is_audited_and_needs_the_permission(db, make_actor, world):
    custodian, auditor = make_actor("custodian"), make_actor("auditor")
    with db.read() as session, pytest.raises(PermissionDenied):
        compute_list(session, custodian, today=TODAY)
    with db.audited_read() as session:
        read_list(session, auditor, today=TODAY, filters=ListFilters(role="leader"))
    with db.read() as session:
        from sqlalchemy import select

        event = session.scalars(select(AuditEvent).where(AuditEvent.action == "list.read")).one()
    assert (
        event.actor == auditor.username and event.detail["role"] == "leader" and event.detail["people"] == 1
    )
