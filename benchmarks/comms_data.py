"""Generated inputs of ``benchmarks/comms.py``: an operator CSV, stored calls in the Parquet
layout, and a contact graph with structure. All seeded; DuckDB writes the big files, so
generating 2×10^7 rows takes seconds rather than the minutes a Python loop would.
"""

from __future__ import annotations

import itertools
import random
from datetime import datetime
from pathlib import Path

import duckdb
import pyarrow as pa

from dastavez.comms.layout import CALL_COLUMNS, dataset_dir
from dastavez.settings import Settings

#: numbers the benchmark's authority names as targets: every CSV row has one of them as a party
TARGETS = [f"+92321{n:07d}" for n in range(50)]
WINDOW = ("2026-01-01", "2026-01-31")

# A counterparty of row i: 90 % Pakistani mobiles, 10 % UK and UAE (200,000 numbers in all).
_PARTY = """CASE WHEN h % 10 = 0 THEN '+447911' || lpad(CAST(h % 100000 AS VARCHAR), 6, '0')
                 WHEN h % 10 = 1 THEN '+97150' || lpad(CAST(h % 100000 AS VARCHAR), 7, '0')
                 ELSE '+92300' || lpad(CAST(h % 180000 AS VARCHAR), 7, '0') END"""


def write_operator_csv(path: Path, rows: int) -> int:
    """``rows`` calls and SMS of the targets in January 2026, header
    ``caller,callee,start_time,duration_s,type``; 1 % of them fall outside the authority's
    window. Returns the file's size in bytes."""
    con = duckdb.connect()
    try:
        con.execute(f"""
            COPY (
              WITH r AS (SELECT i, hash(i * 7 + 1) AS h, hash(i * 7 + 2) AS g FROM range({int(rows)}) t(i))
              SELECT
                CASE WHEN g % 2 = 0 THEN list_extract($targets, CAST(g % 50 AS INTEGER) + 1) ELSE {_PARTY} END
                  AS caller,
                CASE WHEN g % 2 = 0 THEN {_PARTY} ELSE list_extract($targets, CAST(g % 50 AS INTEGER) + 1) END
                  AS callee,
                strftime(TIMESTAMP '2026-01-01' + to_seconds(CAST(g % 2678400 AS BIGINT))
                         + CASE WHEN g % 100 = 7 THEN INTERVAL 40 DAY ELSE INTERVAL 0 DAY END,
                         '%Y-%m-%dT%H:%M:%S') AS start_time,
                CASE WHEN h % 10 < 3 THEN 0 ELSE CAST(g % 900 AS INTEGER) + 1 END AS duration_s,
                CASE WHEN h % 10 < 3 THEN 'sms' ELSE 'call' END AS type
              FROM r
            ) TO '{_path(path)}' (HEADER, DELIMITER ',')
        """.replace("$targets", "[" + ", ".join(f"'{t}'" for t in TARGETS) + "]"))
    finally:
        con.close()
    return path.stat().st_size


def write_stored_calls(root: Path, rows: int, *, datasets: int = 2, pairs: int = 500_000) -> list[str]:
    """``rows`` stored calls split over ``datasets`` datasets under the layout root ``root``
    (``calls/dataset=<ID>/month=<YYYY-MM>/``), over about ``pairs`` distinct ordered pairs
    and six months; 2 % out of scope. Returns the dataset ids."""
    ids = [f"CDR-BENCH{n:02d}" for n in range(datasets)]
    con = duckdb.connect()
    try:
        for n, dataset in enumerate(ids):
            share = rows // datasets + (1 if n < rows % datasets else 0)
            folder = dataset_dir_under(root, dataset)
            folder.parent.mkdir(parents=True, exist_ok=True)
            columns = ", ".join(f"CAST(NULL AS {kind}) AS {name}" for name, kind in CALL_COLUMNS
                                if name not in _STORED_EXPR)
            con.execute(f"""
                COPY (
                  WITH r AS (SELECT i, hash(i * 11 + {n}) AS g, hash(i * 13 + {n}) % {pairs} AS p
                             FROM range({share}) t(i))
                  SELECT i + 2 AS line,
                         '+92300' || lpad(CAST(p % 40000 AS VARCHAR), 7, '0') AS caller,
                         '+92301' || lpad(CAST(hash(p) % 160000 AS VARCHAR), 7, '0') AS callee,
                         TIMESTAMP '2026-01-01' + to_seconds(CAST(g % 15552000 AS BIGINT)) AS start,
                         CASE WHEN g % 10 < 3 THEN 0 ELSE CAST(g % 900 AS INTEGER) + 1 END AS duration_s,
                         CASE WHEN g % 10 < 3 THEN 'sms' ELSE 'call' END AS type,
                         'PK' AS caller_country, 'PK' AS callee_country,
                         CASE WHEN g % 50 = 0 THEN 'target' END AS scope,
                         {columns},
                         strftime(start, '%Y-%m') AS month
                  FROM r
                ) TO '{_path(folder)}' (FORMAT parquet, PARTITION_BY (month))
            """)
    finally:
        con.close()
    return ids


_STORED_EXPR = {"line", "caller", "callee", "start", "duration_s", "type", "caller_country",
                "callee_country", "scope"}


def dataset_dir_under(root: Path, dataset: str) -> Path:
    """``layout.dataset_dir`` for a layout whose ``comms`` folder is under ``root``."""
    return dataset_dir(Settings(home=root), dataset)


def contact_graph(numbers: int, edges: int, *, seed: int = 7) -> pa.Table:
    """A directed edges table (``EDGE_COLUMNS``) of ``edges`` distinct pairs among ``numbers``
    numbers: communities of 500, 85 % of edges inside one, heavy-tailed degrees (Pareto
    weights), so paths, brokers and Leiden have something to find."""
    rng = random.Random(seed)
    cumulative = list(itertools.accumulate(rng.paretovariate(1.8) for _ in range(numbers)))
    seen: set[tuple[int, int]] = set()
    while len(seen) < edges:
        for a in rng.choices(range(numbers), cum_weights=cumulative, k=edges - len(seen)):
            b = (a // 500) * 500 + rng.randrange(500) if rng.random() < 0.85 else rng.randrange(numbers)
            b = min(b, numbers - 1)
            if a != b and (a, b) not in seen and (b, a) not in seen:
                seen.add((a, b))
    pairs = sorted(seen)
    name = [f"+92300{i:07d}" if i % 20 else f"+447911{i:06d}" for i in range(numbers)]
    calls = [rng.randrange(1, 40) for _ in pairs]
    moment = datetime(2026, 1, 1)
    return pa.table({
        "caller": pa.array([name[a] for a, _ in pairs]),
        "callee": pa.array([name[b] for _, b in pairs]),
        "calls": pa.array(calls, pa.int64()),
        "sms": pa.array([c // 3 for c in calls], pa.int64()),
        "duration_s": pa.array([c * 60 for c in calls], pa.int64()),
        "first": pa.array([moment] * len(pairs), pa.timestamp("us")),
        "last": pa.array([moment] * len(pairs), pa.timestamp("us")),
        "datasets": pa.array([["CDR-BENCH00"]] * len(pairs), pa.list_(pa.string())),
    })


def _path(path: Path) -> str:
    return str(path).replace("'", "''")
