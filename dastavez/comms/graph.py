"""The link graph: an undirected igraph ``Graph`` over aggregated call edges.

An engine's ``edges`` table is directed (caller → callee). Who dialled whom does not matter
for "who is linked to whom", so both directions of a pair become one edge: calls, SMS and
seconds summed, first contact the earliest, last the latest, datasets the union. A call of
a number to itself carries no link and is dropped.

Edge ``i`` of the igraph graph is row ``i`` of ``LinkGraph.edges`` (columns ``EDGE_COLUMNS``,
``caller``/``callee`` holding the two node ids in sorted order), so an edge's evidence is read
from the table without copying every attribute into Python objects. The vertex attribute
``name`` is the node id: an E.164 number or a registry entity id (``PER-…``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import pairwise
from typing import Any

import igraph as ig
import pyarrow as pa
import pyarrow.compute as pc

from dastavez.comms import duck
from dastavez.comms.engine import EDGE_COLUMNS
from dastavez.comms.engine_output import EDGE_SCHEMA  # the schema engines return and the graph keeps

# One row per ordered pair (as engines give them): a pair's two directions are joined and
# summed, a one-way pair passes as it is. A hash join is several times cheaper than grouping
# with list aggregates over 10^6 rows.
_UNDIRECTED_JOIN = """
WITH d AS (SELECT * FROM directed WHERE caller <> callee AND caller IS NOT NULL AND callee IS NOT NULL)
SELECT least(f.caller, f.callee) AS caller, greatest(f.caller, f.callee) AS callee,
       (f.calls + coalesce(r.calls, 0))::BIGINT AS calls, (f.sms + coalesce(r.sms, 0))::BIGINT AS sms,
       (f.duration_s + coalesce(r.duration_s, 0))::BIGINT AS duration_s,
       least(f."first", coalesce(r."first", f."first"))::TIMESTAMP AS "first",
       greatest(f."last", coalesce(r."last", f."last"))::TIMESTAMP AS "last",
       CASE WHEN r.caller IS NULL THEN f.datasets
            ELSE list_sort(list_distinct(list_concat(f.datasets, r.datasets))) END AS datasets
FROM d f LEFT JOIN d r ON r.caller = f.callee AND r.callee = f.caller
WHERE f.caller < f.callee OR r.caller IS NULL
"""

# Any edges table: grouped by the unordered pair.
_UNDIRECTED = """
SELECT least(caller, callee) AS caller, greatest(caller, callee) AS callee,
       sum(calls)::BIGINT AS calls, sum(sms)::BIGINT AS sms, sum(duration_s)::BIGINT AS duration_s,
       min("first")::TIMESTAMP AS "first", max("last")::TIMESTAMP AS "last",
       list_sort(list_distinct(flatten(list(datasets)))) AS datasets
FROM directed
WHERE caller <> callee AND caller IS NOT NULL AND callee IS NOT NULL
GROUP BY ALL
"""


def empty_edges() -> pa.Table:
    return EDGE_SCHEMA.empty_table()


def conform(edges: pa.Table) -> pa.Table:
    """``edges`` with exactly ``EDGE_COLUMNS`` in the graph's types (timestamps naive UTC)."""
    missing = [c for c in EDGE_COLUMNS if c not in edges.column_names]
    if missing:
        raise ValueError(f"an edges table needs the columns {EDGE_COLUMNS}; missing {missing}")
    columns = []
    for spec in EDGE_SCHEMA:
        column = edges.column(spec.name)
        if pa.types.is_timestamp(column.type) and column.type.tz is not None:
            column = pc.cast(column, pa.timestamp(column.type.unit, tz="UTC")).cast(
                pa.timestamp(column.type.unit))
        columns.append(column.cast(spec.type))
    return pa.Table.from_arrays(columns, schema=EDGE_SCHEMA)


def undirected(edges: pa.Table) -> pa.Table:
    """Both directions of each pair summed into one row, ``caller < callee`` (in no particular
    order: ``build_graph`` sorts)."""
    directed = conform(edges)  # noqa: F841  # read by name in the SQL below
    pairs = edges.group_by(["caller", "callee"]).aggregate([]).num_rows
    con = duck.connect()
    try:
        result = con.sql(_UNDIRECTED_JOIN if pairs == edges.num_rows else _UNDIRECTED).to_arrow_table()
    finally:
        con.close()
    return conform(result) if result.num_rows else empty_edges()


@dataclass
class LinkGraph:
    """An undirected graph over node ids with the aggregated edge table beside it."""

    graph: ig.Graph
    #: one row per igraph edge, in edge id order
    edges: pa.Table
    index: dict[str, int]

    @property
    def names(self) -> list[str]:
        return list(self.graph.vs["name"]) if self.graph.vcount() else []

    def vertex(self, node: str) -> int | None:
        return self.index.get(node)

    def node(self, vertex: int) -> str:
        return str(self.graph.vs[vertex]["name"])

    def edge_between(self, a: int, b: int) -> int | None:
        found = self.graph.get_eid(a, b, directed=False, error=False)
        return None if found < 0 else int(found)

    def edge_record(self, edge: int) -> dict[str, Any]:
        """One edge as the services show it: the two node ids and the evidence counts."""
        return self.edge_records([edge])[0]

    def edge_records(self, edges: list[int]) -> list[dict[str, Any]]:
        """``edge_record`` of many edges at once (one take from the table)."""
        rows = self.edges.take(pa.array(edges, pa.int64())).to_pylist() if edges else []
        return [{"source": r["caller"], "target": r["callee"], "calls": r["calls"], "sms": r["sms"],
                 "duration_s": r["duration_s"], "first": iso(r["first"]), "last": iso(r["last"]),
                 "datasets": list(r["datasets"] or [])} for r in rows]

    def path_weakest(self, path: list[int]) -> int:
        """The fewest contacts (calls and SMS) on any edge of the path."""
        weights = self.graph.es.select(self.graph.get_eids(list(pairwise(path)), directed=False))["weight"]
        return int(min(weights))

    def path_edges(self, path: list[int]) -> list[dict[str, Any]]:
        """The edges along a vertex path, each oriented along the path (source before target)."""
        found = []
        for a, b in pairwise(path):
            edge = self.edge_between(a, b)
            if edge is None:
                raise ValueError(f"no edge between vertices {a} and {b}")
            record = self.edge_record(edge)
            record["source"], record["target"] = self.node(a), self.node(b)
            found.append(record)
        return found


def iso(moment: datetime | None) -> str | None:
    """A stored (naive, UTC) timestamp as ISO 8601 with its zone."""
    if moment is None:
        return None
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).isoformat()


def build_graph(edges: pa.Table) -> LinkGraph:
    """The undirected link graph of a directed edges table (``EDGE_COLUMNS``)."""
    table = undirected(edges) if edges.num_rows else empty_edges()
    ends = pa.chunked_array(table.column("caller").chunks + table.column("callee").chunks, pa.string())
    names = pc.unique(ends).sort() if table.num_rows else pa.array([], pa.string())
    left = pc.index_in(table.column("caller"), value_set=names)
    right = pc.index_in(table.column("callee"), value_set=names)
    # edges in (caller, callee) order, sorted on the vertex numbers (cheaper than on the strings),
    # so one edges table always gives the same graph, edge ids included
    ends_table = pa.table({"l": left, "r": right})
    taken = pc.sort_indices(ends_table, sort_keys=[("l", "ascending"), ("r", "ascending")])
    table, ends_table = table.take(taken), ends_table.take(taken)
    pairs = list(zip(ends_table.column("l").to_pylist(), ends_table.column("r").to_pylist(), strict=True))
    graph = ig.Graph(n=len(names), edges=pairs, directed=False)
    name_list = names.to_pylist()
    graph.vs["name"] = name_list
    if table.num_rows:
        graph.es["calls"] = table.column("calls").to_pylist()
        # Leiden and weighted measures use contacts of either kind: a pair that only texts is linked too
        graph.es["weight"] = pc.add(table.column("calls"), table.column("sms")).to_pylist()
    return LinkGraph(graph=graph, edges=table, index={name: i for i, name in enumerate(name_list)})
