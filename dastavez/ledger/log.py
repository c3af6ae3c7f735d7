"""The ledger in the database: append in the writer's transaction, read roots and proofs.

Every audit event (every write, every audited read) becomes one leaf. ``queue`` is called
by ``access.audit.record``; the entries are appended just before the transaction commits
(``storage.engine.BEFORE_COMMIT``), all of a transaction's events in one batch under one
lock on ``ledger_head``, so the ledger and the change it records commit or fail together.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import insert, select, tuple_, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from dastavez.exc import InvalidInput
from dastavez.ledger import checkpoints, merkle
from dastavez.ledger.canonical import canonical_json
from dastavez.settings import Settings
from dastavez.storage.engine import BEFORE_COMMIT
from dastavez.storage.ledger_tables import LedgerCheckpoint, LedgerEntry, LedgerHead, LedgerNode
from dastavez.storage.tables import AuditEvent

PENDING = "ledger_pending"


def audit_payload(event: AuditEvent) -> dict[str, Any]:
    """What a leaf says about an audit event: all of it, as it was written."""
    return {
        "kind": "audit",
        "id": event.id,
        "at": event.at,
        "actor": event.actor,
        "interface": event.interface,
        "client": event.client,
        "action": event.action,
        "target_type": event.target_type,
        "target_id": event.target_id,
        "compartment": event.compartment,
        "detail": event.detail,
    }


def queue(session: Session, event: AuditEvent) -> None:
    """Have ``event`` appended to the ledger when ``session`` commits."""
    pending: list[AuditEvent] | None = session.info.get(PENDING)
    if pending is None:
        pending = session.info[PENDING] = []
        session.info.setdefault(BEFORE_COMMIT, []).append(seal)
    pending.append(event)


def seal(session: Session) -> None:
    """Append the queued events (the before-commit hook ``queue`` registers)."""
    events: list[AuditEvent] = session.info.pop(PENDING, [])
    if not events:
        return
    session.flush()  # ids and timestamps are part of what is hashed
    settings: Settings | None = session.info.get("settings")
    append(session, [audit_payload(event) for event in events], settings=settings)


@dataclass(frozen=True)
class Appended:
    first: int
    size: int
    root: bytes


def lock_head(session: Session) -> LedgerHead:
    statement = select(LedgerHead).where(LedgerHead.id == 1).with_for_update()
    head = session.execute(statement).scalar_one_or_none()
    if head is None:  # a fresh (or emptied) database: create the head once, race-free
        dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
        session.execute(
            dialect.insert(LedgerHead)
            .values(id=1, size=0, checkpoint_size=0)
            .on_conflict_do_nothing(index_elements=["id"])
        )
        head = session.execute(statement).scalar_one()
    return head


def fetch_nodes(session: Session, nodes: Iterable[merkle.Node]) -> dict[merkle.Node, bytes]:
    """Stored hashes of the given complete nodes, in two queries; missing ones are absent."""
    wanted = set(nodes)
    leaves = [index for level, index in wanted if level == 0]
    upper = [node for node in wanted if node[0] > 0]
    found: dict[merkle.Node, bytes] = {}
    if leaves:
        leaf_rows = session.execute(
            select(LedgerEntry.idx, LedgerEntry.leaf_hash).where(LedgerEntry.idx.in_(leaves))
        )
        found.update(((0, idx), bytes(leaf)) for idx, leaf in leaf_rows)
    if upper:
        rows = session.execute(
            select(LedgerNode.level, LedgerNode.idx, LedgerNode.hash).where(
                tuple_(LedgerNode.level, LedgerNode.idx).in_(upper)
            )
        )
        found.update(((level, idx), bytes(value)) for level, idx, value in rows)
    return found


def append(session: Session, entries: list[dict[str, Any]], *, settings: Settings | None = None) -> Appended:
    """Append entries (each with a ``kind``); sign a checkpoint when one is due.

    Each leaf is the canonical JSON of the entry plus its own ``index``, so a row moved to
    another position no longer matches its place.
    """
    head = lock_head(session)
    first = head.size
    known = fetch_nodes(session, merkle.root_nodes(first))
    now = datetime.now(UTC)
    entry_rows: list[dict[str, Any]] = []
    node_rows: list[dict[str, Any]] = []
    for offset, entry in enumerate(entries):
        index = first + offset
        kind = str(entry["kind"])
        payload = canonical_json({**entry, "index": index})
        leaf = merkle.leaf_hash(payload.encode("utf-8"))
        entry_rows.append({"idx": index, "kind": kind, "payload": payload, "leaf_hash": leaf, "at": now})
        for node, value in merkle.nodes_completed_by_append(index, leaf, known.__getitem__):
            known[node] = value
            if node[0] > 0:
                node_rows.append({"level": node[0], "idx": node[1], "hash": value})
    size = first + len(entries)
    if entry_rows:
        session.execute(insert(LedgerEntry), entry_rows)
    if node_rows:
        session.execute(insert(LedgerNode), node_rows)
    session.execute(update(LedgerHead).where(LedgerHead.id == 1).values(size=size))
    root = merkle.root(size, known.__getitem__)
    if settings is not None and _checkpoint_due(head, size, now, settings):
        checkpoints.sign_and_store(session, settings, size=size, root=root, now=now)
    return Appended(first=first, size=size, root=root)


def _checkpoint_due(head: LedgerHead, size: int, now: datetime, settings: Settings) -> bool:
    if size - head.checkpoint_size >= settings.checkpoint_every:
        return True
    last = head.checkpoint_at
    return size > head.checkpoint_size and (
        last is None or now - last >= timedelta(seconds=settings.checkpoint_seconds)
    )


def current_size(session: Session) -> int:
    size = session.execute(select(LedgerHead.size).where(LedgerHead.id == 1)).scalar_one_or_none()
    return size or 0


def root_at(session: Session, size: int) -> bytes:
    return merkle.root(size, fetch_nodes(session, merkle.root_nodes(size)).__getitem__)


@dataclass(frozen=True)
class InclusionProof:
    index: int
    size: int
    leaf_hash: bytes
    path: list[bytes]
    root: bytes
    kind: str
    payload: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "size": self.size,
            "leaf_hash": self.leaf_hash.hex(),
            "path": [node.hex() for node in self.path],
            "root": self.root.hex(),
            "kind": self.kind,
            "entry": self.payload,
        }


def prove_inclusion(session: Session, index: int, *, size: int | None = None) -> InclusionProof:
    """PATH(index, D[0:size]) with the root it leads to, from O(log n) stored nodes."""
    size = current_size(session) if size is None else size
    if not 0 <= index < size:
        raise InvalidInput(
            f"no ledger entry {index}: the ledger holds entries 0 to {size - 1}", field="index"
        )
    entry = session.get(LedgerEntry, index)
    if entry is None:
        raise InvalidInput(f"ledger entry {index} is missing: run `dastavez ledger verify`", field="index")
    nodes = fetch_nodes(session, [*merkle.inclusion_nodes(index, size), *merkle.root_nodes(size)])
    path = merkle.inclusion_proof(index, size, nodes.__getitem__)
    root = merkle.root(size, nodes.__getitem__)
    return InclusionProof(index, size, bytes(entry.leaf_hash), path, root, entry.kind, entry.payload)


def prove_consistency(session: Session, old_size: int, new_size: int) -> list[bytes]:
    if not 0 <= old_size <= new_size <= current_size(session):
        raise InvalidInput(f"sizes must satisfy 0 ≤ old ≤ new ≤ {current_size(session)}", field="size")
    nodes = fetch_nodes(session, merkle.consistency_nodes(old_size, new_size))
    return merkle.consistency_proof(old_size, new_size, nodes.__getitem__)


def checkpoint_now(session: Session, settings: Settings) -> LedgerCheckpoint:
    """A checkpoint on demand at the current size (the existing one when nothing is new)."""
    lock_head(session)
    size = current_size(session)
    existing = session.get(LedgerCheckpoint, size)
    if existing is None:
        checkpoints.sign_and_store(
            session, settings, size=size, root=root_at(session, size), now=datetime.now(UTC)
        )
        session.flush()
        existing = session.get(LedgerCheckpoint, size)
        assert existing is not None  # just added
    return existing
