"""Saved analyses: a link analysis kept as an exhibit that anyone can re-run and compare.

Saving runs one of the registered analyses (``ANALYSES``: ``overseas``, ``brokers``,
``communities``, each a ``comms.links`` service function) and stores one canonical JSON
document (``ledger.canonical``: sorted keys, no spaces, UTF-8) in the evidence vault as an
exhibit of kind ``forensic-report``: the analysis and its parameters (defaults filled in), the
input datasets with their exhibits' SHA-256 and a fingerprint of their stored Parquet files,
the code version, the result and the SHA-256 of the canonical result.

Its origin is ``original``: it is a new document made by the system, not a copy, part,
transcript or translation of any one exhibit, and lineage names a single parent while an
analysis reads many; its inputs are named, with their hashes, inside it. Its compartment is
that of its inputs (inputs from two different compartments are refused: save each apart).

``rerun`` reads the document back, recomputes with the same parameters over the same datasets
and says whether the result's hash is identical, and whether the inputs and code changed.
"""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from dastavez.access import audit
from dastavez.access.actor import Actor
from dastavez.comms import links
from dastavez.comms.attribution import live_attributions
from dastavez.comms.datasets import visible_dataset, visible_datasets
from dastavez.comms.layout import dataset_dir
from dastavez.comms.versions import code_version
from dastavez.evidence.exhibits import visible_exhibit
from dastavez.evidence.vault import EvidenceInput, add_evidence, blob_store
from dastavez.exc import Conflict, InvalidInput, NotFound
from dastavez.ledger.canonical import canonical_json
from dastavez.settings import Settings
from dastavez.storage.comms_tables import CdrDataset
from dastavez.storage.engine import Database
from dastavez.storage.tables import Exhibit, utcnow

FORMAT = "dastavez-saved-analysis/1"
KIND = "forensic-report"


@dataclass(frozen=True)
class Analysis:
    """One analysis that can be saved: its service function and the parameters it takes."""

    function: Callable[..., dict[str, Any]]
    parameters: dict[str, tuple[type, Any]]  # name -> (type, default)


ANALYSES: dict[str, Analysis] = {
    "overseas": Analysis(links.overseas_links, {"max_hops": (int, 3), "level": (str, "person"),
                                                "limit": (int, 1000), "ends": (str, None)}),
    "brokers": Analysis(links.brokers, {"top": (int, 10), "level": (str, "person"), "ends": (str, None),
                                        "sample": (int, None), "seed": (int, 0)}),
    "communities": Analysis(links.communities, {"level": (str, "person"), "seed": (int, 0),
                                                "resolution": (float, 1.0), "min_size": (int, 2),
                                                "limit": (int, 200)}),
}


def clean_parameters(name: str, raw: dict[str, Any]) -> dict[str, Any]:
    """The parameters of ``name`` with their types checked and every default filled in."""
    if name not in ANALYSES:
        raise InvalidInput(f"unknown analysis {name!r}; analyses are {', '.join(sorted(ANALYSES))}",
                           field="analysis")
    spec = ANALYSES[name].parameters
    unknown = sorted(set(raw) - set(spec))
    if unknown:
        raise InvalidInput(f"{name} takes no parameter {unknown[0]!r}; it takes {', '.join(sorted(spec))}",
                           field="parameters")
    cleaned: dict[str, Any] = {}
    for key, (kind, default) in sorted(spec.items()):
        value = raw.get(key, default)
        if value is None or value == "":
            cleaned[key] = default
            continue
        try:
            cleaned[key] = kind(value)
        except (TypeError, ValueError):
            raise InvalidInput(f"parameter {key} must be {kind.__name__}, not {value!r}",
                               field="parameters") from None
    return cleaned


def parse_assignments(items: list[str]) -> dict[str, str]:
    """``["top=5", "level=number"]`` as a dict (the command line's ``KEY=VALUE`` words)."""
    out: dict[str, str] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise InvalidInput(f"parameters are KEY=VALUE, not {item!r}", field="parameters")
        out[key.strip().replace("-", "_")] = value.strip()
    return out


def sha256_of(value: Any) -> str:
    return hashlib.sha256(canonical_json(value).encode("utf-8")).hexdigest()


def parquet_fingerprint(settings: Settings, dataset_id: str) -> str:
    """SHA-256 over the dataset's stored Parquet files (relative path and content of each)."""
    root = dataset_dir(settings, dataset_id)
    digest = hashlib.sha256()
    for path in sorted(root.glob("month=*/*.parquet")):
        digest.update(str(path.relative_to(root)).encode("utf-8") + b"\0")
        with open(path, "rb") as stream:
            for chunk in iter(lambda: stream.read(1 << 20), b""):
                digest.update(chunk)
        digest.update(b"\0")
    return digest.hexdigest()


def _inputs(session: Session, actor: Actor, settings: Settings, ids: list[str] | None) -> list[CdrDataset]:
    chosen = [visible_dataset(session, actor, d) for d in ids] if ids else visible_datasets(session, actor)
    if not chosen:
        raise InvalidInput("there are no call-record datasets to analyse", field="datasets")
    return sorted({d.id: d for d in chosen}.values(), key=lambda d: d.id)


def _describe(session: Session, settings: Settings, datasets: list[CdrDataset]) -> list[dict[str, Any]]:
    described = []
    for ds in datasets:
        exhibit = session.get(Exhibit, ds.exhibit_id)
        described.append({
            "dataset": ds.id, "exhibit": ds.exhibit_id, "exhibit_sha256": exhibit.sha256 if exhibit else None,
            "rows": ds.rows, "parquet_sha256": parquet_fingerprint(settings, ds.id),
        })
    return described


def attributions_sha256(session: Session, actor: Actor) -> str:
    """SHA-256 over the live attributions the actor sees: person-level results depend on them."""
    return sha256_of(sorted([a.claim, a.number, a.person, a.valid_from, a.valid_to]
                            for a in live_attributions(session, actor)))


def _compute(db: Database, actor: Actor, settings: Settings, name: str, params: dict[str, Any],
             dataset_ids: list[str]) -> dict[str, Any]:
    return ANALYSES[name].function(db, actor, settings, datasets=dataset_ids, **params)


def save_analysis(
    db: Database,
    actor: Actor,
    settings: Settings,
    *,
    name: str,
    parameters: dict[str, Any] | None = None,
    datasets: list[str] | None = None,
    title: str | None = None,
) -> dict[str, Any]:
    """Run ``name`` and keep it as a new exhibit; returns the exhibit id and the document."""
    actor.require("comms.read")
    actor.require("exhibit.write")
    params = clean_parameters(name, parameters or {})
    with db.read() as session:
        chosen = _inputs(session, actor, settings, datasets)
        compartments = sorted({d.compartment for d in chosen if d.compartment})
        if len(compartments) > 1:
            raise InvalidInput(f"the datasets span compartments {', '.join(compartments)}: save each apart",
                               field="datasets")
        inputs = _describe(session, settings, chosen)
        attributions = attributions_sha256(session, actor)
    ids = [d["dataset"] for d in inputs]
    result = _compute(db, actor, settings, name, params, ids)
    now, version = utcnow(), code_version()
    document: dict[str, Any] = {
        "format": FORMAT, "analysis": name, "parameters": params, "datasets": inputs,
        "attributions_sha256": attributions, "code_version": version,
        "result": result, "result_sha256": sha256_of(result),
        "saved_by": actor.username, "saved_at": now,
    }
    body = canonical_json(document).encode("utf-8")
    blob = blob_store(settings).put_stream(io.BytesIO(body), max_size=settings.max_evidence_bytes)
    data = EvidenceInput(
        title=(title or f"Saved analysis: {name} over {len(ids)} dataset(s)")[:300],
        kind=KIND,
        description=f"{name} {json.dumps(params, sort_keys=True)} over {', '.join(ids)}",
        compartment=compartments[0] if compartments else None,
        collection_tool=f"dastavez {version['dastavez']} comms.analyses",
        file_name=f"analysis-{name}-{now.strftime('%Y%m%dT%H%M%SZ')}.json",
    )
    with db.write() as session:
        exhibit = add_evidence(session, actor, data, blob=blob, media={"format": FORMAT}, settings=settings)
        audit.record(session, actor, "links.save", target_type="exhibit", target_id=exhibit.id,
                     compartment=exhibit.compartment,
                     detail={"analysis": name, "parameters": params, "datasets": ids,
                             "result_sha256": document["result_sha256"]})
        exhibit_id = exhibit.id
    return {"exhibit": exhibit_id, "sha256": blob.sha256, "analysis": name, "parameters": params,
            "datasets": inputs, "code_version": document["code_version"],
            "result_sha256": document["result_sha256"]}


def load_document(session: Session, actor: Actor, settings: Settings, exhibit_id: str) -> dict[str, Any]:
    """The saved analysis an exhibit holds (refused if the exhibit is something else)."""
    exhibit = visible_exhibit(session, actor, exhibit_id)
    if exhibit.sha256 is None or exhibit.kind != KIND:
        raise InvalidInput(f"{exhibit.id} is not a saved analysis", field="exhibit")
    if exhibit.integrity == "broken":
        raise Conflict(f"{exhibit.id}'s stored file no longer matches its hash", field="exhibit")
    path: Path = blob_store(settings).path_for(exhibit.sha256)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise NotFound(f"the stored file of {exhibit.id} is missing", field="exhibit") from None
    if hashlib.sha256(raw).hexdigest() != exhibit.sha256:
        raise Conflict(f"{exhibit.id}'s stored file no longer matches its hash", field="exhibit")
    try:
        document = json.loads(raw)
    except ValueError:
        document = None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise InvalidInput(f"{exhibit.id} is not a saved analysis", field="exhibit")
    return document


def rerun_analysis(
    db: Database, actor: Actor, settings: Settings, *, exhibit: str, datasets: list[str] | None = None
) -> dict[str, Any]:
    """Recompute a saved analysis (over its own datasets, or ``datasets``) and compare hashes."""
    actor.require("comms.read")
    with db.read() as session:
        document = load_document(session, actor, settings, exhibit)
        saved_ids = [d["dataset"] for d in document["datasets"]]
        inputs = _describe(session, settings, _inputs(session, actor, settings, datasets or saved_ids))
        attributions = attributions_sha256(session, actor)
    name = str(document["analysis"])
    params = clean_parameters(name, document["parameters"])
    result = _compute(db, actor, settings, name, params, [d["dataset"] for d in inputs])
    now_hash = sha256_of(result)
    identical = now_hash == document["result_sha256"]
    with db.audited_read() as session:
        audit.record(session, actor, "links.read", target_type="exhibit", target_id=exhibit.strip().upper(),
                     detail={"analysis": name, "rerun": True, "identical": identical})
    changed = [d["dataset"] for d in inputs if d not in document["datasets"]]
    changed += [d for d in saved_ids if d not in {i["dataset"] for i in inputs}]
    return {
        "exhibit": exhibit.strip().upper(), "analysis": name, "parameters": params,
        "identical": identical,
        "saved_result_sha256": document["result_sha256"], "result_sha256": now_hash,
        "inputs_identical": not changed, "changed_inputs": sorted(set(changed)),
        "attributions_identical": attributions == document.get("attributions_sha256"),
        "saved_code_version": document["code_version"], "code_version": code_version(),
        "datasets": inputs,
    }
