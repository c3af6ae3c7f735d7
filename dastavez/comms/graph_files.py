"""The link graph as files other tools read: GraphML, GEXF 1.3 (Gephi) and CSV.

Each writer takes the nodes (``LinkContext.node_view`` dicts: id, label, kind, side, country)
and the undirected edges (the Arrow table ``LinkGraph.edges``) and writes bytes to a binary
stream as it goes, so a large graph is never one string in memory. Nodes (thousands, with
names people typed) are built as lxml elements, which escape them; edges (up to millions,
holding only ids, counts, times and dataset ids) are written by DuckDB, vectorised, with the
same escaping (``_x``) and ``datetime.isoformat``'s form of times (``_iso_sql``).

Labels are registry captions and can be anything (``<script>``, right-to-left marks, quotes):
the XML holds them as text, never markup, and only the characters XML 1.0 cannot hold at all
(most control characters) become U+FFFD. CSV quotes as RFC 4180 does (the edges' text fields
always) and, in the label columns, prefixes a ``'`` to text a spreadsheet would run as a
formula (starting ``=``, ``+``, ``-``, ``@``, tab or carriage return); ids, and a label that is
its node's id, are left as they are (a number's ``+`` is part of it).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator, Mapping
from datetime import UTC, datetime
from typing import IO, Any

import pyarrow as pa
from lxml import etree

from dastavez.comms import duck

#: characters XML 1.0 does not allow anywhere in a document
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_NOT_XML_RE2 = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x{FFFE}\x{FFFF}]"  # the same for DuckDB (no surrogates there)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
NODE_FIELDS = ("label", "kind", "side", "country")
#: edge attributes: (name, GraphML type, GEXF type)
EDGE_FIELDS = (("calls", "long", "long"), ("sms", "long", "long"), ("duration_s", "long", "long"),
               ("first", "string", "string"), ("last", "string", "string"),
               ("datasets", "string", "string"))
GRAPHML_NS = "http://graphml.graphdrawing.org/xmlns"
GEXF_NS = "http://gexf.net/1.3"


def xml_text(value: Any) -> str:
    return _NOT_XML.sub("\ufffd", "" if value is None else str(value))


# The edges (up to millions) are written by DuckDB, vectorised, from the Arrow table: the same
# escaping as lxml's for attribute values, the same ISO 8601 form as ``datetime.isoformat``.
def _x(sql: str) -> str:
    escaped = f"CAST({sql} AS VARCHAR)"
    for raw, entity in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ('"', "&quot;")):
        escaped = f"replace({escaped}, '{raw}', '{entity}')"
    return f"regexp_replace({escaped}, '{_NOT_XML_RE2}', chr(65533), 'g')"


def _iso_sql(column: str) -> str:
    micros = f"((epoch_us({column}) % 1000000) + 1000000) % 1000000"
    return (f"CASE WHEN {column} IS NULL THEN '' ELSE strftime({column}, '%Y-%m-%dT%H:%M:%S') || CASE WHEN "
            f"{micros} <> 0 THEN '.' || lpad(CAST({micros} AS VARCHAR), 6, '0') ELSE '' END || '+00:00' END")


def _edge_fields_sql() -> list[tuple[str, str]]:
    """(name, SQL of the escaped text) of each edge attribute, in ``EDGE_FIELDS`` order."""
    return [("calls", "CAST(calls AS VARCHAR)"), ("sms", "CAST(sms AS VARCHAR)"),
            ("duration_s", "CAST(duration_s AS VARCHAR)"), ("first", _x(_iso_sql('"first"'))),
            ("last", _x(_iso_sql('"last"'))), ("datasets", _x("array_to_string(datasets, ';')"))]


def _edge_text(edges: pa.Table, line_sql: str, labels: pa.Table | None = None) -> Iterator[str]:
    """The text of every edge, one batch of lines at a time, in the table's row order
    (``labels``, when given, joined as ``l1`` to the caller and ``l2`` to the callee)."""
    numbered = edges.append_column("n", pa.array(range(edges.num_rows), pa.int64()))
    con = duck.connect()
    try:
        con.register("numbered", numbered)
        joins = ""
        if labels is not None:
            con.register("labels", labels)
            joins = "LEFT JOIN labels l1 ON l1.id = caller LEFT JOIN labels l2 ON l2.id = callee"
        query = f"SELECT {line_sql} AS line FROM numbered {joins} ORDER BY n"  # noqa: S608  # our SQL pieces
        for batch in con.sql(query).to_arrow_reader(20_000):
            yield "".join(batch.column(0).to_pylist())
    finally:
        con.close()


def _element(element: etree._Element) -> str:
    return str(etree.tostring(element, encoding="unicode")) + "\n"


def write_graphml(out: IO[bytes], nodes: Iterable[Mapping[str, Any]], edges: pa.Table) -> None:
    head = ['<?xml version="1.0" encoding="utf-8"?>\n', f'<graphml xmlns="{GRAPHML_NS}">\n']
    head += [_element(etree.Element("key", id=f"n_{name}", attrib={"for": "node", "attr.name": name,
                                                                  "attr.type": "string"}))
             for name in NODE_FIELDS]
    head += [_element(etree.Element("key", id=f"e_{name}", attrib={"for": "edge", "attr.name": name,
                                                                  "attr.type": kind}))
             for name, kind, _ in (*EDGE_FIELDS, ("weight", "long", "long"))]
    head.append('<graph id="links" edgedefault="undirected">\n')
    out.write("".join(head).encode("utf-8"))
    for node in nodes:
        element = etree.Element("node", id=xml_text(node["id"]))
        for name in NODE_FIELDS:
            if node.get(name) is not None:
                etree.SubElement(element, "data", key=f"n_{name}").text = xml_text(node[name])
        out.write(_element(element).encode("utf-8"))
    data = " || ".join(f"'<data key=\"e_{name}\">' || {sql} || '</data>'" for name, sql in _edge_fields_sql())
    line = (f"""'<edge id="e' || n || '" source="' || {_x("caller")} || '" target="' || {_x("callee")}"""
            f""" || '">' || {data} || '<data key="e_weight">' || CAST(calls + sms AS VARCHAR)"""
            f""" || '</data></edge>' || chr(10)""")
    for text in _edge_text(edges, line):
        out.write(text.encode("utf-8"))
    out.write(b"</graph>\n</graphml>\n")


def write_gexf(out: IO[bytes], nodes: Iterable[Mapping[str, Any]], edges: pa.Table, *,
               description: str) -> None:
    meta = etree.Element("meta", lastmodifieddate=datetime.now(UTC).date().isoformat())
    etree.SubElement(meta, "creator").text = "dastavez"
    etree.SubElement(meta, "description").text = xml_text(description)
    node_keys = etree.Element("attributes", attrib={"class": "node"})
    for index, name in enumerate(NODE_FIELDS[1:]):
        etree.SubElement(node_keys, "attribute", id=str(index), title=name, type="string")
    edge_keys = etree.Element("attributes", attrib={"class": "edge"})
    for index, (name, _, kind) in enumerate(EDGE_FIELDS):
        etree.SubElement(edge_keys, "attribute", id=str(index), title=name, type=kind)
    out.write("".join([
        '<?xml version="1.0" encoding="utf-8"?>\n', f'<gexf xmlns="{GEXF_NS}" version="1.3">\n',
        _element(meta), '<graph defaultedgetype="undirected" mode="static">\n', _element(node_keys),
        _element(edge_keys), "<nodes>\n"]).encode("utf-8"))
    for node in nodes:
        label = xml_text(node.get("label") or node["id"])
        element = etree.Element("node", id=xml_text(node["id"]), label=label)
        values = etree.SubElement(element, "attvalues")
        for index, name in enumerate(NODE_FIELDS[1:]):
            if node.get(name) is not None:
                etree.SubElement(values, "attvalue", value=xml_text(node[name]), attrib={"for": str(index)})
        out.write(_element(element).encode("utf-8"))
    out.write(b"</nodes>\n<edges>\n")
    values = " || ".join(f"""'<attvalue for="{index}" value="' || {sql} || '"/>'"""
                         for index, (_, sql) in enumerate(_edge_fields_sql()))
    line = (f"""'<edge id="e' || n || '" source="' || {_x("caller")} || '" target="' || {_x("callee")}"""
            f""" || '" weight="' || CAST(calls + sms AS VARCHAR) || '"><attvalues>' || {values}"""
            f""" || '</attvalues></edge>' || chr(10)""")
    for text in _edge_text(edges, line):
        out.write(text.encode("utf-8"))
    out.write(b"</edges>\n</graph>\n</gexf>\n")


def _label(label: Any, node: str) -> str:
    """A label cell: a formula's start defused, unless the label is the node's own id."""
    text = node if label is None else str(label)
    return "'" + text if text != node and text.startswith(_FORMULA_START) else text


def _quoted(sql: str) -> str:
    """SQL: a CSV field, always quoted (RFC 4180: a quote inside is doubled)."""
    return f"""'"' || replace(CAST({sql} AS VARCHAR), '"', '""') || '"'"""


def write_edges_csv(out: IO[bytes], edges: pa.Table, labels: Mapping[str, str]) -> None:
    """The edges as CSV; text fields quoted, labels defused (see the module docstring)."""
    out.write(b"source,target,source_label,target_label,calls,sms,duration_s,first,last,datasets\n")
    defused = [_label(label, node) for node, label in labels.items()]
    shown = pa.table({"id": pa.array(list(labels), pa.string()), "label": pa.array(defused, pa.string())})
    fields = [_quoted("caller"), _quoted("callee"), _quoted("coalesce(l1.label, caller)"),
              _quoted("coalesce(l2.label, callee)"), "CAST(calls AS VARCHAR)", "CAST(sms AS VARCHAR)",
              "CAST(duration_s AS VARCHAR)", _quoted(_iso_sql('"first"')), _quoted(_iso_sql('"last"')),
              _quoted("array_to_string(datasets, ';')")]
    for text in _edge_text(edges, " || ',' || ".join(fields) + " || chr(10)", shown):
        out.write(text.encode("utf-8"))


def write_nodes_csv(out: IO[bytes], nodes: Iterable[Mapping[str, Any]]) -> None:
    text = io.TextIOWrapper(out, encoding="utf-8", newline="", write_through=True)
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(["id", *NODE_FIELDS])
    for node in nodes:
        writer.writerow([node["id"], _label(node.get("label"), node["id"]), node.get("kind"),
                         node.get("side"), node.get("country") or ""])
    text.flush()
    text.detach()
