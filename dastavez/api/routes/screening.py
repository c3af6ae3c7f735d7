"""Screening and name matching."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import Field

from dastavez.api.deps import ActorDep, DbDep, SettingsDep
from dastavez.api.schemas import Input
from dastavez.resolve.facts import clean_query_facts
from dastavez.resolve.index import catch_up
from dastavez.resolve.matching import match_names
from dastavez.resolve.screening import ScreenQuery, screen

router = APIRouter(tags=["screening"])


class QueryIn(Input):
    name: str = Field(max_length=500)
    dob: str | None = None
    country: str | None = None
    ids: list[str] = Field(default_factory=list, max_length=10)
    phones: list[str] = Field(default_factory=list, max_length=10)


class ScreenIn(Input):
    queries: list[QueryIn] = Field(min_length=1, max_length=10_000)
    limit: int = Field(default=10, ge=1, le=100)
    sources: list[str] | None = Field(default=None, max_length=20)


def _query(body: QueryIn, region: str) -> ScreenQuery:
    facts = clean_query_facts(
        dob=body.dob, country=body.country, identifiers=body.ids, phones=body.phones, default_region=region
    )
    return ScreenQuery(name=body.name, facts=facts)


@router.get("/screen")
def screen_one(
    actor: ActorDep,
    db: DbDep,
    settings: SettingsDep,
    name: Annotated[str, Query(max_length=500)],
    dob: str | None = None,
    country: str | None = None,
    id: Annotated[list[str] | None, Query()] = None,  # the query parameter's public name
    phone: Annotated[list[str] | None, Query()] = None,
    source: Annotated[list[str] | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 10,
) -> dict[str, Any]:
    """Ranked candidates for one name, each with a score (0–1), its source and an explanation."""
    query = _query(
        QueryIn(name=name, dob=dob, country=country, ids=id or [], phones=phone or []),
        settings.default_region,
    )
    catch_up(db)
    with db.audited_read() as session:
        results = screen(session, actor, [query], limit=limit, sources=tuple(source) if source else None)[0]
    return {"query": name, "results": results}


@router.post("/screen")
def screen_many(body: ScreenIn, actor: ActorDep, db: DbDep, settings: SettingsDep) -> dict[str, Any]:
    """A whole list at once: one result list per query, in order."""
    queries = [_query(q, settings.default_region) for q in body.queries]
    catch_up(db)
    with db.audited_read() as session:
        answers = screen(
            session, actor, queries, limit=body.limit, sources=tuple(body.sources) if body.sources else None
        )
    return {
        "queries": [
            {"row": i, "name": q.name, "results": a}
            for i, (q, a) in enumerate(zip(queries, answers, strict=True), 1)
        ]
    }


@router.get("/match")
def match(
    actor: ActorDep,
    settings: SettingsDep,
    a: Annotated[str, Query(max_length=500)],
    b: Annotated[str, Query(max_length=500)],
    schema: str = "Person",
) -> dict[str, Any]:
    """Two names compared directly, with the scorer screening uses."""
    actor.require("registry.read")
    return match_names(a, b, schema=schema, threshold=settings.match_threshold)
