"""The overview a user starts from: what they can see, and what they did lately.

Counts obey compartments like every list does; a claim counts only when both it and its
entity are visible. The actor's own recent actions leave out pure reads (searches,
profile views), which would crowd out what they changed.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dastavez.access.actor import Actor
from dastavez.registry.entities import LIVE
from dastavez.storage.tables import AuditEvent, Claim, Entity

#: Audit actions that only read; the overview lists what the actor did, not what they looked at.
READS = ("profile.read", "registry.search", "audit.read", "exhibit.read")


def overview(session: Session, actor: Actor, *, recent: int = 10) -> dict[str, Any]:
    actor.require("registry.read")
    by_schema: dict[str, int] = {
        schema: count for schema, count in session.execute(
            select(Entity.schema, func.count()).where(actor.visible(Entity.compartment))
            .group_by(Entity.schema))
    }
    live_claims = (
        select(func.count()).select_from(Claim).join(Entity, Entity.id == Claim.entity_id)
        .where(Claim.status.in_(LIVE), actor.visible(Claim.compartment), actor.visible(Entity.compartment))
    )
    claims = session.scalar(live_claims) or 0
    unsupported = session.scalar(live_claims.where(Claim.exhibit_id.is_(None))) or 0
    events = session.scalars(
        select(AuditEvent).where(AuditEvent.actor == actor.username, AuditEvent.action.not_in(READS),
                                 actor.visible(AuditEvent.compartment))
        .order_by(AuditEvent.id.desc()).limit(recent)
    ).all()
    return {
        "counts": {
            "persons": by_schema.get("Person", 0),
            "organizations": by_schema.get("Organization", 0),
            "claims": claims,
            "unsupported": unsupported,
        },
        "recent": [
            {"at": e.at.isoformat(), "action": e.action, "target_type": e.target_type,
             "target_id": e.target_id, "interface": e.interface}
            for e in events
        ],
    }
