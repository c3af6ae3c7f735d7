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
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    Executable,
    Integer,
    Select,
    Table,
    and_,
    bindparam,
    insert,
    literal_column,
    or_,
    select,
    union_all,
    update,
)
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


def _table(model: type[LedgerEntry | LedgerNode | LedgerHead]) -> Table:
    return model.metadata.tables[model.__tablename__]


# Appends and proofs run on every audited request, so they use Core statements built once:
# SQLAlchemy then serves their compiled form from its cache, where building an expression
# per call (and the ORM's bulk-insert and unit-of-work machinery) cost more than the queries.
_ENTRY, _NODE, _HEAD = _table(LedgerEntry), _table(LedgerNode), _table(LedgerHead)
_INSERT_ENTRIES = insert(_ENTRY)
_INSERT_NODES = insert(_NODE)
# Locks the head row and reserves ``count`` indexes in one round trip; the new size comes back.
_ADVANCE_HEAD = (
    update(_HEAD)
    .where(_HEAD.c.id == 1)
    .values(size=_HEAD.c.size + bindparam("count"))
    .returning(_HEAD.c.size, _HEAD.c.checkpoint_size, _HEAD.c.checkpoint_at)
)
_SIZE = select(_HEAD.c.size).where(_HEAD.c.id == 1)
_ENTRY_ROW = select(_ENTRY.c.leaf_hash, _ENTRY.c.kind, _ENTRY.c.payload).where(
    _ENTRY.c.idx == bindparam("idx")
)
_SIZE_AND_ENTRY = (
    select(_HEAD.c.size, _ENTRY.c.leaf_hash, _ENTRY.c.kind, _ENTRY.c.payload)
    .select_from(_HEAD.outerjoin(_ENTRY, _ENTRY.c.idx == bindparam("idx")))
    .where(_HEAD.c.id == 1)
)


@lru_cache(maxsize=256)
def _lookup_statement(leaves: bool, upper: int) -> Executable:
    """The stored hashes of leaves (an expanding ``leaves`` list) and of ``upper`` nodes above.

    One ``level = ? AND idx = ?`` term per node rather than a row-value ``(level, idx) IN``,
    which SQLite answers by scanning the whole table; both parts in one round trip.
    """
    parts: list[Select[Any]] = []
    if leaves:
        parts.append(
            select(literal_column("0", Integer).label("level"), _ENTRY.c.idx, _ENTRY.c.leaf_hash).where(
                _ENTRY.c.idx.in_(bindparam("leaves", expanding=True))
            )
        )
    if upper:
        terms = [
            and_(_NODE.c.level == bindparam(f"level_{n}"), _NODE.c.idx == bindparam(f"idx_{n}"))
            for n in range(upper)
        ]
        parts.append(select(_NODE.c.level, _NODE.c.idx, _NODE.c.hash).where(or_(*terms)))
    return parts[0] if len(parts) == 1 else union_all(*parts)


def fetch_nodes(session: Session, nodes: Iterable[merkle.Node]) -> dict[merkle.Node, bytes]:
    """Stored hashes of the given complete nodes, in one query; missing ones are absent."""
    wanted = set(nodes)
    leaves = sorted(index for level, index in wanted if level == 0)
    upper = sorted(node for node in wanted if node[0] > 0)
    if not leaves and not upper:
        return {}
    params: dict[str, Any] = {"leaves": leaves} if leaves else {}
    for n, (level, index) in enumerate(upper):
        params[f"level_{n}"] = level
        params[f"idx_{n}"] = index
    rows = session.connection().execute(_lookup_statement(bool(leaves), len(upper)), params)
    return {(level, idx): bytes(value) for level, idx, value in rows}


@dataclass(frozen=True)
class _Head:
    size: int
    checkpoint_size: int
    checkpoint_at: datetime | None


def _advance_head(session: Session, count: int) -> _Head:
    """Lock the head and move its size on by ``count``; the head as it was before."""
    connection = session.connection()
    row = connection.execute(_ADVANCE_HEAD, {"count": count}).one_or_none()
    if row is None:
        lock_head(session)  # creates it
        row = connection.execute(_ADVANCE_HEAD, {"count": count}).one()
    loaded = session.identity_map.get(session.identity_key(LedgerHead, 1))
    if loaded is not None:  # a head read through the ORM earlier in this session is now stale
        session.expire(loaded)
    return _Head(row.size - count, row.checkpoint_size, row.checkpoint_at)


def append(session: Session, entries: list[dict[str, Any]], *, settings: Settings | None = None) -> Appended:
    """Append entries (each with a ``kind``); sign a checkpoint when one is due.

    Each leaf is the canonical JSON of the entry plus its own ``index``, so a row moved to
    another position no longer matches its place.
    """
    head = _advance_head(session, len(entries))
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
    connection = session.connection()
    if entry_rows:
        connection.execute(_INSERT_ENTRIES, entry_rows)
    if node_rows:
        connection.execute(_INSERT_NODES, node_rows)
    root = merkle.root(size, known.__getitem__)
    if settings is not None and _checkpoint_due(head, size, now, settings):
        checkpoints.sign_and_store(session, settings, size=size, root=root, now=now)
    return Appended(first=first, size=size, root=root)


def _checkpoint_due(head: _Head, size: int, now: datetime, settings: Settings) -> bool:
    if size - head.checkpoint_size >= settings.checkpoint_every:
        return True
    last = head.checkpoint_at
    return size > head.checkpoint_size and (
        last is None or now - last >= timedelta(seconds=settings.checkpoint_seconds)
    )


def current_size(session: Session) -> int:
    size = session.connection().execute(_SIZE).scalar_one_or_none()
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
    connection = session.connection()
    entry: tuple[bytes, str, str] | None = None
    if size is None:  # the size and the entry in one round trip
        row = connection.execute(_SIZE_AND_ENTRY, {"idx": index}).one_or_none()
        size = (row.size if row is not None else None) or 0
        if row is not None and row.leaf_hash is not None:
            entry = (row.leaf_hash, row.kind, row.payload)
    else:
        found = connection.execute(_ENTRY_ROW, {"idx": index}).one_or_none()
        if found is not None:
            entry = (found.leaf_hash, found.kind, found.payload)
    if not 0 <= index < size:
        raise InvalidInput(
            f"no ledger entry {index}: the ledger holds entries 0 to {size - 1}", field="index"
        )
    if entry is None:
        raise InvalidInput(f"ledger entry {index} is missing: run `dastavez ledger verify`", field="index")
    nodes = fetch_nodes(session, [*merkle.inclusion_nodes(index, size), *merkle.root_nodes(size)])
    path = merkle.inclusion_proof(index, size, nodes.__getitem__)
    root = merkle.root(size, nodes.__getitem__)
    leaf, kind, payload = entry
    return InclusionProof(index, size, bytes(leaf), path, root, kind, payload)


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
