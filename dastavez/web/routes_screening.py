"""Screening and name-matching pages: one name (with facts) at a time, results with reasons."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from dastavez.exc import DastavezError
from dastavez.resolve.facts import clean_query_facts
from dastavez.resolve.index import catch_up
from dastavez.resolve.matching import match_names
from dastavez.resolve.screening import ScreenQuery, screen
from dastavez.web.auth import UserDep
from dastavez.web.deps import DbDep, SettingsDep
from dastavez.web.pages import render

router = APIRouter()
Text = Annotated[str, Query(max_length=500)]


@router.get("/screen")
def screen_page(
    request: Request,
    user: UserDep,
    db: DbDep,
    settings: SettingsDep,
    name: Text = "",
    dob: Text = "",
    country: Text = "",
    ident: Text = "",
    phone: Text = "",
) -> HTMLResponse:
    results: list[dict[str, Any]] | None = None
    error: DastavezError | None = None
    if name.strip():
        try:
            facts = clean_query_facts(
                dob=dob.strip() or None,
                country=country.strip() or None,
                identifiers=[ident.strip()] if ident.strip() else [],
                phones=[phone.strip()] if phone.strip() else [],
                default_region=settings.default_region,
            )
            catch_up(db)
            with db.audited_read() as session:
                results = screen(session, user.actor, [ScreenQuery(name.strip(), facts)], limit=20)[0]
        except DastavezError as err:
            error = err
    context = {
        "title": "Screening",
        "name": name,
        "dob": dob,
        "country": country,
        "ident": ident,
        "phone": phone,
        "results": results,
        "error": error,
    }
    return render(request, "screen.html", context, status=error.status if error else 200)


@router.get("/match")
def match_page(
    request: Request,
    user: UserDep,
    settings: SettingsDep,
    a: Text = "",
    b: Text = "",
    schema: str = "Person",
) -> HTMLResponse:
    result: dict[str, Any] | None = None
    error: DastavezError | None = None
    if a.strip() and b.strip():
        try:
            user.actor.require("registry.read")
            result = match_names(a, b, schema=schema, threshold=settings.match_threshold)
        except DastavezError as err:
            error = err
    context = {
        "title": "Compare two names",
        "a": a,
        "b": b,
        "schema": schema,
        "result": result,
        "error": error,
    }
    return render(request, "match.html", context, status=error.status if error else 200)
