"""The embedded engine: DuckDB reads the Parquet layout in place and aggregates it.

One in-memory connection per call (cheap, and safe when several requests run at once),
reading every file of the selection in one ``read_parquet`` so DuckDB scans them in parallel.
``dataset`` comes from the ``dataset=<ID>`` folder names (Hive partitioning, kept as text).
The window is half-open: ``since <= start < until``.
"""

from __future__ import annotations

import glob
import os
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from dastavez.comms import duck
from dastavez.comms.engine import CallSelection, CommsEngine
from dastavez.comms.engine_output import (
    EDGE_ORDER,
    EDGE_SCHEMA,
    SUMMARY_ORDER,
    SUMMARY_SCHEMA,
    conform,
    empty,
    utc_naive,
)

_READ = (
    "read_parquet($files, hive_partitioning = true, union_by_name = true,"
    " hive_types = {'dataset': VARCHAR, 'month': VARCHAR})"
)

# Calls are first summed per (pair, dataset): far fewer rows than calls, so the final
# group-bys, the dataset lists and the distinct contacts work on a small table. These follow
# the ``selected`` CTE, hence the leading comma; ``_EDGES`` and ``_SUMMARIES`` follow them.
_PAIRS = """
, pairs AS (
    SELECT caller, callee, dataset,
           count(*) FILTER (WHERE type = 'call') AS calls,
           count(*) FILTER (WHERE type = 'sms') AS sms,
           coalesce(sum(duration_s) FILTER (WHERE type = 'call'), 0) AS duration_s,
           min(start) AS first, max(start) AS last,
           min(caller_country) AS caller_country, min(callee_country) AS callee_country
    FROM selected
    GROUP BY caller, callee, dataset
)
"""

_EDGES = """
SELECT caller, callee,
       CAST(sum(calls) AS BIGINT) AS calls,
       CAST(sum(sms) AS BIGINT) AS sms,
       CAST(sum(duration_s) AS BIGINT) AS duration_s,
       min(first) AS first,
       max(last) AS last,
       list_sort(list(dataset)) AS datasets
FROM pairs
GROUP BY caller, callee
"""

# each pair seen from both ends; a call to oneself counts its seconds once
_SUMMARIES = """
, sides AS (
    SELECT caller AS number, caller_country AS country, callee AS other, true AS outgoing,
           calls, sms, duration_s, first, last, dataset FROM pairs
    UNION ALL
    SELECT callee, callee_country, caller, false, calls, sms, duration_s, first, last, dataset
    FROM pairs
)
SELECT number,
       min(country) AS country,
       CAST(sum(CASE WHEN outgoing THEN calls ELSE 0 END) AS BIGINT) AS calls_out,
       CAST(sum(CASE WHEN outgoing THEN 0 ELSE calls END) AS BIGINT) AS calls_in,
       CAST(sum(CASE WHEN outgoing THEN sms ELSE 0 END) AS BIGINT) AS sms_out,
       CAST(sum(CASE WHEN outgoing THEN 0 ELSE sms END) AS BIGINT) AS sms_in,
       CAST(sum(CASE WHEN outgoing OR number <> other THEN duration_s ELSE 0 END) AS BIGINT)
           AS duration_s,
       count(DISTINCT other) AS contacts,
       min(first) AS first,
       max(last) AS last,
       list_sort(list_distinct(list(dataset))) AS datasets
FROM sides
GROUP BY number
"""


def selection_files(selection: CallSelection) -> list[str]:
    """Every Parquet file the selection names (a dataset folder may hold none yet)."""
    return sorted({path for _, pattern in selection.datasets for path in glob.glob(pattern)})


def selected_calls_sql(selection: CallSelection) -> tuple[str, dict[str, Any]]:
    """The stored calls of the selection as a ``selected`` CTE, and its parameters."""
    where = ["caller IS NOT NULL", "callee IS NOT NULL"]
    params: dict[str, Any] = {"files": selection_files(selection)}
    if not selection.include_out_of_scope:
        where.append("scope IS NULL")
    if selection.since is not None:
        where.append("start >= $since")
        params["since"] = utc_naive(selection.since)
    if selection.until is not None:
        where.append("start < $until")
        params["until"] = utc_naive(selection.until)
    columns = (
        "caller, callee, CAST(start AS TIMESTAMP) AS start, duration_s, type, caller_country,"
        " callee_country, dataset"
    )
    # fixed clauses only; every value is a parameter
    cte = f"WITH selected AS (SELECT {columns} FROM {_READ} WHERE {' AND '.join(where)})"  # noqa: S608
    return cte, params


class DuckDBEngine(CommsEngine):
    """Aggregates stored calls with an in-memory DuckDB.

    ``threads`` defaults to the machine's cores; ``memory_limit`` caps what one aggregation
    holds before DuckDB spills to ``temp_directory`` (default: DuckDB's own).
    """

    name = "duckdb"

    def __init__(
        self,
        *,
        threads: int | None = None,
        memory_limit: str = "1GB",
        temp_directory: Path | None = None,
    ) -> None:
        self.threads = threads or os.cpu_count() or 1
        self.memory_limit = memory_limit
        self.temp_directory = temp_directory

    def connect(self) -> duckdb.DuckDBPyConnection:
        config: dict[str, Any] = {"threads": self.threads, "memory_limit": self.memory_limit}
        if self.temp_directory is not None:
            self.temp_directory.mkdir(parents=True, exist_ok=True)
            config["temp_directory"] = str(self.temp_directory)
        return duck.connect(config)

    def _aggregate(self, selection: CallSelection, body: str, schema: pa.Schema,
                   order: list[tuple[str, str]]) -> pa.Table:
        cte, params = selected_calls_sql(selection)
        if not params["files"]:
            return empty(schema)
        con = self.connect()
        try:
            table = con.sql(cte + _PAIRS + body, params=params).to_arrow_table()
        finally:
            con.close()
        return conform(table, schema, order)

    def edges(self, selection: CallSelection) -> pa.Table:
        return self._aggregate(selection, _EDGES, EDGE_SCHEMA, EDGE_ORDER)

    def number_summaries(self, selection: CallSelection) -> pa.Table:
        return self._aggregate(selection, _SUMMARIES, SUMMARY_SCHEMA, SUMMARY_ORDER)
