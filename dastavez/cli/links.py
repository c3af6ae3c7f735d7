"""Link analysis commands: ``dastavez links overseas|path|brokers|communities|graph|edge`` (and the
activity and export commands of ``links_activity``)."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from dastavez.cli import links_activity
from dastavez.cli.context import console, emit, plain, state, table

links_app = typer.Typer(help="Who reaches whom: the link graph built from imported call records.",
                        no_args_is_help=True)

Level = Annotated[str, typer.Option(help="person (numbers contracted by attribution) or number.")]
Datasets = Annotated[list[str] | None,
                     typer.Option("--dataset", help="Only this dataset (CDR-…); repeatable.")]
Since = Annotated[str | None, typer.Option(help="Calls from this date or ISO time (UTC unless offset).")]
Until = Annotated[str | None, typer.Option(help="Calls up to this date (included) or ISO time.")]
Ends = Annotated[str | None, typer.Option(help="Path ends: persons or all (default: persons when "
                                               "persons stand on both sides, at person level).")]


def _scope(level: str, datasets: list[str] | None, since: str | None, until: str | None) -> dict[str, Any]:
    from dastavez.comms.link_context import parse_bound
    return {"level": level, "datasets": datasets or None, "since": parse_bound(since, "since", end=False),
            "until": parse_bound(until, "until", end=True)}


def _render_paths(data: dict[str, Any]) -> None:
    rows = []
    for path in data["paths"]:
        chain = " → ".join(node["label"] for node in path["nodes"])
        contacts = ", ".join(f"{e['calls']}c/{e['sms']}s" for e in path["edges"])
        rows.append((path["nodes"][0]["side"], chain, path["hops"], contacts,
                     path["edges"][0]["first"][:10] if path["edges"][0]["first"] else "",
                     max((e["last"] or "" for e in path["edges"]), default="")[:10]))
    table(f"Paths ({data['total']}{', first ' + str(len(rows)) if data['truncated'] else ''}; "
          f"level {data['level']})", ["from", "path", "hops", "calls/sms per edge", "first", "last"], rows)


@links_app.command("overseas")
def links_overseas(
    max_hops: Annotated[int, typer.Option(help="Longest path, in edges.")] = 3,
    level: Level = "person",
    dataset: Datasets = None,
    since: Since = None,
    until: Until = None,
    ends: Ends = None,
    limit: Annotated[int, typer.Option(help="At most this many paths.")] = 1000,
) -> None:
    """Which overseas leaders reach which local people, through whom (shortest paths)."""
    from dastavez.comms import links
    st = state()
    data = links.overseas_links(st.db, st.actor(), st.settings, max_hops=max_hops, ends=ends, limit=limit,
                                **_scope(level, dataset, since, until))
    emit(data, _render_paths)


@links_app.command("path")
def links_path(
    source: Annotated[str, typer.Argument(help="From: a number (E.164) or a person id.")],
    target: Annotated[str, typer.Argument(help="To: a number (E.164) or a person id.")],
    max_hops: Annotated[int, typer.Option(help="Longest path, in edges.")] = 3,
    all_shortest: Annotated[bool, typer.Option("--all", help="Every shortest path, not one.")] = False,
    level: Level = "person",
    dataset: Datasets = None,
    since: Since = None,
    until: Until = None,
) -> None:
    """The shortest paths between two nodes, at most --max-hops long."""
    from dastavez.comms import links
    st = state()
    data = links.path_between(st.db, st.actor(), st.settings, sources=[source], targets=[target],
                              max_hops=max_hops, all_shortest=all_shortest,
                              **_scope(level, dataset, since, until))
    if not st.json and data["missing"]:
        console.print(plain(f"not in the graph: {', '.join(data['missing'])}"))
    emit(data, _render_paths)


@links_app.command("brokers")
def links_brokers(
    top: Annotated[int, typer.Option(help="How many brokers.")] = 10,
    sample: Annotated[int | None, typer.Option(help="Estimate from this many sources (seeded).")] = None,
    seed: Annotated[int, typer.Option(help="Seed of the sample.")] = 0,
    level: Level = "person",
    dataset: Datasets = None,
    since: Since = None,
    until: Until = None,
    ends: Ends = None,
) -> None:
    """The nodes that bridge the overseas and local sides (betweenness)."""
    from dastavez.comms import links
    st = state()
    data = links.brokers(st.db, st.actor(), st.settings, top=top, sample=sample, seed=seed, ends=ends,
                         **_scope(level, dataset, since, until))

    def render(d: dict[str, Any]) -> None:
        how = f"sampled from {d['sample_size']} of {d['sources']} sources" if d["sampled"] else "exact"
        table(f"Brokers ({d['mode']}, {how})", ["node", "label", "side", "score", "degree"],
              [(b["node"], b["label"], b["side"], f"{b['score']:.2f}", b["degree"]) for b in d["brokers"]])

    emit(data, render)


@links_app.command("communities")
def links_communities(
    seed: Annotated[int, typer.Option(help="Seed of Leiden's random order.")] = 0,
    resolution: Annotated[float, typer.Option(help="Modularity resolution (higher: smaller groups).")] = 1.0,
    min_size: Annotated[int, typer.Option(help="Leave out smaller communities.")] = 2,
    level: Level = "person",
    dataset: Datasets = None,
    since: Since = None,
    until: Until = None,
) -> None:
    """Communities of the link graph (Leiden, modularity)."""
    from dastavez.comms import links
    st = state()
    data = links.communities(st.db, st.actor(), st.settings, seed=seed, resolution=resolution,
                             min_size=min_size, **_scope(level, dataset, since, until))

    def render(d: dict[str, Any]) -> None:
        table(f"Communities ({d['count']}, modularity {d['modularity']:.3f})",
              ["id", "size", "overseas", "local", "persons"],
              [(c["id"], c["size"], c["sides"]["overseas"], c["sides"]["local"],
                ", ".join(p["label"] for p in c["persons"][:6])) for c in d["communities"]])

    emit(data, render)


@links_app.command("graph")
def links_graph(
    limit: Annotated[int, typer.Option(help="At most this many nodes (persons first).")] = 500,
    focus: Annotated[str, typer.Option(
        help="all, or paths: only the nodes on an overseas → local path (what the web draws).")] = "all",
    max_hops: Annotated[int, typer.Option(help="Longest path, in edges, with --focus paths.")] = 3,
    level: Level = "person",
    dataset: Datasets = None,
    since: Since = None,
    until: Until = None,
) -> None:
    """The nodes and edges of the link graph."""
    from dastavez.comms import links
    st = state()
    data = links.graph_view(st.db, st.actor(), st.settings, limit=limit, focus=focus, max_hops=max_hops,
                            **_scope(level, dataset, since, until))

    def render(d: dict[str, Any]) -> None:
        table(f"Nodes ({len(d['nodes'])} of {d['total_nodes']})", ["id", "label", "kind", "side", "contacts"],
              [(n["id"], n["label"], n["kind"], n["side"], n["contacts"]) for n in d["nodes"]])

    emit(data, render)


@links_app.command("edge")
def links_edge(
    a: Annotated[str, typer.Argument(help="One end: a number (E.164) or a person id.")],
    b: Annotated[str, typer.Argument(help="The other end.")],
    limit: Annotated[int, typer.Option(help="Calls per page.")] = 50,
    offset: Annotated[int, typer.Option(help="Skip this many calls.")] = 0,
    level: Level = "person",
    dataset: Datasets = None,
    since: Since = None,
    until: Until = None,
) -> None:
    """The evidence of one edge: datasets, exhibits and the calls behind it."""
    from dastavez.comms import links
    st = state()
    data = links.edge_evidence(st.db, st.actor(), st.settings, a=a, b=b, limit=limit, offset=offset,
                               **_scope(level, dataset, since, until))

    def render(d: dict[str, Any]) -> None:
        title = (f"{d['a']['label']} – {d['b']['label']}: {d['calls']} calls, {d['sms']} SMS, "
                 f"{d['duration_s']} s")
        table(title, ["dataset", "exhibit", "calls", "sms", "first", "last"],
              [(x["dataset"], x["exhibit"], x["calls"], x["sms"], x["first"], x["last"])
               for x in d["datasets"]])
        table("Calls", ["dataset", "line", "start", "duration_s", "type", "caller", "callee"],
              [(r["dataset"], r["line"], r["start"], r["duration_s"], r["type"], r["caller"], r["callee"])
               for r in d["records"]])

    emit(data, render)


def register(app: typer.Typer) -> None:
    from dastavez.cli import analyses  # save, rerun (saved analyses)

    links_activity.attach(links_app)
    analyses.attach(links_app)
    app.add_typer(links_app, name="links")
