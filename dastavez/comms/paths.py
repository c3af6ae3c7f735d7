"""Hop-limited shortest paths between two sets of vertices of an undirected igraph graph.

A path of at most k edges from s to t has its first ⌈k/2⌉ + 1 vertices within ⌈k/2⌉ hops of s
and the rest within ⌊k/2⌋ hops of t. So ``find_paths`` first collects, with igraph's bounded
neighbourhood search, the vertices that near either set, cuts the graph down to them, and
runs one breadth-first search per source (of the smaller set) in that small graph only:
every path of at most k edges survives the cut, and none gets shorter, so the result is that
of the whole graph. On 2×10^5 vertices and 1.2×10^6 edges, 20 × 200 vertices within 4 hops,
this is a few tenths of a second (``benchmarks/comms.py``).
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Sequence

import igraph as ig

#: at most this many shortest paths per pair when all of them are asked for
ALL_PATHS_CAP = 20


def _unique(values: Iterable[int]) -> list[int]:
    return sorted(set(values))


def find_paths(
    graph: ig.Graph,
    sources: Sequence[int],
    targets: Sequence[int],
    max_hops: int,
    *,
    smaller_side_first: bool = True,
    cap: int | None = None,
) -> list[list[int]]:
    """For each (source, target) pair joined within ``max_hops`` edges, one shortest path
    (a list of vertex ids from source to target). Pairs of a vertex with itself are skipped.

    Paths come in order of source then target vertex id; ties between equally short paths are
    broken by igraph's BFS order, which is deterministic for a given graph. With ``cap`` the
    search stops once that many paths are found (the caller reports the result incomplete).
    """
    if max_hops < 1:
        raise ValueError("max_hops must be at least 1")
    starts, ends = _unique(sources), _unique(targets)
    if not starts or not ends:
        return []
    flipped = smaller_side_first and len(ends) < len(starts)
    if flipped:
        starts, ends = ends, starts
    search, kept = _near_both(graph, starts, ends, max_hops)
    local = {v: i for i, v in enumerate(kept)} if kept is not None else None
    found: list[list[int]] = []
    with warnings.catch_warnings():
        # igraph warns of every unreachable target; an unreachable pair is simply not a path
        warnings.simplefilter("ignore", RuntimeWarning)
        to = [local[v] for v in ends] if local is not None else ends
        for start in starts:
            origin = local[start] if local is not None else start
            # mode="all": the graph is undirected; output="vpath" gives the vertex sequence
            for path in search.get_shortest_paths(origin, to=to, mode="all", output="vpath"):
                if 1 < len(path) <= max_hops + 1:
                    whole = [kept[v] for v in path] if kept is not None else list(path)
                    found.append(whole[::-1] if flipped else whole)
            if cap is not None and len(found) >= cap:
                del found[cap:]
                break
    found.sort(key=lambda path: (path[0], path[-1]))
    return found


def _near_both(
    graph: ig.Graph, starts: list[int], ends: list[int], max_hops: int
) -> tuple[ig.Graph, list[int] | None]:
    """The graph to search: cut down to the vertices within reach of both ends (see the module
    docstring), with the sorted list of the original ids; the whole graph when the cut would
    keep most of it anyway."""
    near = (max_hops + 1) // 2
    kept: set[int] = set()
    for vertices, order in ((starts, near), (ends, max_hops - near)):
        for reach in graph.neighborhood(vertices, order=order, mode="all"):
            kept.update(reach)
    if len(kept) * 2 > graph.vcount():
        return graph, None
    ordered = sorted(kept)
    # create_from_scratch numbers the new vertices in the order of ``ordered`` (ascending ids)
    return graph.induced_subgraph(ordered, implementation="create_from_scratch"), ordered


def all_shortest_paths(
    graph: ig.Graph, source: int, target: int, max_hops: int, *, cap: int = ALL_PATHS_CAP
) -> list[list[int]]:
    """Every shortest path from ``source`` to ``target`` no longer than ``max_hops``, at most
    ``cap`` of them, sorted (so the same graph always gives the same list)."""
    if source == target:
        return []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        paths = graph.get_all_shortest_paths(source, to=[target], mode="all")
    kept = sorted({tuple(p) for p in paths if 1 < len(p) <= max_hops + 1})
    return [list(p) for p in kept[:cap]]


def hop_distances(
    graph: ig.Graph, sources: Sequence[int], targets: Sequence[int], max_hops: int
) -> dict[tuple[int, int], int]:
    """The hop count of every (source, target) pair joined within ``max_hops``."""
    return {(path[0], path[-1]): len(path) - 1
            for path in find_paths(graph, sources, targets, max_hops, smaller_side_first=False)}
