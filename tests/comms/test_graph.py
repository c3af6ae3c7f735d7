"""The graph core against networkx, the reference: paths, reach, betweenness, communities."""

from __future__ import annotations

import random
from datetime import datetime
from itertools import pairwise

import igraph as ig
import networkx as nx
import pyarrow as pa
import pytest

from dastavez.comms.brokers import betweenness, ranked
from dastavez.comms.communities import groups, leiden
from dastavez.comms.engine import EDGE_COLUMNS
from dastavez.comms.graph import build_graph
from dastavez.comms.paths import all_shortest_paths, find_paths, hop_distances

SEEDS = [1, 2, 3, 4, 5]


def random_graph(seed: int, n: int = 80, m: int = 160) -> tuple[nx.Graph, ig.Graph]:
    reference = nx.gnm_random_graph(n, m, seed=seed)
    return reference, ig.Graph(n=n, edges=list(reference.edges()), directed=False)


def edges_table(rows: list[tuple[str, str, int, int, int, str, str, list[str]]]) -> pa.Table:
    columns = list(zip(*rows, strict=True))
    data = {name: list(values) for name, values in zip(EDGE_COLUMNS, columns, strict=True)}
    data["first"] = [datetime.fromisoformat(v) for v in data["first"]]
    data["last"] = [datetime.fromisoformat(v) for v in data["last"]]
    return pa.table(data)


def test_both_directions_of_a_pair_become_one_edge_with_summed_evidence():
    table = edges_table([
        ("+923001111111", "+971501234567", 3, 1, 300, "2026-01-05T10:00", "2026-01-09T10:00", ["CDR-B"]),
        ("+971501234567", "+923001111111", 2, 0, 50, "2026-01-02T08:00", "2026-01-07T10:00",
         ["CDR-A", "CDR-B"]),
        ("+923001111111", "+923002222222", 1, 0, 10, "2026-02-01T00:00", "2026-02-01T00:00", ["CDR-A"]),
        ("+923002222222", "+923002222222", 9, 0, 99, "2026-02-01T00:00", "2026-02-01T00:00", ["CDR-A"]),
    ])
    graph = build_graph(table)
    assert graph.graph.vcount() == 3 and graph.graph.ecount() == 2  # the call to oneself is no link
    edge = graph.edge_between(graph.index["+923001111111"], graph.index["+971501234567"])
    assert edge is not None
    assert graph.edge_record(edge) == {
        "source": "+923001111111", "target": "+971501234567", "calls": 5, "sms": 1, "duration_s": 350,
        "first": "2026-01-02T08:00:00+00:00", "last": "2026-01-09T10:00:00+00:00",
        "datasets": ["CDR-A", "CDR-B"],
    }
    assert graph.graph.es[edge]["weight"] == 6


def test_an_empty_edges_table_gives_an_empty_graph():
    table = edges_table([("+1", "+2", 1, 0, 1, "2026-01-01T00:00", "2026-01-01T00:00", [])])
    graph = build_graph(table.slice(0, 0))
    assert graph.graph.vcount() == 0 and graph.names == []
    assert find_paths(graph.graph, [], [], 3) == []


@pytest.mark.parametrize("seed", SEEDS)
def test_hop_limited_paths_match_networkx(seed):
    reference, graph = random_graph(seed)
    rng = random.Random(seed)
    sources = rng.sample(range(80), 6)
    targets = rng.sample(range(80), 25)
    for k in (1, 2, 3, 4):
        expected = {}
        for s in sources:
            lengths = nx.single_source_shortest_path_length(reference, s, cutoff=k)
            expected |= {(s, t): d for t, d in lengths.items() if t in targets and t != s}
        assert hop_distances(graph, sources, targets, k) == expected, f"k={k}"
        for path in find_paths(graph, sources, targets, k):
            assert len(path) - 1 == expected[(path[0], path[-1])]
            assert all(reference.has_edge(a, b) for a, b in pairwise(path))
            assert path[0] in sources and path[-1] in targets


@pytest.mark.parametrize("seed", SEEDS[:3])
def test_the_reachable_pairs_are_the_same_whichever_side_is_searched_from(seed):
    _, graph = random_graph(seed)
    sources, targets = list(range(40)), [70, 75]
    assert ({(p[0], p[-1]) for p in find_paths(graph, sources, targets, 3)}
            == {(p[0], p[-1]) for p in find_paths(graph, sources, targets, 3, smaller_side_first=False)})


@pytest.mark.parametrize("seed", SEEDS[:3])
def test_all_shortest_paths_match_networkx(seed):
    reference, graph = random_graph(seed)
    for s, t in [(0, 50), (3, 77), (10, 11)]:
        if not nx.has_path(reference, s, t):
            continue
        expected = sorted(p for p in nx.all_shortest_paths(reference, s, t) if len(p) - 1 <= 4)
        assert all_shortest_paths(graph, s, t, 4, cap=1000) == expected


@pytest.mark.parametrize("seed", SEEDS)
def test_exact_betweenness_equals_networkx_and_ranks_alike(seed):
    reference, graph = random_graph(seed)
    expected = nx.betweenness_centrality(reference, normalized=False)
    found = betweenness(graph)
    assert not found.sampled and found.sample_size is None and found.mode == "all"
    assert found.scores == pytest.approx([expected[v] for v in range(80)])
    top = ranked(found.scores, top=10)
    reference_top = sorted((v for v in expected if expected[v] > 0), key=lambda v: (-expected[v], v))[:10]
    assert [round(found.scores[v], 9) for v in top] == [round(expected[v], 9) for v in reference_top]


@pytest.mark.parametrize("seed", SEEDS)
def test_bridging_betweenness_equals_networkx_subset_betweenness(seed):
    reference, graph = random_graph(seed)
    overseas, local = list(range(8)), list(range(40, 80))
    expected = nx.betweenness_centrality_subset(reference, overseas, local, normalized=False)
    found = betweenness(graph, sources=overseas, targets=local)
    assert found.mode == "bridging" and not found.sampled
    assert found.scores == pytest.approx([expected[v] for v in range(80)])


def test_sampled_betweenness_reports_its_sample_repeats_with_its_seed_and_estimates_the_exact():
    _, graph = random_graph(7, n=300, m=900)
    exact = betweenness(graph)
    first = betweenness(graph, sample=150, seed=11)
    again = betweenness(graph, sample=150, seed=11)
    assert first.sampled and first.sample_size == 150 and first.sources == 300
    assert first.scores == again.scores
    assert sum(first.scores) == pytest.approx(sum(exact.scores), rel=0.15)
    # the heaviest brokers are found by the estimate too
    assert len(set(ranked(first.scores, top=10)) & set(ranked(exact.scores, top=10))) >= 6
    # past the exact limit a sample is taken by itself
    assert betweenness(graph, exact_limit=100).sampled


def planted_partition(seed: int) -> tuple[ig.Graph, list[int]]:
    """Four groups of 25, dense inside (p=0.5) and sparse between (p=0.01)."""
    reference = nx.planted_partition_graph(4, 25, 0.5, 0.01, seed=seed)
    graph = ig.Graph(n=100, edges=list(reference.edges()), directed=False)
    graph.es["weight"] = [1] * graph.ecount()
    return graph, [v // 25 for v in range(100)]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_leiden_recovers_a_planted_partition_with_networkx_modularity(seed):
    graph, truth = planted_partition(seed)
    found = leiden(graph, seed=seed)
    assert len(groups(found.membership)) == 4
    assert sorted(sorted(g) for g in groups(found.membership)) == sorted(
        sorted(v for v in range(100) if truth[v] == c) for c in range(4))
    reference = nx.Graph(graph.get_edgelist())
    communities = [set(g) for g in groups(found.membership)]
    assert found.modularity == pytest.approx(nx.community.modularity(reference, communities))
    assert found.modularity > 0.6


def test_leiden_is_deterministic_for_a_seed_and_numbers_communities_by_size():
    _, graph = random_graph(9, n=200, m=600)
    graph.es["weight"] = [1 + (i % 3) for i in range(graph.ecount())]
    first, again = leiden(graph, seed=5), leiden(graph, seed=5)
    assert first.membership == again.membership and first.modularity == again.modularity
    sizes = [len(g) for g in groups(first.membership)]
    assert sizes == sorted(sizes, reverse=True)


def test_bad_parameters_are_refused():
    _, graph = random_graph(1)
    with pytest.raises(ValueError, match="max_hops"):
        find_paths(graph, [0], [1], 0)
    with pytest.raises(ValueError, match="resolution"):
        leiden(graph, resolution=0)


@pytest.mark.parametrize("seed", SEEDS[:3])
def test_paths_on_a_large_sparse_graph_cut_to_the_neighbourhoods_still_match_networkx(seed):
    # sparse enough that the search is cut down to the vertices near both sets
    reference = nx.gnm_random_graph(3000, 4500, seed=seed)
    graph = ig.Graph(n=3000, edges=list(reference.edges()), directed=False)
    rng = random.Random(seed)
    sources, targets = rng.sample(range(3000), 5), rng.sample(range(3000), 40)
    for k in (2, 3, 4, 5):
        expected = {}
        for s in sources:
            lengths = nx.single_source_shortest_path_length(reference, s, cutoff=k)
            expected |= {(s, t): d for t, d in lengths.items() if t in targets and t != s}
        found = find_paths(graph, sources, targets, k)
        assert {(p[0], p[-1]): len(p) - 1 for p in found} == expected, f"k={k}"
        assert all(reference.has_edge(a, b) for p in found for a, b in pairwise(p))
