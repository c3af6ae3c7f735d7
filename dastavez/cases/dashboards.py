"""The prosecutors' dashboards: pending cases by stage and age, stalled and overdue cases,
adjournments, the week's hearings per court, absconders abroad with valid warrants, court load.

Every figure is computed for a given day (``today``), so tests fix the clock; only cases the
actor is cleared for are counted. Reading a dashboard is audited.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from dastavez.access import audit
from dastavez.access.actor import Actor
from dastavez.cases.ageing import HearingFact, age_bucket, assess, bucket_labels
from dastavez.cases.parties import AGAINST
from dastavez.cases.records import case_summary, offences_of
from dastavez.cases.residence import residences
from dastavez.cases.stages import StageMachine
from dastavez.cases.warrants import VALID
from dastavez.storage.case_tables import CaseParty, CourtCase, Hearing, Warrant
from dastavez.storage.tables import Entity

#: look this many days ahead for the courts' coming load
AHEAD_DAYS = 30


def _open_cases(session: Session, actor: Actor, machine: StageMachine) -> list[CourtCase]:
    return list(
        session.scalars(
            select(CourtCase)
            .where(CourtCase.stage.in_(machine.open_stages()), actor.visible(CourtCase.compartment))
            .order_by(CourtCase.registered_on, CourtCase.id)
        )
    )


def _hearings(session: Session, case_ids: list[str]) -> dict[str, list[HearingFact]]:
    found: dict[str, list[HearingFact]] = defaultdict(list)
    if case_ids:
        rows = session.execute(
            select(Hearing.case_id, Hearing.date, Hearing.outcome, Hearing.next_date, Hearing.court)
            .where(Hearing.case_id.in_(case_ids))
            .order_by(Hearing.case_id, Hearing.date, Hearing.id)
        )
        for case_id, day, outcome, next_date, court in rows:
            found[case_id].append(HearingFact(day, outcome, next_date, court))
    return found


def pending(
    session: Session, actor: Actor, *, machine: StageMachine, today: date, audit_read: bool = True
) -> dict[str, Any]:
    """Every case not disposed, oldest first, with its age, stage time and stall flags."""
    actor.require("case.read")
    cases = _open_cases(session, actor, machine)
    ids = [c.id for c in cases]
    hearings, offences = _hearings(session, ids), offences_of(session, ids)
    rows = [
        case_summary(c, offences[c.id], machine) | assess(c, hearings[c.id], machine, today) for c in cases
    ]
    rows.sort(key=lambda row: (-row["days_pending"], row["id"]))
    if audit_read:
        audit.record(
            session,
            actor,
            "case.dashboard",
            detail={"view": "pending", "today": today.isoformat(), "cases": len(rows)},
        )
    return {"today": today.isoformat(), "cases": rows}


def by_stage(rows: list[dict[str, Any]], machine: StageMachine) -> list[dict[str, Any]]:
    labels = bucket_labels(machine.age_buckets)
    table = []
    for name in machine.open_stages():
        here = [r for r in rows if r["stage"] == name]
        ages = Counter(age_bucket(r["days_pending"], machine.age_buckets) for r in here)
        table.append(
            {
                "stage": name,
                "label": machine.stages[name].label,
                "count": len(here),
                "limit_days": machine.stages[name].limit_days,
                "overdue": sum(1 for r in here if r["overdue"]),
                "stalled": sum(1 for r in here if r["stalled"]),
                "ages": {label: ages.get(label, 0) for label in labels},
            }
        )
    return table


def _by_date(item: dict[str, Any]) -> tuple[str, str]:
    return (item["date"], item["case"])


def _week(session: Session, visible: dict[str, CourtCase], today: date) -> dict[str, Any]:
    monday = today - timedelta(days=today.weekday())
    sunday = monday + timedelta(days=6)
    first, last = monday.isoformat(), sunday.isoformat()
    rows = session.execute(
        select(
            Hearing.case_id, Hearing.date, Hearing.next_date, Hearing.court, Hearing.outcome, Hearing.purpose
        )
        .where(
            ((Hearing.date >= first) & (Hearing.date <= last))
            | ((Hearing.next_date >= first) & (Hearing.next_date <= last))
        )
        .order_by(Hearing.date)
    )
    per_court: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for case_id, day, next_date, court, outcome, purpose in rows:
        case = visible.get(case_id)
        if case is None:
            continue
        item: dict[str, Any] = {"case": case_id, "fir": case.fir_number, "stage": case.stage}
        if first <= day <= last:
            per_court[court].append(item | {"date": day, "status": outcome, "purpose": purpose})
        if next_date and first <= next_date <= last:
            per_court[case.court or court].append(
                item | {"date": next_date, "status": "fixed", "purpose": None}
            )
    courts: list[dict[str, Any]] = [
        {"court": name, "hearings": sorted(per_court[name], key=_by_date)} for name in sorted(per_court)
    ]
    return {"from": first, "to": last, "courts": courts}


def absconders(session: Session, actor: Actor, *, home: str, case_ids: list[str]) -> list[dict[str, Any]]:
    """People the open cases are against who are absconding or abroad, with their valid warrants."""
    if not case_ids:
        return []
    rows = (
        session.execute(
            select(
                CaseParty.case_id,
                CaseParty.entity_id,
                CaseParty.role,
                CaseParty.custody,
                Entity.caption,
                Entity.legal_status,
            )
            .join(Entity, Entity.id == CaseParty.entity_id)
            .where(
                CaseParty.case_id.in_(case_ids),
                CaseParty.role.in_(AGAINST),
                CaseParty.custody.in_(("absconding", "abroad")),
                actor.visible(Entity.compartment),
            )
            .order_by(Entity.caption, CaseParty.case_id)
        )
    ).all()
    people: dict[str, dict[str, Any]] = {}
    for case_id, entity_id, role, custody, caption, legal_status in rows:
        person = people.setdefault(
            str(entity_id),
            {
                "entity": entity_id,
                "name": caption,
                "legal_status": legal_status,
                "cases": [],
                "custody": set(),
                "warrants": [],
            },
        )
        person["cases"].append({"case": case_id, "role": role, "custody": custody})
        person["custody"].add(custody)
    if not people:
        return []
    warrants = session.execute(
        select(Warrant)
        .where(Warrant.entity_id.in_(list(people)), Warrant.status == VALID, Warrant.case_id.in_(case_ids))
        .order_by(Warrant.issued_on)
    ).scalars()
    for warrant in warrants:
        people[warrant.entity_id]["warrants"].append(
            {
                "id": warrant.id,
                "kind": warrant.kind,
                "case": warrant.case_id,
                "court": warrant.court,
                "issued_on": warrant.issued_on,
                "reference": warrant.reference,
                "exhibit": warrant.exhibit_id,
            }
        )
    living = residences(session, actor, list(people))
    result = []
    for entity_id, person in people.items():
        residence = living.get(entity_id, {}).get("country")
        abroad_by_claim = residence is not None and residence.upper() != home.upper()
        person["abroad"] = "abroad" in person.pop("custody") or abroad_by_claim
        person["residence"] = residence
        person["red_notice_candidate"] = person["abroad"] and bool(person["warrants"])
        result.append(person)
    return result


def dashboard(
    session: Session, actor: Actor, *, machine: StageMachine, today: date, home: str = "PK"
) -> dict[str, Any]:
    """Everything the prosecutors' page shows, in one read."""
    rows = pending(session, actor, machine=machine, today=today, audit_read=False)["cases"]
    visible = {c.id: c for c in _open_cases(session, actor, machine)}
    week = _week(session, visible, today)
    horizon = (today + timedelta(days=AHEAD_DAYS)).isoformat()
    courts: dict[str, dict[str, Any]] = {}
    for row in rows:
        court = courts.setdefault(
            row["court"] or "(no court yet)",
            {
                "court": row["court"] or "(no court yet)",
                "pending": 0,
                "overdue": 0,
                "stalled": 0,
                "adjournments": 0,
                "coming_hearings": 0,
                "days_pending_total": 0,
            },
        )
        court["pending"] += 1
        court["overdue"] += row["overdue"]
        court["stalled"] += row["stalled"]
        court["adjournments"] += row["adjournments"]
        court["days_pending_total"] += row["days_pending"]
        if row["next_hearing"] and today.isoformat() <= row["next_hearing"] <= horizon:
            court["coming_hearings"] += 1
    for court in courts.values():
        court["average_days_pending"] = round(court.pop("days_pending_total") / court["pending"])
    people = absconders(session, actor, home=home, case_ids=list(visible))
    audit.record(
        session,
        actor,
        "case.dashboard",
        detail={"view": "all", "today": today.isoformat(), "cases": len(rows)},
    )
    return {
        "today": today.isoformat(),
        "totals": {
            "pending": len(rows),
            "overdue": sum(r["overdue"] for r in rows),
            "stalled": sum(r["stalled"] for r in rows),
            "adjournments": sum(r["adjournments"] for r in rows),
            "red_notice_candidates": sum(p["red_notice_candidate"] for p in people),
        },
        "by_stage": by_stage(rows, machine),
        "age_buckets": bucket_labels(machine.age_buckets),
        "stalled": [r for r in rows if r["stalled"]],
        "overdue": sorted((r for r in rows if r["overdue"]), key=lambda r: -r["days_overdue"]),
        "most_adjourned": sorted(
            (r for r in rows if r["adjournments"]), key=lambda r: (-r["adjournments"], r["id"])
        )[:20],
        "week": week,
        "absconders_abroad": [p for p in people if p["red_notice_candidate"]],
        "absconding": [p for p in people if not p["red_notice_candidate"]],
        "courts": sorted(courts.values(), key=lambda c: (-c["pending"], c["court"])),
        "cases": rows,
    }
