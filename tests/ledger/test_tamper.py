"""Tampering with the ledger behind dastavez's back, with plain SQL, and ``ledger verify``
naming the first entry that no longer matches (in the service and through the CLI).

The ledger under attack is a realistic one: entries before and after a signed checkpoint.
"""

from __future__ import annotations

import json

import pytest
from sqlalchemy import text

from dastavez.evidence.authority import add_authority
from dastavez.ledger import merkle
from dastavez.ledger.verify import verify_ledger

WINDOW = {
    "basis": "ATA 1997 s.19",
    "issued_by": "ATC-I",
    "valid_from": "2026-01-01",
    "valid_to": "2026-12-31",
}


@pytest.fixture
def ledger(db, cli, make_actor) -> int:
    """About 30 entries with a checkpoint signed at 24 of them; returns the checkpoint's size."""
    supervisor = make_actor("supervisor")
    while True:
        with db.write() as s:
            add_authority(s, supervisor, reference="W-0", **WINDOW)
        if verify(db)["size"] >= 24:
            break
    signed = cli("ledger", "checkpoint", "--json")
    assert signed.code == 0, signed.stderr
    for n in range(6):
        with db.write() as s:
            add_authority(s, supervisor, reference=f"W-after-{n}", **WINDOW)
    assert verify(db)["ok"] is True
    return signed.json["size"]


def verify(db) -> dict:
    with db.read() as s:
        return verify_ledger(s, db.settings).as_dict()


def run_sql(db, statement: str, **params) -> None:
    with db.engine.begin() as conn:
        conn.execute(text(statement), params)


def row(db, index: int) -> tuple[str, bytes]:
    with db.engine.connect() as conn:
        payload, leaf = conn.execute(
            text("SELECT payload, leaf_hash FROM ledger_entry WHERE idx = :i"), {"i": index}
        ).one()
    return payload, bytes(leaf)


def rewritten(payload: str) -> str:
    """The same entry, saying another user did it: still valid JSON, same index and kind."""
    content = json.loads(payload)
    content["actor"] = "someone-else"
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def fails_at(db, cli, index: int | None = None) -> dict:
    """``ledger verify`` fails, in the service and through the CLI, naming the same entry."""
    report = verify(db)
    assert report["ok"] is False
    assert report["problems"] and all("\n" not in p for p in report["problems"])
    if index is not None:
        assert report["first_bad_index"] == index, report["problems"]
    result = cli("ledger", "verify", "--json")
    assert result.code == 1, result.stderr
    assert (result.json["ok"], result.json["first_bad_index"]) == (False, report["first_bad_index"])
    return report


def test_an_untouched_ledger_verifies(db, cli, ledger):
    result = cli("ledger", "verify", "--json")
    assert result.code == 0, result.stderr
    assert result.json["ok"] is True and "first_bad_index" not in result.json
    assert result.json["checkpoints_checked"] >= 2


@pytest.mark.parametrize("index", [0, 9, 14, 27])
def test_an_edited_payload_is_named(db, cli, ledger, index):
    payload, _ = row(db, index)
    run_sql(db, "UPDATE ledger_entry SET payload = :p WHERE idx = :i", p=rewritten(payload), i=index)
    report = fails_at(db, cli, index)
    assert f"entry {index} was altered" in report["problems"][0]


def test_an_edited_kind_column_is_named(db, cli, ledger):
    run_sql(db, "UPDATE ledger_entry SET kind = 'claim' WHERE idx = 11")
    fails_at(db, cli, 11)


@pytest.mark.parametrize("index", [5, 12, 20])
def test_a_deleted_row_is_named(db, cli, ledger, index):
    run_sql(db, "DELETE FROM ledger_entry WHERE idx = :i", i=index)
    report = fails_at(db, cli, index)
    assert f"entry {index} is missing" in report["problems"]


def test_deleting_the_newest_rows_is_caught_by_the_head(db, cli, ledger):
    size = verify(db)["size"]
    run_sql(db, "DELETE FROM ledger_entry WHERE idx >= :i", i=size - 2)
    fails_at(db, cli, size - 2)


@pytest.mark.parametrize(("low", "high"), [(6, 7), (3, 17), (10, 26)])
def test_swapped_rows_are_named_at_the_lower_one(db, cli, ledger, low, high):
    low_row, high_row = row(db, low), row(db, high)
    for index, (payload, leaf) in ((low, high_row), (high, low_row)):
        run_sql(
            db,
            "UPDATE ledger_entry SET payload = :p, leaf_hash = :h WHERE idx = :i",
            p=payload,
            h=leaf,
            i=index,
        )
    report = fails_at(db, cli, low)
    assert any("rows were moved" in p for p in report["problems"])


@pytest.mark.parametrize("index", [8, 13, 22])
def test_an_entry_rewritten_with_its_leaf_hash_is_named_within_its_pair(db, cli, ledger, index):
    payload = rewritten(row(db, index)[0])
    run_sql(
        db,
        "UPDATE ledger_entry SET payload = :p, leaf_hash = :h WHERE idx = :i",
        p=payload,
        h=merkle.leaf_hash(payload.encode("utf-8")),
        i=index,
    )
    report = fails_at(db, cli)
    assert report["first_bad_index"] in (index & ~1, index | 1), report["problems"]
    assert any("subtree hash" in p for p in report["problems"])


def test_an_entry_rewritten_with_every_node_above_it_is_caught_by_the_signature(db, cli, ledger):
    index = 10
    payload = rewritten(row(db, index)[0])
    with db.engine.begin() as conn:
        conn.execute(
            text("UPDATE ledger_entry SET payload = :p, leaf_hash = :h WHERE idx = :i"),
            {"p": payload, "h": merkle.leaf_hash(payload.encode("utf-8")), "i": index},
        )
        leaves = [bytes(h) for (h,) in conn.execute(text("SELECT leaf_hash FROM ledger_entry ORDER BY idx"))]
        tree = merkle.MemoryTree(leaves)
        nodes = conn.execute(text("SELECT level, idx FROM ledger_node")).all()
        for level, idx in nodes:
            conn.execute(
                text("UPDATE ledger_node SET hash = :h WHERE level = :l AND idx = :i"),
                {"h": tree.lookup((level, idx)), "l": level, "i": idx},
            )
    report = fails_at(db, cli)
    assert report["first_bad_index"] <= index < ledger
    assert all("checkpoint" in p or "root signed" in p for p in report["problems"]), report["problems"]
    assert any(f"root signed at size {ledger}" in p for p in report["problems"])


def test_an_edited_checkpoint_note_fails(db, cli, ledger):
    with db.engine.connect() as conn:
        note = conn.execute(
            text("SELECT note FROM ledger_checkpoint WHERE size = :s"), {"s": ledger}
        ).scalar_one()
    forged = note.replace(f"\n{ledger}\n", f"\n{ledger - 1}\n", 1)
    assert forged != note
    run_sql(db, "UPDATE ledger_checkpoint SET note = :n WHERE size = :s", n=forged, s=ledger)
    report = fails_at(db, cli)
    assert report["first_bad_index"] < ledger
    assert any(f"checkpoint at size {ledger}" in p for p in report["problems"])


def test_a_checkpoint_row_that_differs_from_its_note_fails(db, cli, ledger):
    run_sql(db, "UPDATE ledger_checkpoint SET root = :r WHERE size = :s", r=b"\x00" * 32, s=ledger)
    report = fails_at(db, cli)
    assert any("differs from its signed note" in p for p in report["problems"])
