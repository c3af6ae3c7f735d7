"""What the list of leaders draws on besides memberships, each fetched in one query for all
listed people: their claims, the verification status of cited exhibits, warrants, cases and
the basis of their legal status."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dastavez.access.actor import Actor
from dastavez.evidence.verification import statuses
from dastavez.registry.entities import LIVE
from dastavez.storage.case_tables import CaseParty, CourtCase, Warrant
from dastavez.storage.tables import Claim, Exhibit, LegalStatusChange

#: SQLite allows 32766 bound parameters per statement; stay well below
CHUNK = 5_000


def _chunks(ids: list[str]) -> list[list[str]]:
    return [ids[i : i + CHUNK] for i in range(0, len(ids), CHUNK)]


def claims_of(
    session: Session, actor: Actor, entity_ids: list[str], props: set[str]
) -> dict[str, list[Claim]]:
    """Live claims of ``props`` on the entities, in the order they were made."""
    found: dict[str, list[Claim]] = defaultdict(list)
    for chunk in _chunks(sorted(set(entity_ids))):
        rows = session.scalars(
            select(Claim)
            .where(
                Claim.entity_id.in_(chunk),
                Claim.prop.in_(sorted(props)),
                Claim.status.in_(LIVE),
                actor.visible(Claim.compartment),
            )
            .order_by(Claim.created_at, Claim.id)
        )
        for claim in rows:
            found[claim.entity_id].append(claim)
    return found


def exhibit_statuses(session: Session, actor: Actor, exhibit_ids: set[str]) -> dict[str, str]:
    """Verification status of each cited exhibit the actor may see (an unseen one is absent)."""
    exhibits: list[Exhibit] = []
    for chunk in _chunks(sorted(exhibit_ids)):
        exhibits += session.scalars(
            select(Exhibit).where(Exhibit.id.in_(chunk), actor.visible(Exhibit.compartment))
        )
    return statuses(session, exhibits)


def warrants_of(session: Session, actor: Actor, entity_ids: list[str]) -> dict[str, list[dict[str, Any]]]:
    found: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for chunk in _chunks(entity_ids):
        rows = session.execute(
            select(Warrant, CourtCase.compartment)
            .join(CourtCase, CourtCase.id == Warrant.case_id)
            .where(Warrant.entity_id.in_(chunk), actor.visible(CourtCase.compartment))
            .order_by(Warrant.issued_on, Warrant.id)
        )
        for warrant, _compartment in rows:
            found[warrant.entity_id].append(
                {
                    "id": warrant.id,
                    "case": warrant.case_id,
                    "kind": warrant.kind,
                    "court": warrant.court,
                    "issued_on": warrant.issued_on,
                    "reference": warrant.reference,
                    "status": warrant.status,
                    "valid": warrant.status == "issued",
                    "exhibit": warrant.exhibit_id,
                }
            )
    return found


def cases_of(session: Session, actor: Actor, entity_ids: list[str]) -> dict[str, list[dict[str, Any]]]:
    found: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for chunk in _chunks(entity_ids):
        rows = session.execute(
            select(
                CaseParty.entity_id,
                CaseParty.role,
                CaseParty.custody,
                CourtCase.id,
                CourtCase.fir_number,
                CourtCase.police_station,
                CourtCase.stage,
                CourtCase.compartment,
            )
            .join(CourtCase, CourtCase.id == CaseParty.case_id)
            .where(CaseParty.entity_id.in_(chunk), actor.visible(CourtCase.compartment))
            .order_by(CourtCase.registered_on, CourtCase.id)
        )
        for entity_id, role, custody, case_id, fir, station, stage, compartment in rows:
            found[str(entity_id)].append(
                {
                    "case": case_id,
                    "fir": fir,
                    "station": station,
                    "stage": stage,
                    "role": role,
                    "custody": custody,
                    "compartment": compartment,
                }
            )
    return found


def legal_bases(session: Session, entity_ids: list[str]) -> dict[str, dict[str, Any]]:
    """The latest change of legal status per person: what it became, on what basis, citing what."""
    found: dict[str, dict[str, Any]] = {}
    for chunk in _chunks(entity_ids):
        latest = (
            select(func.max(LegalStatusChange.id))
            .where(LegalStatusChange.entity_id.in_(chunk))
            .group_by(LegalStatusChange.entity_id)
        )
        for change in session.scalars(select(LegalStatusChange).where(LegalStatusChange.id.in_(latest))):
            found[change.entity_id] = {
                "status": change.status,
                "basis": change.basis,
                "exhibit": change.exhibit_id,
                "effective": change.effective,
            }
    return found
