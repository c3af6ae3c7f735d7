"""The catalog of imported call-record datasets, as each actor may see it.

Every analysis starts here: ``selection_for`` turns "these datasets (or all I may see), in this
window" into a ``CallSelection`` of Parquet globs, so a dataset in a compartment the actor is
not cleared for never reaches an engine, a graph or an export.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from dastavez.access.actor import Actor
from dastavez.comms.engine import CallSelection
from dastavez.comms.layout import dataset_dir, dataset_glob
from dastavez.exc import NotFound
from dastavez.settings import Settings
from dastavez.storage.comms_tables import CdrDataset


def visible_datasets(session: Session, actor: Actor) -> list[CdrDataset]:
    """Every dataset the actor may read, oldest import first."""
    actor.require("comms.read")
    return list(
        session.scalars(
            select(CdrDataset)
            .where(actor.visible(CdrDataset.compartment))
            .order_by(CdrDataset.imported_at, CdrDataset.id)
        )
    )


def visible_dataset(session: Session, actor: Actor, dataset_id: str) -> CdrDataset:
    """One dataset, or NotFound (also when it is in a compartment the actor is not cleared for)."""
    actor.require("comms.read")
    found = session.get(CdrDataset, dataset_id.strip().upper())
    if found is None or not actor.cleared_for(found.compartment):
        raise NotFound(f"no call-record dataset {dataset_id!r}", field="dataset")
    return found


def selection_for(
    session: Session,
    actor: Actor,
    settings: Settings,
    *,
    dataset_ids: list[str] | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    include_out_of_scope: bool = False,
) -> CallSelection:
    """The calls an analysis may read: the named datasets (all visible ones by default) that
    have rows on disk, within ``since``/``until`` (UTC)."""
    chosen = (
        [visible_dataset(session, actor, ds) for ds in dataset_ids]
        if dataset_ids
        else visible_datasets(session, actor)
    )
    pairs = tuple(
        (ds.id, dataset_glob(settings, ds.id))
        for ds in chosen
        if ds.rows > 0 and dataset_dir(settings, ds.id).is_dir()
    )
    return CallSelection(
        datasets=pairs, since=since, until=until, include_out_of_scope=include_out_of_scope
    )


def dataset_view(dataset: CdrDataset) -> dict[str, Any]:
    """A dataset as lists and the API show it."""
    return {
        "dataset": dataset.id,
        "exhibit": dataset.exhibit_id,
        "authority": dataset.authority_id,
        "operator": dataset.operator,
        "time_zone": dataset.time_zone,
        "rows": dataset.rows,
        "rejected": dataset.rejected,
        "out_of_scope": dataset.out_of_scope,
        "numbers": dataset.numbers,
        "first_call": dataset.first_call.isoformat() if dataset.first_call else None,
        "last_call": dataset.last_call.isoformat() if dataset.last_call else None,
        "rejects_file": dataset.rejects_file,
        "compartment": dataset.compartment,
        "imported_by": dataset.imported_by,
        "imported_at": dataset.imported_at.isoformat(),
    }
