"""Rows that could not become calls, with their line and why: nothing is dropped silently.

Two kinds end here: lines DuckDB's CSV reader could not read (wrong number of fields, bad
quoting, invalid bytes, a line over the size limit), which it records in its reject tables,
and rows that were read but could not be normalised (a bad date, a number that is not one, a
negative duration). Both go to one CSV ``line,reason,raw`` under ``comms/rejects/``.

Line numbers: DuckDB numbers the lines it rejects; a good row's line is its ordinal among the
good rows plus the header plus the rejected lines before it, found with an ASOF join on
``breaks`` (for the i-th rejected line r_i, good rows from ordinal r_i - i on sit one further down).
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pyarrow as pa

from dastavez.comms import duck
from dastavez.comms.linecount import MAX_BLANK, LineScan
from dastavez.comms.normalise import RAW_LIMIT
from dastavez.comms.sql import ident, literal
from dastavez.exc import InvalidInput

REASON_LIMIT = 300


def collect_reader_rejects(con: duckdb.DuckDBPyConnection, *, scan: LineScan | None, name: str) -> None:
    """Table ``reader_errors(line, reason, raw)``: one row per line the reader refused, and
    ``breaks(t, j)`` for numbering the good rows past those lines and the blank ones. With a
    ``scan`` (CSV), refuse a file whose lines the reader cannot all account for."""
    if scan is not None:
        con.sql(f"""
            CREATE TABLE reader_errors AS
            SELECT line,
                   left(lower(min(error_type)) || ': ' || min(error_message), {REASON_LIMIT}) AS reason,
                   left(min(csv_line), {RAW_LIMIT}) AS raw
            FROM reader_rejects GROUP BY line""")  # noqa: S608  # fixed names
        _check_accounting(con, scan, name)
    else:
        con.sql("CREATE TABLE reader_errors (line BIGINT, reason VARCHAR, raw VARCHAR)")
    con.register("blank_lines", pa.table({"line": pa.array(scan.blank if scan else [], pa.int64())}))
    con.sql("""
        CREATE TABLE breaks AS
        SELECT CAST(t AS BIGINT) AS t, CAST(max(j) AS BIGINT) AS j FROM (
            SELECT line - row_number() OVER (ORDER BY line) AS t, row_number() OVER (ORDER BY line) AS j
            FROM (SELECT line FROM reader_errors UNION SELECT line FROM blank_lines))
        GROUP BY t""")
    con.unregister("blank_lines")


def _check_accounting(con: duckdb.DuckDBPyConnection, scan: LineScan, name: str) -> None:
    unclosed = con.sql(
        "SELECT min(line) FROM reader_errors WHERE reason LIKE 'unquoted value:%'"
    ).fetchall()[0][0]
    if unclosed is not None:
        raise InvalidInput(
            f"{name}: line {unclosed} opens a quote that is never closed, so the rows after it cannot be "
            "told apart; fix the file and import it again", field="file")
    read = con.sql(
        "SELECT (SELECT count(*) FROM raw) + (SELECT count(*) FROM reader_errors)"
    ).fetchall()[0][0]
    long_refused = con.sql(
        "SELECT count(*) FROM reader_errors WHERE reason LIKE 'line size over maximum:%'"
    ).fetchall()[0][0]
    where = f" (a line over 1 MiB starts near line {scan.long_lines[0]})" if scan.long_lines else ""
    lost = scan.data_lines - len(scan.blank) - int(read)
    if (not scan.has_quote and lost != 0) or (scan.long_lines and not long_refused):
        raise InvalidInput(
            f"{name}: the CSV reader could not account for {abs(lost) or 'some'} of its "
            f"{scan.data_lines} data lines{where}; nothing was imported", field="file")
    if len(scan.blank) > MAX_BLANK:
        raise InvalidInput(f"{name} has more than {MAX_BLANK:,} blank lines: not a call-record export",
                           field="file")


def line_numbering(con: duckdb.DuckDBPyConnection, *, csv: bool) -> tuple[str, str]:
    """(join onto ``src``, line expression) for the rows of table ``raw`` (``src_row`` is their
    rowid). Parquet and XLSX rows carry their line; CSV rows are numbered by position, shifted
    past the lines the reader refused: a few refused lines as a CASE, many with an ASOF join."""
    if not csv:
        return "", '"__line__"'
    breaks = con.sql("SELECT t, j FROM breaks ORDER BY t DESC LIMIT 65").fetchall()
    if not breaks:
        return "", "src_row + 2"
    if len(breaks) <= 64:
        shift = " ".join(f"WHEN src_row + 1 >= {int(t)} THEN {int(j)}" for t, j in breaks)
        return "", f"src_row + 2 + CASE {shift} ELSE 0 END"
    return "ASOF LEFT JOIN breaks b ON src.src_row + 1 >= b.t", "src_row + 2 + coalesce(b.j, 0)"


def write_rejects(
    con: duckdb.DuckDBPyConnection, target: Path, *, raw_headers: tuple[str, ...], delimiter: str
) -> int:
    """Write every rejected line, in line order, to ``target``; the number written (0: no file)."""
    parts = [literal(delimiter)] + [f"coalesce(r.{ident(h)}, '')" for h in raw_headers]
    raw = f"concat_ws({', '.join(parts)})"
    written = con.sql(f"""
        COPY (SELECT line, reason, raw FROM reader_errors
              UNION ALL
              SELECT c.line, c.reason, left({raw}, {RAW_LIMIT}) FROM calls c JOIN raw r ON r.rowid = c.src_row
              WHERE c.reason IS NOT NULL
              ORDER BY line)
        TO {literal(str(target))} (FORMAT csv, HEADER)""").fetchall()  # noqa: S608  # quoted names
    count = written[0][0] if written else 0
    if not count:
        target.unlink(missing_ok=True)
    return int(count)


def preview(path: Path, *, limit: int = 20) -> list[dict[str, object]]:
    """The first rejected lines of a rejects file, for ``cdr show``."""
    if not path.is_file():
        return []
    con = duck.connect()
    try:
        rows = con.sql(
            f"SELECT line, reason, raw FROM read_csv({literal(str(path))}, header=true, auto_detect=false, "  # noqa: S608  # names quoted by sql.ident, values by sql.literal
            "columns={'line': 'BIGINT', 'reason': 'VARCHAR', 'raw': 'VARCHAR'}, quote='\"', escape='\"') "
            f"ORDER BY line LIMIT {int(limit)}"
        ).fetchall()
    finally:
        con.close()
    return [{"line": line, "reason": reason, "raw": raw} for line, reason, raw in rows]
