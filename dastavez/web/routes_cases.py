"""Case pages: the prosecutors' dashboard, one case with its hearing and stage forms, a new case.

The incident pages (``routes_cases_incidents``) and the list pages (``routes_cases_lists``)
are included here, so ``mount_web`` needs to know only this router. Forms post normally and
through htmx; a refused form comes back with its message and what was typed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from dastavez.cases import casefile, dashboards, hearings, records
from dastavez.cases.stages import policy
from dastavez.exc import DastavezError, InvalidInput
from dastavez.settings import Settings
from dastavez.storage.engine import Database
from dastavez.web import routes_cases_incidents, routes_cases_lists
from dastavez.web.auth import UserDep, WebUser, WriterDep
from dastavez.web.deps import DbDep, SettingsDep, blank_to_none
from dastavez.web.forms import FormValues
from dastavez.web.pages import form_error, render

router = APIRouter()
router.include_router(routes_cases_incidents.router)
router.include_router(routes_cases_lists.router)

TodayQuery = Annotated[str, Query(max_length=10)]


def as_of(raw: str) -> date:
    """``?today=YYYY-MM-DD`` shows a page as of that day (default: today)."""
    if not raw:
        return records.today_utc()
    try:
        return date.fromisoformat(raw)
    except ValueError as err:
        raise InvalidInput("today must be a date written YYYY-MM-DD", field="today") from err


@dataclass(frozen=True)
class HearingForm(FormValues):
    date: str = ""
    outcome: str = "held"
    reason: str = ""
    next_date: str = ""
    purpose: str = ""
    court: str = ""


@dataclass(frozen=True)
class StageForm(FormValues):
    stage: str = ""
    note: str = ""
    court: str = ""


@dataclass(frozen=True)
class CaseForm(FormValues):
    fir: str = ""
    station: str = ""
    district: str = ""
    sections: str = ""
    registered_on: str = ""
    court: str = ""
    title: str = ""
    compartment: str = ""


@router.get("/cases")
def cases_dashboard(
    request: Request, user: UserDep, db: DbDep, settings: SettingsDep, today: TodayQuery = ""
) -> HTMLResponse:
    with db.audited_read() as session:
        view = dashboards.dashboard(
            session, user.actor, machine=policy(settings), today=as_of(today), home=settings.default_region
        )
    return render(
        request, "cases_dashboard.html", {"title": "Pending cases", "view": view, "pending": view["cases"]}
    )


def _case_context(
    user: WebUser,
    db: Database,
    settings: Settings,
    case_id: str,
    *,
    hearing_form: HearingForm | None = None,
    stage_form: StageForm | None = None,
    error: DastavezError | None = None,
) -> dict[str, Any]:
    with db.audited_read() as session:  # reading a case is audited
        case = casefile.show_case(
            session, user.actor, case_id, machine=policy(settings), today=records.today_utc()
        )
    refused = hearing_form or stage_form
    return {
        "title": f"{case['id']} · FIR {case['fir']}",
        "case": case,
        "outcomes": hearings.OUTCOMES,
        "hearing_form": hearing_form or HearingForm(date=records.today_utc().isoformat()),
        "stage_form": stage_form or StageForm(),
        "hearing_error": error if hearing_form is not None else None,
        "stage_error": error if stage_form is not None else None,
        "invalid": refused.invalid(error) if refused else None,
    }


@router.get("/cases/new")
def case_new(request: Request, user: UserDep) -> HTMLResponse:
    user.actor.require("case.write")
    return render(
        request,
        "cases_new.html",
        {"title": "Register a case", "form": CaseForm(), "error": None, "invalid": None},
    )


@router.post("/cases")
def case_add(
    request: Request,
    user: WriterDep,
    db: DbDep,
    fir: Annotated[str, Form()] = "",
    station: Annotated[str, Form()] = "",
    district: Annotated[str, Form()] = "",
    sections: Annotated[str, Form()] = "",
    registered_on: Annotated[str, Form()] = "",
    court: Annotated[str, Form()] = "",
    title: Annotated[str, Form()] = "",
    compartment: Annotated[str, Form()] = "",
) -> Response:
    form = CaseForm(
        fir=fir,
        station=station,
        district=district,
        sections=sections,
        registered_on=registered_on,
        court=court,
        title=title,
        compartment=compartment,
    )
    try:
        with db.write() as session:
            case = records.add_case(
                session,
                user.actor,
                fir=fir,
                station=station,
                district=district,
                sections=[s for s in sections.replace(";", "\n").splitlines() if s.strip()],
                registered_on=blank_to_none(registered_on),
                court=blank_to_none(court),
                title=blank_to_none(title),
                compartment=blank_to_none(compartment),
            )
            case_id = case.id
    except DastavezError as err:
        return render(
            request,
            "cases_new.html",
            {"title": "Register a case", "form": form, "error": err, "invalid": form.invalid(err)},
            status=err.status,
        )
    return RedirectResponse(f"/cases/{case_id}", status_code=303)


@router.get("/cases/{case_id}")
def case_page(
    request: Request, case_id: str, user: UserDep, db: DbDep, settings: SettingsDep
) -> HTMLResponse:
    return render(request, "cases_case.html", _case_context(user, db, settings, case_id))


@router.post("/cases/{case_id}/hearings")
def case_hearing(
    request: Request,
    case_id: str,
    user: WriterDep,
    db: DbDep,
    settings: SettingsDep,
    date: Annotated[str, Form()] = "",
    outcome: Annotated[str, Form()] = "held",
    reason: Annotated[str, Form()] = "",
    next_date: Annotated[str, Form()] = "",
    purpose: Annotated[str, Form()] = "",
    court: Annotated[str, Form()] = "",
) -> Response:
    form = HearingForm(
        date=date, outcome=outcome, reason=reason, next_date=next_date, purpose=purpose, court=court
    )
    try:
        with db.write() as session:
            hearing = hearings.record_hearing(
                session,
                user.actor,
                case_id=case_id,
                date=date,
                outcome=outcome,
                reason=blank_to_none(reason),
                next_date=blank_to_none(next_date),
                purpose=blank_to_none(purpose),
                court=blank_to_none(court),
            )
            found = hearing.case_id
    except DastavezError as err:
        return _refused(request, user, db, settings, case_id, err, hearing_form=form)
    return RedirectResponse(f"/cases/{found}#hearings", status_code=303)


@router.post("/cases/{case_id}/stage")
def case_stage(
    request: Request,
    case_id: str,
    user: WriterDep,
    db: DbDep,
    settings: SettingsDep,
    stage: Annotated[str, Form()] = "",
    note: Annotated[str, Form()] = "",
    court: Annotated[str, Form()] = "",
) -> Response:
    form = StageForm(stage=stage, note=note, court=court)
    try:
        with db.write() as session:
            case = records.move_stage(
                session,
                user.actor,
                case_id=case_id,
                stage=stage,
                note=blank_to_none(note),
                court=blank_to_none(court),
                machine=policy(settings),
            )
            found = case.id
    except DastavezError as err:
        return _refused(request, user, db, settings, case_id, err, stage_form=form)
    return RedirectResponse(f"/cases/{found}", status_code=303)


def _refused(
    request: Request,
    user: WebUser,
    db: Database,
    settings: Settings,
    case_id: str,
    error: DastavezError,
    *,
    hearing_form: HearingForm | None = None,
    stage_form: StageForm | None = None,
) -> Response:
    """A refused form on a case the user can see comes back in place; any other error is the error page."""
    if error.status in (403, 404) and error.field in (None, "case"):
        raise error
    context = _case_context(
        user, db, settings, case_id, hearing_form=hearing_form, stage_form=stage_form, error=error
    )
    if hearing_form is not None:
        return form_error(
            request,
            fragment="_cases_hearing_form.html",
            page_title="Record a hearing",
            block_id="record-hearing",
            status=error.status,
            context=context,
        )
    return form_error(
        request,
        fragment="_cases_stage_form.html",
        page_title="Move the case",
        block_id="move-stage",
        status=error.status,
        context=context,
    )
