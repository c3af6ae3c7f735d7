"""Importing an operator's call-record export as an exhibit under its legal authority.

Order matters, so that bad input writes nothing and a failure leaves nothing half-done:

1. refuse before storing: the authority (visible to the actor), the file, the mapping, and the
   file's header against the mapping;
2. store the file in the evidence vault (hashed, content-addressed); the same content already
   imported returns its dataset (``new: false``) and adds nothing;
3. convert the stored file with DuckDB into a staging folder (``pipeline.convert``);
4. rename the folder into place, then register the exhibit, the dataset and the audit event in
   one transaction; should that fail, the published folder is removed again.

A file none of whose rows can be read is refused at step 3; its stored blob stays an orphan,
as for any failed evidence upload (``evidence verify --all`` lists them).
"""

from __future__ import annotations

import base64
import fcntl
import secrets
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select

from dastavez.access import audit
from dastavez.access.actor import Actor
from dastavez.comms import layout
from dastavez.comms.datasets import dataset_view
from dastavez.comms.mapping import Mapping, check_time_zone, load_mapping
from dastavez.comms.normalise import resolve_columns
from dastavez.comms.pipeline import Converted, convert
from dastavez.comms.scope import AuthorityScope, authority_scope
from dastavez.comms.sources import Sniffed, sniff
from dastavez.evidence.authority import visible_authority
from dastavez.evidence.blobs import StoredBlob
from dastavez.evidence.vault import EvidenceInput, add_evidence, blob_store, check_inputs, store_file
from dastavez.exc import Conflict, InvalidInput
from dastavez.settings import Settings
from dastavez.storage.comms_tables import CdrDataset
from dastavez.storage.engine import Database
from dastavez.storage.tables import Exhibit

Progress = Callable[[int, int], None]


def dataset_id_for(sha256: str) -> str:
    """``CDR-`` and ten base32 characters of the file's SHA-256: the same file, the same id."""
    return "CDR-" + base64.b32encode(bytes.fromhex(sha256)).decode("ascii")[:10]


def _mapping(operator: str | None, mapping: Path | str | None, time_zone: str | None) -> Mapping:
    if isinstance(mapping, Path) and not mapping.is_file():
        raise InvalidInput(f"no mapping file {str(mapping)!r}", field="mapping")
    chosen = load_mapping(operator=operator, mapping=mapping)
    if time_zone:
        try:
            zone = check_time_zone(time_zone.strip())
        except ValueError as err:
            raise InvalidInput(str(err), field="time_zone") from None
        chosen = chosen.model_copy(update={"time_zone": zone})
    return chosen


def _existing(session: Any, actor: Actor, sha256: str) -> dict[str, Any] | None:
    """The dataset this very file already became, or None; Conflict when the file is an
    exhibit that is not a dataset (or one the actor may not see)."""
    exhibit = session.scalars(select(Exhibit).where(Exhibit.sha256 == sha256).limit(1)).first()
    if exhibit is None:
        return None
    dataset = session.scalars(select(CdrDataset).where(CdrDataset.exhibit_id == exhibit.id)).first()
    if not actor.cleared_for(exhibit.compartment) or (dataset and not actor.cleared_for(dataset.compartment)):
        raise Conflict("this file is already stored as an exhibit you are not cleared for", field="file")
    if dataset is None:
        raise Conflict(
            f"this file is already stored as {exhibit.id}, which is not a call-record dataset", field="file"
        )
    return dataset_view(dataset)


def _result(view: dict[str, Any], *, new: bool, lines: int, parsed: int | None = None) -> dict[str, Any]:
    return view | {"new": new, "lines": lines, "distinct_raw_numbers": parsed}


def import_cdr(
    db: Database,
    actor: Actor,
    settings: Settings,
    path: Path,
    *,
    authority: str,
    mapping: Path | str | None = None,
    operator: str | None = None,
    compartment: str | None = None,
    time_zone: str | None = None,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Import one export (CSV, TSV, Parquet or XLSX) as a call-record dataset; see the module
    docstring. ``mapping`` is a YAML file (or its text) changing the ``operator`` preset."""
    actor.require("comms.import")
    chosen = _mapping(operator, mapping, time_zone)
    path = Path(path)
    if not path.is_file():
        raise InvalidInput(f"no file {str(path)!r}", field="file")
    resolve_columns(chosen, sniff(path, chosen).headers, file_name=path.name)  # before a byte is stored
    with db.read() as session:
        warrant = visible_authority(session, actor, authority)
        data = EvidenceInput(
            title=f"Call records {chosen.operator} {path.name}"[:300],
            kind="cdr",
            authority=warrant.id,
            compartment=compartment or warrant.compartment,
            file_name=path.name[:300],
        )
        check_inputs(session, actor, data, settings=settings)
        scope = authority_scope(session, warrant)

    size = path.stat().st_size
    with open(path, "rb", buffering=0) as stream:
        blob = store_file(
            blob_store(settings),
            stream,
            settings=settings,
            progress=(lambda done: progress(done, size)) if progress else None,
        )
    dataset_id = dataset_id_for(blob.sha256)
    with _import_lock(settings, dataset_id):  # a second import of the same file waits, then finds it
        with db.read() as session:
            existing = _existing(session, actor, blob.sha256)
        if existing is not None:
            result = _result(existing, new=False, lines=existing["rows"] + existing["rejected"])
        else:
            result = _convert_and_register(db, actor, settings, blob, dataset_id, data=data, chosen=chosen,
                                           scope=scope, name=path.name)
    if progress:
        progress(size, size)
    return result


@contextmanager
def _import_lock(settings: Settings, dataset_id: str) -> Iterator[None]:
    """One import per dataset id at a time, across processes (an advisory lock on a file that
    stays: removing it could let a third import lock a fresh file while the second waits)."""
    root = layout.comms_root(settings) / "locks"
    root.mkdir(parents=True, exist_ok=True)
    with open(root / f"{dataset_id}.lock", "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _convert_and_register(
    db: Database,
    actor: Actor,
    settings: Settings,
    blob: StoredBlob,
    dataset_id: str,
    *,
    data: EvidenceInput,
    chosen: Mapping,
    scope: AuthorityScope,
    name: str,
) -> dict[str, Any]:
    """Steps 3 and 4 of the module docstring, holding the dataset's lock."""
    stored = blob_store(settings).path_for(blob.sha256)
    sniffed = sniff(stored, chosen)  # what is imported is the stored file itself
    columns = resolve_columns(chosen, sniffed.headers, file_name=name)
    index = {h: i for i, h in enumerate(sniffed.headers)}
    work = layout.staging_root(settings) / f"{dataset_id}.{secrets.token_hex(4)}"
    target = layout.dataset_dir(settings, dataset_id)
    rejects_file = layout.rejects_root(settings) / f"{dataset_id}.csv"
    published = False
    try:
        (work / "spill").mkdir(parents=True)
        converted = convert(
            stored,
            sniffed=sniffed,
            mapping=chosen,
            columns={f: f"c{index[h]}" for f, h in columns.items()},
            scope=scope,
            region=settings.default_region,
            workdir=work,
            parquet_dir=work / "calls",
            rejects_file=work / "rejects.csv",
            display_name=name,
        )
        if converted.rows == 0:
            first = f" ({converted.rejected} rejected; first: {converted.first_reject})"
            raise InvalidInput(
                f"no row of {name} could be read as a call" + (first if converted.rejected else ""),
                field="file",
            )
        if target.exists():  # under the lock and without a catalog row: left by a crashed import
            shutil.rmtree(target)
        target.parent.mkdir(parents=True, exist_ok=True)
        (work / "calls").rename(target)
        published = True
        if converted.rejected:
            rejects_file.parent.mkdir(parents=True, exist_ok=True)
            (work / "rejects.csv").replace(rejects_file)
        with db.write() as session:
            view = _register(session, actor, settings, data, blob, dataset_id, chosen, sniffed, converted,
                             rejects_file if converted.rejected else None, columns)
    except BaseException:
        if published:
            shutil.rmtree(target, ignore_errors=True)
            rejects_file.unlink(missing_ok=True)
        raise
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return _result(view, new=True, lines=converted.rows + converted.rejected, parsed=converted.parsed)


def _utc(moment: datetime | None) -> datetime | None:
    return moment.replace(tzinfo=UTC) if moment is not None else None


def _register(
    session: Any,
    actor: Actor,
    settings: Settings,
    data: EvidenceInput,
    blob: StoredBlob,
    dataset_id: str,
    chosen: Mapping,
    sniffed: Sniffed,
    converted: Converted,
    rejects_file: Path | None,
    columns: dict[str, str],
) -> dict[str, Any]:
    media = {"format": sniffed.kind, "encoding": sniffed.encoding, "delimiter": sniffed.delimiter,
             "columns": len(sniffed.headers)}
    exhibit = add_evidence(session, actor, data, blob=blob, media=media, settings=settings)
    dataset = CdrDataset(
        id=dataset_id,
        exhibit_id=exhibit.id,
        authority_id=data.authority,
        operator=chosen.operator,
        time_zone=chosen.time_zone,
        mapping=chosen.model_dump(mode="json") | {"resolved": columns},
        rows=converted.rows,
        rejected=converted.rejected,
        out_of_scope=converted.out_of_scope,
        numbers=converted.numbers,
        first_call=_utc(converted.first_call),
        last_call=_utc(converted.last_call),
        rejects_file=str(rejects_file.relative_to(settings.home)) if rejects_file else None,
        compartment=exhibit.compartment,
        imported_by=actor.username,
    )
    session.add(dataset)
    session.flush()
    view = dataset_view(dataset)
    audit.record(
        session,
        actor,
        "cdr.import",
        target_type="cdr_dataset",
        target_id=dataset_id,
        compartment=dataset.compartment,
        detail={k: view[k] for k in ("exhibit", "authority", "operator", "rows", "rejected", "out_of_scope")}
        | {"sha256": blob.sha256},
    )
    return view

