"""The link graph and its analyses, over the datasets the caller may see.

Every route takes the same scope: ``level`` (person or number), ``dataset`` (repeatable; all
visible ones by default), ``since`` and ``until`` (a date, the ``until`` day included, or an
ISO 8601 time, UTC unless it has an offset).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from dastavez.api.deps import ActorDep, DbDep, SettingsDep
from dastavez.comms import links
from dastavez.comms.link_context import parse_bound

router = APIRouter(tags=["comms"])

Level = Annotated[str, Query(description="person (numbers contracted by attribution) or number")]
Datasets = Annotated[list[str] | None, Query(alias="dataset", description="dataset ids (CDR-…), repeatable")]
Since = Annotated[str | None, Query(description="from this date or ISO 8601 time")]
Until = Annotated[str | None, Query(description="up to this date (included) or ISO 8601 time")]
Ends = Annotated[str | None, Query(description="path ends: persons or all")]


def _scope(level: str, datasets: list[str] | None, since: str | None, until: str | None) -> dict[str, Any]:
    return {"level": level, "datasets": datasets or None, "since": parse_bound(since, "since", end=False),
            "until": parse_bound(until, "until", end=True)}


@router.get("/links/overseas")
def overseas(
    actor: ActorDep, db: DbDep, settings: SettingsDep, max_hops: int = 3, level: Level = "person",
    datasets: Datasets = None, since: Since = None, until: Until = None, ends: Ends = None,
    limit: int = 1000,
) -> dict[str, Any]:
    return links.overseas_links(db, actor, settings, max_hops=max_hops, ends=ends, limit=limit,
                                **_scope(level, datasets, since, until))


@router.get("/links/path")
def path(
    actor: ActorDep, db: DbDep, settings: SettingsDep,
    source: Annotated[list[str], Query(description="from: numbers or person ids, repeatable")],
    target: Annotated[list[str], Query(description="to: numbers or person ids, repeatable")],
    max_hops: int = 3, all_shortest: bool = False, level: Level = "person", datasets: Datasets = None,
    since: Since = None, until: Until = None, limit: int = 1000,
) -> dict[str, Any]:
    return links.path_between(db, actor, settings, sources=source, targets=target, max_hops=max_hops,
                              all_shortest=all_shortest, limit=limit, **_scope(level, datasets, since, until))


@router.get("/links/brokers")
def brokers(
    actor: ActorDep, db: DbDep, settings: SettingsDep, top: int = 10, sample: int | None = None,
    seed: int = 0, level: Level = "person", datasets: Datasets = None, since: Since = None,
    until: Until = None, ends: Ends = None,
) -> dict[str, Any]:
    return links.brokers(db, actor, settings, top=top, sample=sample, seed=seed, ends=ends,
                         **_scope(level, datasets, since, until))


@router.get("/links/communities")
def communities(
    actor: ActorDep, db: DbDep, settings: SettingsDep, seed: int = 0, resolution: float = 1.0,
    min_size: int = 2, level: Level = "person", datasets: Datasets = None, since: Since = None,
    until: Until = None,
) -> dict[str, Any]:
    return links.communities(db, actor, settings, seed=seed, resolution=resolution, min_size=min_size,
                             **_scope(level, datasets, since, until))


@router.get("/links/graph")
def graph(
    actor: ActorDep, db: DbDep, settings: SettingsDep, limit: int = 500, level: Level = "person",
    datasets: Datasets = None, since: Since = None, until: Until = None, focus: str = "all",
    max_hops: int = 3,
) -> dict[str, Any]:
    """``focus=paths``: only the nodes on an overseas → local path of at most ``max_hops``."""
    return links.graph_view(db, actor, settings, limit=limit, focus=focus, max_hops=max_hops,
                            **_scope(level, datasets, since, until))


@router.get("/links/edge")
def edge(
    actor: ActorDep, db: DbDep, settings: SettingsDep,
    a: Annotated[str, Query(description="one end: a number or a person id")],
    b: Annotated[str, Query(description="the other end")],
    limit: int = 50, offset: int = 0, level: Level = "person", datasets: Datasets = None,
    since: Since = None, until: Until = None,
) -> dict[str, Any]:
    return links.edge_evidence(db, actor, settings, a=a, b=b, limit=limit, offset=offset,
                               **_scope(level, datasets, since, until))
