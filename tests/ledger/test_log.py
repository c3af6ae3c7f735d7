"""The ledger in the database: one leaf per audit event, written in the transaction of the
change it records; signed checkpoints; proofs that match a tree recomputed in memory; and
appends from concurrent writers that leave no gap."""

from __future__ import annotations

import base64
import hashlib
import io
import itertools
import json
import threading

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from dastavez.access.users import create_compartment
from dastavez.evidence import custody, verification
from dastavez.evidence.authority import add_authority
from dastavez.evidence.exhibits import register_exhibit, visible_exhibit
from dastavez.evidence.media import read_media
from dastavez.evidence.vault import EvidenceInput, add_evidence, blob_store, store_file
from dastavez.exc import InvalidInput
from dastavez.ledger import log, merkle
from dastavez.ledger.canonical import canonical_json
from dastavez.ledger.verify import verify_ledger
from dastavez.storage.engine import Database
from dastavez.storage.ledger_tables import LedgerCheckpoint, LedgerEntry, LedgerHead
from dastavez.storage.tables import AuditEvent, Compartment

WINDOW = {
    "basis": "ATA 1997 s.19",
    "issued_by": "ATC-I",
    "valid_from": "2026-01-01",
    "valid_to": "2026-12-31",
}


def entries(db) -> list[LedgerEntry]:
    with db.read() as s:
        return list(s.scalars(select(LedgerEntry).order_by(LedgerEntry.idx)))


def audit_count(db) -> int:
    with db.read() as s:
        return s.scalar(select(func.count()).select_from(AuditEvent))


def head_size(db) -> int:
    with db.read() as s:
        return log.current_size(s)


def warrant(db, actor, reference: str) -> str:
    with db.write() as s:
        return add_authority(s, actor, reference=reference, **WINDOW).id


def memory_tree(db) -> merkle.MemoryTree:
    return merkle.MemoryTree(bytes(e.leaf_hash) for e in entries(db))


def assert_one_leaf_per_audit_event(db) -> None:
    """Indexes 0…n-1, each leaf the canonical record of exactly one audit event, and back."""
    rows = entries(db)
    assert [e.idx for e in rows] == list(range(len(rows)))
    assert head_size(db) == len(rows) == audit_count(db)
    with db.read() as s:
        events = {e.id: e for e in s.scalars(select(AuditEvent))}
    seen = set()
    for entry in rows:
        assert merkle.leaf_hash(entry.payload.encode("utf-8")) == bytes(entry.leaf_hash)
        content = json.loads(entry.payload)
        assert entry.payload == canonical_json(content)
        assert (content["index"], content["kind"], entry.kind) == (entry.idx, "audit", "audit")
        event = events[content["id"]]
        assert content == json.loads(canonical_json(log.audit_payload(event) | {"index": entry.idx}))
        seen.add(event.id)
    assert seen == set(events)


def test_every_service_write_is_on_the_ledger_in_its_own_transaction(db, settings, admin, make_actor):
    custodian = make_actor("custodian")
    examiner = make_actor("analyst")
    supervisor = make_actor("supervisor")
    assert_one_leaf_per_audit_event(db)
    authority_id = warrant(db, supervisor, "W-1")
    store = blob_store(settings)
    blob = store_file(store, io.BytesIO(b"intercepted call"), settings=settings)
    with db.write() as s:
        exhibit_id = add_evidence(
            s,
            custodian,
            EvidenceInput(title="Call", kind="audio", authority=authority_id, collected_by="SI Nadeem"),
            blob=blob,
            media=read_media(store.path_for(blob.sha256), kind="audio"),
            settings=settings,
        ).id
    with db.write() as s:
        custody.record_event(
            s,
            custodian,
            visible_exhibit(s, custodian, exhibit_id),
            action="transferred",
            to_holder=examiner.username,
        )
    with db.write() as s:
        verification.record_verification(
            s, examiner, visible_exhibit(s, examiner, exhibit_id), method="ENF", result="passed"
        )
    with db.write() as s:
        verification.review_verification(
            s, supervisor, visible_exhibit(s, supervisor, exhibit_id), decision="confirmed"
        )
    assert_one_leaf_per_audit_event(db)
    actions = [json.loads(e.payload)["action"] for e in entries(db)][-5:]
    assert actions == [
        "authority.add",
        "exhibit.add",
        "custody.transferred",
        "verification.record",
        "verification.review",
    ]
    with db.read() as s:
        assert verify_ledger(s, settings).ok


def test_the_events_of_one_transaction_are_appended_together(db, make_actor):
    supervisor = make_actor("supervisor")
    before = head_size(db)
    with db.write() as s:
        ids = [add_authority(s, supervisor, reference=f"W-{n}", **WINDOW).id for n in range(3)]
    appended = [json.loads(e.payload) for e in entries(db)[before:]]
    assert [(e["index"], e["action"], e["target_id"]) for e in appended] == [
        (before + n, "authority.add", ids[n]) for n in range(3)
    ]


def test_a_write_that_fails_leaves_no_entry(db, admin, make_actor):
    supervisor = make_actor("supervisor")
    warrant(db, supervisor, "W-0")
    with db.write() as s:
        create_compartment(s, admin, code="ALPHA2", title="first")

    def ledger_state():
        return [(e.idx, e.payload) for e in entries(db)], audit_count(db), head_size(db)

    before = ledger_state()
    with pytest.raises(RuntimeError), db.write() as s:  # the caller fails after the service calls
        register_exhibit(s, supervisor, title="never kept", kind="other")
        add_authority(s, supervisor, reference="W-never", **WINDOW)
        raise RuntimeError("something later in the request failed")
    assert ledger_state() == before
    with pytest.raises(IntegrityError), db.write() as s:  # the commit itself fails
        add_authority(s, supervisor, reference="W-never-2", **WINDOW)
        s.add(Compartment(code="ALPHA2", title="the same code again"))  # flushed only at commit
    assert ledger_state() == before
    warrant(db, supervisor, "W-1")  # the next write carries on at the next index
    assert head_size(db) == before[2] + 1
    assert_one_leaf_per_audit_event(db)


def test_audited_reads_are_on_the_ledger_and_plain_lists_are_not(db, cli, admin):
    exhibit = cli("evidence", "register", "--title", "Seized diary", "--kind", "other", "--json").json["id"]
    before = head_size(db)
    shown = cli("evidence", "show", exhibit, "--json")
    assert shown.code == 0, shown.stderr
    read = json.loads(entries(db)[-1].payload)
    assert head_size(db) == before + 1
    assert (read["action"], read["target_id"], read["actor"], read["interface"]) == (
        "exhibit.read",
        exhibit,
        "admin",
        "cli",
    )
    assert cli("evidence", "list", "--json").code == 0
    assert head_size(db) == before + 1
    assert_one_leaf_per_audit_event(db)


def open_note(note: str, verifier_key: str, origin: str) -> tuple[int, bytes]:
    """Check a signed checkpoint with only the public verifier key text (C2SP signed-note)."""
    name, key_id, key64 = verifier_key.split("+", 2)  # base64 may hold "+" too
    key = base64.b64decode(key64)
    assert key[0] == 0x01 and len(key) == 33  # Ed25519
    public = key[1:]
    assert hashlib.sha256(name.encode() + b"\n\x01" + public).digest()[:4] == bytes.fromhex(key_id)
    split = note.index("\n\n")
    body, signature_lines = note[: split + 1], note[split + 2 :].splitlines()
    ours = [line for line in signature_lines if line.startswith(f"\u2014 {name} ")]
    assert len(ours) == 1
    blob = base64.b64decode(ours[0].split(" ")[2])
    assert blob[:4] == bytes.fromhex(key_id)
    Ed25519PublicKey.from_public_bytes(public).verify(blob[4:], body.encode("utf-8"))  # raises if forged
    note_origin, size, root64 = body.splitlines()[:3]
    assert note_origin == origin
    return int(size), base64.b64decode(root64)


def test_checkpoints_are_signed_every_n_entries_and_verify_with_the_public_key(settings, db, cli, make_actor):
    supervisor = make_actor("supervisor")
    every5 = settings.with_(checkpoint_every=5)
    database = Database(every5)
    try:
        with database.read() as s:
            start, last_signed = log.current_size(s), s.get(LedgerHead, 1).checkpoint_size
        for n in range(23):
            warrant(database, supervisor, f"W-{n}")  # one entry each
        expected = []
        for size in range(start + 1, start + 24):
            if size - last_signed >= 5:
                expected.append(size)
                last_signed = size
        with database.read() as s:
            signed = list(s.scalars(select(LedgerCheckpoint).order_by(LedgerCheckpoint.size)))
        assert [c.size for c in signed if c.size > start] == expected
        assert len(expected) >= 4 and all(b - a == 5 for a, b in itertools.pairwise(expected))
    finally:
        database.dispose()

    key = cli("ledger", "key", "--json")
    assert key.code == 0, key.stderr
    tree = memory_tree(db)
    for checkpoint in signed:
        size, root = open_note(checkpoint.note, key.json["verifier_key"], settings.ledger_origin)
        assert (size, root) == (checkpoint.size, bytes(checkpoint.root))
        assert root == tree.root(size)
    with pytest.raises(InvalidSignature):  # a note changed after signing does not verify
        forged = signed[-1].note.replace(f"\n{signed[-1].size}\n", f"\n{signed[-1].size + 1}\n")
        open_note(forged, key.json["verifier_key"], settings.ledger_origin)


def test_a_checkpoint_on_demand(db, cli, admin, settings):
    made = cli("ledger", "checkpoint", "--json")
    assert made.code == 0, made.stderr
    size = made.json["size"]
    assert size == head_size(db)
    assert bytes.fromhex(made.json["root"]) == memory_tree(db).root(size)
    key = cli("ledger", "key", "--json").json["verifier_key"]
    assert open_note(made.json["note"], key, settings.ledger_origin) == (size, memory_tree(db).root(size))
    again = cli("ledger", "checkpoint", "--json")  # nothing new: the same checkpoint
    assert again.json == made.json
    assert cli("--as", "nobody-at-all", "ledger", "checkpoint").code != 0


def test_proofs_from_the_database_equal_those_of_a_tree_in_memory(db, make_actor):
    supervisor = make_actor("supervisor")
    for n in range(16):
        warrant(db, supervisor, f"W-{n}")
    tree = memory_tree(db)
    size = tree.size
    assert size >= 17
    with db.read() as s:
        assert log.root_at(s, size) == tree.root()
        for tree_size in range(1, size + 1):
            assert log.root_at(s, tree_size) == tree.root(tree_size)
            for index in range(tree_size):
                proof = log.prove_inclusion(s, index, size=tree_size)
                assert proof.path == tree.inclusion_proof(index, tree_size)
                assert proof.root == tree.root(tree_size)
                assert proof.leaf_hash == tree.lookup((0, index))
                assert merkle.verify_inclusion(proof.leaf_hash, index, tree_size, proof.path, proof.root)
        for new in range(size + 1):
            for old in range(new + 1):
                path = log.prove_consistency(s, old, new)
                assert path == tree.consistency_proof(old, new)
                assert merkle.verify_consistency(old, new, tree.root(old), tree.root(new), path)
        latest = log.prove_inclusion(s, size - 1)
        assert (latest.size, latest.root) == (size, tree.root())
        for bad in (
            lambda: log.prove_inclusion(s, size),
            lambda: log.prove_inclusion(s, -1),
            lambda: log.prove_inclusion(s, 3, size=2),
            lambda: log.prove_consistency(s, 3, 2),
            lambda: log.prove_consistency(s, 0, size + 1),
        ):
            with pytest.raises(InvalidInput):
                bad()


def test_concurrent_writers_leave_a_gap_free_ledger_that_verifies(settings, db, make_actor):
    supervisor = make_actor("supervisor")
    writers, rounds = 3, 8
    start = threading.Barrier(writers)
    errors: list[BaseException] = []
    batches: list[list[str]] = []

    def writer(n: int) -> None:
        database = Database(settings)  # an engine each, as separate processes would have
        try:
            start.wait()
            for r in range(rounds):
                with database.write() as s:  # one, two or three events per transaction
                    batches.append(
                        [
                            add_authority(s, supervisor, reference=f"W-{n}-{r}-{k}", **WINDOW).id
                            for k in range(1 + (r + n) % 3)
                        ]
                    )
        except BaseException as err:  # reported by the test thread
            errors.append(err)
        finally:
            database.dispose()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert_one_leaf_per_audit_event(db)
    index_of = {json.loads(e.payload)["target_id"]: e.idx for e in entries(db)}
    for batch in batches:  # each transaction's entries are contiguous, in order
        assert [index_of[i] for i in batch] == list(
            range(index_of[batch[0]], index_of[batch[0]] + len(batch))
        )
    with db.read() as s:
        report = verify_ledger(s, settings)
    assert report.ok, report.problems
    assert report.size == head_size(db) and report.root == memory_tree(db).root()
