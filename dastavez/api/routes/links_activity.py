"""Activity over time, co-location, shared handsets and graph exports.

``dataset`` (repeatable) narrows to those datasets (all visible ones by default); ``since`` and
``until`` take a date (the ``until`` day included) or an ISO 8601 time, UTC unless it has an
offset; ``node`` (repeatable) is a number (E.164) or a person id.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import FileResponse
from starlette.background import BackgroundTask

from dastavez.api.deps import ActorDep, DbDep, SettingsDep
from dastavez.comms.activity_params import parse_bound
from dastavez.comms.colocation import colocation
from dastavez.comms.exports import FORMATS, check_format, export_links
from dastavez.comms.imei import handsets
from dastavez.comms.incident_activity import incident_activity
from dastavez.comms.timeline import daily_timeline

router = APIRouter(tags=["comms"])

Nodes = Annotated[list[str] | None, Query(alias="node", description="numbers or person ids, repeatable")]
Datasets = Annotated[list[str] | None, Query(alias="dataset", description="dataset ids (CDR-…), repeatable")]
Since = Annotated[str | None, Query(description="from this date or ISO 8601 time")]
Until = Annotated[str | None, Query(description="up to this date (included) or ISO 8601 time")]


def _window(since: str | None, until: str | None, zone: str = "UTC") -> dict[str, Any]:
    """Dates as days in ``zone`` (the timeline's zone; UTC elsewhere)."""
    return {
        "since": parse_bound(since, "since", end=False, zone=zone),
        "until": parse_bound(until, "until", end=True, zone=zone),
    }


@router.get("/links/timeline")
def timeline(
    actor: ActorDep,
    db: DbDep,
    settings: SettingsDep,
    nodes: Nodes = None,
    datasets: Datasets = None,
    since: Since = None,
    until: Until = None,
    tz: str = "UTC",
) -> dict[str, Any]:
    return daily_timeline(
        db, actor, settings, nodes=nodes, datasets=datasets, time_zone=tz, **_window(since, until, tz)
    )


@router.get("/links/incidents")
def incidents(
    actor: ActorDep,
    db: DbDep,
    settings: SettingsDep,
    incident: Annotated[list[str] | None, Query(description="incident ids, repeatable")] = None,
    nodes: Nodes = None,
    org: Annotated[
        list[str] | None, Query(description="organisations whose members count, repeatable")
    ] = None,
    datasets: Datasets = None,
    window_days: int = 7,
    baseline_weeks: int = 8,
    method: str = "poisson",
    min_contacts: int = 5,
    min_ratio: float = 2.0,
    z_threshold: float = 3.0,
    top_pairs: int = 10,
) -> dict[str, Any]:
    return incident_activity(
        db,
        actor,
        settings,
        incidents=incident,
        nodes=nodes,
        organizations=org,
        datasets=datasets,
        window_days=window_days,
        baseline_weeks=baseline_weeks,
        method=method,
        min_contacts=min_contacts,
        min_ratio=min_ratio,
        z_threshold=z_threshold,
        top_pairs=top_pairs,
    )


@router.get("/links/colocation")
def colocated(
    actor: ActorDep,
    db: DbDep,
    settings: SettingsDep,
    nodes: Nodes = None,
    datasets: Datasets = None,
    since: Since = None,
    until: Until = None,
    bucket_minutes: int = 15,
    min_times: int = 3,
    max_crowd: int = 50,
    limit: int = 100,
) -> dict[str, Any]:
    return colocation(
        db,
        actor,
        settings,
        nodes=nodes,
        datasets=datasets,
        bucket_minutes=bucket_minutes,
        min_times=min_times,
        max_crowd=max_crowd,
        limit=limit,
        **_window(since, until),
    )


@router.get("/links/imei")
def imei(
    actor: ActorDep,
    db: DbDep,
    settings: SettingsDep,
    nodes: Nodes = None,
    datasets: Datasets = None,
    since: Since = None,
    until: Until = None,
    min_sims: int = 2,
) -> dict[str, Any]:
    return handsets(
        db, actor, settings, nodes=nodes, datasets=datasets, min_sims=min_sims, **_window(since, until)
    )


_DOWNLOAD: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "the export as a file",
        "content": {
            media.split(";")[0]: {"schema": {"type": "string", "format": "binary"}}
            for media, _ in FORMATS.values()
        },
    }
}


@router.get("/links/export", response_class=FileResponse, responses=_DOWNLOAD)
def export(
    actor: ActorDep,
    db: DbDep,
    settings: SettingsDep,
    format: Annotated[str, Query(description=", ".join(FORMATS))] = "graphml",
    level: str = "person",
    table: Annotated[str, Query(description="csv only: edges or nodes")] = "edges",
    datasets: Datasets = None,
    since: Since = None,
    until: Until = None,
) -> FileResponse:
    """The export as a download; written to a temporary file first, so that the read is on
    record (audited) before the first byte leaves."""
    check_format(format, table)
    folder = settings.home / "tmp"
    folder.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(prefix="links-export-", suffix=".part", dir=folder)
    path = Path(name)
    try:
        with os.fdopen(handle, "wb") as stream:
            data = export_links(
                db,
                actor,
                settings,
                fmt=format,
                out=stream,
                csv_table=table,
                level=level,
                datasets=datasets,
                destination="api download",
                **_window(since, until),
            )
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    suffix = FORMATS[format][1]
    filename = f"links-{level}{'-nodes' if format == 'csv' and table == 'nodes' else ''}{suffix}"
    return FileResponse(
        path,
        media_type=data["media_type"],
        filename=filename,
        background=BackgroundTask(path.unlink, missing_ok=True),
    )
