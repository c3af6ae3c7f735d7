"""The forms on an exhibit's page: a custody event, a verification, and its review.

Each posts to its own path and redirects back to the exhibit (303); through htmx the
refreshed exhibit section is swapped in. A refusal from the services (a break in the chain,
a second verification while one waits for review, an examiner reviewing their own work)
comes back as the form with its one-line message and the error's status; nothing is written,
because the service raised inside the transaction.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from dastavez.access.actor import Actor
from dastavez.evidence import custody, verification
from dastavez.evidence.exhibits import visible_exhibit
from dastavez.evidence.vault import check_file_at_handover
from dastavez.exc import DastavezError
from dastavez.settings import Settings
from dastavez.storage.engine import Database
from dastavez.web.auth import WriterDep
from dastavez.web.deps import DbDep, SettingsDep, blank_to_none
from dastavez.web.evidence_forms import (
    DEFAULT_ZONE,
    CustodyForm,
    ReviewForm,
    VerificationForm,
    local_time,
    zone_choices,
)
from dastavez.web.pages import form_error, is_htmx

router = APIRouter()


def _shown_id(exhibit_id: str) -> str:
    """The exhibit number as typed into the URL, reduced to what numbers are made of (it goes
    into a link and, through the form, near response headers)."""
    return re.sub(r"[^A-Z0-9-]", "", exhibit_id.upper())[:40]


def _refused(request: Request, exhibit_id: str, error: DastavezError, *, fragment: str, title: str,
             block_id: str, context: dict[str, Any]) -> HTMLResponse:
    return form_error(request, fragment=fragment, page_title=title, block_id=block_id, status=error.status,
                      context={"exhibit": {"id": _shown_id(exhibit_id)}, "error": error,
                               "standalone": not is_htmx(request)} | context)


def _hash_check(db: Database, actor: Actor, exhibit_id: str, settings: Settings) -> custody.HashCheck:
    return check_file_at_handover(db, actor, exhibit_id, settings=settings)


@router.post("/exhibits/{exhibit_id}/custody")
def custody_record(
    request: Request,
    exhibit_id: str,
    user: WriterDep,
    db: DbDep,
    settings: SettingsDep,
    action: Annotated[str, Form()] = "",
    to: Annotated[str, Form()] = "",
    at: Annotated[str, Form()] = "",
    zone: Annotated[str, Form()] = DEFAULT_ZONE,
    place: Annotated[str, Form()] = "",
    purpose: Annotated[str, Form()] = "",
    seal_number: Annotated[str, Form()] = "",
    note: Annotated[str, Form()] = "",
    check_hash: Annotated[str, Form()] = "",
) -> Response:
    form = CustodyForm(action=action, to=to, at=at, zone=zone, place=place, purpose=purpose,
                       seal_number=seal_number, note=note, check_hash=bool(check_hash))
    try:
        occurred_at = local_time(at, zone, field="at")
        hash_check = _hash_check(db, user.actor, exhibit_id, settings) if form.check_hash else None
        with db.write() as session:
            exhibit = visible_exhibit(session, user.actor, exhibit_id)
            custody.record_event(session, user.actor, exhibit, action=action, to_holder=blank_to_none(to),
                                 occurred_at=occurred_at, place=blank_to_none(place),
                                 purpose=blank_to_none(purpose), seal_number=blank_to_none(seal_number),
                                 note=blank_to_none(note), hash_check=hash_check)
            number = exhibit.id
    except DastavezError as err:
        return _refused(request, exhibit_id, err, fragment="_custody_form.html",
                        title="Record a custody event", block_id="custody-form",
                        context={"custody_form": form, "invalid": form.invalid(err),
                                 "actions": [a for a in custody.ACTIONS if a != "collected"],
                                 "zones": zone_choices()})
    return RedirectResponse(f"/exhibits/{number}#custody", status_code=303)


@router.post("/exhibits/{exhibit_id}/verifications")
def verification_record(
    request: Request,
    exhibit_id: str,
    user: WriterDep,
    db: DbDep,
    method: Annotated[str, Form()] = "",
    result: Annotated[str, Form()] = "",
    report: Annotated[str, Form()] = "",
    note: Annotated[str, Form()] = "",
) -> Response:
    form = VerificationForm(method=method, result=result, report=report, note=note)
    try:
        with db.write() as session:
            exhibit = visible_exhibit(session, user.actor, exhibit_id)
            verification.record_verification(session, user.actor, exhibit, method=method, result=result,
                                             report_exhibit_id=blank_to_none(report),
                                             note=blank_to_none(note))
            number = exhibit.id
    except DastavezError as err:
        return _refused(request, exhibit_id, err, fragment="_evidence_verification_form.html",
                        title="Record a verification", block_id="verification-form",
                        context={"verification_form": form, "invalid": form.invalid(err),
                                 "results": verification.RESULTS})
    return RedirectResponse(f"/exhibits/{number}#verification", status_code=303)


@router.post("/exhibits/{exhibit_id}/verifications/review")
def verification_review(
    request: Request,
    exhibit_id: str,
    user: WriterDep,
    db: DbDep,
    decision: Annotated[str, Form()] = "",
    note: Annotated[str, Form()] = "",
) -> Response:
    form = ReviewForm(decision=decision, note=note)
    try:
        with db.write() as session:
            exhibit = visible_exhibit(session, user.actor, exhibit_id)
            verification.review_verification(session, user.actor, exhibit, decision=decision,
                                             note=blank_to_none(note))
            number = exhibit.id
    except DastavezError as err:
        return _refused(request, exhibit_id, err, fragment="_evidence_review_form.html",
                        title="Review the verification", block_id="review-form",
                        context={"review_form": form, "invalid": form.invalid(err),
                                 "decisions": verification.DECISIONS})
    return RedirectResponse(f"/exhibits/{number}#verification", status_code=303)
