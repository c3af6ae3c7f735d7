"""Merging entities and undoing it: every claim back exactly, index rows with them, refusals."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from dastavez.exc import Conflict, InvalidInput, NotFound, PermissionDenied
from dastavez.ledger.verify import verify_ledger
from dastavez.registry.claims import add_claim, retract_claim
from dastavez.registry.records import add_membership, add_person, create_with_claims
from dastavez.registry.search import search_names
from dastavez.resolve.merge import merge_entities, merge_history, unmerge_entity
from dastavez.storage.resolve_tables import EntityMerge, MergedClaim, NameKey
from dastavez.storage.tables import AuditEvent, Claim, Entity, NameIndex


def _claim_rows(session) -> list[dict[str, Any]]:
    """Every column of every claim: the round trip must give back exactly these."""
    columns = Claim.__table__.columns
    return [dict(row._mapping) for row in session.execute(select(*columns).order_by(Claim.id))]


def _index_rows(session) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    names = session.execute(select(NameIndex.claim_id, NameIndex.entity_id, NameIndex.folded)
                            .order_by(NameIndex.claim_id)).all()
    keys = session.execute(select(NameKey.claim_id, NameKey.owner, NameKey.key)
                           .order_by(NameKey.claim_id, NameKey.key)).all()
    return [tuple(r) for r in names], [tuple(r) for r in keys]


@pytest.fixture
def family(db, admin) -> dict[str, str]:
    """Two records of one man, a namesake, an organisation and a membership naming the duplicate."""
    with db.write() as session:
        kept = add_person(session, admin, name="Muhammad Akram Baloch", aliases=["Ustad"]).id
        add_claim(session, admin, entity_id=kept, prop="birthDate", value="1981-04-02")
        dup = add_person(session, admin, name="Mohd. Akram Bloch", name_ur="محمد اکرم بلوچ").id
        add_claim(session, admin, entity_id=dup, prop="phone", value="+92 300 1234567")
        retracted, _ = add_claim(session, admin, entity_id=dup, prop="alias", value="Doctor")
        retract_claim(session, admin, claim_id=retracted.id, reason="a different man")
        namesake = add_person(session, admin, name="Muhammad Akram Khan").id
        org = create_with_claims(session, admin, schema="Organization", values=[("name", "Sarhad Front")]).id
        membership = add_membership(session, admin, member_id=dup, organization_id=org, role="commander").id
    return {"kept": kept, "dup": dup, "namesake": namesake, "org": org, "membership": membership}


def test_merge_moves_claims_and_references_and_unmerge_restores_every_row(db, admin, family):
    with db.read() as session:
        claims_before, index_before = _claim_rows(session), _index_rows(session)
        caption_before = session.get(Entity, family["kept"]).caption
    with db.write() as session:
        merge = merge_entities(session, admin, kept_id=family["kept"], merged_id=family["dup"],
                               note="same CNIC")
    assert merge["kept"] == family["kept"] and merge["merged"] == family["dup"]
    assert merge["claims"] == 4 and merge["references"] == 1  # 2 names, a phone, a retracted alias; 1 member
    with db.read() as session:
        assert session.scalars(select(Claim).where(Claim.entity_id == family["dup"])).all() == []
        member = session.scalar(select(Claim).where(Claim.entity_id == family["membership"],
                                                    Claim.prop == "member"))
        assert member is not None and member.value == member.normalised == family["kept"]
        assert session.get(Entity, family["dup"]).merged_into == family["kept"]
        assert session.get(Entity, family["kept"]).caption == caption_before
        assert not session.scalars(select(NameIndex).where(NameIndex.entity_id == family["dup"])).all()
        assert not session.scalars(select(NameKey).where(NameKey.owner == family["dup"])).all()
        assert {hit["entity_id"] for hit in search_names(session, admin, query="Bloch")} == {family["kept"]}
        entries = session.scalars(select(MergedClaim)).all()
        assert {e.moved for e in entries} == {"entity", "value"} and len(entries) == 5

    with db.write() as session:
        undone = unmerge_entity(session, admin, merged_id=family["dup"], note="wrong man after all")
    assert undone["undone_by"] == "admin" and undone["undone_at"]
    with db.read() as session:
        assert _claim_rows(session) == claims_before
        assert _index_rows(session) == index_before
        assert session.get(Entity, family["dup"]).merged_into is None
        history = merge_history(session, admin, entity_id=family["dup"])
        assert history["merged_into"] is None and history["merges"][0]["undone_by"] == "admin"
        actions = session.scalars(
            select(AuditEvent.action).where(AuditEvent.target_id == family["dup"])).all()
        assert actions[-2:] == ["entity.merge", "entity.unmerge"]
        assert verify_ledger(session, db.settings).ok  # both events are ledger leaves


def test_claims_added_after_a_merge_stay_with_the_kept_entity(db, admin, family):
    with db.write() as session:
        merge_entities(session, admin, kept_id=family["kept"], merged_id=family["dup"])
        later, _ = add_claim(session, admin, entity_id=family["kept"], prop="alias", value="Akram Sahib")
    with db.write() as session:
        unmerge_entity(session, admin, merged_id=family["dup"])
    with db.read() as session:
        assert session.get(Claim, later.id).entity_id == family["kept"]


def test_merges_are_refused_when_they_cannot_be_undone_cleanly(db, admin, family, make_actor):
    def merge(kept: str, merged: str, actor=admin) -> None:
        with db.write() as session:
            merge_entities(session, actor, kept_id=kept, merged_id=merged)

    with pytest.raises(InvalidInput, match="itself"):
        merge(family["kept"], family["kept"])
    with pytest.raises(InvalidInput, match="Organization"):
        merge(family["kept"], family["org"])
    merge(family["kept"], family["dup"])
    with pytest.raises(Conflict, match="already merged"):
        merge(family["namesake"], family["dup"])
    with pytest.raises(Conflict, match="itself merged"):
        merge(family["dup"], family["namesake"])
    with db.write() as session, pytest.raises(Conflict, match="not merged"):
        unmerge_entity(session, admin, merged_id=family["namesake"])
    analyst = make_actor("analyst")
    with pytest.raises(PermissionDenied):
        merge(family["kept"], family["namesake"], analyst)
    # an undo after the kept entity was merged on: undo the later merge first
    merge(family["namesake"], family["kept"])
    with db.write() as session, pytest.raises(Conflict, match="unmerge"):
        unmerge_entity(session, admin, merged_id=family["dup"])
    with db.write() as session:
        unmerge_entity(session, admin, merged_id=family["kept"])
        unmerge_entity(session, admin, merged_id=family["dup"])
    with db.read() as session:
        assert session.scalars(select(Claim.entity_id).where(Claim.prop == "phone")).all() == [family["dup"]]
        assert session.scalar(select(EntityMerge.undone_at).where(EntityMerge.merged_id == family["kept"]))


def test_compartments_bound_merges(db, admin, make_actor, family):
    insider = make_actor("supervisor", clearances=["ALPHA"])
    outsider = make_actor("supervisor")
    with db.write() as session:
        hidden = add_person(session, insider, name="Akram Baloch", compartment="ALPHA").id
        hidden_twin = add_person(session, insider, name="Akram Bloch", compartment="ALPHA").id
    with db.write() as session, pytest.raises(NotFound):
        merge_entities(session, outsider, kept_id=family["kept"], merged_id=hidden)
    with db.write() as session, pytest.raises(Conflict, match="compartments"):
        merge_entities(session, insider, kept_id=family["kept"], merged_id=hidden)
    with db.write() as session:
        merge_entities(session, insider, kept_id=hidden, merged_id=hidden_twin)
    with db.read() as session:
        event = session.scalars(select(AuditEvent).where(AuditEvent.action == "entity.merge")).one()
        assert event.compartment == "ALPHA"


def test_hidden_claims_move_but_are_not_counted_for_an_uncleared_merger(db, admin, make_actor, family):
    insider = make_actor("analyst", clearances=["ALPHA"])
    with db.write() as session:
        add_claim(session, insider, entity_id=family["dup"], prop="alias", value="Secret Name",
                  compartment="ALPHA")
    supervisor = make_actor("supervisor")
    with db.write() as session:
        merge = merge_entities(session, supervisor, kept_id=family["kept"], merged_id=family["dup"])
    assert merge["claims"] == 4  # the ALPHA alias moved too, uncounted
    with db.read() as session:
        secret = session.scalar(select(Claim).where(Claim.value == "Secret Name"))
        assert secret is not None and secret.entity_id == family["kept"]
