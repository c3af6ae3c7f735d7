"""Linking the evidence of a case: exhibits and claims already in the registry and the vault."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from dastavez.access import audit
from dastavez.access.actor import Actor
from dastavez.cases.records import visible_case
from dastavez.evidence.exhibits import visible_exhibit
from dastavez.exc import Conflict, InvalidInput
from dastavez.registry.claims import visible_claim
from dastavez.storage.case_tables import CaseClaim, CaseExhibit
from dastavez.storage.tables import Claim, Exhibit


def link_evidence(
    session: Session,
    actor: Actor,
    *,
    case_id: str,
    exhibit_id: str | None = None,
    claim_id: str | None = None,
) -> dict[str, Any]:
    """Link one exhibit or one claim to a case; linking the same one twice is a conflict."""
    case = visible_case(session, actor, case_id, for_update=True)
    if bool(exhibit_id) == bool(claim_id):
        raise InvalidInput("link either an exhibit or a claim", field="exhibit")
    if exhibit_id:
        exhibit = visible_exhibit(session, actor, exhibit_id)
        if session.get(CaseExhibit, (case.id, exhibit.id)) is not None:
            raise Conflict(f"{exhibit.id} is already linked to {case.id}", field="exhibit")
        session.add(CaseExhibit(case_id=case.id, exhibit_id=exhibit.id, linked_by=actor.username))
        linked = {"case": case.id, "exhibit": exhibit.id}
    else:
        claim, _entity = visible_claim(session, actor, claim_id or "")
        if session.get(CaseClaim, (case.id, claim.id)) is not None:
            raise Conflict(f"{claim.id} is already linked to {case.id}", field="claim")
        session.add(CaseClaim(case_id=case.id, claim_id=claim.id, linked_by=actor.username))
        linked = {"case": case.id, "claim": claim.id}
    session.flush()
    audit.record(
        session,
        actor,
        "case.link",
        target_type="case",
        target_id=case.id,
        compartment=case.compartment,
        detail=linked,
    )
    return linked


def evidence_of(session: Session, actor: Actor, case_id: str) -> dict[str, list[dict[str, Any]]]:
    """The linked exhibits and claims the actor may see."""
    exhibits = session.execute(
        select(Exhibit.id, Exhibit.title, Exhibit.kind)
        .join(CaseExhibit, CaseExhibit.exhibit_id == Exhibit.id)
        .where(CaseExhibit.case_id == case_id, actor.visible(Exhibit.compartment))
        .order_by(Exhibit.id)
    )
    claims = session.execute(
        select(Claim.id, Claim.entity_id, Claim.prop, Claim.value, Claim.exhibit_id, Claim.status)
        .join(CaseClaim, CaseClaim.claim_id == Claim.id)
        .where(CaseClaim.case_id == case_id, actor.visible(Claim.compartment))
        .order_by(Claim.id)
    )
    return {
        "exhibits": [{"id": i, "title": t, "kind": k} for i, t, k in exhibits],
        "claims": [
            {"id": i, "entity": e, "prop": p, "value": v, "exhibit": x, "status": s}
            for i, e, p, v, x, s in claims
        ],
    }
