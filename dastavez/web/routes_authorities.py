"""Legal authorities (warrants and orders): the list, one authority, and recording a new one."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from dastavez.evidence.authority import DATA_CLASSES, add_authority, list_authorities, show_authority
from dastavez.exc import DastavezError
from dastavez.storage.engine import Database
from dastavez.web.auth import UserDep, WebUser, WriterDep
from dastavez.web.deps import DbDep, SettingsDep, blank_to_none
from dastavez.web.evidence_forms import AuthorityForm, lines
from dastavez.web.pages import render

router = APIRouter()

#: "expiring soon" on the list: in force today and ending within this many days
EXPIRING_DAYS = 30


@router.get("/authorities")
def authority_list(request: Request, user: UserDep, db: DbDep,
                   expiring: Annotated[bool, Query()] = False) -> HTMLResponse:
    with db.read() as session:
        authorities = list_authorities(session, user.actor,
                                       expiring_within=EXPIRING_DAYS if expiring else None)
    return render(request, "evidence_authorities.html", {
        "title": "Legal authorities", "authorities": authorities, "expiring": expiring,
        "expiring_days": EXPIRING_DAYS})


def _form_page(request: Request, user: WebUser, db: Database, *, form: AuthorityForm,
               error: DastavezError | None = None, status: int = 200) -> HTMLResponse:
    with db.read() as session:
        renewable = list_authorities(session, user.actor)  # for the "renews" menu
    return render(request, "evidence_authority_new.html", {
        "title": "Record a legal authority", "form": form, "error": error, "invalid": form.invalid(error),
        "data_classes": DATA_CLASSES, "renewable": renewable}, status=status)


@router.get("/authorities/new")
def authority_new(request: Request, user: UserDep, db: DbDep) -> HTMLResponse:
    user.actor.require("authority.write")
    return _form_page(request, user, db, form=AuthorityForm())


@router.post("/authorities")
def authority_add(
    request: Request,
    user: WriterDep,
    db: DbDep,
    settings: SettingsDep,
    basis: Annotated[str, Form()] = "",
    reference: Annotated[str, Form()] = "",
    issued_by: Annotated[str, Form()] = "",
    applicant: Annotated[str, Form()] = "",
    authorising_officer: Annotated[str, Form()] = "",
    issued_on: Annotated[str, Form()] = "",
    valid_from: Annotated[str, Form()] = "",
    valid_to: Annotated[str, Form()] = "",
    targets: Annotated[str, Form()] = "",
    data_classes: Annotated[list[str] | None, Form()] = None,
    purpose: Annotated[str, Form()] = "",
    retention_until: Annotated[str, Form()] = "",
    document: Annotated[str, Form()] = "",
    renews: Annotated[str, Form()] = "",
    compartment: Annotated[str, Form()] = "",
) -> Response:
    form = AuthorityForm(basis=basis, reference=reference, issued_by=issued_by, applicant=applicant,
                         authorising_officer=authorising_officer, issued_on=issued_on, valid_from=valid_from,
                         valid_to=valid_to, targets=targets, data_classes=tuple(data_classes or ()),
                         purpose=purpose, retention_until=retention_until, document=document, renews=renews,
                         compartment=compartment)
    try:
        with db.write() as session:
            authority = add_authority(
                session, user.actor, basis=basis, reference=reference, issued_by=issued_by,
                valid_from=valid_from, valid_to=valid_to, targets=list(lines(targets)),
                applicant=blank_to_none(applicant), authorising_officer=blank_to_none(authorising_officer),
                issued_on=blank_to_none(issued_on), data_classes=list(form.data_classes),
                purpose=blank_to_none(purpose), retention_until=blank_to_none(retention_until),
                document_exhibit_id=blank_to_none(document), renews=blank_to_none(renews),
                compartment=blank_to_none(compartment), default_region=settings.default_region)
            authority_id = authority.id
    except DastavezError as err:
        return _form_page(request, user, db, form=form, error=err, status=err.status)
    return RedirectResponse(f"/authorities/{authority_id}", status_code=303)


@router.get("/authorities/{authority_id}")
def authority_page(request: Request, authority_id: str, user: UserDep, db: DbDep) -> HTMLResponse:
    with db.audited_read() as session:  # reading a warrant is audited
        authority = show_authority(session, user.actor, authority_id)
    return render(request, "evidence_authority.html",
                  {"title": authority["reference"], "authority": authority})
