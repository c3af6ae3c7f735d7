"""The link analyses the CLI, the API and the web call: one function per question.

Each takes ``(db, actor, settings, *, ...)``, requires ``comms.read``, reads only the datasets
the actor may see (``link_context.load``) and is audited as a read (``links.read``, with the
analysis and its parameters). Node ids: a number is its E.164 string, a person its entity id;
at person level numbers without an attribution stay number nodes. Every edge carries its
evidence counts (calls, sms, duration_s, first, last, datasets); ``edge_evidence`` lists the
calls themselves.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from dastavez.access import audit
from dastavez.access.actor import Actor
from dastavez.comms import brokers as broker_scores
from dastavez.comms import communities as leiden
from dastavez.comms import paths
from dastavez.comms.edge_calls import edge_calls
from dastavez.comms.link_context import LinkContext, load, node_id
from dastavez.exc import InvalidInput
from dastavez.settings import Settings
from dastavez.storage.engine import Database

MAX_HOPS = 6
MAX_PATHS = 5000
#: the path search stops after this many (source, target) pairs; ``complete`` is then false
MAX_FOUND = 200_000


def _check_hops(max_hops: int) -> None:
    if not 1 <= max_hops <= MAX_HOPS:
        raise InvalidInput(f"max_hops must be between 1 and {MAX_HOPS}", field="max_hops")


def _check_range(name: str, value: int, low: int, high: int) -> None:
    if not low <= value <= high:
        raise InvalidInput(f"{name} must be between {low} and {high}", field=name)


def _when(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _audit(db_session: Any, actor: Actor, analysis: str, context: LinkContext, **detail: Any) -> None:
    audit.record(db_session, actor, "links.read", target_type="links", target_id=analysis,
                 detail={"analysis": analysis, "level": context.level,
                         "datasets": [d for d, _ in context.selection.datasets],
                         "since": _when(context.selection.since), "until": _when(context.selection.until)}
                 | detail)


def _base(context: LinkContext) -> dict[str, Any]:
    return {"level": context.level, "datasets": context.datasets_view(),
            "since": _when(context.selection.since), "until": _when(context.selection.until)}


def _path_view(context: LinkContext, path: list[int], weakest: int) -> dict[str, Any]:
    names = [context.graph.node(v) for v in path]
    return {"source": names[0], "target": names[-1], "hops": len(path) - 1, "weakest_contacts": weakest,
            "nodes": [context.node_view(n) for n in names], "edges": context.graph.path_edges(path)}


def _paths_result(context: LinkContext, found: list[list[int]], limit: int) -> dict[str, Any]:
    """The ``limit`` first paths: shortest first, then the best evidenced (the weakest edge with
    the most contacts), then by node ids."""
    graph = context.graph
    keyed = [(len(p), -graph.path_weakest(p), graph.node(p[0]), graph.node(p[-1]), p) for p in found]
    keyed.sort(key=lambda k: k[:4])
    return {"paths": [_path_view(context, k[4], -k[1]) for k in keyed[:limit]], "total": len(found),
            "truncated": len(found) > limit, "complete": len(found) < MAX_FOUND}


def overseas_links(
    db: Database, actor: Actor, settings: Settings, *, max_hops: int = 3, level: str = "person",
    datasets: list[str] | None = None, since: datetime | None = None, until: datetime | None = None,
    ends: str | None = None, limit: int = 1000,
) -> dict[str, Any]:
    """Which overseas nodes reach which local ones within ``max_hops``, through whom: one
    shortest path per (overseas, local) pair, shortest and best-evidenced first.

    ``ends``: ``persons`` (paths between registry persons, any node in between) or ``all``;
    by default ``persons`` at person level when persons stand on both sides, else ``all``."""
    _check_hops(max_hops)
    _check_range("limit", limit, 1, MAX_PATHS)
    with db.audited_read() as session:
        context = load(session, actor, settings, level=level, datasets=datasets, since=since, until=until)
        chosen = context.resolve_ends(ends)
        sources, targets = context.vertices_on("overseas", chosen), context.vertices_on("local", chosen)
        found = paths.find_paths(context.graph.graph, sources, targets, max_hops, cap=MAX_FOUND)
        result = _base(context) | {"max_hops": max_hops, "ends": chosen, "overseas": len(sources),
                                   "local": len(targets)} | _paths_result(context, found, limit)
        _audit(session, actor, "overseas", context, max_hops=max_hops, ends=chosen, paths=result["total"])
        return result


def path_between(
    db: Database, actor: Actor, settings: Settings, *, sources: list[str], targets: list[str],
    max_hops: int = 3, level: str = "person", datasets: list[str] | None = None,
    since: datetime | None = None, until: datetime | None = None, all_shortest: bool = False,
    limit: int = 1000,
) -> dict[str, Any]:
    """Shortest paths of at most ``max_hops`` from any of ``sources`` to any of ``targets``;
    with ``all_shortest``, every shortest path of each pair (at most ``paths.ALL_PATHS_CAP``).
    A node that is not in the graph (no calls in the selection) is listed in ``missing``."""
    _check_hops(max_hops)
    _check_range("limit", limit, 1, MAX_PATHS)
    if not sources or not targets:
        raise InvalidInput("name at least one source and one target",
                           field="sources" if not sources else "targets")
    with db.audited_read() as session:
        context = load(session, actor, settings, level=level, datasets=datasets, since=since, until=until)
        starts = {node_id(n, "sources"): context.vertex_of(n, "sources") for n in sources}
        ends = {node_id(n, "targets"): context.vertex_of(n, "targets") for n in targets}
        missing = sorted(n for n, v in (starts | ends).items() if v is None)
        left = [v for v in starts.values() if v is not None]
        right = [v for v in ends.values() if v is not None]
        found = paths.find_paths(context.graph.graph, left, right, max_hops, cap=MAX_FOUND)
        if all_shortest:
            found = [p for s, t in sorted({(p[0], p[-1]) for p in found})
                     for p in paths.all_shortest_paths(context.graph.graph, s, t, max_hops)]
        result = _base(context) | {"max_hops": max_hops, "missing": missing}
        result |= _paths_result(context, found, limit)
        _audit(session, actor, "path", context, sources=sorted(starts), targets=sorted(ends),
               max_hops=max_hops, paths=result["total"])
        return result


#: the contract's name for ``path_between``
find_paths = path_between


def brokers(
    db: Database, actor: Actor, settings: Settings, *, top: int = 10, level: str = "person",
    datasets: list[str] | None = None, since: datetime | None = None, until: datetime | None = None,
    ends: str | None = None, sample: int | None = None, seed: int = 0,
) -> dict[str, Any]:
    """The nodes most between the two sides: bridging betweenness from the overseas ends to the
    local ones (plain betweenness when a side is empty), sampled past
    ``brokers.EXACT_SOURCES`` sources, with the sample size reported."""
    _check_range("top", top, 1, 1000)
    if sample is not None:
        _check_range("sample", sample, 1, 1_000_000)
    with db.audited_read() as session:
        context = load(session, actor, settings, level=level, datasets=datasets, since=since, until=until)
        chosen = context.resolve_ends(ends)
        sources, targets = context.vertices_on("overseas", chosen), context.vertices_on("local", chosen)
        graph = context.graph.graph
        both = bool(sources and targets)
        scored = broker_scores.betweenness(graph, sources=sources if both else None,
                                           targets=targets if both else None, sample=sample, seed=seed)
        degrees = graph.degree() if graph.vcount() else []
        strengths = graph.strength(weights="weight") if graph.ecount() else [0] * graph.vcount()
        rows = [
            context.node_view(context.graph.node(v))
            | {"node": context.graph.node(v), "score": round(scored.scores[v], 6), "degree": degrees[v],
               "contacts": int(strengths[v])}
            for v in broker_scores.ranked(scored.scores, top=top)
        ]
        result = _base(context) | {"brokers": rows, "mode": scored.mode, "ends": chosen,
                                   "sampled": scored.sampled, "sample_size": scored.sample_size,
                                   "sources": scored.sources, "seed": seed}
        _audit(session, actor, "brokers", context, top=top, sampled=scored.sampled,
               sample_size=scored.sample_size)
        return result


def communities(
    db: Database, actor: Actor, settings: Settings, *, level: str = "person",
    datasets: list[str] | None = None,
    since: datetime | None = None, until: datetime | None = None, seed: int = 0, resolution: float = 1.0,
    min_size: int = 2, limit: int = 200,
) -> dict[str, Any]:
    """Leiden communities (modularity, weighted by calls and SMS), largest first; the same
    data and seed give the same partition."""
    if not 0 < resolution <= 100:
        raise InvalidInput("resolution must be above 0 and at most 100", field="resolution")
    _check_range("min_size", min_size, 1, 1_000_000)
    _check_range("limit", limit, 1, 100_000)
    with db.audited_read() as session:
        context = load(session, actor, settings, level=level, datasets=datasets, since=since, until=until)
        partition = leiden.leiden(context.graph.graph, seed=seed, resolution=resolution)
        shown: list[dict[str, Any]] = []
        for number, members in enumerate(leiden.groups(partition.membership)):
            if len(members) < min_size or len(shown) >= limit:
                continue
            names = sorted((context.graph.node(v) for v in members),
                           key=lambda n: (context.kind(n) != "person", n))
            sides = {side: sum(1 for n in names if context.side(n) == side)
                     for side in ("overseas", "local", "unknown")}
            shown.append({"id": number, "size": len(names), "members": names, "sides": sides,
                          "persons": [context.node_view(n) for n in names if n in context.persons]})
        result = _base(context) | {"communities": shown, "count": max(partition.membership, default=-1) + 1,
                                   "modularity": round(partition.modularity, 6), "seed": seed,
                                   "resolution": resolution, "min_size": min_size}
        _audit(session, actor, "communities", context, seed=seed, resolution=resolution)
        return result


#: what ``graph_view`` draws: every node, or only those on the overseas → local paths
FOCUSES = ("all", "paths")


def graph_view(
    db: Database, actor: Actor, settings: Settings, *, level: str = "person",
    datasets: list[str] | None = None,
    since: datetime | None = None, until: datetime | None = None, limit: int = 500,
    focus: str = "all", max_hops: int = 3,
) -> dict[str, Any]:
    """Nodes (id, label, kind, side) and edges for drawing. ``focus="paths"`` keeps only the
    nodes on an overseas → local path of at most ``max_hops`` (the network the question is
    about, without the background). Past ``limit`` nodes, persons come first, then the busiest
    numbers; ``truncated`` says so."""
    _check_range("limit", limit, 1, 20_000)
    if focus not in FOCUSES:
        raise InvalidInput(f"focus must be one of {', '.join(FOCUSES)}, not {focus[:40]!r}", field="focus")
    _check_hops(max_hops)
    with db.audited_read() as session:
        context = load(session, actor, settings, level=level, datasets=datasets, since=since, until=until)
        graph = context.graph.graph
        candidates: Iterable[int] = range(graph.vcount())
        if focus == "paths":
            chosen = context.resolve_ends(None)
            found = paths.find_paths(graph, context.vertices_on("overseas", chosen),
                                     context.vertices_on("local", chosen), max_hops, cap=MAX_FOUND)
            candidates = {v for path in found for v in path}
        strengths = graph.strength(weights="weight") if graph.ecount() else [0] * graph.vcount()
        order = sorted(candidates,
                       key=lambda v: (context.graph.node(v) not in context.persons, -strengths[v], v))
        kept = set(order[:limit])
        nodes = [context.node_view(context.graph.node(v)) | {"contacts": int(strengths[v])}
                 for v in sorted(kept)]
        edges = context.graph.edge_records(sorted(graph.es.select(_within=sorted(kept)).indices))
        result = _base(context) | {"nodes": nodes, "edges": edges, "total_nodes": graph.vcount(),
                                   "total_edges": graph.ecount(), "focus": focus,
                                   "truncated": len(order) > len(kept)}
        _audit(session, actor, "graph", context, nodes=len(nodes))
        return result


def edge_evidence(
    db: Database, actor: Actor, settings: Settings, *, a: str, b: str, level: str = "person",
    datasets: list[str] | None = None, since: datetime | None = None, until: datetime | None = None,
    limit: int = 50, offset: int = 0,
) -> dict[str, Any]:
    """The records behind the edge a–b: per dataset (with its exhibit) the counts, and one page
    of the calls (dataset, line, start, duration, type) in time order, both directions."""
    _check_range("limit", limit, 1, 1000)
    _check_range("offset", offset, 0, 10**12)
    a, b = node_id(a, "a"), node_id(b, "b")
    if a == b:
        raise InvalidInput("an edge joins two different nodes", field="b")
    with db.audited_read() as session:
        context = load(session, actor, settings, level=level, datasets=datasets, since=since, until=until)
        found = context.attributions if context.level == "person" else []
        calls = edge_calls(context.selection, a=a, b=b, found=found, exhibits=context.exhibits,
                           limit=limit, offset=offset)
        result = _base(context) | {"a": context.node_view(a), "b": context.node_view(b), "limit": limit,
                                   "offset": offset} | calls
        _audit(session, actor, "edge", context, a=a, b=b, calls=calls["total"])
        return result
