"""The calls behind one edge of the link graph, read from the records themselves.

Between two number nodes: every stored call from one to the other, either way. At person
level a person node stands for its attributed numbers *within each attribution's window*, so
the same node mapping as the contraction is applied call by call (``persons.NODE_CALLS``)
and only the calls whose two ends count for the two nodes are kept. The reading goes through
``call_scan.open_calls`` over the actor's selection, so a dataset the actor may not see is
never read.
"""

from __future__ import annotations

from typing import Any

import pyarrow as pa

from dastavez.comms.call_scan import open_calls
from dastavez.comms.engine import CallSelection
from dastavez.comms.graph import iso

# NODE_CALLS: the same call → node mapping the person-level graph was built with
from dastavez.comms.persons import NODE_CALLS, NumberAttribution, attribution_table, by_person

_PAIR = """
WITH pair AS (SELECT * FROM ({node_calls}) WHERE (caller_node = $a AND callee_node = $b)
                                             OR (caller_node = $b AND callee_node = $a))
"""

_PER_DATASET = """
SELECT dataset, count(*) FILTER (WHERE type = 'call'), count(*) FILTER (WHERE type = 'sms'),
       CAST(coalesce(sum(duration_s) FILTER (WHERE type = 'call'), 0) AS BIGINT),
       CAST(min(start) AS TIMESTAMP), CAST(max(start) AS TIMESTAMP)
FROM pair GROUP BY dataset ORDER BY dataset
"""

_PAGE = """
SELECT dataset, line, CAST(start AS TIMESTAMP), duration_s, type, caller, callee, direction, cell_id
FROM pair ORDER BY start, dataset, line LIMIT $limit OFFSET $offset
"""


def numbers_behind(node: str, found: list[NumberAttribution]) -> list[str]:
    """The numbers whose calls may count for ``node``: a person's attributed numbers, or the
    number itself."""
    people = by_person(found)
    return sorted({a.number for a in people[node]}) if node in people else [node]


def edge_calls(
    selection: CallSelection,
    *,
    a: str,
    b: str,
    found: list[NumberAttribution],
    exhibits: dict[str, str | None],
    limit: int,
    offset: int,
) -> dict[str, Any]:
    """Totals per dataset and one page of the calls between nodes ``a`` and ``b`` (``found``:
    the attributions in force; empty at number level)."""
    numbers = sorted(set(numbers_behind(a, found)) | set(numbers_behind(b, found)))
    relevant = [x for x in found if x.number in numbers]
    wanted = pa.table({"number": numbers}, schema=pa.schema([("number", pa.string())]))
    attrib = attribution_table(relevant)
    params = {"a": a, "b": b}
    head = _PAIR.format(node_calls=NODE_CALLS)
    with open_calls(selection) as con:
        con.register("wanted", wanted)
        con.register("attrib", attrib)
        per_dataset = con.sql(head + _PER_DATASET, params=params).fetchall()
        page = con.sql(head + _PAGE, params=params | {"limit": limit, "offset": offset}).fetchall()
    datasets = [
        {"dataset": ds, "exhibit": exhibits.get(ds), "calls": calls, "sms": sms, "duration_s": seconds,
         "first": iso(first), "last": iso(last)}
        for ds, calls, sms, seconds, first, last in per_dataset
    ]
    return {
        "calls": sum(d["calls"] for d in datasets),
        "sms": sum(d["sms"] for d in datasets),
        "duration_s": sum(d["duration_s"] for d in datasets),
        "first": min((d["first"] for d in datasets if d["first"]), default=None),
        "last": max((d["last"] for d in datasets if d["last"]), default=None),
        "datasets": datasets,
        "records": [
            {"dataset": ds, "exhibit": exhibits.get(ds), "line": line, "start": iso(start),
             "duration_s": duration, "type": kind, "caller": caller, "callee": callee,
             "direction": direction, "cell_id": cell}
            for ds, line, start, duration, kind, caller, callee, direction, cell in page
        ],
        "total": sum(d["calls"] + d["sms"] for d in datasets),
    }
