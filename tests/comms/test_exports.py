"""Exports of the link graph: GraphML and GEXF read back by networkx, CSV, FtM Call lines."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime
from pathlib import Path

import networkx as nx
import pyarrow as pa
import pytest
from activity_world import Row, at, store_calls
from sqlalchemy import select

from dastavez.comms import graph_files
from dastavez.comms.attribution import attribute
from dastavez.comms.exports import export_links
from dastavez.comms.graph import EDGE_SCHEMA
from dastavez.registry.records import add_person
from dastavez.storage.comms_tables import CdrDataset
from dastavez.storage.tables import AuditEvent, Entity

A, B, C = "+923001111111", "+923002222222", "+447700900123"
SECRET_NO = "+923009999999"
HOSTILE = 'Ustad <script>alert("x")</script> \u200fعبد الله\u200e O\'Neil & "Sons"'
FORMULA = '=HYPERLINK("http://evil.example","x")'
CALL_PROPS = {
    "caller",
    "callerNumber",
    "receiver",
    "receiverNumber",
    "duration",
    "date",
    "startDate",
    "endDate",
    "summary",
    "recordId",
    "sourceUrl",
}


@pytest.fixture
def world(db, admin, settings):
    with db.write() as session:
        ustad = add_person(session, admin, name=HOSTILE).id
        trick = add_person(session, admin, name=FORMULA).id
    attribute(db, admin, settings, number=A, person=ustad, exhibit=None, unsupported=True)
    attribute(
        db, admin, settings, number=B, person=trick, exhibit=None, unsupported=True, valid_from="2026-03-02"
    )
    rows = [
        Row(A, B, at("2026-03-01T10:00"), 60),  # B not yet attributed
        Row(B, A, at("2026-03-01T11:00"), 30),
        Row(A, B, at("2026-03-03T09:00"), 100),
        Row(A, C, at("2026-03-03T12:00"), 0, "sms"),
        Row(B, C, at("2026-03-04T08:00"), 45),
    ]
    dataset = store_calls(db, admin, settings, rows)
    with db.read() as session:
        caption = {
            e.id: e.caption for e in session.scalars(select(Entity).where(Entity.id.in_([ustad, trick])))
        }
        exhibit = session.get(CdrDataset, dataset).exhibit_id
    return {"ustad": ustad, "trick": trick, "dataset": dataset, "exhibit": exhibit, "captions": caption}


def _export(db, actor, settings, fmt: str, **kwargs) -> bytes:
    out = io.BytesIO()
    export_links(db, actor, settings, fmt=fmt, out=out, **kwargs)
    return out.getvalue()


def _read(fmt: str, data: bytes, tmp_path: Path) -> nx.Graph:
    path = tmp_path / f"graph.{fmt}"
    path.write_bytes(data)
    return nx.read_graphml(path) if fmt == "graphml" else nx.read_gexf(path)


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_number_level_graph_reads_back_with_its_counts(db, admin, settings, world, tmp_path, fmt):
    graph = _read(fmt, _export(db, admin, settings, fmt, level="number"), tmp_path)
    assert set(graph.nodes) == {A, B, C}
    assert not graph.is_directed()
    edges = {tuple(sorted((u, v))): d for u, v, d in graph.edges(data=True)}
    assert set(edges) == {tuple(sorted((A, B))), tuple(sorted((A, C))), tuple(sorted((B, C)))}
    ab = edges[tuple(sorted((A, B)))]
    assert (ab["calls"], ab["sms"], ab["duration_s"]) == (3, 0, 190)
    assert ab["first"] == "2026-03-01T10:00:00+00:00" and ab["last"] == "2026-03-03T09:00:00+00:00"
    assert ab["datasets"] == world["dataset"]
    assert edges[tuple(sorted((A, C)))]["sms"] == 1


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_person_level_graph_keeps_hostile_names_intact(db, admin, settings, world, tmp_path, fmt):
    data = _export(db, admin, settings, fmt, level="person")
    assert b"<script>" not in data  # escaped, not markup
    graph = _read(fmt, data, tmp_path)
    ustad, trick = world["ustad"], world["trick"]
    assert set(graph.nodes) == {ustad, trick, B, C}
    assert graph.nodes[ustad]["label"] == world["captions"][ustad]
    assert (
        '<script>alert("x")</script>' in graph.nodes[ustad]["label"]
        and "عبد الله" in graph.nodes[ustad]["label"]
    )
    assert graph.nodes[ustad]["kind"] == "person" and graph.nodes[C]["kind"] == "number"
    assert graph.nodes[C]["side"] == "overseas"
    # the windowed attribution: B's calls of 1 March stay on the number, the later ones are the person's
    assert graph.edges[ustad, B]["calls"] == 2 and graph.edges[ustad, trick]["calls"] == 1
    assert graph.edges[trick, C]["duration_s"] == 45


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_xml_writers_replace_only_what_xml_cannot_hold(tmp_path, fmt):
    label = 'Bell\x07 \u200fRinger\u200e <b>&amp;</b> "q"'
    odd = 'PER-<&"\x01>'  # no id looks like this, but the writers must not care
    nodes = [
        {"id": A, "label": label, "kind": "number", "side": "local", "country": "PK"},
        {"id": odd, "label": odd, "kind": "person", "side": "local", "country": None},
    ]
    first, last = datetime(2026, 3, 1, 10, 0, 0, 250), datetime(2026, 3, 2, 9, 30)
    edges = pa.Table.from_pylist(
        [
            {
                "caller": A,
                "callee": odd,
                "calls": 2,
                "sms": 1,
                "duration_s": 9,
                "first": first,
                "last": last,
                "datasets": ["CDR-1", "CDR-<2>"],
            }
        ],
        schema=EDGE_SCHEMA,
    )
    out = io.BytesIO()
    if fmt == "graphml":
        graph_files.write_graphml(out, nodes, edges)
    else:
        graph_files.write_gexf(out, nodes, edges, description="<test>")
    graph = _read(fmt, out.getvalue(), tmp_path)
    shown = odd.replace("\x01", "\ufffd")
    assert set(graph.nodes) == {A, shown}
    assert graph.nodes[A]["label"] == label.replace("\x07", "\ufffd")
    assert "country" not in graph.nodes[shown]
    edge = graph.edges[A, shown]
    assert edge["datasets"] == "CDR-1;CDR-<2>" and edge["weight"] == 3 and edge["calls"] == 2
    assert edge["first"] == first.replace(tzinfo=UTC).isoformat() == "2026-03-01T10:00:00.000250+00:00"
    assert edge["last"] == "2026-03-02T09:30:00+00:00"


def test_csv_edges_and_nodes(db, admin, settings, world):
    nodes = io.BytesIO()
    edges = _export(db, admin, settings, "csv", nodes_out=nodes)
    rows = list(csv.DictReader(io.StringIO(edges.decode("utf-8"))))
    assert list(rows[0]) == [
        "source",
        "target",
        "source_label",
        "target_label",
        "calls",
        "sms",
        "duration_s",
        "first",
        "last",
        "datasets",
    ]
    assert len(rows) == 4
    trick = world["trick"]
    to_c = next(r for r in rows if {r["source"], r["target"]} == {trick, C})
    assert to_c["calls"] == "1" and to_c["duration_s"] == "45" and to_c["datasets"] == world["dataset"]
    assert C in (to_c["source_label"], to_c["target_label"])  # a number is its own label, + kept
    people = {r["id"]: r for r in csv.DictReader(io.StringIO(nodes.getvalue().decode("utf-8")))}
    assert people[trick]["label"] == "'" + world["captions"][trick]  # a formula is defused
    assert people[world["ustad"]]["label"] == world["captions"][world["ustad"]]
    assert _export(db, admin, settings, "csv", csv_table="nodes") == nodes.getvalue()


def test_ftm_writes_one_call_entity_per_stored_call(db, admin, settings, world):
    lines = _export(db, admin, settings, "ftm").decode("utf-8").splitlines()
    entities = [json.loads(line) for line in lines]
    assert len(entities) == 5
    assert {e["schema"] for e in entities} == {"Call"}
    assert all(set(e["properties"]) <= CALL_PROPS for e in entities)
    first, sms, late = entities[0], entities[3], entities[4]
    ds, ustad, trick = world["dataset"], world["ustad"], world["trick"]
    assert first["id"] == f"call-{ds}-2" and first["datasets"] == [ds]
    assert first["properties"] == {
        "callerNumber": [A],
        "receiverNumber": [B],
        "caller": [ustad],
        "date": ["2026-03-01T10:00:00"],
        "startDate": ["2026-03-01T10:00:00"],
        "endDate": ["2026-03-01T10:01:00"],
        "duration": ["60"],
        "recordId": [f"{ds}:2"],
    }  # no receiver: B was not yet attributed
    assert first["provenance"]["recordId"] == [
        {"value": f"{ds}:2", "dataset": ds, "exhibit": world["exhibit"], "locator": "line 2"}
    ]
    assert sms["properties"]["summary"] == ["SMS"] and "duration" not in sms["properties"]
    assert late["properties"]["caller"] == [trick]
    numbers_only = [json.loads(x) for x in _export(db, admin, settings, "ftm", level="number").splitlines()]
    assert all("caller" not in e["properties"] for e in numbers_only)


def test_exports_see_only_cleared_datasets_and_are_audited(db, admin, settings, make_actor, world):
    cleared = make_actor("analyst", clearances=["SECRET"])
    importer = make_actor("admin", clearances=["SECRET"])
    store_calls(
        db,
        importer,
        settings,
        [Row(SECRET_NO, A, at("2026-03-05T10:00"))],
        name="secret",
        compartment="SECRET",
    )
    plain = make_actor("analyst")
    for fmt in ("graphml", "gexf", "csv", "ftm"):
        assert SECRET_NO.encode() not in _export(db, plain, settings, fmt, level="number")
        assert SECRET_NO.encode() in _export(db, cleared, settings, fmt, level="number")
    with db.read() as session:
        events = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "links.read", AuditEvent.actor == plain.username)
        ).all()
    assert [e.detail["format"] for e in events] == ["graphml", "gexf", "csv", "ftm"]
    assert events[-1].detail["calls"] == 5 and events[0].detail["edges"] == 3


def test_cli_export_writes_the_file_and_refuses_bad_input(cli, db, admin, settings, world, tmp_path):
    out = tmp_path / "links.graphml"
    result = cli("links", "export", "--format", "graphml", "--out", str(out), "--level", "number", "--json")
    assert result.code == 0, result.stderr
    assert result.json["nodes"] == 3 and result.json["edges"] == 3 and result.json["file"] == str(out)
    assert set(nx.read_graphml(out).nodes) == {A, B, C}
    table = tmp_path / "edges.csv"
    result = cli("links", "export", "--format", "csv", "--out", str(table), "--json")
    assert result.code == 0, result.stderr
    assert (tmp_path / "edges.nodes.csv").read_text(encoding="utf-8").startswith("id,label,kind,side")
    bad = cli("links", "export", "--format", "pdf", "--out", str(tmp_path / "x.pdf"))
    assert bad.code == 1 and bad.stderr.count("\n") == 1 and "format must be one of" in bad.stderr
    assert not (tmp_path / "x.pdf").exists()
    level = cli("links", "export", "--format", "gexf", "--out", str(tmp_path / "y.gexf"), "--level", "org")
    assert level.code == 1 and not list(tmp_path.glob("y.gexf*"))


def test_api_export_is_a_download_with_its_media_type(api, world):
    analyst = api("analyst")
    for fmt, media in (
        ("graphml", "application/graphml+xml"),
        ("gexf", "application/gexf+xml"),
        ("csv", "text/csv; charset=utf-8"),
        ("ftm", "application/x-ndjson"),
    ):
        response = analyst.get(f"/api/v1/links/export?format={fmt}&level=number")
        assert response.status_code == 200, response.text
        assert response.headers["content-type"] == media
        assert "attachment" in response.headers["content-disposition"]
    nodes = analyst.get("/api/v1/links/export?format=csv&table=nodes&level=number")
    assert nodes.text.startswith("id,label,kind,side,country\n")
    bad = analyst.get("/api/v1/links/export?format=xlsx")
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "format"
    assert api("liaison").get("/api/v1/links/export").status_code == 403
