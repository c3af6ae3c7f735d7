"""How a case stands on a given day: its age, time in stage, overdue, stalled, adjournments.

Pure arithmetic on a case and its hearings, so the dashboards and a case's own page agree,
and tests can give any clock.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from dastavez.cases.stages import StageMachine
from dastavez.storage.case_tables import CourtCase


@dataclass(frozen=True)
class HearingFact:
    date: str
    outcome: str
    next_date: str | None
    court: str


def _days(since: str, today: date) -> int:
    return (today - date.fromisoformat(since[:10])).days


def assess(
    case: CourtCase, hearings: Sequence[HearingFact], machine: StageMachine, today: date
) -> dict[str, Any]:
    """The dashboard facts of one case; ``hearings`` in date order."""
    hearings = [h for h in hearings if h.date <= today.isoformat()]  # as the case stood that day
    stage = machine.stage(case.stage)
    stage_day = case.stage_since.date().isoformat()
    days_in_stage = _days(stage_day, today)
    last = hearings[-1] if hearings else None
    adjournments = sum(1 for h in hearings if h.outcome == "adjourned")
    streak = 0
    for hearing in reversed(hearings):
        if hearing.outcome != "adjourned":
            break
        streak += 1
    # Before its first hearing a case in court is measured from the day it reached its stage.
    quiet_since = max(last.date, stage_day) if last else stage_day
    days_without_hearing = _days(quiet_since, today)
    reasons = []
    if stage.in_court and days_without_hearing > machine.stall_days:
        reasons.append(f"no hearing for {days_without_hearing} days")
    if stage.in_court and streak >= machine.adjournments_in_a_row:
        reasons.append(f"{streak} adjournments in a row")
    overdue = stage.limit_days is not None and not stage.final and days_in_stage > stage.limit_days
    return {
        "days_pending": _days(case.registered_on, today),
        "days_in_stage": days_in_stage,
        "stage_limit_days": stage.limit_days,
        "overdue": overdue,
        "days_overdue": days_in_stage - stage.limit_days if overdue and stage.limit_days is not None else 0,
        "last_hearing": last.date if last else None,
        "days_without_hearing": days_without_hearing if stage.in_court else None,
        "next_hearing": last.next_date if last else None,
        "hearings": len(hearings),
        "adjournments": adjournments,
        "adjournments_in_a_row": streak,
        "stalled": bool(reasons),
        "stalled_because": reasons,
    }


def age_bucket(days: int, buckets: Sequence[int]) -> str:
    """``0-90``, ``91-180`` … ``over 730`` for the pending-cases table."""
    low = 0
    for high in buckets:
        if days <= high:
            return f"{low}-{high}" if low == 0 else f"{low + 1}-{high}"
        low = high
    return f"over {low}"


def bucket_labels(buckets: Sequence[int]) -> list[str]:
    labels, low = [], 0
    for high in buckets:
        labels.append(f"{low}-{high}" if low == 0 else f"{low + 1}-{high}")
        low = high
    return [*labels, f"over {low}"]
