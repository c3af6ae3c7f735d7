"""The link service over imported calls: paths, brokers, communities, edge evidence, windows,
compartments, audit."""

from __future__ import annotations

import pytest
from links_world import (
    BROKER_NO,
    BYSTANDER_NO,
    GUL_NO,
    HAJI_NO,
    LEADER_NO,
    RAFIQ_NO,
    SECRET_NO,
    WINDOWED_NO,
    Call,
    person,
    planted,
    store,
)
from sqlalchemy import select

from dastavez.comms import links
from dastavez.exc import InvalidInput, NotFound, PermissionDenied
from dastavez.registry.claims import add_claim
from dastavez.resolve.merge import merge_entities
from dastavez.storage.tables import AuditEvent


def _pairs(result):
    return {(p["source"], p["target"]): p for p in result["paths"]}


def test_the_overseas_leader_reaches_the_local_cell_through_the_broker(db, admin, settings, tmp_path):
    w = planted(db, admin, settings, tmp_path)
    result = links.overseas_links(db, admin, settings, max_hops=3)
    assert result["level"] == "person" and result["ends"] == "persons"
    assert [d["dataset"] for d in result["datasets"]] == [w.dataset]
    assert result["datasets"][0]["exhibit"]
    pairs = _pairs(result)
    # both leaders (Karim in the UAE; Haji on a local SIM, living in the UK) reach all three locals
    assert set(pairs) == {(o, t) for o in (w.leader, w.haji) for t in (w.broker, w.gul, w.rafiq)}
    path = pairs[(w.leader, w.gul)]
    assert [n["id"] for n in path["nodes"]] == [w.leader, w.broker, w.gul]
    assert [n["label"] for n in path["nodes"]] == ["Ustad Karim", "Bashir Ahmad", "Gul Khan"]
    assert [n["side"] for n in path["nodes"]] == ["overseas", "local", "local"]
    first, second = path["edges"]
    assert first == {"source": w.leader, "target": w.broker, "calls": 3, "sms": 1, "duration_s": 210,
                     "first": "2026-01-05T10:00:00+00:00", "last": "2026-01-21T09:30:00+00:00",
                     "datasets": [w.dataset]}
    assert (second["source"], second["target"]) == (w.broker, w.gul)
    assert (second["calls"], second["duration_s"]) == (2, 300)
    haji = pairs[(w.haji, w.broker)]["nodes"][0]
    assert (haji["side"], haji["side_reason"], haji["country"]) == ("overseas", "residence", "GB")
    # shortest first
    assert [p["hops"] for p in result["paths"]] == sorted(p["hops"] for p in result["paths"])
    assert links.overseas_links(db, admin, settings, max_hops=1)["total"] == 2  # the two direct contacts


def test_a_windowed_attribution_counts_only_calls_inside_its_window(db, admin, settings, tmp_path):
    w = planted(db, admin, settings, tmp_path)
    view = links.graph_view(db, admin, settings)
    edges = {(e["source"], e["target"]): e for e in view["edges"]}
    rafiq_broker = edges[tuple(sorted((w.rafiq, w.broker)))]
    # one call on his own SIM, two on the February SIM inside the window (the last at 23:59 on the 28th)
    assert (rafiq_broker["calls"], rafiq_broker["duration_s"]) == (3, 125)
    assert rafiq_broker["last"] == "2026-02-28T23:59:00+00:00"
    after = edges[tuple(sorted((WINDOWED_NO, w.broker)))]
    assert (after["calls"], after["duration_s"], after["first"]) == (1, 80, "2026-03-02T12:00:00+00:00")
    nodes = {n["id"]: n for n in view["nodes"]}
    assert nodes[WINDOWED_NO]["kind"] == "number" and nodes[w.rafiq]["kind"] == "person"
    evidence = links.edge_evidence(db, admin, settings, a=w.rafiq, b=w.broker)
    assert evidence["calls"] == 3
    assert sorted(r["start"] for r in evidence["records"]) == [
        "2026-01-09T08:00:00+00:00", "2026-02-10T12:00:00+00:00", "2026-02-28T23:59:00+00:00"]
    # at number level the SIM is one node, all three calls
    numbers = links.graph_view(db, admin, settings, level="number")
    pair = next(e for e in numbers["edges"] if {e["source"], e["target"]} == {WINDOWED_NO, BROKER_NO})
    assert pair["calls"] == 3


def test_number_level_keeps_numbers_and_takes_the_holders_residence(db, admin, settings, tmp_path):
    w = planted(db, admin, settings, tmp_path)
    result = links.overseas_links(db, admin, settings, level="number", max_hops=3)
    assert result["ends"] == "all"
    pairs = _pairs(result)
    assert (LEADER_NO, GUL_NO) in pairs and (LEADER_NO, BYSTANDER_NO) in pairs
    assert all(n["kind"] == "number" for p in result["paths"] for n in p["nodes"])
    haji_no = pairs[(HAJI_NO, BROKER_NO)]["nodes"][0]  # a local SIM, held by a man living in the UK
    assert (haji_no["side"], haji_no["side_reason"], haji_no["country"]) == ("overseas", "residence", "GB")
    assert links.edge_evidence(db, admin, settings, a=LEADER_NO, b=BROKER_NO, level="number")["calls"] == 3
    assert w.leader not in {n["id"] for n in links.graph_view(db, admin, settings, level="number")["nodes"]}


@pytest.mark.slow
def test_edge_evidence_lists_the_records_with_their_datasets_and_exhibits(db, admin, settings, tmp_path):
    w = planted(db, admin, settings, tmp_path)
    second = store(db, admin, settings, [Call(BROKER_NO, LEADER_NO, "2026-04-01T10:00:00", 15)],
                   name="second", tmp=tmp_path)
    evidence = links.edge_evidence(db, admin, settings, a=w.leader, b=w.broker, limit=3)
    assert (evidence["calls"], evidence["sms"], evidence["duration_s"]) == (4, 1, 225)
    assert [d["dataset"] for d in evidence["datasets"]] == sorted([w.dataset, second])
    assert all(d["exhibit"] for d in evidence["datasets"])
    assert evidence["total"] == 5 and len(evidence["records"]) == 3
    first = evidence["records"][0]
    assert first["start"] == "2026-01-05T10:00:00+00:00" and first["caller"] == LEADER_NO
    assert first["dataset"] == w.dataset and first["line"] == 2 and first["duration_s"] == 120
    rest = links.edge_evidence(db, admin, settings, a=w.broker, b=w.leader, limit=3, offset=3)
    assert [r["start"][:10] for r in rest["records"]] == ["2026-01-21", "2026-04-01"]
    assert rest["records"][0]["type"] == "sms"
    only_second = links.edge_evidence(db, admin, settings, a=w.leader, b=w.broker, datasets=[second])
    assert only_second["calls"] == 1
    window = links.overseas_links(db, admin, settings, max_hops=1,
                                  since=_utc("2026-01-15"), until=_utc("2026-02-01"))
    assert {(p["source"], p["target"]) for p in window["paths"]} == {(w.leader, w.broker)}
    assert window["paths"][0]["edges"][0]["calls"] == 1


def _utc(day):
    from datetime import UTC, datetime

    return datetime.fromisoformat(day).replace(tzinfo=UTC)


def test_brokers_rank_the_bridge_first_and_say_whether_they_sampled(db, admin, settings, tmp_path):
    w = planted(db, admin, settings, tmp_path)
    result = links.brokers(db, admin, settings, top=5)
    assert result["mode"] == "bridging" and result["sampled"] is False and result["sample_size"] is None
    assert result["brokers"][0]["node"] == w.broker
    assert result["brokers"][0]["label"] == "Bashir Ahmad" and result["brokers"][0]["score"] > 0
    sampled = links.brokers(db, admin, settings, top=5, sample=1, seed=3)
    assert sampled["sampled"] is True and sampled["sample_size"] == 1 and sampled["sources"] == 2
    assert sampled["brokers"][0]["node"] == w.broker


def test_communities_are_deterministic_and_report_modularity(db, admin, settings, tmp_path):
    w = planted(db, admin, settings, tmp_path)
    first = links.communities(db, admin, settings, seed=4)
    again = links.communities(db, admin, settings, seed=4)
    assert first["communities"] == again["communities"] and first["modularity"] == again["modularity"]
    members = {m for c in first["communities"] for m in c["members"]}
    assert {w.leader, w.broker, w.gul} <= members
    assert all(c["size"] == len(c["members"]) >= 2 for c in first["communities"])
    assert -0.5 <= first["modularity"] <= 1


def test_a_merged_person_counts_as_the_survivor(db, admin, settings, tmp_path):
    w = planted(db, admin, settings, tmp_path)
    twin = person(db, admin, "Gul Khan Afridi", phones=[(BYSTANDER_NO, None, None)])
    with db.write() as session:
        merge_entities(session, admin, kept_id=w.gul, merged_id=twin)
    nodes = {n["id"] for n in links.graph_view(db, admin, settings)["nodes"]}
    assert twin not in nodes and BYSTANDER_NO not in nodes and w.gul in nodes


@pytest.mark.slow
def test_an_uncleared_analyst_sees_nothing_of_a_compartmented_dataset(db, admin, settings, tmp_path,
                                                                       make_actor):
    w = planted(db, admin, settings, tmp_path)
    chief = make_actor("admin", clearances=["ALPHA"])
    secret = store(db, chief, settings, [Call(LEADER_NO, SECRET_NO, "2026-01-15T10:00:00", 99),
                                         Call(SECRET_NO, RAFIQ_NO, "2026-01-16T10:00:00", 33)],
                   name="secret", compartment="ALPHA", tmp=tmp_path)
    cleared = make_actor("analyst", clearances=["ALPHA"])
    plain = make_actor("analyst")
    seen = {n["id"] for n in links.graph_view(db, cleared, settings)["nodes"]}
    assert SECRET_NO in seen
    assert SECRET_NO not in {n["id"] for n in links.graph_view(db, plain, settings)["nodes"]}
    for level in ("person", "number"):
        over = links.overseas_links(db, plain, settings, max_hops=4, level=level, ends="all")
        assert SECRET_NO not in {n["id"] for p in over["paths"] for n in p["nodes"]}
        assert secret not in {d for p in over["paths"] for e in p["edges"] for d in e["datasets"]}
        ranked = links.brokers(db, plain, settings, level=level)["brokers"]
        assert SECRET_NO not in {b["node"] for b in ranked}
        hidden = links.edge_evidence(db, plain, settings, a=LEADER_NO, b=SECRET_NO, level="number")
        assert hidden["calls"] == 0 and hidden["records"] == [] and hidden["datasets"] == []
        assert SECRET_NO not in {m for c in links.communities(db, plain, settings, level=level)["communities"]
                                 for m in c["members"]}
    with pytest.raises(NotFound):
        links.edge_evidence(db, plain, settings, a=LEADER_NO, b=SECRET_NO, datasets=[secret])
    shown = links.edge_evidence(db, cleared, settings, a=LEADER_NO, b=SECRET_NO, level="number")
    assert shown["calls"] == 1 and shown["datasets"][0]["dataset"] == secret
    assert w.dataset in {d["dataset"] for d in links.graph_view(db, plain, settings)["datasets"]}


def test_compartmented_claims_do_not_contract_or_place_for_the_uncleared(db, admin, settings, tmp_path,
                                                                          make_actor):
    w = planted(db, admin, settings, tmp_path)
    cleared = make_actor("admin", clearances=["BRAVO"])
    hidden = person(db, cleared, "Secret Holder", compartment="BRAVO")
    with db.write() as session:
        add_claim(session, cleared, entity_id=hidden, prop="phone", value=BYSTANDER_NO, compartment="BRAVO")
    plain = make_actor("analyst")
    assert hidden in {n["id"] for n in links.graph_view(db, cleared, settings)["nodes"]}
    nodes = {n["id"] for n in links.graph_view(db, plain, settings)["nodes"]}
    assert hidden not in nodes and BYSTANDER_NO in nodes
    assert w.gul in nodes


@pytest.mark.slow
def test_every_analysis_is_audited_and_needs_comms_read(db, admin, settings, tmp_path, make_actor):
    w = planted(db, admin, settings, tmp_path)
    liaison = make_actor("liaison")
    for call in (lambda a: links.overseas_links(db, a, settings), lambda a: links.brokers(db, a, settings),
                 lambda a: links.communities(db, a, settings), lambda a: links.graph_view(db, a, settings),
                 lambda a: links.edge_evidence(db, a, settings, a=w.leader, b=w.broker),
                 lambda a: links.path_between(db, a, settings, sources=[w.leader], targets=[w.gul])):
        with pytest.raises(PermissionDenied):
            call(liaison)
        call(admin)
    with db.read() as session:
        events = session.scalars(select(AuditEvent).where(AuditEvent.action == "links.read")).all()
    assert [e.detail["analysis"] for e in events] == ["overseas", "brokers", "communities", "graph", "edge",
                                                      "path"]
    assert all(e.actor == "admin" and e.detail["datasets"] == [w.dataset] for e in events)


def test_path_between_named_nodes(db, admin, settings, tmp_path):
    w = planted(db, admin, settings, tmp_path)
    result = links.path_between(db, admin, settings, sources=[w.leader.lower()],
                                targets=[w.rafiq, "+10000000000"])
    assert result["missing"] == ["+10000000000"]
    assert [[n["id"] for n in p["nodes"]] for p in result["paths"]] == [[w.leader, w.broker, w.rafiq]]
    short = links.path_between(db, admin, settings, sources=[w.leader], targets=[w.rafiq], max_hops=1)
    assert short["paths"] == []
    every = links.path_between(db, admin, settings, sources=[w.leader], targets=[w.gul], all_shortest=True)
    assert len(every["paths"]) == 1


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda db, a, s: links.overseas_links(db, a, s, max_hops=0), "max_hops"),
        (lambda db, a, s: links.overseas_links(db, a, s, max_hops=99), "max_hops"),
        (lambda db, a, s: links.overseas_links(db, a, s, level="planet"), "level"),
        (lambda db, a, s: links.overseas_links(db, a, s, ends="some"), "ends"),
        (lambda db, a, s: links.brokers(db, a, s, top=0), "top"),
        (lambda db, a, s: links.communities(db, a, s, resolution=0), "resolution"),
        (lambda db, a, s: links.edge_evidence(db, a, s, a="+923001112223", b="+923001112223"), "b"),
        (lambda db, a, s: links.edge_evidence(db, a, s, a=" ", b="+923001112223"), "a"),
        (lambda db, a, s: links.path_between(db, a, s, sources=[], targets=["+923001112223"]), "sources"),
        (lambda db, a, s: links.overseas_links(db, a, s, since=_utc("2026-02-01"), until=_utc("2026-01-01")),
         "until"),
    ],
)
def test_bad_input_is_one_clear_error(db, admin, settings, call, field):
    with pytest.raises(InvalidInput) as err:
        call(db, admin, settings)
    assert err.value.field == field


def test_no_datasets_give_empty_results(db, admin, settings):
    assert links.overseas_links(db, admin, settings)["paths"] == []
    assert links.brokers(db, admin, settings)["brokers"] == []
    assert links.communities(db, admin, settings)["communities"] == []
    assert links.graph_view(db, admin, settings)["nodes"] == []
    assert links.edge_evidence(db, admin, settings, a=LEADER_NO, b=BROKER_NO)["calls"] == 0


def test_hostile_node_ids_are_plain_values(db, admin, settings, tmp_path):
    w = planted(db, admin, settings, tmp_path)
    odd = "+1'OR'1'='1"
    assert links.edge_evidence(db, admin, settings, a=odd, b=w.broker)["calls"] == 0
    result = links.path_between(db, admin, settings, sources=[odd, "<script>"], targets=[w.gul])
    assert result["missing"] == ["+1'OR'1'='1", "<SCRIPT>"] and result["paths"] == []
    with pytest.raises(InvalidInput):
        links.edge_evidence(db, admin, settings, a="x\x00y", b=w.broker)


def test_the_graph_focused_on_paths_leaves_out_the_background(db, admin, settings, tmp_path):
    w = planted(db, admin, settings, tmp_path)
    everything = links.graph_view(db, admin, settings)
    focused = links.graph_view(db, admin, settings, focus="paths", max_hops=3)
    assert BYSTANDER_NO in {n["id"] for n in everything["nodes"]}  # a leaf beside the cell
    drawn = {n["id"] for n in focused["nodes"]}
    assert drawn == {w.leader, w.haji, w.broker, w.gul, w.rafiq}  # every node of an overseas path
    assert focused["focus"] == "paths" and not focused["truncated"]
    assert {(e["source"], e["target"]) for e in focused["edges"]} <= {
        (e["source"], e["target"]) for e in everything["edges"]}
    only_direct = links.graph_view(db, admin, settings, focus="paths", max_hops=1)
    assert {n["id"] for n in only_direct["nodes"]} == {w.leader, w.haji, w.broker}
    with pytest.raises(InvalidInput) as err:
        links.graph_view(db, admin, settings, focus="everything")
    assert err.value.field == "focus"
