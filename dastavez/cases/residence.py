"""Where a person is based, from their live ``residence`` claims: home, or abroad (and where)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from dastavez.access.actor import Actor
from dastavez.registry.entities import LIVE
from dastavez.storage.tables import Claim


def residences(session: Session, actor: Actor, entity_ids: list[str]) -> dict[str, dict[str, str | None]]:
    """The latest live residence claim per person the actor may see: country code, claim, exhibit."""
    found: dict[str, dict[str, str | None]] = {}
    if not entity_ids:
        return found
    rows = session.execute(
        select(Claim.entity_id, Claim.normalised, Claim.id, Claim.exhibit_id)
        .where(
            Claim.entity_id.in_(entity_ids),
            Claim.prop == "residence",
            Claim.status.in_(LIVE),
            actor.visible(Claim.compartment),
        )
        .order_by(Claim.created_at, Claim.id)
    )
    for entity_id, country, claim_id, exhibit_id in rows:
        found[entity_id] = {"country": country.upper(), "claim": claim_id, "exhibit": exhibit_id}
    return found
