"""The DuckDB run that turns one stored export into Parquet partitions and a rejects file.

It streams: the export is read once into a DuckDB table (spilling to the work folder beyond
``MEMORY_LIMIT``), the distinct numbers are parsed once each, and the normalised calls are
written with ``COPY … PARTITION_BY (month)``. Nothing is published here; the importer moves
the finished folder into place.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb

from dastavez.comms import duck, numbers, rejects
from dastavez.comms.layout import CALL_COLUMNS
from dastavez.comms.linecount import scan_lines
from dastavez.comms.mapping import Mapping
from dastavez.comms.normalise import calls_query, party_fields
from dastavez.comms.scope import AuthorityScope
from dastavez.comms.sources import Sniffed, table_sql
from dastavez.comms.sql import ident, literal

MEMORY_LIMIT = "1GB"  # DuckDB spills to the work folder beyond this
THREADS = max(1, min(8, os.cpu_count() or 1))
NUMBER_BATCH = 100_000


@dataclass(frozen=True)
class Converted:
    rows: int
    rejected: int
    out_of_scope: int
    numbers: int  # distinct E.164 numbers in the stored calls
    parsed: int  # distinct written forms handed to phonenumbers
    first_call: datetime | None
    last_call: datetime | None
    first_reject: str | None


def connect(workdir: Path, time_zone: str) -> duckdb.DuckDBPyConnection:
    return duck.connect(
        {
            "memory_limit": MEMORY_LIMIT,
            "threads": THREADS,
            "temp_directory": str(workdir / "spill"),
            "preserve_insertion_order": True,  # the raw table's rowid is then the file's row order
        },
        time_zone=time_zone,
    )


def _parse_numbers(con: duckdb.DuckDBPyConnection, a: str, b: str, region: str) -> int:
    """Table ``numbers(raw, e164, country)``: each distinct written number parsed once, in
    batches so that memory stays bounded however many numbers there are."""
    con.sql(
        f"CREATE TABLE distinct_raw AS SELECT DISTINCT v FROM "  # noqa: S608  # names quoted by sql.ident, values by sql.literal
        f"(SELECT {a} AS v FROM raw UNION ALL SELECT {b} FROM raw) WHERE v IS NOT NULL"
    )
    con.sql("CREATE TABLE numbers (raw VARCHAR, e164 VARCHAR, country VARCHAR)")
    total = int(con.sql("SELECT count(*) FROM distinct_raw").fetchall()[0][0])
    for offset in range(0, total, NUMBER_BATCH):
        values = con.sql(
            f"SELECT v FROM distinct_raw WHERE rowid >= {offset} AND rowid < {offset + NUMBER_BATCH}"  # noqa: S608  # numbers
        ).fetchall()
        con.register("number_batch", numbers.lookup_table((v for (v,) in values), region))
        con.sql("INSERT INTO numbers SELECT * FROM number_batch")
        con.unregister("number_batch")
    return total


def _write_months(con: duckdb.DuckDBPyConnection, parquet_dir: Path) -> None:
    """The good rows as ``month=<YYYY-MM>/data_0.parquet`` (snappy: faster to write than zstd,
    which matters more here than the last 20 % of disk)."""
    names = ", ".join(ident(name) for name, _ in CALL_COLUMNS)
    con.sql(
        f"COPY (SELECT {names}, month FROM calls WHERE reason IS NULL) TO {literal(str(parquet_dir))} "  # noqa: S608
        "(FORMAT parquet, PARTITION_BY (month), COMPRESSION snappy)"
    )


def convert(
    source: Path,
    *,
    sniffed: Sniffed,
    mapping: Mapping,
    columns: dict[str, str],
    scope: AuthorityScope,
    region: str,
    workdir: Path,
    parquet_dir: Path,
    rejects_file: Path,
    display_name: str,
) -> Converted:
    con = connect(workdir, mapping.time_zone)
    try:
        select, read_path = table_sql(sniffed, source, workdir)
        con.sql(f"CREATE TABLE raw AS {select}")
        scan = scan_lines(read_path) if sniffed.kind == "csv" else None
        rejects.collect_reader_rejects(con, scan=scan, name=display_name)
        con.sql("SET preserve_insertion_order = false")  # order no longer matters: lines are numbered
        line_join, line = rejects.line_numbering(con, csv=sniffed.kind == "csv")
        a, b = (ident(columns[f]) for f in party_fields(mapping))
        parsed = _parse_numbers(con, a, b, region)
        query = calls_query(mapping, columns, line_join=line_join, line=line, scope=scope)
        # materialised once (spilling to disk past the memory limit), then read twice:
        # the good rows to Parquet, the rejected ones to the rejects file
        con.sql(f"CREATE TABLE calls AS {query}")
        _write_months(con, parquet_dir)
        rejected = rejects.write_rejects(
            con, rejects_file, raw_headers=tuple(f"c{i}" for i in range(len(sniffed.headers))),
            delimiter=sniffed.delimiter or ",",
        )
        rows, out_of_scope, first, last = con.sql(
            "SELECT count(*), count(scope), min(start), max(start) FROM calls WHERE reason IS NULL"
        ).fetchall()[0]
        distinct_numbers = con.sql(
            "SELECT count(*) FROM (SELECT caller FROM calls WHERE reason IS NULL "
            "UNION SELECT callee FROM calls WHERE reason IS NULL)"
        ).fetchall()[0][0]
        first_reject = None
        if rejected:
            first_reject = con.sql(
                "SELECT 'line ' || line || ': ' || reason FROM (SELECT line, reason FROM reader_errors "
                "UNION ALL SELECT line, reason FROM calls WHERE reason IS NOT NULL) ORDER BY line LIMIT 1"
            ).fetchall()[0][0]
        return Converted(
            rows=int(rows),
            rejected=rejected,
            out_of_scope=int(out_of_scope),
            numbers=int(distinct_numbers),
            parsed=parsed,
            first_call=first,
            last_call=last,
            first_reject=first_reject,
        )
    finally:
        con.close()
