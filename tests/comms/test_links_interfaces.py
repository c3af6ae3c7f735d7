"""The contract of ``dastavez links …`` and ``/api/v1/links/…``: same shapes, same errors."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from links_world import BROKER_NO, LEADER_NO, planted

EDGE_KEYS = {"source", "target", "calls", "sms", "duration_s", "first", "last", "datasets"}


@pytest.fixture
def world(db, admin, settings, tmp_path):
    return planted(db, admin, settings, tmp_path)


def test_cli_overseas_json_gives_paths_with_nodes_and_evidenced_edges(cli, world):
    result = cli("links", "overseas", "--max-hops", "3", "--json")
    assert result.code == 0, result.stderr
    data = result.json
    assert data["paths"] and data["total"] == 6
    for path in data["paths"]:
        assert {"nodes", "edges"} <= set(path)
        assert len(path["edges"]) == len(path["nodes"]) - 1 == path["hops"]
        assert all(set(edge) == EDGE_KEYS for edge in path["edges"])
    direct = next(p for p in data["paths"] if p["source"] == world.leader and p["target"] == world.broker)
    assert direct["edges"][0]["calls"] == 3 and direct["edges"][0]["datasets"] == [world.dataset]
    numbers = cli("links", "overseas", "--level", "number", "--dataset", world.dataset,
                  "--since", "2026-01-01", "--until", "2026-01-31", "--json")
    assert numbers.code == 0 and numbers.json["level"] == "number"
    assert {p["source"] for p in numbers.json["paths"]} >= {LEADER_NO}


def test_cli_brokers_communities_path_edge_and_graph(cli, world):
    brokers = cli("links", "brokers", "--top", "3", "--json")
    assert brokers.code == 0 and brokers.json["brokers"][0]["node"] == world.broker
    assert brokers.json["sampled"] is False and "sample_size" in brokers.json
    communities = cli("links", "communities", "--json")
    assert communities.code == 0 and {"communities", "modularity"} <= set(communities.json)
    assert all({"id", "members"} <= set(c) for c in communities.json["communities"])
    path = cli("links", "path", world.leader, world.gul, "--max-hops", "2", "--json")
    assert path.code == 0 and [n["id"] for n in path.json["paths"][0]["nodes"]] == [
        world.leader, world.broker, world.gul]
    edge = cli("links", "edge", world.leader, world.broker, "--json")
    assert edge.code == 0 and edge.json["calls"] == 3 and len(edge.json["records"]) == 4
    graph = cli("links", "graph", "--json")
    assert graph.code == 0 and {n["id"] for n in graph.json["nodes"]} >= {world.leader, world.broker}


def test_cli_tables_show_names_not_markup(cli, world):
    for args in (("overseas",), ("brokers",), ("communities",), ("graph",),
                 ("edge", world.leader, world.broker), ("path", world.leader, world.gul)):
        result = cli("links", *args)
        assert result.code == 0, (args, result.stderr)
    assert "Ustad Karim" in cli("links", "overseas").stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("overseas", "--max-hops", "0"), "max_hops"),
        (("overseas", "--level", "galaxy"), "level"),
        (("overseas", "--since", "yesterday"), "since"),
        (("overseas", "--dataset", "CDR-NOSUCH"), "CDR-NOSUCH"),
        (("brokers", "--top", "0"), "top"),
        (("edge", BROKER_NO, BROKER_NO), "two different"),
    ],
)
def test_cli_bad_input_is_one_line_and_exit_1(cli, world, args, message):
    result = cli("links", *args, "--json")
    assert result.code == 1 and result.stdout == ""
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_api_answers_as_the_cli_does(api, world):
    client = api("analyst")
    over = client.get("/api/v1/links/overseas", params={"max_hops": 3})
    assert over.status_code == 200 and over.json()["total"] == 6
    assert all(set(e) == EDGE_KEYS for p in over.json()["paths"] for e in p["edges"])
    path = client.get("/api/v1/links/path",
                      params={"source": world.leader, "target": [world.gul, world.rafiq]})
    assert path.status_code == 200 and len(path.json()["paths"]) == 2
    brokers = client.get("/api/v1/links/brokers", params={"top": 2})
    assert brokers.status_code == 200 and brokers.json()["brokers"][0]["node"] == world.broker
    communities = client.get("/api/v1/links/communities", params={"seed": 1})
    assert communities.status_code == 200 and "modularity" in communities.json()
    graph = client.get("/api/v1/links/graph", params={"level": "number", "dataset": world.dataset})
    assert graph.status_code == 200 and all(n["kind"] == "number" for n in graph.json()["nodes"])
    edge = client.get(f"/api/v1/links/edge?a={quote(world.leader)}&b={quote(world.broker)}&limit=2")
    assert edge.status_code == 200 and edge.json()["calls"] == 3 and len(edge.json()["records"]) == 2


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/api/v1/links/overseas?max_hops=9", "max_hops"),
        ("/api/v1/links/brokers?level=x", "level"),
        ("/api/v1/links/graph?until=31/01/2026", "until"),
        ("/api/v1/links/edge?a=%2B923001112223&b=%2B923001112223", "b"),
    ],
)
def test_api_bad_input_is_the_one_error_shape(api, world, url, field):
    response = api("analyst").get(url)
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_input"
    assert response.json()["error"]["field"] == field


def test_api_needs_comms_read(api, world):
    assert api("liaison").get("/api/v1/links/overseas").status_code == 403
