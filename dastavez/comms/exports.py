"""Exports of the link graph and its calls: GraphML, GEXF (Gephi), CSV and FtM ``Call`` lines.

``export_links`` writes one export to a binary stream and says what it wrote. The graph
formats carry the graph the other link analyses use (``link_context.load``: the datasets the
actor may see, contracted to persons at ``level="person"``, every node with its label, kind,
side and country, every edge with calls, SMS, seconds, first and last contact and datasets);
``ftm`` writes one ``Call`` entity per stored call of those datasets (``ftm_calls``). CSV is
the edges (``csv_table="edges"``) or the nodes (``"nodes"``); ``nodes_out`` takes the nodes
beside the edges in one go. See ``graph_files`` for how hostile names are written.

An export is a read of call records like any analysis: it needs ``comms.read`` and is audited
(``links.read``, analysis ``export``, with its format, level and counts), committed before the
caller may hand the file on (the interfaces write to a temporary file and publish it after).
"""

from __future__ import annotations

from datetime import datetime
from typing import IO, Any

from sqlalchemy import select

from dastavez.access.actor import Actor
from dastavez.comms import activity_params as params
from dastavez.comms import graph_files
from dastavez.comms.call_scan import open_calls
from dastavez.comms.choices import CSV_TABLES, FORMATS, check_format
from dastavez.comms.datasets import selection_for
from dastavez.comms.ftm_calls import call_lines, register_tables
from dastavez.comms.link_context import check_level, check_window, load
from dastavez.comms.persons import attributions
from dastavez.settings import Settings
from dastavez.storage.comms_tables import CdrDataset
from dastavez.storage.engine import Database

__all__ = ["CSV_TABLES", "FORMATS", "check_format", "export_links"]  # the formats: choices.py


def export_links(
    db: Database,
    actor: Actor,
    settings: Settings,
    *,
    fmt: str,
    out: IO[bytes],
    nodes_out: IO[bytes] | None = None,
    csv_table: str = "edges",
    level: str = "person",
    datasets: list[str] | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    destination: str = "stream",
) -> dict[str, Any]:
    """Write the export to ``out``; the counts (nodes, edges, calls) and datasets."""
    actor.require("comms.read")
    check_format(fmt, csv_table)
    check_level(level)
    first, last = check_window(since, until)
    with db.audited_read() as session:
        if fmt == "ftm":
            selection = selection_for(session, actor, settings, dataset_ids=datasets, since=first, until=last)
            found = attributions(session, actor) if level == "person" else []
            ids = [ds for ds, _ in selection.datasets]
            exhibits: dict[str, str | None] = {ds: exhibit for ds, exhibit in session.execute(
                select(CdrDataset.id, CdrDataset.exhibit_id).where(CdrDataset.id.in_(ids)))}
            calls = 0
            with open_calls(selection) as con:
                register_tables(con, found, exhibits)
                for line in call_lines(con):
                    out.write(line.encode("utf-8") + b"\n")
                    calls += 1
            counts = {"nodes": None, "edges": None, "calls": calls}
        else:
            context = load(session, actor, settings, level=level, datasets=datasets, since=first, until=last)
            selection = context.selection
            nodes = [context.node_view(name) for name in context.graph.names]
            edges = context.graph.edges
            if fmt == "graphml":
                graph_files.write_graphml(out, nodes, edges)
            elif fmt == "gexf":
                graph_files.write_gexf(out, nodes, edges,
                                       description=f"dastavez link graph, {level} level")
            else:
                labels = {node["id"]: node["label"] for node in nodes}
                if csv_table == "nodes":
                    graph_files.write_nodes_csv(out, nodes)
                else:
                    graph_files.write_edges_csv(out, edges, labels)
                if nodes_out is not None:
                    graph_files.write_nodes_csv(nodes_out, nodes)
            counts = {"nodes": len(nodes), "edges": edges.num_rows, "calls": None}
        params.record_read(session, actor, "export", selection, format=fmt, level=level,
                           destination=destination, **counts)
    return {"format": fmt, "level": level, "media_type": FORMATS[fmt][0],
            "datasets": [ds for ds, _ in selection.datasets], **counts}
