"""Evidence vault benchmark: blob hashing, ledger appends, inclusion proofs, full ledger verify.

    .venv/bin/python benchmarks/evidence.py [--backend sqlite|postgresql|both] [--entries 1000000]
                                            [--hash-mb 2048] [--appends 5000] [--batches 1,10,100]
                                            [--proofs 1000] [--rounds 3] [--skip-hashing | --skip-ledger]

Each figure is set against a baseline measured in the same process, on the same database:

a) hashing: the blob store's SHA-256 + SHA-512 against ``sha256sum`` on the same file
   (``benchmarks/hashing.py``); goal ≥ 0.8 of its throughput, peak RSS < 200 MB;
b) ledger appends: ``Database.write()`` transactions that each record ``--batches`` audit
   events with ``audit.record`` (so ``ledger.log.seal`` appends them before commit, with a
   checkpoint signed every ``checkpoint_every`` entries), against the same transactions
   adding the same audit rows without the ledger; appended onto the ledger of c), and
   alternated with the baseline run by run; goal ≥ 5,000 appends/s. The baseline shows
   what the transactions alone allow: with one event each, a commit (an fsync on
   PostgreSQL) bounds both;
c) inclusion proofs: ``log.prove_inclusion`` of ``--proofs`` random entries of a ledger of
   ``--entries`` (each in a fresh read session), against a SELECT of the entry's row by
   primary key; goal < 5 ms (median and p95);
d) ``verify_ledger`` of that ledger (every entry, node and checkpoint), against reading
   the same entry and node rows with plain SELECTs; goal < 60 s.

The ledger of c) and d) is written by a bulk loader (real leaves: the canonical JSON of an
audit-shaped entry with its kind and index, as ``log.append`` writes them; nodes from
``merkle.MemoryTree``; a signed checkpoint every ``checkpoint_every`` entries), because
10^6 audited transactions would take longer than everything measured here.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

from sqlalchemy import Table, create_engine, select, text, update

from dastavez.access import audit
from dastavez.access.actor import Actor
from dastavez.access.users import actor_for, bootstrap_admin
from dastavez.ledger import log, merkle
from dastavez.ledger.canonical import canonical_json
from dastavez.ledger.checkpoints import signing_key
from dastavez.ledger.note import Checkpoint, sign_checkpoint
from dastavez.ledger.verify import verify_ledger
from dastavez.settings import Settings
from dastavez.storage.bulk_insert import RowInserter
from dastavez.storage.engine import Database
from dastavez.storage.ledger_tables import LedgerCheckpoint, LedgerEntry, LedgerHead, LedgerNode
from dastavez.storage.migrate import upgrade
from dastavez.storage.tables import AuditEvent

PG_URL = os.environ.get("DASTAVEZ_TEST_PG_URL", "postgresql+psycopg://127.0.0.1:5432/test")
BENCH_SCHEMA = f"dz_bench_evidence_{os.getpid()}"
BENCH_PASSWORD = "bench-only-" + os.urandom(8).hex()  # the scratch database's admin, never reused
LOAD_CHUNK = 20_000
GOAL_HASH_RATIO, GOAL_HASH_RSS_MB = 0.8, 200
GOAL_APPENDS_PER_S = 5_000
GOAL_PROOF_MS = 5.0
GOAL_VERIFY_S = 60.0


def _hashing_module() -> Any:
    """``benchmarks/hashing.py``, loaded by path: ``benchmarks`` is a folder of scripts, not a package."""
    path = Path(__file__).with_name("hashing.py")
    spec = importlib.util.spec_from_file_location("dastavez_bench_hashing", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def verdict(met: bool) -> str:
    return "MET" if met else "NOT MET"


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


@contextmanager
def fresh_settings(backend: str, home: Path) -> Iterator[Settings]:
    """SQLite in ``home``, or a scratch PostgreSQL schema dropped afterwards."""
    if backend == "sqlite":
        yield Settings(home=home)
        return
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{BENCH_SCHEMA}" CASCADE'))
        conn.execute(text(f'CREATE SCHEMA "{BENCH_SCHEMA}"'))
    options = quote(f"-csearch_path={BENCH_SCHEMA}")
    try:
        yield Settings(home=home, database_url=f"{PG_URL}{'&' if '?' in PG_URL else '?'}options={options}")
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{BENCH_SCHEMA}" CASCADE'))
        admin.dispose()


# --- a) hashing -----------------------------------------------------------------------------------


def bench_hashing(size_mb: int, rounds: int, file: Path | None) -> dict[str, Any]:
    hashing = _hashing_module()
    if file is not None:
        result: dict[str, Any] = hashing.measure(file, rounds=rounds)
    else:
        with tempfile.TemporaryDirectory(prefix="dz-bench-hash-") as scratch:
            sample = Path(scratch) / "sample.bin"
            say(f"[hashing] writing {size_mb} MiB sample")
            hashing.write_sample(sample, size_mb)
            say(f"[hashing] ours vs sha256sum, {rounds} rounds")
            result = hashing.measure(sample, rounds=rounds)
    result["verdict"] = verdict(result["goal_met"])
    return result


# --- c), d) a ledger of --entries, written in bulk ------------------------------------------------


def loader_entry(index: int, start: datetime) -> dict[str, Any]:
    """An entry shaped as ``log.audit_payload`` makes it (before ``append`` adds the index)."""
    return {
        "kind": "audit",
        "id": index + 1,
        "at": start + timedelta(milliseconds=index),
        "actor": "loader",
        "interface": "system",
        "client": None,
        "action": "exhibit.read",
        "target_type": "exhibit",
        "target_id": f"EXH-{index:07d}",
        "compartment": None,
        "detail": {"bench": True},
    }


def load_ledger(db: Database, settings: Settings, entries: int) -> float:
    """Write a ledger of ``entries`` real leaves, its nodes, head and checkpoints; seconds taken."""
    started = time.perf_counter()
    entry_rows = RowInserter(_table(LedgerEntry), ["idx", "kind", "payload", "leaf_hash", "at"])
    node_rows = RowInserter(_table(LedgerNode), ["level", "idx", "hash"])
    checkpoint_rows = RowInserter(_table(LedgerCheckpoint), ["size", "root", "note", "at"])
    key = signing_key(settings)
    tree = merkle.MemoryTree()
    now = datetime.now(UTC)
    every = settings.checkpoint_every
    for first in range(0, entries, LOAD_CHUNK):
        last = min(entries, first + LOAD_CHUNK)
        rows = []
        for index in range(first, last):
            entry = loader_entry(index, now)
            payload = canonical_json({**entry, "index": index})  # exactly what log.append hashes
            leaf = merkle.leaf_hash(payload.encode("utf-8"))
            tree.append(leaf)
            rows.append((index, entry["kind"], payload, leaf, now))
        # Nodes of level ≥ 1 completed by this chunk: at size n, level l holds n >> l of them.
        nodes = [
            (level, idx, tree.lookup((level, idx)))
            for level in range(1, last.bit_length())
            for idx in range(first >> level, last >> level)
        ]
        signed = [
            (size, root, sign_checkpoint(Checkpoint(settings.ledger_origin, size, root), key), now)
            for size in range((first // every + 1) * every, last + 1, every)
            for root in [tree.root(size)]
        ]
        with db.write() as session:
            entry_rows.insert(session, rows)
            node_rows.insert(session, nodes)
            checkpoint_rows.insert(session, signed)
        if first // LOAD_CHUNK % 10 == 0:
            say(f"  loaded {last:,}/{entries:,} entries")
    with db.write() as session:
        log.lock_head(session)
        checkpointed = entries - entries % every
        session.execute(
            update(LedgerHead)
            .where(LedgerHead.id == 1)
            .values(size=entries, checkpoint_size=checkpointed, checkpoint_at=now)
        )
    if db.dialect == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE ledger_entry, ledger_node, ledger_checkpoint")
    return time.perf_counter() - started


def _table(model: type[LedgerEntry | LedgerNode | LedgerCheckpoint]) -> Table:
    return model.metadata.tables[model.__tablename__]


def bench_proofs(db: Database, count: int, size: int, seed: int = 11) -> dict[str, Any]:
    """``prove_inclusion`` against a primary-key SELECT of the same entry, interleaved."""
    rng = random.Random(seed)
    indexes = [rng.randrange(size) for _ in range(count + 50)]
    entry_columns = (LedgerEntry.idx, LedgerEntry.kind, LedgerEntry.payload, LedgerEntry.leaf_hash)
    ours: list[float] = []
    raw: list[float] = []
    for n, index in enumerate(indexes):
        with db.read() as session:
            started = time.perf_counter()
            proof = log.prove_inclusion(session, index)
            took = time.perf_counter() - started
        if not merkle.verify_inclusion(proof.leaf_hash, index, proof.size, proof.path, proof.root):
            raise SystemExit(f"the proof of entry {index} does not verify")
        with db.read() as session:
            started = time.perf_counter()
            session.execute(select(*entry_columns).where(LedgerEntry.idx == index)).one()
            raw_took = time.perf_counter() - started
        if n >= 50:  # the first ones warm the connection pool and statement caches
            ours.append(took * 1000)
            raw.append(raw_took * 1000)
    median, p95 = statistics.median(ours), percentile(ours, 0.95)
    raw_median = statistics.median(raw)
    return {
        "proofs": count,
        "median_ms": round(median, 3),
        "p95_ms": round(p95, 3),
        "baseline_select_median_ms": round(raw_median, 3),
        "baseline_select_p95_ms": round(percentile(raw, 0.95), 3),
        "ratio_median": round(median / raw_median, 1),
        "verdict": verdict(median < GOAL_PROOF_MS and p95 < GOAL_PROOF_MS),
    }


def read_all_rows(db: Database) -> float:
    """Seconds to stream every entry and node row verify reads, doing nothing with them."""
    entry, node = _table(LedgerEntry).c, _table(LedgerNode).c
    started = time.perf_counter()
    with db.read() as session:
        for statement in (
            select(entry.idx, entry.kind, entry.payload, entry.leaf_hash).order_by(entry.idx),
            select(node.level, node.idx, node.hash).order_by(node.level, node.idx),
        ):
            for _ in session.execute(statement.execution_options(yield_per=20_000)):
                pass
    return time.perf_counter() - started


def bench_verify(db: Database, settings: Settings, size: int, rounds: int) -> dict[str, Any]:
    ours: list[float] = []
    raw: list[float] = []
    for _ in range(rounds):
        raw.append(read_all_rows(db))
        with db.read() as session:
            started = time.perf_counter()
            report = verify_ledger(session, settings)
            ours.append(time.perf_counter() - started)
        if not report.ok or report.size != size:
            raise SystemExit(f"the loaded ledger does not verify: {report.as_dict()}")
        say(f"  verify {ours[-1]:.1f} s, plain read {raw[-1]:.1f} s")
    best, best_raw = min(ours), min(raw)
    return {
        "entries": size,
        "checkpoints_checked": report.checkpoints,
        "best_s": round(best, 2),
        "runs_s": [round(s, 2) for s in ours],
        "baseline_read_best_s": round(best_raw, 2),
        "baseline_runs_s": [round(s, 2) for s in raw],
        "ratio": round(best / best_raw, 1),
        "verdict": verdict(best < GOAL_VERIFY_S),
    }


# --- b) appends through audit.record -------------------------------------------------------------


def _same_audit_row(actor: Actor, n: int) -> AuditEvent:
    """The row ``audit.record`` adds for event ``n``, without queueing it for the ledger."""
    return AuditEvent(
        actor=actor.username,
        interface=actor.interface,
        client=actor.client,
        action="exhibit.read",
        target_type="exhibit",
        target_id=f"EXH-{n:07d}",
        compartment=None,
        detail={"n": n},
        at=datetime.now(UTC),
    )


def _transactions(db: Database, actor: Actor, events: int, batch: int, *, ledger: bool) -> float:
    """Events per second, ``batch`` to a ``db.write()`` transaction."""
    started = time.perf_counter()
    for first in range(0, events, batch):
        with db.write() as session:
            for n in range(first, min(events, first + batch)):
                if ledger:
                    audit.record(
                        session, actor, "exhibit.read", target_type="exhibit", target_id=f"EXH-{n:07d}",
                        detail={"n": n},
                    )
                else:
                    session.add(_same_audit_row(actor, n))
    return events / (time.perf_counter() - started)


def bench_appends(db: Database, actor: Actor, events: int, batches: list[int], rounds: int) -> dict[str, Any]:
    with db.read() as session:
        size_before = log.current_size(session)
        checkpoints_before = session.scalar(
            select(LedgerCheckpoint.size).order_by(LedgerCheckpoint.size.desc()).limit(1)
        )
    results: dict[str, Any] = {"events": events, "ledger_size_before": size_before}
    for batch in batches:
        _transactions(db, actor, 200, batch, ledger=True)  # warm up
        _transactions(db, actor, 200, batch, ledger=False)
        ours: list[float] = []
        raw: list[float] = []
        for _ in range(rounds):  # alternate, so load from other processes hits both alike
            raw.append(_transactions(db, actor, events, batch, ledger=False))
            ours.append(_transactions(db, actor, events, batch, ledger=True))
            say(f"  batch {batch}: ledger {ours[-1]:,.0f}/s, audit rows only {raw[-1]:,.0f}/s")
        best, best_raw = max(ours), max(raw)
        results[f"batch_{batch}"] = {
            "events_per_transaction": batch,
            "appends_per_s_best": round(best),
            "appends_per_s_median": round(statistics.median(ours)),
            "baseline_per_s_best": round(best_raw),
            "baseline_per_s_median": round(statistics.median(raw)),
            "ratio": round(best / best_raw, 2),
            "ratio_median": round(statistics.median(ours) / statistics.median(raw), 2),
            "verdict": verdict(best >= GOAL_APPENDS_PER_S),
        }
    with db.read() as session:
        size_after = log.current_size(session)
        signed = session.scalar(
            select(text("count(*)")).select_from(_table(LedgerCheckpoint)).where(
                LedgerCheckpoint.size > (checkpoints_before or 0)
            )
        )
    results["ledger_size_after"] = size_after
    results["checkpoints_signed"] = signed
    return results


# --- driver ---------------------------------------------------------------------------------------


def run_backend(backend: str, args: argparse.Namespace) -> dict[str, Any]:
    result: dict[str, Any] = {"backend": backend}
    with tempfile.TemporaryDirectory(prefix="dz-bench-evidence-") as scratch, fresh_settings(
        backend, Path(scratch)
    ) as settings:
        db = Database(settings)
        try:
            upgrade(db.engine)
            say(f"[{backend}] loading a ledger of {args.entries:,} entries")
            result["load_s"] = round(load_ledger(db, settings, args.entries), 1)
            say(f"[{backend}] {args.proofs} inclusion proofs")
            result["proof"] = bench_proofs(db, args.proofs, args.entries)
            say(f"[{backend}] full verify, {args.verify_rounds} rounds")
            result["verify"] = bench_verify(db, settings, args.entries, args.verify_rounds)
            with db.write() as session:
                bootstrap_admin(session, username="admin", password=BENCH_PASSWORD)
            with db.read() as session:
                actor = actor_for(session, "admin", interface="cli")
            say(f"[{backend}] appends through audit.record, {args.appends:,} events per run")
            result["appends"] = bench_appends(db, actor, args.appends, args.batches, args.rounds)
        finally:
            db.dispose()
    return result


def report_lines(hashing: dict[str, Any] | None, results: list[dict[str, Any]]) -> list[str]:
    lines = []
    if hashing is not None:
        lines.append(
            f"a) hashing {hashing['file_mb']} MB: ours {hashing['ours_mb_s']} MB/s, sha256sum "
            f"{hashing['sha256sum_mb_s']} MB/s, ratio {hashing['ratio']} (goal ≥ {GOAL_HASH_RATIO}); "
            f"peak RSS {hashing['ours_peak_rss_mb']} MB (goal < {GOAL_HASH_RSS_MB}): {hashing['verdict']}"
        )
    for r in results:
        b = r["backend"]
        for key, figures in r["appends"].items():
            if key.startswith("batch_"):
                lines.append(
                    f"b) [{b}] appends, {figures['events_per_transaction']} per transaction: "
                    f"{figures['appends_per_s_best']:,}/s (median {figures['appends_per_s_median']:,}), "
                    f"audit rows without ledger {figures['baseline_per_s_best']:,}/s, "
                    f"ratio {figures['ratio']} (medians {figures['ratio_median']}) "
                    f"(goal ≥ {GOAL_APPENDS_PER_S:,}/s): {figures['verdict']}"
                )
        p = r["proof"]
        lines.append(
            f"c) [{b}] inclusion proof at {r['verify']['entries']:,}: median {p['median_ms']} ms, "
            f"p95 {p['p95_ms']} ms; SELECT by key median {p['baseline_select_median_ms']} ms, "
            f"ratio {p['ratio_median']} (goal < {GOAL_PROOF_MS} ms): {p['verdict']}"
        )
        v = r["verify"]
        lines.append(
            f"d) [{b}] verify {v['entries']:,} entries: {v['best_s']} s; plain read of the rows "
            f"{v['baseline_read_best_s']} s, ratio {v['ratio']} (goal < {GOAL_VERIFY_S:.0f} s): "
            f"{v['verdict']}"
        )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--entries", type=int, default=1_000_000, help="ledger size for proofs and verify")
    parser.add_argument("--hash-mb", type=int, default=2048, help="size of the hashed file in MiB")
    parser.add_argument("--hash-file", type=Path, help="hash this file instead of generating one")
    parser.add_argument("--hash-rounds", type=int, default=3)
    parser.add_argument("--skip-hashing", action="store_true", help="only the ledger figures")
    parser.add_argument("--skip-ledger", action="store_true", help="only the hashing figure")
    parser.add_argument("--appends", type=int, default=5_000, help="audit events per append run")
    parser.add_argument(
        "--batches",
        type=lambda text: [int(n) for n in text.split(",")],
        default=[1, 10, 100],
        help="audit events per transaction, comma-separated (default 1,10,100)",
    )
    parser.add_argument("--rounds", type=int, default=3, help="append runs per configuration")
    parser.add_argument("--proofs", type=int, default=1000)
    parser.add_argument("--verify-rounds", type=int, default=2)
    args = parser.parse_args()
    hashing = None if args.skip_hashing else bench_hashing(args.hash_mb, args.hash_rounds, args.hash_file)
    if hashing is not None:
        print(json.dumps({"hashing": hashing}), flush=True)
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    if args.skip_ledger:
        backends = []
    results = []
    for backend in backends:
        results.append(run_backend(backend, args))
        print(json.dumps(results[-1]), flush=True)
    # Other work on the machine slows ours and the baselines alike; the load says how much.
    print(f"cpus: {os.cpu_count()}, load average (1, 5, 15 min): {os.getloadavg()}")
    print("\n".join(report_lines(hashing, results)))


if __name__ == "__main__":
    main()
