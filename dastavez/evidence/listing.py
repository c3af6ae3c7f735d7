"""Lists of exhibits with what a reader must see at a glance: status, custody, flags."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dastavez.access.actor import Actor
from dastavez.evidence import verification
from dastavez.evidence.authority import exhibit_flags
from dastavez.evidence.vault import evidence_view
from dastavez.exc import InvalidInput
from dastavez.storage.tables import Exhibit


def list_evidence(
    session: Session, actor: Actor, *, page: int = 1, per_page: int = 50, flagged: bool = False
) -> dict[str, Any]:
    """A page of the exhibits the actor is cleared for; ``flagged`` keeps those with authority flags."""
    actor.require("exhibit.read")
    if page < 1 or not 1 <= per_page <= 500:
        raise InvalidInput("page must be ≥ 1 and per_page between 1 and 500", field="page")
    query = select(Exhibit).where(actor.visible(Exhibit.compartment)).order_by(Exhibit.id.desc())
    if flagged:
        # Flags come from rules over several tables; the flagged few are found by checking each.
        rows = [e for e in session.scalars(query) if exhibit_flags(session, e)]
        total = len(rows)
        rows = rows[(page - 1) * per_page : page * per_page]
    else:
        total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
        rows = list(session.scalars(query.limit(per_page).offset((page - 1) * per_page)))
    status = verification.statuses(session, rows)
    return {
        "exhibits": [evidence_view(session, e, status=status[e.id]) for e in rows],
        "total": total,
        "page": page,
        "per_page": per_page,
    }
