"""Number attribution, its suggestions, recording corroboration and saved analyses."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import Field

from dastavez.api.deps import ActorDep, DbDep, SettingsDep
from dastavez.api.schemas import Input
from dastavez.comms.analyses import rerun_analysis, save_analysis
from dastavez.comms.attribution import attribute, list_attributions
from dastavez.comms.attribution_review import accept_suggestion, reject_suggestion
from dastavez.comms.corroboration import ClaimedCall, corroborate
from dastavez.comms.corroboration_records import corroborations_of
from dastavez.comms.suggestions import Thresholds, list_suggestions
from dastavez.evidence.exhibits import visible_exhibit
from dastavez.exc import InvalidInput

router = APIRouter(tags=["comms"])


class AttributionIn(Input):
    number: str = Field(max_length=40)
    person: str = Field(max_length=32)
    exhibit: str | None = Field(default=None, max_length=20)
    unsupported: bool = False
    valid_from: str | None = Field(default=None, max_length=32)
    valid_to: str | None = Field(default=None, max_length=32)
    locator: str | None = Field(default=None, max_length=200)


class AcceptIn(Input):
    exhibit: str | None = Field(default=None, max_length=20)
    unsupported: bool = False
    valid_from: str | None = Field(default=None, max_length=32)
    valid_to: str | None = Field(default=None, max_length=32)


class RejectIn(Input):
    reason: str = Field(max_length=2000)


class CorroborationIn(Input):
    caller: str = Field(max_length=40)
    callee: str = Field(max_length=40)
    start: str = Field(max_length=40, description="ISO 8601 with its zone")
    duration_s: int
    tolerance_s: int = 120
    duration_tolerance_s: int = 10
    duration_tolerance_pct: int = 10


class SavedAnalysisIn(Input):
    analysis: str = Field(max_length=40)
    parameters: dict[str, str | int | float | None] = Field(default_factory=dict)
    datasets: list[str] | None = None
    title: str | None = Field(default=None, max_length=300)


class RerunIn(Input):
    datasets: list[str] | None = None


@router.post("/attributions", status_code=201)
def create_attribution(
    body: AttributionIn, actor: ActorDep, db: DbDep, settings: SettingsDep
) -> dict[str, Any]:
    return attribute(db, actor, settings, number=body.number, person=body.person, exhibit=body.exhibit,
                     valid_from=body.valid_from, valid_to=body.valid_to, locator=body.locator,
                     unsupported=body.unsupported)


@router.get("/attributions")
def attributions(
    actor: ActorDep, db: DbDep, settings: SettingsDep, number: str | None = None, person: str | None = None
) -> dict[str, Any]:
    return list_attributions(db, actor, settings, number=number, person=person)


@router.get("/attribution-suggestions")
def suggestions(
    actor: ActorDep,
    db: DbDep,
    settings: SettingsDep,
    person: str | None = None,
    threshold: Annotated[float, Query(gt=0, le=1)] = 0.5,
    min_contacts: Annotated[int, Query(ge=1)] = 3,
) -> dict[str, Any]:
    return list_suggestions(db, actor, settings, person=person,
                            limits=Thresholds(threshold=threshold, min_contacts=min_contacts))


@router.post("/attribution-suggestions/{suggestion}/accept", status_code=201)
def accept(
    suggestion: str, body: AcceptIn, actor: ActorDep, db: DbDep, settings: SettingsDep
) -> dict[str, Any]:
    return accept_suggestion(db, actor, settings, suggestion=suggestion, exhibit=body.exhibit,
                             unsupported=body.unsupported, valid_from=body.valid_from, valid_to=body.valid_to)


@router.post("/attribution-suggestions/{suggestion}/reject", status_code=201)
def reject(
    suggestion: str, body: RejectIn, actor: ActorDep, db: DbDep, settings: SettingsDep
) -> dict[str, Any]:
    return reject_suggestion(db, actor, settings, suggestion=suggestion, reason=body.reason)


def _when(raw: str) -> datetime:
    try:
        value = datetime.fromisoformat(raw.strip().replace("Z", "+00:00"))
    except ValueError:
        raise InvalidInput("start must be an ISO 8601 time with its zone", field="start") from None
    if value.tzinfo is None:
        raise InvalidInput("start needs a time zone", field="start")
    return value


@router.post("/exhibits/{exhibit_id}/corroborations", status_code=201)
def create_corroboration(
    exhibit_id: str, body: CorroborationIn, actor: ActorDep, db: DbDep, settings: SettingsDep
) -> dict[str, Any]:
    claim = ClaimedCall(caller=body.caller, callee=body.callee, start=_when(body.start),
                        duration_s=body.duration_s, tolerance_s=body.tolerance_s,
                        duration_tolerance_s=body.duration_tolerance_s,
                        duration_tolerance_pct=body.duration_tolerance_pct)
    return corroborate(db, actor, settings, exhibit=exhibit_id, claim=claim)


@router.get("/exhibits/{exhibit_id}/corroborations")
def corroborations(exhibit_id: str, actor: ActorDep, db: DbDep) -> dict[str, Any]:
    with db.read() as session:
        exhibit = visible_exhibit(session, actor, exhibit_id)
        return {"exhibit": exhibit.id, "corroborations": corroborations_of(session, actor, exhibit.id)}


@router.post("/links/saved", status_code=201)
def save(body: SavedAnalysisIn, actor: ActorDep, db: DbDep, settings: SettingsDep) -> dict[str, Any]:
    return save_analysis(db, actor, settings, name=body.analysis, parameters=dict(body.parameters),
                         datasets=body.datasets, title=body.title)


@router.post("/links/saved/{exhibit_id}/rerun")
def rerun(
    exhibit_id: str, body: RerunIn, actor: ActorDep, db: DbDep, settings: SettingsDep
) -> dict[str, Any]:
    return rerun_analysis(db, actor, settings, exhibit=exhibit_id, datasets=body.datasets)
