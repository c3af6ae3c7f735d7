"""The stored calls of a selection as one DuckDB view, for the analyses that need single calls
(timeline, incident activity, co-location, handsets, the FtM export) rather than edges.

``open_calls(selection)`` gives an in-memory DuckDB connection with a view ``calls``: every
column of the layout (``layout.CALL_COLUMNS``) plus ``dataset``, already restricted to the
selection's datasets (which ``datasets.selection_for`` filtered by compartment), its window
(half-open, ``since <= start < until``, as the engines apply it), rows with both parties and,
unless the selection says otherwise, calls inside their authority's scope. The connection's
time zone is UTC. Nothing else reads Parquet for these analyses, so none of them can read past
the actor's clearances.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

import duckdb

from dastavez.comms import duck
from dastavez.comms.engine import CallSelection
from dastavez.comms.engine_output import utc_naive
from dastavez.comms.layout import CALL_COLUMNS

_COLUMNS = ", ".join(name for name, _ in CALL_COLUMNS)


def _literal(text: str) -> str:
    """``text`` as an SQL string literal (paths and ids are ours, but may hold a quote)."""
    return "'" + text.replace("'", "''") + "'"


def _read(glob: str) -> str:
    return f"read_parquet({_literal(glob)}, hive_partitioning = false)"


def _empty_view() -> str:
    typed = ", ".join(f"CAST(NULL AS {kind}) AS {name}" for name, kind in CALL_COLUMNS)
    return f"SELECT CAST(NULL AS VARCHAR) AS dataset, {typed} WHERE false"


def _timestamp(moment: datetime) -> str:
    naive = utc_naive(moment)
    assert naive is not None
    return f"TIMESTAMP '{naive.isoformat(sep=' ')}'"  # our own datetime: digits and separators only


def calls_sql(selection: CallSelection) -> str:
    """The SELECT behind the ``calls`` view."""
    if not selection.datasets:
        return _empty_view()
    parts = [
        f"SELECT {_literal(dataset)} AS dataset, {_COLUMNS} FROM {_read(glob)}"  # noqa: S608  # literals
        for dataset, glob in selection.datasets
    ]
    where = ["caller IS NOT NULL", "callee IS NOT NULL"]
    if not selection.include_out_of_scope:
        where.append("scope IS NULL")
    if selection.since is not None:
        where.append(f"start >= {_timestamp(selection.since)}")
    if selection.until is not None:
        where.append(f"start < {_timestamp(selection.until)}")
    union = " UNION ALL ".join(parts)
    return f"SELECT * FROM ({union}) WHERE " + " AND ".join(where)  # noqa: S608  # fixed SQL pieces


@contextmanager
def open_calls(selection: CallSelection) -> Iterator[duckdb.DuckDBPyConnection]:
    """A fresh DuckDB connection with the view ``calls`` of the selection (a view, not a
    table: tens of millions of calls stay on disk and each query reads only its columns)."""
    con = duck.connect()
    try:
        con.execute(f"CREATE TEMP VIEW calls AS {calls_sql(selection)}")
        yield con
    finally:
        con.close()
