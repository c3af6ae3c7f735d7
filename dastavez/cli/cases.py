"""Case commands: ``dastavez case …``; ``incident …`` and ``list …`` are registered from here too
(``cases_incidents``, ``cases_lists``)."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from dastavez.cases import casefile, dashboards, hearings, links, parties, records, warrants
from dastavez.cases.offences import offence_table
from dastavez.cases.stages import policy
from dastavez.cli import cases_incidents, cases_lists
from dastavez.cli.case_options import Compartment, Today, as_of, show
from dastavez.cli.context import emit, fields, state, table

case_app = typer.Typer(
    help="Court cases: FIRs, stages, parties, hearings, warrants, dashboards.", no_args_is_help=True
)


@case_app.command("add")
def case_add(
    fir: Annotated[str, typer.Option(help="FIR number, e.g. 12/2026.")],
    station: Annotated[str, typer.Option(help="Police station that registered the FIR.")],
    district: Annotated[str, typer.Option(help="District.")],
    section: Annotated[list[str], typer.Option(help='Statute section, e.g. "ATA 1997 s.7"; repeatable.')],
    registered: Annotated[
        str | None, typer.Option(help="Date of the FIR, YYYY-MM-DD (default: today).")
    ] = None,
    court: Annotated[str | None, typer.Option(help="Court the case is before, if any yet.")] = None,
    title: Annotated[str | None, typer.Option(help="A short title.")] = None,
    compartment: Compartment = None,
) -> None:
    """Register a case from its FIR (it starts at the investigation stage)."""
    st = state()
    actor = st.actor()
    with st.db.write() as session:
        case = records.add_case(
            session,
            actor,
            fir=fir,
            station=station,
            district=district,
            sections=section,
            registered_on=registered,
            court=court,
            title=title,
            compartment=compartment,
        )
        data = records.case_summary(case, records.offences_of(session, [case.id])[case.id])
    emit(data, show)


@case_app.command("show")
def caseshow(case_id: str, today: Today = None) -> None:
    """Show a case: stage and its history, parties, hearings, warrants, evidence."""
    st = state()
    actor = st.actor()
    with st.db.audited_read() as session:
        data = casefile.show_case(session, actor, case_id, machine=policy(st.settings), today=as_of(today))
    emit(data, show)


@case_app.command("list")
def case_list(
    stage: Annotated[str | None, typer.Option(help="Only this stage.")] = None,
    district: Annotated[str | None, typer.Option(help="Only this district.")] = None,
    page: int = 1,
    per_page: int = 50,
) -> None:
    """List cases you are cleared to see, newest FIR first."""
    st = state()
    actor = st.actor()
    with st.db.read() as session:
        data = records.list_cases(
            session, actor, stage=stage, district=district, page=page, per_page=per_page
        )
    emit(
        data,
        lambda d: table(
            f"Cases ({d['total']})",
            ["id", "FIR", "station", "stage", "court"],
            [(c["id"], c["fir"], c["station"], c["stage"], c["court"] or "") for c in d["cases"]],
        ),
    )


@case_app.command("stage")
def case_stage(
    case_id: str,
    stage: str,
    note: Annotated[str | None, typer.Option(help="Why, or the order.")] = None,
    court: Annotated[str | None, typer.Option(help="The court it now stands before.")] = None,
) -> None:
    """Move a case to its next stage; a move the stage machine does not allow is refused."""
    st = state()
    actor = st.actor()
    with st.db.write() as session:
        case = records.move_stage(
            session, actor, case_id=case_id, stage=stage, note=note, court=court, machine=policy(st.settings)
        )
        data = records.case_summary(case, records.offences_of(session, [case.id])[case.id])
    emit(data, show)


@case_app.command("party")
def case_party(
    case_id: str,
    role: Annotated[str, typer.Option(help=", ".join(parties.ROLES))],
    entity: Annotated[str | None, typer.Option(help="The person (PER-…).")] = None,
    name: Annotated[str | None, typer.Option(help="A witness's or complainant's name.")] = None,
    custody: Annotated[str | None, typer.Option(help=", ".join(parties.CUSTODY))] = None,
) -> None:
    """Add a party: an accused, absconder or proclaimed offender (with custody), a witness or complainant."""
    st = state()
    actor = st.actor()
    with st.db.write() as session:
        party = parties.add_party(
            session, actor, case_id=case_id, role=role, entity_id=entity, name=name, custody=custody
        )
        data = {
            "id": party.id,
            "case": party.case_id,
            "entity": party.entity_id,
            "role": party.role,
            "custody": party.custody,
        }
    emit(data, show)


@case_app.command("custody")
def case_custody(
    case_id: str,
    party: int,
    custody: Annotated[str, typer.Argument(help=", ".join(parties.CUSTODY))],
    note: Annotated[str | None, typer.Option(help="What happened.")] = None,
) -> None:
    """Record a party's new custody status (arrested, on-bail, absconding, abroad)."""
    st = state()
    actor = st.actor()
    with st.db.write() as session:
        row = parties.set_custody(session, actor, case_id=case_id, party_id=party, custody=custody, note=note)
        data = {"id": row.id, "case": row.case_id, "role": row.role, "custody": row.custody}
    emit(data, show)


@case_app.command("hearing")
def case_hearing(
    case_id: str,
    date_: Annotated[str, typer.Option("--date", help="Date of the hearing, YYYY-MM-DD.")],
    outcome: Annotated[str, typer.Option(help="held or adjourned.")],
    reason: Annotated[str | None, typer.Option(help="Why it was adjourned.")] = None,
    next_date: Annotated[str | None, typer.Option("--next", help="Next date fixed, YYYY-MM-DD.")] = None,
    court: Annotated[str | None, typer.Option(help="Court (default: the case's).")] = None,
    purpose: Annotated[str | None, typer.Option(help="What the hearing was for.")] = None,
) -> None:
    """Record a hearing that took place."""
    st = state()
    actor = st.actor()
    with st.db.write() as session:
        hearing = hearings.record_hearing(
            session,
            actor,
            case_id=case_id,
            date=date_,
            outcome=outcome,
            reason=reason,
            next_date=next_date,
            court=court,
            purpose=purpose,
        )
        data = hearings.hearing_view(hearing)
    emit(data, show)


@case_app.command("warrant")
def case_warrant(
    case_id: str,
    entity: Annotated[str, typer.Option(help="The person it is against (PER-…).")],
    kind: Annotated[str, typer.Option(help=", ".join(warrants.KINDS))],
    court: Annotated[str, typer.Option(help="Issuing court.")],
    issued_on: Annotated[str, typer.Option(help="Date of issue, YYYY-MM-DD.")],
    reference: Annotated[str, typer.Option(help="The warrant's reference.")],
    exhibit: Annotated[str | None, typer.Option(help="Its scanned copy, as an exhibit.")] = None,
) -> None:
    """Record a warrant issued against an accused, absconder or proclaimed offender."""
    st = state()
    actor = st.actor()
    with st.db.write() as session:
        warrant = warrants.issue_warrant(
            session,
            actor,
            case_id=case_id,
            entity_id=entity,
            kind=kind,
            court=court,
            issued_on=issued_on,
            reference=reference,
            exhibit_id=exhibit,
        )
        data = warrants.warrant_view(warrant)
    emit(data, show)


@case_app.command("warrant-status")
def case_warrant_status(
    warrant: int,
    status: Annotated[str, typer.Argument(help=", ".join(warrants.STATUSES))],
    note: Annotated[str | None, typer.Option(help="Why (needed to cancel or recall).")] = None,
) -> None:
    """Record that a warrant was executed, cancelled or recalled."""
    st = state()
    actor = st.actor()
    with st.db.write() as session:
        data = warrants.warrant_view(
            warrants.set_warrant_status(session, actor, warrant_id=warrant, status=status, note=note)
        )
    emit(data, show)


@case_app.command("link")
def case_link(
    case_id: str,
    exhibit: Annotated[str | None, typer.Option(help="An exhibit (EXH-…).")] = None,
    claim: Annotated[str | None, typer.Option(help="A claim (CLM-…).")] = None,
) -> None:
    """Link an exhibit or a claim to a case."""
    st = state()
    actor = st.actor()
    with st.db.write() as session:
        data = links.link_evidence(session, actor, case_id=case_id, exhibit_id=exhibit, claim_id=claim)
    emit(data, show)


@case_app.command("pending")
def case_pending(
    today: Today = None,
    stalled: Annotated[bool, typer.Option("--stalled", help="Only stalled cases.")] = False,
) -> None:
    """Pending cases by age, with days in stage, overdue and stalled flags."""
    st = state()
    actor = st.actor()
    with st.db.audited_read() as session:
        data = dashboards.pending(session, actor, machine=policy(st.settings), today=as_of(today))
    if stalled:
        data["cases"] = [c for c in data["cases"] if c["stalled"]]
    emit(
        data,
        lambda d: table(
            f"Pending cases on {d['today']} ({len(d['cases'])})",
            ["id", "FIR", "stage", "days pending", "days in stage", "overdue", "stalled"],
            [
                (
                    c["id"],
                    c["fir"],
                    c["stage"],
                    c["days_pending"],
                    c["days_in_stage"],
                    "yes" if c["overdue"] else "",
                    "; ".join(c["stalled_because"]),
                )
                for c in d["cases"]
            ],
        ),
    )


@case_app.command("dashboard")
def case_dashboard(today: Today = None) -> None:
    """Everything on the prosecutors' dashboard: stages and ages, stalls, the week, absconders, courts."""
    st = state()
    actor = st.actor()
    with st.db.audited_read() as session:
        data = dashboards.dashboard(
            session, actor, machine=policy(st.settings), today=as_of(today), home=st.settings.default_region
        )

    def render(d: dict[str, Any]) -> None:
        fields(d["totals"].items())
        table(
            "By stage",
            ["stage", "pending", "overdue", "stalled", *d["age_buckets"]],
            [
                (s["label"], s["count"], s["overdue"], s["stalled"], *s["ages"].values())
                for s in d["by_stage"]
            ],
        )
        table(
            "Absconders abroad with a valid warrant",
            ["person", "name", "cases", "warrants"],
            [
                (
                    p["entity"],
                    p["name"],
                    ", ".join(c["case"] for c in p["cases"]),
                    ", ".join(w["reference"] for w in p["warrants"]),
                )
                for p in d["absconders_abroad"]
            ],
        )
        table(
            "Courts",
            ["court", "pending", "overdue", "stalled", "coming hearings"],
            [
                (c["court"], c["pending"], c["overdue"], c["stalled"], c["coming_hearings"])
                for c in d["courts"]
            ],
        )

    emit(data, render)


@case_app.command("offences")
def case_offences() -> None:
    """The table of statute sections a case can be registered under."""
    data = {"offences": [o.as_dict() for o in offence_table().offences.values()]}
    emit(
        data, lambda d: table("Offences", ["code", "title"], [(o["code"], o["title"]) for o in d["offences"]])
    )


def register(app: typer.Typer) -> None:
    app.add_typer(case_app, name="case")
    app.add_typer(cases_incidents.incident_app, name="incident")
    app.add_typer(cases_lists.list_app, name="list")
