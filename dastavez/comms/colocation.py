"""Co-location: numbers seen at the same cell in the same time bucket, again and again.

A call row carries the cell of the operator's own subscriber only: the callee when the
operator wrote the direction ``in``, the caller otherwise (``out`` or not given). Each such
row is a *sighting* of that number at that cell. Time is cut into fixed buckets of
``bucket_minutes`` counted from 1970-01-01 UTC, so two sightings a minute apart either side
of a boundary fall into different buckets (shorter buckets find less, longer ones more).

Two numbers are co-located once per (cell, bucket) where both were sighted; a pair is listed
when that happens at least ``min_times`` times. A cell and bucket with more than ``max_crowd``
numbers (a market, a stadium) proves little about any two of them and is left out, counted in
``crowded_buckets``. Every listed meeting names the rows behind it (dataset and line).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from dastavez.access.actor import Actor
from dastavez.comms import activity_params as params
from dastavez.comms.call_scan import open_calls
from dastavez.comms.datasets import selection_for
from dastavez.comms.node_numbers import node_table, spans_for_nodes
from dastavez.settings import Settings
from dastavez.storage.engine import Database

#: SQL: the number a row's cell, handset and SIM belong to (see the module docstring)
SUBSCRIBER = "CASE WHEN direction = 'in' THEN callee ELSE caller END"

_SIGHTINGS = f"""
CREATE TEMP TABLE sightings AS
SELECT {SUBSCRIBER} AS number, cell_id AS cell,
       time_bucket(INTERVAL (CAST($1 AS INTEGER)) MINUTE, start, TIMESTAMP '1970-01-01') AS bucket,
       dataset, line, start
FROM calls WHERE cell_id IS NOT NULL AND cell_id <> ''
"""  # noqa: S608  # a fixed expression
_CROWDS = """
CREATE TEMP TABLE crowds AS
SELECT cell, bucket, count(DISTINCT number) AS numbers FROM sightings GROUP BY cell, bucket
"""
_MEETINGS = """
CREATE TEMP TABLE meetings AS
WITH places AS (
    SELECT DISTINCT s.number, s.cell, s.bucket FROM sightings s
    JOIN crowds c USING (cell, bucket) WHERE c.numbers >= 2 AND c.numbers <= $1
)
SELECT x.number AS a, y.number AS b, x.cell, x.bucket
FROM places x JOIN places y ON x.cell = y.cell AND x.bucket = y.bucket AND x.number < y.number
"""
_PAIRS = """
SELECT a, b, count(*) AS times, list_sort(list_distinct(list(cell))) AS cells, min(bucket), max(bucket)
FROM meetings {where}
GROUP BY a, b HAVING count(*) >= $1
ORDER BY times DESC, a, b LIMIT $2
"""
_EVIDENCE = """
SELECT m.a, m.b, m.cell, m.bucket, s.number, s.dataset, s.line, s.start
FROM meetings m JOIN sightings s ON s.cell = m.cell AND s.bucket = m.bucket AND s.number IN (m.a, m.b)
WHERE (m.a, m.b) IN (SELECT (a, b) FROM chosen)
ORDER BY m.a, m.b, m.bucket, m.cell, s.start, s.dataset, s.line
"""


def colocation(
    db: Database,
    actor: Actor,
    settings: Settings,
    *,
    nodes: list[str] | None = None,
    datasets: list[str] | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    bucket_minutes: int = 15,
    min_times: int = 3,
    max_crowd: int = 50,
    limit: int = 100,
    meetings_shown: int = 20,
    include_out_of_scope: bool = False,
) -> dict[str, Any]:
    """Pairs of numbers co-located at least ``min_times`` times, most often first, each with
    its cells, first and last meeting, and up to ``meetings_shown`` meetings with their rows."""
    actor.require("comms.read")
    params.positive(bucket_minutes, "bucket_minutes", most=24 * 60)
    params.positive(min_times, "min_times", most=100_000)
    params.positive(max_crowd, "max_crowd", most=100_000)
    params.positive(limit, "limit", most=10_000)
    params.positive(meetings_shown, "meetings_shown", most=1000)
    asked = params.node_list(nodes)
    first, last = params.window(since, until)
    with db.audited_read() as session:
        selection = selection_for(session, actor, settings, dataset_ids=datasets, since=first, until=last,
                                  include_out_of_scope=include_out_of_scope)
        spans = spans_for_nodes(session, actor, asked)
        with open_calls(selection) as con:
            con.execute(_SIGHTINGS, [bucket_minutes])
            con.execute(_CROWDS)
            row = con.execute("SELECT count(*) FROM crowds WHERE numbers > $1", [max_crowd]).fetchone()
            crowded = int(row[0]) if row else 0
            con.execute(_MEETINGS, [max_crowd])
            where = ""
            if asked:
                node_table(con, spans)
                where = "WHERE a IN (SELECT number FROM nodes) OR b IN (SELECT number FROM nodes)"
            pairs = con.execute(_PAIRS.format(where=where), [min_times, limit]).fetchall()
            con.execute("CREATE TEMP TABLE chosen (a VARCHAR, b VARCHAR)")
            if pairs:
                con.executemany("INSERT INTO chosen VALUES (?, ?)", [(p[0], p[1]) for p in pairs])
            rows = con.execute(_EVIDENCE).fetchall()
        params.record_read(session, actor, "colocation", selection, nodes=asked[:50],
                           bucket_minutes=bucket_minutes, min_times=min_times, pairs=len(pairs))
    meetings: dict[tuple[str, str], dict[tuple[str, datetime], dict[str, Any]]] = {}
    for a, b, cell, bucket, number, dataset, line, start in rows:
        per_pair = meetings.setdefault((a, b), {})
        if (cell, bucket) not in per_pair:
            if len(per_pair) >= meetings_shown:
                continue
            per_pair[(cell, bucket)] = {"cell": cell, "bucket": params.iso(bucket), a: [], b: []}
        per_pair[(cell, bucket)][number].append(
            {"dataset": dataset, "line": int(line), "start": params.iso(start)})
    return {
        "bucket_minutes": bucket_minutes,
        "min_times": min_times,
        "max_crowd": max_crowd,
        "crowded_buckets": crowded,
        "nodes": asked,
        "datasets": [dataset for dataset, _ in selection.datasets],
        "pairs": [
            {
                "nodes": [a, b],
                "times": int(times),
                "cells": list(cells),
                "first": params.iso(first_bucket),
                "last": params.iso(last_bucket),
                "meetings": [
                    {"cell": m["cell"], "bucket": m["bucket"], "sightings": {a: m[a], b: m[b]}}
                    for m in meetings.get((a, b), {}).values()
                ],
            }
            for a, b, times, cells, first_bucket, last_bucket in pairs
        ],
    }
