"""Stored calls as FollowTheMoney ``Call`` entities, one JSON line per call.

One entity per stored call (not per edge): it is the faithful form, each entity one row of one
exhibit that a court can be pointed to. The calls are read in chunks (Arrow record batches),
in (dataset, line) order, so tens of millions of calls stream in constant memory.

A line::

    {"id": "call-CDR-7TXQRE5E3S-12", "schema": "Call",
     "properties": {"callerNumber": ["+923001234567"], "receiverNumber": ["+447700900123"],
                    "date": ["2026-03-01T10:00:00"], "startDate": [...], "endDate": [...],
                    "duration": ["95"], "recordId": ["CDR-7TXQRE5E3S:12"],
                    "caller": ["PER-…"], "receiver": ["PER-…"], "summary": ["SMS"]},
     "provenance": {"recordId": [{"value": "CDR-7TXQRE5E3S:12", "dataset": "CDR-7TXQRE5E3S",
                                  "exhibit": "EXH-2026-000004", "locator": "line 12"}],
                    "caller": [{"value": "PER-…", "claim": "CLM-…", "exhibit": "EXH-…"}]},
     "datasets": ["CDR-7TXQRE5E3S"]}

Times are UTC (FtM dates carry no zone). ``endDate`` is the start plus the duration, for calls
with one. An SMS is written as a ``Call`` too (FtM has no SMS schema) with ``summary: SMS`` and
no duration. ``caller``/``receiver`` (entity references) are written at person level only,
where exactly one attribution the reader may see covers the call's start; the provenance
names that attribution's claim and its subscriber record.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import duckdb
import pyarrow as pa

from dastavez.comms.persons import NumberAttribution

_LINE_BREAKING = str.maketrans({"\x85": "\\u0085", "\u2028": "\\u2028", "\u2029": "\\u2029"})

CHUNK = 10_000
_ATTRIB = pa.schema([("number", pa.string()), ("person", pa.string()), ("claim", pa.string()),
                     ("exhibit", pa.string()), ("valid_from", pa.timestamp("us")),
                     ("valid_to", pa.timestamp("us"))])
_EXHIBITS = pa.schema([("dataset", pa.string()), ("exhibit", pa.string())])

# The lines are written by DuckDB (vectorised, tens of times faster than building each in
# Python): keys in the order ``to_ftm_line`` writes them (properties and record keys sorted),
# optional members left out by ``concat_ws``, which skips NULLs; ``to_json`` escapes the values.
_SIDE = """
SELECT c.dataset, c.line, CASE WHEN count(DISTINCT a.person) = 1 THEN min(a.person) END AS person,
       min(a.claim) AS claim, arg_min(a.exhibit, a.claim) AS exhibit
FROM calls c JOIN attrib a ON a.number = c.{side}
 AND (a.valid_from IS NULL OR c.start >= a.valid_from) AND (a.valid_to IS NULL OR c.start < a.valid_to)
GROUP BY c.dataset, c.line
"""
_LINES = """
WITH caller_side AS ({caller_side}), callee_side AS ({callee_side}),
rows AS (
    SELECT c.*, c.dataset || ':' || c.line AS record, strftime(c.start, '%Y-%m-%dT%H:%M:%S') AS began,
           CASE WHEN c.type <> 'sms' AND c.duration_s > 0 THEN strftime(date_trunc('second', c.start)
                + to_seconds(c.duration_s), '%Y-%m-%dT%H:%M:%S') END AS ended,
           x.exhibit AS source, r.person AS caller_person, r.claim AS caller_claim,
           r.exhibit AS caller_exhibit, e.person AS callee_person, e.claim AS callee_claim,
           e.exhibit AS callee_exhibit
    FROM calls c
    LEFT JOIN exhibits x ON x.dataset = c.dataset
    LEFT JOIN caller_side r ON r.dataset = c.dataset AND r.line = c.line
    LEFT JOIN callee_side e ON e.dataset = c.dataset AND e.line = c.line
)
SELECT '{{"id":' || to_json('call-' || dataset || '-' || line) || ',"schema":"Call","properties":{{'
    || concat_ws(',',
        CASE WHEN caller_person IS NOT NULL THEN '"caller":' || to_json([caller_person]) END,
        '"callerNumber":' || to_json([caller]),
        '"date":' || to_json([began]),
        CASE WHEN type <> 'sms' THEN '"duration":' || to_json([CAST(coalesce(duration_s, 0) AS VARCHAR)]) END,
        CASE WHEN ended IS NOT NULL THEN '"endDate":' || to_json([ended]) END,
        CASE WHEN callee_person IS NOT NULL THEN '"receiver":' || to_json([callee_person]) END,
        '"receiverNumber":' || to_json([callee]),
        '"recordId":' || to_json([record]),
        '"startDate":' || to_json([began]),
        CASE WHEN type = 'sms' THEN '"summary":["SMS"]' END)
    || '}},"provenance":{{'
    || concat_ws(',',
        CASE WHEN caller_person IS NOT NULL THEN '"caller":' || to_json([{{'claim': caller_claim,
             'exhibit': caller_exhibit, 'value': caller_person}}]) END,
        CASE WHEN callee_person IS NOT NULL THEN '"receiver":' || to_json([{{'claim': callee_claim,
             'exhibit': callee_exhibit, 'value': callee_person}}]) END,
        '"recordId":' || to_json([{{'dataset': dataset, 'exhibit': source, 'locator': 'line ' || line,
                                    'value': record}}]))
    || '}},"datasets":' || to_json([dataset]) || '}}' AS line
FROM rows ORDER BY dataset, line
"""


def register_tables(con: duckdb.DuckDBPyConnection, found: list[NumberAttribution],
                    exhibits: dict[str, str | None]) -> None:
    """The attributions (``attrib``, bounds naive UTC as calls are stored) and each dataset's
    exhibit (``exhibits``) beside the ``calls`` view."""
    def naive(moment: datetime | None) -> datetime | None:
        return moment.astimezone(UTC).replace(tzinfo=None) if moment is not None else None
    con.register("attrib", pa.Table.from_pylist(
        [{"number": a.number, "person": a.person, "claim": a.claim, "exhibit": a.exhibit,
          "valid_from": naive(a.start), "valid_to": naive(a.end)} for a in found], schema=_ATTRIB))
    con.register("exhibits", pa.Table.from_pylist(
        [{"dataset": ds, "exhibit": exhibit} for ds, exhibit in exhibits.items()], schema=_EXHIBITS))


def call_lines(con: duckdb.DuckDBPyConnection) -> Iterator[str]:
    """Each call of the ``calls`` view as one FtM line, without its line break, in (dataset,
    line) order, read from DuckDB in chunks."""
    query = _LINES.format(caller_side=_SIDE.format(side="caller"), callee_side=_SIDE.format(side="callee"))
    for batch in con.sql(query).to_arrow_reader(CHUNK):
        # JSON allows these raw inside strings, but they end a line for str.splitlines()
        yield from (line.translate(_LINE_BREAKING) for line in batch.column(0).to_pylist())
