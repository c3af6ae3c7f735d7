"""Parties to a case: who is accused, absconding or a witness, and where each accused is now."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from dastavez.access import audit
from dastavez.access.actor import Actor
from dastavez.cases import fields
from dastavez.cases.records import visible_case
from dastavez.exc import Conflict, InvalidInput, NotFound
from dastavez.registry.entities import visible_entity
from dastavez.storage.case_tables import CaseParty
from dastavez.storage.tables import Entity, utcnow

ROLES = ("accused", "absconder", "proclaimed-offender", "witness", "complainant")
#: roles of a person the case is against: they have a custody status and can be the object of a warrant
AGAINST = ("accused", "absconder", "proclaimed-offender")
CUSTODY = ("arrested", "on-bail", "absconding", "abroad")


def add_party(
    session: Session,
    actor: Actor,
    *,
    case_id: str,
    role: str,
    entity_id: str | None = None,
    name: str | None = None,
    custody: str | None = None,
) -> CaseParty:
    """A person from the registry (``entity_id``), or for a witness or complainant only a name."""
    case = visible_case(session, actor, case_id, for_update=True)
    party_role = fields.required_choice(role, "role", ROLES)
    state = fields.choice(custody, "custody", CUSTODY, required=False)
    if party_role in AGAINST:
        if not entity_id:
            raise InvalidInput(
                f"an {party_role} must be a person in the registry (--entity PER-…)", field="entity"
            )
        state = state or ("arrested" if party_role == "accused" else "absconding")
    elif state:
        raise InvalidInput(f"a {party_role} has no custody status", field="custody")
    person = visible_entity(session, actor, entity_id, schema="Person") if entity_id else None
    label = fields.text(name, "name", 300)
    if person is None and label is None:
        raise InvalidInput("name the party: a registry person (--entity) or a name", field="entity")
    if person is not None:
        clash = session.scalar(
            select(CaseParty.id).where(
                CaseParty.case_id == case.id, CaseParty.entity_id == person.id, CaseParty.role == party_role
            )
        )
        if clash is not None:
            raise Conflict(f"{person.id} is already a {party_role} in {case.id}", field="entity")
    party = CaseParty(
        case_id=case.id,
        entity_id=person.id if person else None,
        name=label,
        role=party_role,
        custody=state,
        added_by=actor.username,
    )
    session.add(party)
    session.flush()
    audit.record(
        session,
        actor,
        "case.party",
        target_type="case",
        target_id=case.id,
        compartment=case.compartment,
        detail={"party": party.id, "entity": party.entity_id, "role": party_role, "custody": state},
    )
    return party


def set_custody(
    session: Session, actor: Actor, *, case_id: str, party_id: int, custody: str, note: str | None = None
) -> CaseParty:
    """Arrested, released on bail, absconding, gone abroad: the change is audited with its note."""
    case = visible_case(session, actor, case_id, for_update=True)
    party = session.get(CaseParty, party_id)
    if party is None or party.case_id != case.id:
        raise NotFound(f"no party {party_id} in {case.id}", field="party")
    if party.role not in AGAINST:
        raise InvalidInput(f"a {party.role} has no custody status", field="custody")
    state = fields.required_choice(custody, "custody", CUSTODY)
    if party.custody == state:
        raise Conflict(f"party {party_id} is already {state}", field="custody")
    previous, party.custody, party.updated_at = party.custody, state, utcnow()
    audit.record(
        session,
        actor,
        "case.custody",
        target_type="case",
        target_id=case.id,
        compartment=case.compartment,
        detail={"party": party.id, "from": previous, "to": state, "note": fields.text(note, "note", 2000)},
    )
    return party


def parties_of(session: Session, actor: Actor, case_ids: list[str]) -> dict[str, list[dict[str, Any]]]:
    """Parties per case, as the actor may see them: a party whose person is outside the actor's
    clearances is left out, not shown as a blank."""
    found: dict[str, list[dict[str, Any]]] = {case_id: [] for case_id in case_ids}
    if not case_ids:
        return found
    rows = session.execute(
        select(CaseParty, Entity.caption, Entity.compartment, Entity.legal_status)
        .outerjoin(Entity, Entity.id == CaseParty.entity_id)
        .where(CaseParty.case_id.in_(case_ids))
        .order_by(CaseParty.case_id, CaseParty.id)
    )
    for party, caption, compartment, legal_status in rows:
        if party.entity_id is not None and not actor.cleared_for(compartment):
            continue
        found[party.case_id].append(
            {
                "id": party.id,
                "entity": party.entity_id,
                "name": caption if party.entity_id else party.name,
                "role": party.role,
                "custody": party.custody,
                "legal_status": legal_status,
            }
        )
    return found
