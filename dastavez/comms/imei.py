"""Handsets and SIMs: an IMEI used with more than one SIM, a number moved between handsets.

A row's IMEI and IMSI belong to the operator's own subscriber (the callee when the direction
is ``in``, the caller otherwise; see ``colocation.SUBSCRIBER``). A SIM is its IMSI when the
operator gave one, else the subscriber's number. ``handsets`` lists every IMEI seen with at
least ``min_sims`` SIMs, each SIM in the order it first appeared in that handset, with first
and last sighting, the number of rows and the datasets, and the first row (dataset, line) as
the place to start reading. ``numbers`` is the reverse: a number seen in at least
``min_sims`` handsets, each handset in order of first appearance.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from dastavez.access.actor import Actor
from dastavez.comms import activity_params as params
from dastavez.comms.call_scan import open_calls
from dastavez.comms.colocation import SUBSCRIBER
from dastavez.comms.datasets import selection_for
from dastavez.comms.node_numbers import node_table, spans_for_nodes
from dastavez.settings import Settings
from dastavez.storage.engine import Database

_SEEN = f"""
CREATE TEMP TABLE seen AS
SELECT imei, imsi, {SUBSCRIBER} AS number, coalesce(imsi, {SUBSCRIBER}) AS sim, start, dataset, line
FROM calls WHERE imei IS NOT NULL AND imei <> ''
"""  # noqa: S608  # a fixed expression
# one row per (group key, member): first/last sighting, rows, datasets, the first row
_USES = """
SELECT {key} AS key, {member} AS member, any_value(number) AS number, any_value(imsi) AS imsi,
       min(start) AS first, max(start) AS last, count(*) AS rows,
       list_sort(list_distinct(list(dataset))) AS datasets,
       arg_min(dataset, (start, dataset, line)) AS first_dataset,
       arg_min(line, (start, dataset, line)) AS first_line
FROM seen
WHERE {key} IN (SELECT {key} FROM seen GROUP BY {key} HAVING count(DISTINCT {member}) >= $1)
  {where}
GROUP BY {key}, {member}
ORDER BY key, first, member
"""


def _group(rows: list[tuple[Any, ...]], kind: str) -> list[dict[str, Any]]:
    grouped: dict[str, list[dict[str, Any]]] = {}
    for key, member, number, imsi, first, last, count, datasets, first_dataset, first_line in rows:
        use: dict[str, Any] = {"number": number, "imsi": imsi} if kind == "sims" else {"imei": member}
        use |= {"first": params.iso(first), "last": params.iso(last), "rows": int(count),
                "datasets": list(datasets), "first_row": {"dataset": first_dataset, "line": int(first_line)}}
        grouped.setdefault(key, []).append(use)
    return [{"key": key, kind: uses} for key, uses in grouped.items()]


def handsets(
    db: Database,
    actor: Actor,
    settings: Settings,
    *,
    nodes: list[str] | None = None,
    datasets: list[str] | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    min_sims: int = 2,
    include_out_of_scope: bool = False,
) -> dict[str, Any]:
    """Handsets shared between SIMs and numbers moved between handsets (module docstring)."""
    actor.require("comms.read")
    params.positive(min_sims, "min_sims", most=1000)
    asked = params.node_list(nodes)
    first, last = params.window(since, until)
    with db.audited_read() as session:
        selection = selection_for(session, actor, settings, dataset_ids=datasets, since=first, until=last,
                                  include_out_of_scope=include_out_of_scope)
        spans = spans_for_nodes(session, actor, asked)
        with open_calls(selection) as con:
            con.execute(_SEEN)
            by_imei_where = by_number_where = ""
            if asked:
                node_table(con, spans)
                by_imei_where = ("AND imei IN (SELECT imei FROM seen WHERE number IN "
                                 "(SELECT number FROM nodes))")
                by_number_where = "AND number IN (SELECT number FROM nodes)"
            sims = con.execute(_USES.format(key="imei", member="sim", where=by_imei_where),
                               [min_sims]).fetchall()
            phones = con.execute(_USES.format(key="number", member="imei", where=by_number_where),
                                 [min_sims]).fetchall()
        params.record_read(session, actor, "imei", selection, nodes=asked[:50], min_sims=min_sims)
    shared = [{"imei": g["key"], "sims": g["sims"],
               "numbers": list(dict.fromkeys(s["number"] for s in g["sims"])),
               "datasets": sorted({d for s in g["sims"] for d in s["datasets"]})}
              for g in _group(sims, "sims")]
    moved = [{"number": g["key"], "handsets": g["handsets"],
              "datasets": sorted({d for h in g["handsets"] for d in h["datasets"]})}
             for g in _group(phones, "handsets")]
    return {
        "min_sims": min_sims,
        "nodes": asked,
        "datasets": [dataset for dataset, _ in selection.datasets],
        "handsets": shared,
        "numbers": moved,
    }
