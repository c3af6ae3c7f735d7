"""The exhibit register: the list, one exhibit, and registering a new one."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from dastavez.evidence.exhibits import KINDS, NUMBER, list_exhibits, register_exhibit, show_exhibit
from dastavez.exc import DastavezError
from dastavez.web.auth import UserDep, WriterDep
from dastavez.web.deps import DbDep, blank_to_none
from dastavez.web.forms import ExhibitForm
from dastavez.web.pages import form_error, render

router = APIRouter()

PAGE = 50


@router.get("/exhibits")
def exhibit_list(request: Request, user: UserDep, db: DbDep,
                 page: Annotated[int, Query(ge=1, le=100_000)] = 1,
                 registered: Annotated[str, Query(max_length=20)] = "") -> HTMLResponse:
    with db.read() as session:
        register = list_exhibits(session, user.actor, page=page, per_page=PAGE)
    return render(request, "exhibits.html", {
        "title": "Exhibit register", "register": register, "kinds": KINDS,
        "registered": registered if NUMBER.match(registered) else "",
        "form": ExhibitForm(), "error": None, "invalid": None})


@router.get("/exhibits/{exhibit_id}")
def exhibit_page(request: Request, exhibit_id: str, user: UserDep, db: DbDep) -> HTMLResponse:
    with db.audited_read() as session:  # reading an exhibit is audited
        exhibit = show_exhibit(session, user.actor, exhibit_id)
    return render(request, "exhibit.html", {"title": exhibit["id"], "exhibit": exhibit})


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
