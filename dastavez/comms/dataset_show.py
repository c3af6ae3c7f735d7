"""One call-record dataset as ``cdr show`` and the API present it: its catalog row, the
partitions on disk and the first rejected lines. The read is audited."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from dastavez.access import audit
from dastavez.access.actor import Actor
from dastavez.comms import layout, rejects
from dastavez.comms.datasets import dataset_view, visible_dataset, visible_datasets
from dastavez.settings import Settings


def list_datasets(session: Session, actor: Actor) -> list[dict[str, Any]]:
    return [dataset_view(ds) for ds in visible_datasets(session, actor)]


def show_dataset(
    session: Session, actor: Actor, settings: Settings, dataset_id: str, *, rejects_preview: int = 20
) -> dict[str, Any]:
    dataset = visible_dataset(session, actor, dataset_id)
    view = dataset_view(dataset)
    folder = layout.dataset_dir(settings, dataset.id)
    months = folder.glob("month=*") if folder.is_dir() else []
    view["months"] = sorted(p.name.removeprefix("month=") for p in months)
    view["mapping"] = dataset.mapping
    view["rejects_preview"] = (
        rejects.preview(settings.home / dataset.rejects_file, limit=rejects_preview)
        if dataset.rejects_file
        else []
    )
    audit.record(
        session,
        actor,
        "cdr.read",
        target_type="cdr_dataset",
        target_id=dataset.id,
        compartment=dataset.compartment,
    )
    return view
