"""Brokers: the vertices that shortest paths between the two sides run through.

The score of a vertex is its *bridging betweenness*: over every pair (s, t) with s among the
sources (the overseas side) and t among the targets (the local side), the share of shortest
s–t paths that pass through the vertex, summed (Brandes' betweenness restricted to those
pairs; ``networkx.betweenness_centrality_subset`` computes the same). With no sides given it
is plain betweenness over all pairs (``networkx.betweenness_centrality(normalized=False)``).

Exact betweenness costs one BFS per source. Past ``EXACT_SOURCES`` sources (fewer on a big
graph: ``exact_limit_for``) a seeded random sample of sources is taken and the scores scaled by
sources / sample (the Brandes–Pich estimator), and the result says so: ``sampled`` and
``sample_size``.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

import igraph as ig

#: exact up to this many sources; beyond it, a sample of them
EXACT_SOURCES = 2000
DEFAULT_SAMPLE = 500
#: one BFS costs about vertices + edges steps; exact only while sources × that stays under this
#: (about 10 s of igraph), else the sample shrinks to fit (never under ``MIN_SAMPLE``)
WORK_BUDGET = 400_000_000
MIN_SAMPLE = 100


def exact_limit_for(graph: ig.Graph) -> int:
    """How many sources an exact run may take on this graph."""
    per_source = graph.vcount() + graph.ecount()
    return int(max(MIN_SAMPLE, min(EXACT_SOURCES, WORK_BUDGET // max(per_source, 1))))


@dataclass(frozen=True)
class Betweenness:
    scores: list[float]
    sampled: bool
    sample_size: int | None
    sources: int
    mode: str  # "bridging" (between the two sides) or "all" (every pair)


def betweenness(
    graph: ig.Graph,
    *,
    sources: Sequence[int] | None = None,
    targets: Sequence[int] | None = None,
    sample: int | None = None,
    seed: int = 0,
    exact_limit: int | None = None,
) -> Betweenness:
    """Per vertex, betweenness over source–target pairs (all pairs when sides are not given).

    ``sample`` forces a sample of that many sources; otherwise one of ``DEFAULT_SAMPLE`` is
    taken (at most ``exact_limit``) only when there are more than ``exact_limit`` sources."""
    n = graph.vcount()
    if exact_limit is None:
        exact_limit = exact_limit_for(graph)
    bridging = sources is not None and targets is not None
    chosen = sorted(set(sources)) if bridging and sources is not None else list(range(n))
    ends = sorted(set(targets)) if bridging and targets is not None else None
    mode = "bridging" if bridging else "all"
    if n == 0 or not chosen or (bridging and not ends):
        return Betweenness([0.0] * n, False, None, len(chosen), mode)
    size = sample if sample is not None else (
        min(DEFAULT_SAMPLE, exact_limit) if len(chosen) > exact_limit else None)
    if size is None or size >= len(chosen):
        if bridging:
            scores = graph.betweenness(directed=False, sources=chosen, targets=ends)
        else:
            scores = graph.betweenness(directed=False)
        return Betweenness([float(s) for s in scores], False, None, len(chosen), mode)
    if size < 1:
        raise ValueError("the sample must hold at least one source")
    picked = sorted(random.Random(seed).sample(chosen, size))  # noqa: S311  # a reproducible sample, not a secret
    # igraph counts pairs (s, t) from s among the sources, so the sampled sum scaled by
    # sources / sample estimates the exact one (same halving of undirected pairs as the exact).
    raw = graph.betweenness(directed=False, sources=picked, targets=ends if bridging else list(range(n)))
    scale = len(chosen) / size
    return Betweenness([float(s) * scale for s in raw], True, size, len(chosen), mode)


def ranked(scores: Sequence[float], *, top: int, among: Sequence[int] | None = None) -> list[int]:
    """The ``top`` vertices by score (ties by vertex id), leaving out zero scores."""
    candidates = range(len(scores)) if among is None else among
    order = sorted((v for v in candidates if scores[v] > 0), key=lambda v: (-scores[v], v))
    return order[:top]
