"""A merged entity in the registry: hidden from lists, closed to new claims, pointed at its survivor."""

from __future__ import annotations

import pytest

from dastavez.exc import Conflict
from dastavez.registry.claims import add_claim
from dastavez.registry.entities import list_entities
from dastavez.registry.profiles import profile
from dastavez.registry.records import add_person
from dastavez.resolve.merge import merge_entities, unmerge_entity


def test_a_merged_person_leaves_the_lists_refuses_claims_and_names_its_survivor(db, admin):
    with db.write() as session:
        kept = add_person(session, admin, name="Muhammad Akram Baloch").id
        merged = add_person(session, admin, name="Mohd Akram Bloch").id
        merge_entities(session, admin, kept_id=kept, merged_id=merged, note="same CNIC")
    with db.read() as session:
        listed = {e["id"] for e in list_entities(session, admin, schema="Person")["results"]}
        view = profile(session, admin, merged)
    assert kept in listed and merged not in listed
    assert view["merged_into"] == kept
    with db.write() as session, pytest.raises(Conflict, match=f"merged into {kept}"):
        add_claim(session, admin, entity_id=merged, prop="alias", value="Ustad")
    with db.write() as session:
        unmerge_entity(session, admin, merged_id=merged)
    with db.read() as session:
        assert merged in {e["id"] for e in list_entities(session, admin, schema="Person")["results"]}
        assert profile(session, admin, merged)["merged_into"] is None
