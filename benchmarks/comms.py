"""Communications benchmark: CDR import, hop-limited paths, Leiden, and DuckDB against Spark.

    .venv/bin/python benchmarks/comms.py [--rows 20000000] [--numbers 200000] [--edges 1200000]
                                         [--sources 20] [--targets 200] [--hops 4]
                                         [--agg-rows 10000000] [--only import,paths,leiden,aggregation]
                                         [--spark-master local[2]] [--json]

Each figure is set against a baseline measured in the same process:

a) import: ``comms.importer.import_cdr`` of a generated operator CSV of ``--rows`` rows (in a
   child process, into a fresh home: migrated, an admin, an authority naming the 50 numbers
   every row involves), against DuckDB's bare ``SELECT count(*) FROM read_csv(file)`` of the
   same file (the better of a run before and after the import); goal ≥ 0.5 of its speed, and
   a peak RSS of the importing process (``getrusage`` of the child) < 2 GB;
b) paths: a graph of ``--numbers`` numbers and ``--edges`` edges (communities of 500, heavy
   tailed degrees; built with ``comms.graph.build_graph`` from an edges table), ``--sources``
   × ``--targets`` random numbers within ``--hops`` hops with ``comms.paths.find_paths``,
   against networkx's ``single_source_shortest_path`` with the same cut-off from each source
   (the same answer: a shortest path per pair; the two answers' hop counts are compared);
   goal ≥ 30× faster and < 1 s;
c) Leiden (``comms.communities.leiden``, igraph) on that graph; goal < 10 s;
d) the call → edge aggregation and the per-number summaries over ``--agg-rows`` generated
   stored calls in the Parquet layout, DuckDB engine against Spark in local mode (both
   times reported, Spark's session start apart; the tables are compared too).

The machine's load average is printed: on a shared machine other work slows ours and the
baselines alike.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import platform
import random
import resource
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parent))

from comms_data import TARGETS, WINDOW, contact_graph, write_operator_csv, write_stored_calls

from dastavez.comms.duckdb_engine import DuckDBEngine
from dastavez.comms.engine import CallSelection
from dastavez.comms.layout import dataset_glob
from dastavez.settings import Settings

BENCH_PASSWORD = "benchmark-admin-password"  # noqa: S105  # a throw-away home
GOAL_IMPORT_RATIO = 0.5
GOAL_IMPORT_RSS = 2 * 1024**3
GOAL_PATHS_SPEEDUP = 30
GOAL_PATHS_S = 1.0
GOAL_LEIDEN_S = 10.0


def verdict(ok: bool) -> str:
    return "met" if ok else "NOT met"


# --- a) import ----------------------------------------------------------------------------------------


def _import_child(home: str, csv: str, answer: Any) -> None:
    """Run in a fresh process, so its peak RSS is the import's alone."""
    from dastavez.access.users import actor_for, bootstrap_admin
    from dastavez.comms.importer import import_cdr
    from dastavez.evidence.authority import add_authority
    from dastavez.storage.engine import Database
    from dastavez.storage.migrate import upgrade

    settings = Settings(home=Path(home))
    db = Database(settings)
    upgrade(db.engine)
    with db.write() as session:
        bootstrap_admin(session, username="admin", password=BENCH_PASSWORD)
    with db.read() as session:
        actor = actor_for(session, "admin", interface="cli")
    with db.write() as session:
        authority = add_authority(
            session, actor, basis="Investigation for Fair Trial Act 2013, s. 10", reference="BENCH/1",
            issued_by="Benchmark court", valid_from=WINDOW[0], valid_to=WINDOW[1], targets=TARGETS,
            data_classes=["call-records"],
        )
        authority_id = authority.id
    last = [time.perf_counter()]

    def progress(done: int, total: int) -> None:
        if time.perf_counter() - last[0] > 15:
            last[0] = time.perf_counter()
            print(f"  imported {done:,}/{total:,}", file=sys.stderr, flush=True)

    started = time.perf_counter()
    result = import_cdr(db, actor, settings, Path(csv), authority=authority_id, progress=progress)
    seconds = time.perf_counter() - started
    db.dispose()
    answer.put({"seconds": seconds, "result": {k: result.get(k) for k in
                                               ("dataset", "rows", "rejected", "out_of_scope", "new")}})


def csv_count_seconds(csv: Path) -> tuple[float, int]:
    con = duckdb.connect()
    try:
        started = time.perf_counter()
        quoted = str(csv).replace("'", "''")
        (count,) = con.sql(f"SELECT count(*) FROM read_csv('{quoted}')").fetchall()[0]
        return time.perf_counter() - started, int(count)
    finally:
        con.close()


def bench_import(rows: int, work: Path) -> dict[str, Any]:
    work.mkdir(parents=True)
    csv = work / "operator.csv"
    started = time.perf_counter()
    size = write_operator_csv(csv, rows)
    print(f"  wrote {rows:,} rows ({size / 1e9:.2f} GB) in {time.perf_counter() - started:.1f} s",
          file=sys.stderr, flush=True)
    before, counted = csv_count_seconds(csv)
    context = multiprocessing.get_context("spawn")
    answer = context.Queue()
    child = context.Process(target=_import_child, args=(str(work / "home"), str(csv), answer))
    child.start()
    child.join()
    if child.exitcode != 0:
        raise SystemExit(f"the import child failed with exit code {child.exitcode}")
    done = answer.get()
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024  # KiB on Linux
    after, _ = csv_count_seconds(csv)
    baseline = min(before, after)
    ratio = baseline / done["seconds"]
    csv.unlink()
    return {
        "rows": rows, "csv_bytes": size, "counted": counted, **done["result"],
        "import_s": round(done["seconds"], 2), "import_rows_per_s": round(rows / done["seconds"]),
        "baseline_read_csv_count_s": round(baseline, 2), "ratio": round(ratio, 3),
        "peak_rss_mb": round(peak / 2**20),
        "verdict": verdict(ratio >= GOAL_IMPORT_RATIO and peak < GOAL_IMPORT_RSS),
    }


# --- b) paths and c) Leiden -----------------------------------------------------------------------------


def bench_graph(numbers: int, edges: int, sources: int, targets: int, hops: int,
                parts: set[str]) -> dict[str, Any]:
    import networkx as nx

    from dastavez.comms.communities import leiden
    from dastavez.comms.graph import build_graph
    from dastavez.comms.paths import find_paths

    started = time.perf_counter()
    table = contact_graph(numbers, edges)
    generated = time.perf_counter() - started
    started = time.perf_counter()
    link = build_graph(table)
    built = time.perf_counter() - started
    graph = link.graph
    figures: dict[str, Any] = {"numbers": graph.vcount(), "edges": graph.ecount(),
                               "generate_s": round(generated, 1), "build_graph_s": round(built, 2)}
    if "paths" in parts:
        rng = random.Random(11)
        chosen = rng.sample(range(graph.vcount()), sources + targets)
        starts, ends = chosen[:sources], chosen[sources:]
        started = time.perf_counter()
        found = find_paths(graph, starts, ends, hops)
        ours = time.perf_counter() - started
        mine = {(p[0], p[-1]): len(p) - 1 for p in found}
        reference = nx.Graph()
        reference.add_nodes_from(range(graph.vcount()))
        reference.add_edges_from(graph.get_edgelist())
        wanted = set(ends)
        started = time.perf_counter()
        theirs: dict[tuple[int, int], int] = {}
        for source in starts:
            reached = nx.single_source_shortest_path(reference, source, cutoff=hops)
            theirs.update({(source, t): len(path) - 1
                           for t, path in reached.items() if t in wanted and t != source})
        networkx_s = time.perf_counter() - started
        started = time.perf_counter()
        for source in starts:  # hop counts only, for comparison (not the same answer: no paths)
            nx.single_source_shortest_path_length(reference, source, cutoff=hops)
        lengths_s = time.perf_counter() - started
        speedup = networkx_s / ours
        figures["paths"] = {
            "sources": sources, "targets": targets, "max_hops": hops, "pairs_joined": len(mine),
            "same_as_networkx": mine == theirs, "find_paths_s": round(ours, 3),
            "networkx_s": round(networkx_s, 2), "speedup": round(speedup, 1),
            "networkx_lengths_only_s": round(lengths_s, 2),
            "verdict": verdict(speedup >= GOAL_PATHS_SPEEDUP and ours < GOAL_PATHS_S and mine == theirs),
        }
    if "leiden" in parts:
        started = time.perf_counter()
        partition = leiden(graph, seed=0)
        seconds = time.perf_counter() - started
        figures["leiden"] = {
            "seconds": round(seconds, 2), "communities": max(partition.membership) + 1,
            "modularity": round(partition.modularity, 3), "verdict": verdict(seconds < GOAL_LEIDEN_S),
        }
    return figures


# --- d) DuckDB against Spark -----------------------------------------------------------------------------


def bench_aggregation(rows: int, work: Path, master: str) -> dict[str, Any]:
    from dastavez.comms.spark_engine import SparkEngine

    started = time.perf_counter()
    ids = write_stored_calls(work, rows)
    print(f"  stored {rows:,} calls in {time.perf_counter() - started:.1f} s", file=sys.stderr, flush=True)
    settings = Settings(home=work)
    selection = CallSelection(tuple((d, dataset_glob(settings, d)) for d in ids))
    duck = DuckDBEngine()
    spark = SparkEngine(master=master, driver_memory="3g")
    timings: dict[str, Any] = {"rows": rows, "spark_master": master}
    started = time.perf_counter()
    spark.spark.range(1).count()
    timings["spark_session_start_s"] = round(time.perf_counter() - started, 1)
    try:
        for kind in ("edges", "number_summaries"):
            results = {}
            for engine in (duck, spark):
                started = time.perf_counter()
                results[engine.name] = getattr(engine, kind)(selection)
                timings[f"{kind}_{engine.name}_s"] = round(time.perf_counter() - started, 2)
            timings[f"{kind}_rows"] = results["duckdb"].num_rows
            timings[f"{kind}_identical"] = results["duckdb"].equals(results["spark"])
            timings[f"{kind}_spark_over_duckdb"] = round(
                timings[f"{kind}_spark_s"] / timings[f"{kind}_duckdb_s"], 2)
    finally:
        spark.close()
    return timings


# --- report ---------------------------------------------------------------------------------------------


def report_lines(figures: dict[str, Any]) -> list[str]:
    lines = []
    if "import" in figures:
        i = figures["import"]
        lines.append(
            f"a) import {i['rows']:,} CSV rows: {i['import_s']} s ({i['import_rows_per_s']:,} rows/s), "
            f"peak RSS {i['peak_rss_mb']} MB; DuckDB read_csv count {i['baseline_read_csv_count_s']} s; "
            f"ratio {i['ratio']} (goal ≥ {GOAL_IMPORT_RATIO}, RSS < 2 GB): {i['verdict']}"
        )
    graph = figures.get("graph", {})
    if "paths" in graph:
        p = graph["paths"]
        lines.append(
            f"b) paths {p['sources']}×{p['targets']} within {p['max_hops']} hops on {graph['numbers']:,} "
            f"numbers / {graph['edges']:,} edges: {p['find_paths_s']} s; networkx {p['networkx_s']} s "
            f"(hop counts only: {p['networkx_lengths_only_s']} s); "
            f"{p['speedup']}× (goal ≥ {GOAL_PATHS_SPEEDUP}×, < 1 s; same answer: {p['same_as_networkx']}): "
            f"{p['verdict']}"
        )
    if "leiden" in graph:
        c = graph["leiden"]
        lines.append(f"c) Leiden: {c['seconds']} s, {c['communities']} communities, modularity "
                     f"{c['modularity']} (goal < {GOAL_LEIDEN_S:.0f} s): {c['verdict']}")
    if "aggregation" in figures:
        d = figures["aggregation"]
        for kind in ("edges", "number_summaries"):
            lines.append(
                f"d) {kind} over {d['rows']:,} stored calls ({d[f'{kind}_rows']:,} rows out): DuckDB "
                f"{d[f'{kind}_duckdb_s']} s, Spark {d['spark_master']} {d[f'{kind}_spark_s']} s "
                f"({d[f'{kind}_spark_over_duckdb']}× DuckDB's time; identical: {d[f'{kind}_identical']}; "
                f"session start {d['spark_session_start_s']} s apart)"
            )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=20_000_000, help="CSV rows to import")
    parser.add_argument("--numbers", type=int, default=200_000)
    parser.add_argument("--edges", type=int, default=1_200_000)
    parser.add_argument("--sources", type=int, default=20)
    parser.add_argument("--targets", type=int, default=200)
    parser.add_argument("--hops", type=int, default=4)
    parser.add_argument("--agg-rows", type=int, default=10_000_000, help="stored calls to aggregate")
    parser.add_argument("--spark-master", default="local[2]")
    parser.add_argument("--only", type=lambda text: set(text.split(",")),
                        default={"import", "paths", "leiden", "aggregation"},
                        help="comma-separated parts: import, paths, leiden, aggregation")
    parser.add_argument("--work", type=Path, help="folder for the generated files (default: a temp dir)")
    parser.add_argument("--json", action="store_true", help="print the figures as one JSON object")
    args = parser.parse_args()
    figures: dict[str, Any] = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"), "machine": platform.node(),
        "cpus": os.cpu_count(), "load_average_start": os.getloadavg(),
    }
    with tempfile.TemporaryDirectory(prefix="dz-bench-comms-", dir=args.work) as scratch:
        work = Path(scratch)
        if "import" in args.only:
            figures["import"] = bench_import(args.rows, work / "import")
        if args.only & {"paths", "leiden"}:
            figures["graph"] = bench_graph(args.numbers, args.edges, args.sources, args.targets,
                                           args.hops, args.only)
        if "aggregation" in args.only:
            figures["aggregation"] = bench_aggregation(
                args.agg_rows, work / "aggregation", args.spark_master)
    figures["load_average_end"] = os.getloadavg()
    if args.json:
        print(json.dumps(figures))
    print(f"cpus: {os.cpu_count()}, load average (1, 5, 15 min): {os.getloadavg()}")
    print("\n".join(report_lines(figures)))


if __name__ == "__main__":
    main()
