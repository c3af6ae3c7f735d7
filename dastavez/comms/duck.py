"""One way to open a DuckDB connection for call records: no progress bar, an explicit zone.

DuckDB draws a progress bar on stdout for any query over two seconds, and stdout may be
``--json`` output; its session time zone decides how TIMESTAMPTZ values are read and shown,
so it is always set rather than inherited from the machine.
"""

from __future__ import annotations

from typing import Any

import duckdb

from dastavez.comms.sql import literal


def connect(config: dict[str, Any] | None = None, *, time_zone: str = "UTC") -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(":memory:", config=config or {})
    con.execute("SET enable_progress_bar = false")
    con.execute(f"SET TimeZone = {literal(time_zone)}")
    return con
