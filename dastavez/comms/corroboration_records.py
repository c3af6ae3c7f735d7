"""Stored recording corroborations, as a recording's page and ``evidence show`` list them.

Kept apart from ``corroboration.py`` (which reads call records with DuckDB) so the evidence
views need nothing of the analytics stack.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from dastavez.access.actor import Actor
from dastavez.storage.comms_tables import RecordingCorroboration


def corroboration_view(row: RecordingCorroboration) -> dict[str, Any]:
    return {
        "id": row.id,
        "exhibit": row.exhibit_id,
        "claimed": {"caller": row.caller, "callee": row.callee, "start": _utc(row.claimed_start),
                    "duration_s": row.claimed_duration_s},
        "tolerances": {"start_s": row.tolerance_s, "duration_s": row.duration_tolerance_s,
                       "duration_pct": row.duration_tolerance_pct},
        "result": row.result,
        "matches": row.matches,
        "datasets": row.datasets,
        "verification": row.verification_id,
        "checked_by": row.checked_by,
        "checked_at": _utc(row.checked_at),
    }


def _utc(moment: datetime) -> str:
    """A stored time (naive means UTC) as ``…Z``."""
    naive = moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment
    return naive.isoformat() + "Z"


def corroborations_of(session: Session, actor: Actor, exhibit_id: str) -> list[dict[str, Any]]:
    """The stored corroborations of one recording the actor may see, oldest first."""
    rows = session.scalars(
        select(RecordingCorroboration)
        .where(
            RecordingCorroboration.exhibit_id == exhibit_id,
            actor.visible(RecordingCorroboration.compartment),
        )
        .order_by(RecordingCorroboration.id)
    )
    return [corroboration_view(r) for r in rows]
