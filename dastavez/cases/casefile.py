"""One case as its page shows it: the FIR, offences, stage and its history, parties, hearings,
warrants, linked evidence and incidents, and how it stands today. Reading it is audited."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from dastavez.access import audit
from dastavez.access.actor import Actor
from dastavez.cases.ageing import HearingFact, assess
from dastavez.cases.hearings import hearings_of
from dastavez.cases.links import evidence_of
from dastavez.cases.parties import parties_of
from dastavez.cases.records import case_summary, offence_details, offences_of, stage_history, visible_case
from dastavez.cases.stages import StageMachine
from dastavez.cases.warrants import warrants_of_case
from dastavez.storage.case_tables import Incident, IncidentCase


def show_case(
    session: Session, actor: Actor, case_id: str, *, machine: StageMachine, today: date
) -> dict[str, Any]:
    case = visible_case(session, actor, case_id)
    hearings = hearings_of(session, case.id)
    facts = [HearingFact(h["date"], h["outcome"], h["next_date"], h["court"]) for h in hearings]
    parties = parties_of(session, actor, [case.id])[case.id]
    shown = {p["entity"] for p in parties if p["entity"]}
    incidents = session.execute(
        select(Incident.id, Incident.occurred_at, Incident.district, Incident.kind)
        .join(IncidentCase, IncidentCase.incident_id == Incident.id)
        .where(IncidentCase.case_id == case.id, actor.visible(Incident.compartment))
        .order_by(Incident.occurred_at)
    )
    view = case_summary(case, offences_of(session, [case.id])[case.id], machine) | assess(
        case, facts, machine, today
    )
    view.update(
        offences=offence_details(view["sections"]),
        next_stages=[{"name": n, "label": machine.stages[n].label} for n in machine.stage(case.stage).next],
        stage_history=stage_history(session, case.id),
        parties=parties,
        hearings=hearings,
        # a warrant against someone the actor may not see stays as hidden as the person
        warrants=[w for w in warrants_of_case(session, case.id) if w["entity"] in shown],
        evidence=evidence_of(session, actor, case.id),
        incidents=[
            {"id": i, "occurred_at": at.isoformat(), "district": d, "kind": k} for i, at, d, k in incidents
        ],
        created_by=case.created_by,
        today=today.isoformat(),
    )
    audit.record(
        session, actor, "case.read", target_type="case", target_id=case.id, compartment=case.compartment
    )
    return view
