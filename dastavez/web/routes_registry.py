"""Registry pages: overview, search, lists of persons and organisations, profiles, new person.

Each handler makes one service call; roles and compartments are the services' business.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from dastavez.exc import DastavezError, InvalidInput
from dastavez.model.schema import model
from dastavez.registry.claims import CONFIDENCES
from dastavez.registry.entities import list_entities
from dastavez.registry.overview import overview
from dastavez.registry.profiles import profile
from dastavez.registry.records import add_person
from dastavez.registry.search import search_entities
from dastavez.storage.engine import Database
from dastavez.web.auth import UserDep, WebUser, WriterDep
from dastavez.web.deps import DbDep, SettingsDep, blank_to_none
from dastavez.web.forms import ClaimForm, PersonForm
from dastavez.web.pages import form_error, is_htmx, render

router = APIRouter()

SEARCH_PAGE = 20
LIST_PAGE = 50
PageQuery = Annotated[int, Query(ge=1, le=100_000)]


@router.get("/")
def dashboard(request: Request, user: UserDep, db: DbDep) -> HTMLResponse:
    with db.read() as session:
        view = overview(session, user.actor)
    return render(request, "dashboard.html", {"title": "Overview", "view": view})


@router.get("/search")
def search(
    request: Request,
    user: UserDep,
    db: DbDep,
    q: Annotated[str, Query(max_length=2000)] = "",
    schema: str = "",
    offset: Annotated[int, Query(ge=0, le=10_000)] = 0,
) -> HTMLResponse:
    query = q.strip()
    found: dict[str, Any] | None = None
    error: DastavezError | None = None
    if query:
        try:
            with db.audited_read() as session:  # searches are audited
                found = search_entities(session, user.actor, query=query, schema=schema or None,
                                        limit=SEARCH_PAGE, offset=offset)
        except InvalidInput as err:
            error = err
    context = {"title": "Search", "q": q, "schema": schema, "found": found, "error": error,
               "page_size": SEARCH_PAGE, "offset": offset}
    status = error.status if error else 200
    if is_htmx(request):
        # Explicit target, so that app.js swaps a refused query's message in like a result.
        return render(request, "_search_results.html", context, status=status,
                      headers={"HX-Retarget": "#results"})
    return render(request, "search.html", context, status=status)


def _listing(request: Request, user: WebUser, db: Database, schema: str, title: str,
             page: int) -> HTMLResponse:
    with db.read() as session:
        listing = list_entities(session, user.actor, schema=schema, page=page, per_page=LIST_PAGE)
    return render(request, "entity_list.html", {"title": title, "listing": listing, "schema": schema})


@router.get("/persons")
def person_list(request: Request, user: UserDep, db: DbDep, page: PageQuery = 1) -> HTMLResponse:
    return _listing(request, user, db, "Person", "People", page)


@router.get("/organisations")
def organisation_list(request: Request, user: UserDep, db: DbDep, page: PageQuery = 1) -> HTMLResponse:
    return _listing(request, user, db, "Organization", "Organisations", page)


def profile_context(view: dict[str, Any]) -> dict[str, Any]:
    return {"title": view["caption"], "entity": view, **claim_form_context(view["id"], ClaimForm())}


def claim_form_context(entity_id: str, form: ClaimForm, error: DastavezError | None = None,
                       invalid: str | None = None) -> dict[str, Any]:
    schema = model().by_prefix(entity_id)
    properties = list(schema.properties.values()) if schema else []
    return {"entity_id": entity_id, "properties": properties, "confidences": CONFIDENCES,
            "form": form, "error": error, "invalid": invalid}


@router.get("/entities/{entity_id}")
def entity_profile(request: Request, entity_id: str, user: UserDep, db: DbDep) -> HTMLResponse:
    with db.audited_read() as session:  # reading a profile is audited
        view = profile(session, user.actor, entity_id)
    return render(request, "profile.html", profile_context(view))


@router.get("/persons/new")
def person_form(request: Request, user: UserDep) -> HTMLResponse:
    return render(request, "person_new.html", {"title": "New person", "form": PersonForm(), "error": None,
                                               "invalid": None})


@router.post("/persons")
def person_create(
    request: Request,
    user: WriterDep,
    db: DbDep,
    settings: SettingsDep,
    name: Annotated[str, Form()] = "",
    name_ur: Annotated[str, Form()] = "",
    compartment: Annotated[str, Form()] = "",
) -> Response:
    form = PersonForm(name=name, name_ur=name_ur, compartment=compartment)
    try:
        with db.write() as session:
            entity = add_person(session, user.actor, name=name, name_ur=blank_to_none(name_ur),
                                compartment=blank_to_none(compartment), region=settings.default_region)
    except DastavezError as err:
        return form_error(request, fragment="_person_form.html", page_title="New person",
                          block_id="new-person", status=err.status,
                          context={"form": form, "error": err, "invalid": form.invalid(err)})
    return RedirectResponse(f"/entities/{entity.id}", status_code=303)
