"""``dastavez ledger verify``: recompute the whole ledger and compare it with what is stored.

Checks, in one pass over the entries: indexes run 0, 1, 2 … with none missing or repeated;
each payload hashes to its stored leaf hash and names the kind its row says; every stored
subtree node equals the one recomputed from the leaf hashes; every checkpoint is signed by
this installation's key and its root equals the recomputed root at its size; the head's
size equals the number of entries. The first entry that does not match is named: exactly,
when a payload was edited or a row deleted or moved; to within its subtree, when a payload
and its leaf hash were edited together; and to within the span since the last good
checkpoint, when every hash above it was recomputed too (only the signature catches that).
"""

from __future__ import annotations

import bisect
import json
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from dastavez.ledger import merkle
from dastavez.ledger.checkpoints import signing_key
from dastavez.ledger.log import current_size
from dastavez.ledger.note import InvalidCheckpoint, open_checkpoint
from dastavez.settings import Settings
from dastavez.storage.ledger_tables import LedgerCheckpoint, LedgerEntry, LedgerNode

BATCH = 20_000


def _table(model: type[LedgerEntry | LedgerNode]) -> Table:
    return model.metadata.tables[model.__tablename__]


_ENTRY, _NODE = _table(LedgerEntry), _table(LedgerNode)


@dataclass
class LedgerReport:
    ok: bool = True
    size: int = 0
    root: bytes = merkle.EMPTY_ROOT
    first_bad_index: int | None = None
    problems: list[str] = field(default_factory=list)
    checkpoints: int = 0

    def fail(self, index: int | None, problem: str) -> None:
        self.ok = False
        if len(self.problems) < 50:
            self.problems.append(problem)
        if index is not None and (self.first_bad_index is None or index < self.first_bad_index):
            self.first_bad_index = index

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "ok": self.ok,
            "size": self.size,
            "root": self.root.hex(),
            "checkpoints_checked": self.checkpoints,
            "problems": self.problems,
        }
        if not self.ok:
            out["first_bad_index"] = self.first_bad_index
        return out


def _header(payload: str) -> tuple[object, object]:
    """The ``kind`` and ``index`` an entry's content says it has."""
    try:
        value = json.loads(payload)
    except ValueError:
        return None, None
    return (value.get("kind"), value.get("index")) if isinstance(value, dict) else (None, None)


class _Bad:
    """Indexes already known bad, so the subtree nodes above them are not blamed as well."""

    def __init__(self) -> None:
        self.indexes: list[int] = []

    def add(self, index: int) -> None:
        bisect.insort(self.indexes, index)

    def within(self, first: int, last: int) -> bool:
        at = bisect.bisect_left(self.indexes, first)
        return at < len(self.indexes) and self.indexes[at] <= last


def _stored_leaves(session: Session, report: LedgerReport, bad: _Bad) -> merkle.MemoryTree:
    """The tree of the stored leaf hashes, each checked against the payload it stands for.

    A missing entry keeps its place (with a stand-in hash) so later indexes stay aligned.
    """
    tree = merkle.MemoryTree()
    expected = 0
    entry = _ENTRY.c
    # Core columns, not ORM attributes: the ORM would build each of the 10^6 rows through
    # its loading machinery, which costs more than reading them.
    statement = select(entry.idx, entry.kind, entry.payload, entry.leaf_hash).order_by(entry.idx)
    leaf_hash, append = merkle.leaf_hash, tree.append
    for idx, kind, payload, stored in session.execute(statement.execution_options(yield_per=BATCH)):
        while expected < idx:
            report.fail(expected, f"entry {expected} is missing")
            bad.add(expected)
            append(merkle.EMPTY_ROOT)
            expected += 1
        if idx < expected:
            report.fail(idx, f"entry {idx} appears twice")
            continue
        stored = bytes(stored)
        if leaf_hash(payload.encode("utf-8")) != stored:
            report.fail(idx, f"entry {idx} was altered: its content does not match its leaf hash")
            bad.add(idx)
        else:
            said_kind, said_index = _header(payload)
            if said_index != idx:
                report.fail(idx, f"entry {idx} holds the content of entry {said_index}: rows were moved")
                bad.add(idx)
            elif said_kind != kind:
                report.fail(idx, f"entry {idx} was altered: its kind column is {kind!r}, its content not")
                bad.add(idx)
        append(stored if len(stored) == merkle.HASH_SIZE else merkle.EMPTY_ROOT)
        expected += 1
    return tree


def _compare_nodes(session: Session, tree: merkle.MemoryTree, report: LedgerReport, bad: _Bad) -> None:
    """Stored subtree hashes against the leaves, lowest level first; a node over a known bad
    entry is a consequence of it and is not reported again."""
    node = _NODE.c
    statement = select(node.level, node.idx, node.hash).order_by(node.level, node.idx)
    lookup = tree.lookup
    for level, idx, stored in session.execute(statement.execution_options(yield_per=BATCH)):
        try:
            if lookup((level, idx)) == stored:
                continue  # the usual case: nothing to report, whatever lies below
        except KeyError:
            pass
        first, last = idx << level, ((idx + 1) << level) - 1
        if bad.within(first, last):
            continue
        try:
            recomputed = lookup((level, idx))
        except KeyError:
            report.fail(first, f"a stored subtree node covers entries {first}–{last}, which do not exist")
            bad.add(first)
            continue
        if recomputed != bytes(stored):
            report.fail(first, f"entries {first}–{last} do not match the subtree hash stored when written")
            bad.add(first)


def _check_checkpoints(
    session: Session, settings: Settings, tree: merkle.MemoryTree, report: LedgerReport, bad: _Bad
) -> None:
    verifier = signing_key(settings).verifier
    previous_good = 0
    for checkpoint in session.execute(select(LedgerCheckpoint).order_by(LedgerCheckpoint.size)).scalars():
        report.checkpoints += 1
        try:
            signed = open_checkpoint(checkpoint.note, verifier, origin=settings.ledger_origin)
        except InvalidCheckpoint as err:
            report.fail(previous_good, f"checkpoint at size {checkpoint.size}: {err}")
            continue
        if signed.size != checkpoint.size or signed.root != bytes(checkpoint.root):
            report.fail(
                previous_good, f"checkpoint at size {checkpoint.size}: its row differs from its signed note"
            )
            continue
        if checkpoint.size > tree.size:
            report.fail(tree.size, f"checkpoint at size {checkpoint.size} signs entries that are gone")
            continue
        if tree.root(checkpoint.size) != signed.root:
            # An entry already named in the span explains the mismatch; the span itself is the
            # answer only when nothing in it was caught (every hash above an entry recomputed).
            report.fail(
                None if bad.within(previous_good, checkpoint.size - 1) else previous_good,
                f"entries {previous_good}–{checkpoint.size - 1} no longer give the root signed at size "
                f"{checkpoint.size}",
            )
            continue
        previous_good = checkpoint.size


def verify_ledger(session: Session, settings: Settings) -> LedgerReport:
    report = LedgerReport()
    bad = _Bad()
    tree = _stored_leaves(session, report, bad)
    head = current_size(session)
    if head != tree.size:
        report.fail(min(head, tree.size), f"the ledger head says {head} entries but {tree.size} are stored")
    _compare_nodes(session, tree, report, bad)
    _check_checkpoints(session, settings, tree, report, bad)
    report.size = tree.size
    report.root = tree.root()
    return report
