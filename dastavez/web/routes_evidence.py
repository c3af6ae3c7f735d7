"""The exhibit register: the list, one exhibit with its custody and verification, registering one.

The evidence pages live in three more modules, included here so that ``mount_web`` needs to
know only this router: ``routes_evidence_upload`` (uploading a file), ``routes_custody``
(the custody and verification forms on an exhibit's page) and ``routes_authorities``.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from dastavez.evidence import custody, verification
from dastavez.evidence.exhibits import KINDS, NUMBER, register_exhibit
from dastavez.evidence.listing import list_evidence
from dastavez.evidence.vault import show_evidence
from dastavez.exc import DastavezError
from dastavez.web import routes_authorities, routes_custody, routes_evidence_upload
from dastavez.web.auth import UserDep, WebUser, WriterDep
from dastavez.web.deps import DbDep, blank_to_none
from dastavez.web.evidence_forms import CustodyForm, ReviewForm, VerificationForm, zone_choices
from dastavez.web.forms import ExhibitForm
from dastavez.web.pages import form_error, render

router = APIRouter()
# Before /exhibits/{exhibit_id}: "/exhibits/upload" must not be read as an exhibit number.
router.include_router(routes_evidence_upload.router)
router.include_router(routes_custody.router)
router.include_router(routes_authorities.router)

PAGE = 50


@router.get("/exhibits")
def exhibit_list(request: Request, user: UserDep, db: DbDep,
                 page: Annotated[int, Query(ge=1, le=100_000)] = 1,
                 flagged: Annotated[bool, Query()] = False,
                 registered: Annotated[str, Query(max_length=20)] = "") -> HTMLResponse:
    with db.read() as session:
        register = list_evidence(session, user.actor, page=page, per_page=PAGE, flagged=flagged)
    return render(request, "exhibits.html", {
        "title": "Exhibit register", "register": register, "kinds": KINDS, "flagged": flagged,
        "registered": registered if NUMBER.match(registered) else "",
        "form": ExhibitForm(), "error": None, "invalid": None})


def exhibit_context(user: WebUser, exhibit: dict[str, Any]) -> dict[str, Any]:
    """What the exhibit page shows besides the exhibit: its forms, and who may use them."""
    latest = exhibit["verifications"][-1] if exhibit["verifications"] else None
    pending = latest if latest is not None and latest["review_decision"] is None else None
    return {
        "title": exhibit["id"],
        "exhibit": exhibit,
        "pending": pending,
        "can_record_custody": (user.can("custody.record") and exhibit["custody_state"] != "destroyed"
                               and (exhibit["holder"] == user.username or user.can("custody.manage"))),
        "can_verify": (user.can("verification.record") and pending is None
                       and exhibit["integrity"] != "broken"),
        "can_review": user.can("verification.review") and pending is not None,
        "custody_form": CustodyForm(), "verification_form": VerificationForm(), "review_form": ReviewForm(),
        "actions": [a for a in custody.ACTIONS if a != "collected"], "zones": zone_choices(),
        "results": verification.RESULTS, "decisions": verification.DECISIONS,
        "error": None, "invalid": None,
    }


@router.get("/exhibits/{exhibit_id}")
def exhibit_page(request: Request, exhibit_id: str, user: UserDep, db: DbDep) -> HTMLResponse:
    with db.audited_read() as session:  # reading an exhibit is audited
        exhibit = show_evidence(session, user.actor, exhibit_id)
    return render(request, "exhibit.html", exhibit_context(user, exhibit))


@router.post("/exhibits")
def exhibit_register(
    request: Request,
    user: WriterDep,
    db: DbDep,
    title: Annotated[str, Form()] = "",
    kind: Annotated[str, Form()] = "document",
    sha256: Annotated[str, Form()] = "",
    description: Annotated[str, Form()] = "",
    compartment: Annotated[str, Form()] = "",
) -> Response:
    form = ExhibitForm(title=title, kind=kind, sha256=sha256, description=description,
                       compartment=compartment)
    try:
        with db.write() as session:
            exhibit = register_exhibit(session, user.actor, title=title, kind=kind,
                                       sha256=blank_to_none(sha256), description=blank_to_none(description),
                                       compartment=blank_to_none(compartment))
    except DastavezError as err:
        return form_error(request, fragment="_exhibit_form.html", page_title="Register an exhibit",
                          block_id="register-exhibit", status=err.status,
                          context={"form": form, "kinds": KINDS, "error": err, "invalid": form.invalid(err)})
    return RedirectResponse(f"/exhibits?registered={exhibit.id}", status_code=303)
