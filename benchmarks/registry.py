"""Registry benchmark: bulk load, then name search and profile latency under concurrent clients.

    .venv/bin/python benchmarks/registry.py [--scale 300] [--backend sqlite|postgresql|both]
                                            [--clients 20] [--requests 600] [--workers 2]
                                            [--home DIR | --reuse]

For each backend it
1. loads the demo scenario at ``--scale`` (300 ≈ 10^5 persons, 10^6 claims) and reports
   claims/s, next to a bare SQLAlchemy Core ``executemany`` of the same number of claim-shaped
   rows into a scratch table (the ratio says what validation, ids, search index and audit cost);
2. serves the API (``dastavez serve`` in a subprocess, ``--workers`` processes) and sends
   ``--requests`` name searches and profile reads from ``--clients`` concurrent clients,
   reporting p50/p95, next to the raw SQL those services run, issued by the same number of
   concurrent threads straight to the database (the ratio says what HTTP, auth, JSON and the
   audit write cost on top of the queries). The clients are threads of this process, one
   keep-alive connection each (see ``http_latency``).

The machine's load average is printed too: on a shared machine, other work takes cores
from the server and the clients alike.

Goals (issue 2): load ≥ 20,000 claims/s; search p95 ≤ 100 ms; profile p95 ≤ 50 ms.
Prints one JSON object per backend and a Markdown table for docs/performance.md.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

import httpx
from sqlalchemy import Column, MetaData, String, Table, Text, create_engine, insert, select, text

from dastavez.access.users import actor_for
from dastavez.demo.scenario import build_scenario
from dastavez.demo.users import DEMO_PASSWORD as PASSWORD
from dastavez.registry.search import search_names
from dastavez.settings import Settings
from dastavez.storage.engine import Database
from dastavez.storage.migrate import upgrade
from dastavez.storage.tables import Claim, Entity

PG_URL = os.environ.get("DASTAVEZ_TEST_PG_URL", "postgresql+psycopg://127.0.0.1:5432/test")
BENCH_SCHEMA = "dz_bench"


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def fresh_settings(backend: str, home: Path, *, empty: bool = True) -> Settings:
    if backend == "sqlite":
        return Settings(home=home)
    if empty:
        admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{BENCH_SCHEMA}" CASCADE'))
            conn.execute(text(f'CREATE SCHEMA "{BENCH_SCHEMA}"'))
        admin.dispose()
    options = quote(f"-csearch_path={BENCH_SCHEMA}")
    return Settings(home=home, database_url=f"{PG_URL}{'&' if '?' in PG_URL else '?'}options={options}")


# --- 1. bulk load ---------------------------------------------------------------------------------


def baseline_insert(db: Database, rows: int) -> float:
    """Rows/s of a bare executemany of claim-shaped rows (no validation, no index, no audit)."""
    scratch = Table(
        "bench_scratch_claim",
        MetaData(),
        Column("id", String(24), primary_key=True),
        Column("entity_id", String(32)),
        Column("prop", String(64)),
        Column("value", Text),
        Column("normalised", Text),
    )
    scratch.create(db.engine, checkfirst=True)
    batch = 5000
    started = time.perf_counter()
    for start in range(0, rows, batch):
        chunk = [
            {
                "id": f"CLM-{i:016X}",
                "entity_id": f"PER-{i // 10:010d}",
                "prop": "name",
                "value": f"Person Number {i}",
                "normalised": f"person number {i}",
            }
            for i in range(start, min(rows, start + batch))
        ]
        with db.write() as session:
            session.execute(insert(scratch), chunk)
    seconds = time.perf_counter() - started
    scratch.drop(db.engine)
    return rows / seconds


def load(db: Database, settings: Settings, scale: int) -> dict[str, Any]:
    upgrade(db.engine)
    last = [0.0]

    def progress(done: int, total: int) -> None:
        if time.perf_counter() - last[0] > 10:
            last[0] = time.perf_counter()
            print(f"  loading {done:,}/{total:,} persons", file=sys.stderr)

    summary = build_scenario(db, settings, scale=scale, progress=progress)
    raw = baseline_insert(db, summary.claims)
    return {
        "persons": summary.persons,
        "claims": summary.claims,
        "seconds": round(summary.seconds, 1),
        "phases": summary.timings,
        "claims_per_s": round(summary.claims_per_second),
        "baseline_rows_per_s": round(raw),
        "ratio": round(summary.claims_per_second / raw, 3),
    }


# --- 2. latency under concurrent clients ------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(settings: Settings, workers: int) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = os.environ | {"DASTAVEZ_HOME": str(settings.home.resolve()), "DASTAVEZ_SECRET_KEY": "bench-secret"}
    if settings.database_url:
        env["DASTAVEZ_DATABASE_URL"] = settings.database_url
    exe = Path(sys.executable).parent / "dastavez"
    command = [str(exe), "serve", "--port", str(port), "--workers", str(workers)]
    proc = subprocess.Popen(  # noqa: S603  # our own console script or server, fixed arguments
        command,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            if httpx.get(f"{base}/api/v1/health", timeout=1).status_code == 200:
                return proc, base
        except httpx.HTTPError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError("the server did not start: " + (proc.stderr.read() if proc.stderr else b"").decode())


def workload(db: Database, count: int, seed: int = 7) -> tuple[list[str], list[str]]:
    """Search strings (a name's first two words, the second as a prefix) and person ids."""
    rng = random.Random(seed)
    with db.read() as session:
        ids = list(
            session.scalars(
                select(Entity.id)
                .where(Entity.schema == "Person", Entity.compartment.is_(None))
                .order_by(Entity.id)
                .limit(20_000)
            )
        )
        names = list(
            session.scalars(
                select(Claim.value)
                .where(Claim.prop == "name", Claim.compartment.is_(None))
                .order_by(Claim.id)
                .limit(20_000)
            )
        )
    queries = []
    for name in rng.sample(names, min(count, len(names))):
        words = name.split()
        queries.append(" ".join([words[0], words[1][:4]] if len(words) > 1 else words[:1]))
    return queries, rng.sample(ids, min(count, len(ids)))


def timed(calls: list[Callable[[], None]], clients: int) -> list[float]:
    def run(call: Callable[[], None]) -> float:
        started = time.perf_counter()
        call()
        return (time.perf_counter() - started) * 1000

    with ThreadPoolExecutor(clients) as pool:
        return list(pool.map(run, calls))


def summary(samples: list[float]) -> dict[str, float]:
    return {"p50_ms": round(statistics.median(samples), 1), "p95_ms": round(percentile(samples, 0.95), 1)}


def http_latency(base: str, queries: list[str], ids: list[str], clients: int) -> dict[str, Any]:
    """Each client is a thread with its own keep-alive connection, sending its next request as
    soon as the last answer is read, through the standard library's ``http.client``: the load
    generator shares the two cores with the server, and httpx spent 2 ms of CPU per request
    there (0.3 ms here), time the server's latency then paid for."""
    token = httpx.post(
        f"{base}/api/v1/auth/token", json={"username": "analyst", "password": PASSWORD, "name": "bench"}
    ).json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    address = urlsplit(base)
    local = threading.local()

    def get(path: str) -> None:
        connection: http.client.HTTPConnection | None = getattr(local, "connection", None)
        if connection is None:
            connection = http.client.HTTPConnection(address.hostname or "127.0.0.1", address.port, timeout=30)
            local.connection = connection
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        response.read()
        if response.status != 200:
            raise RuntimeError(f"GET {path}: HTTP {response.status}")

    def search(q: str) -> Callable[[], None]:
        return lambda: get("/api/v1/search?" + urlencode({"q": q}))

    def profile(entity_id: str) -> Callable[[], None]:
        return lambda: get(f"/api/v1/entities/{quote(entity_id)}")

    timed([search(q) for q in queries[:clients]] + [profile(i) for i in ids[:clients]], clients)  # warm up
    return {
        "search": summary(timed([search(q) for q in queries], clients)),
        "profile": summary(timed([profile(i) for i in ids], clients)),
    }


def raw_latency(db: Database, queries: list[str], ids: list[str], clients: int) -> dict[str, Any]:
    """The queries behind search and profile, straight to the database, no HTTP, no audit."""
    with db.read() as session:
        analyst = actor_for(session, "analyst", interface="api")

    def search(q: str) -> Callable[[], None]:
        def call() -> None:
            with db.read() as session:
                search_names(session, analyst, query=q)

        return call

    def profile(entity_id: str) -> Callable[[], None]:
        def call() -> None:
            with db.read() as session:
                session.get(Entity, entity_id)
                session.scalars(select(Claim).where(Claim.entity_id == entity_id)).all()
                links = session.scalars(
                    select(Claim.entity_id).where(
                        Claim.prop.in_(
                            ("member", "organization", "person", "associate", "holder", "resident")
                        ),
                        Claim.value_key == entity_id,
                    )
                ).all()
                if links:
                    session.scalars(select(Claim).where(Claim.entity_id.in_(links))).all()

        return call

    timed([search(q) for q in queries[:clients]], clients)
    return {
        "search": summary(timed([search(q) for q in queries], clients)),
        "profile": summary(timed([profile(i) for i in ids], clients)),
    }


def run_backend(backend: str, args: argparse.Namespace) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="dz-bench-") as tmp:
        result: dict[str, Any] = {"backend": backend, "scale": args.scale, "load": None,
                                  "load_average": os.getloadavg()}
        if args.home:  # an already loaded SQLite demo: measure latency only
            settings = Settings(home=Path(args.home))
            db = Database(settings)
        elif args.reuse and backend == "postgresql":  # the schema a previous run loaded
            settings = fresh_settings(backend, Path(tmp), empty=False)
            db = Database(settings)
        else:
            settings = fresh_settings(backend, Path(tmp))
            db = Database(settings)
            print(f"[{backend}] loading scale {args.scale}", file=sys.stderr)
            result["load"] = load(db, settings, args.scale)
        queries, ids = workload(db, args.requests)
        print(f"[{backend}] raw SQL latency, {args.clients} threads", file=sys.stderr)
        result["raw"] = raw_latency(db, queries, ids, args.clients)
        proc, base = start_server(settings, args.workers)
        try:
            print(
                f"[{backend}] HTTP latency, {args.clients} clients, {args.workers} workers", file=sys.stderr
            )
            result["http"] = http_latency(base, queries, ids, args.clients)
        finally:
            proc.terminate()
            proc.wait(timeout=30)
        for kind in ("search", "profile"):
            result[f"{kind}_p95_ratio"] = round(
                result["http"][kind]["p95_ms"] / result["raw"][kind]["p95_ms"], 2
            )
        result["clients"], result["workers"], result["requests"] = args.clients, args.workers, len(queries)
        db.dispose()
        return result


def markdown(results: list[dict[str, Any]]) -> str:
    lines = [
        "| backend | scale | claims | load claims/s | bare insert rows/s | ratio | search p50/p95 ms "
        "| raw search p95 ms | profile p50/p95 ms | raw profile p95 ms |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for r in results:
        http, raw = r["http"], r["raw"]
        load_ = r["load"] or {"claims": 0, "claims_per_s": 0, "baseline_rows_per_s": 0, "ratio": "-"}
        lines.append(
            f"| {r['backend']} | {r['scale']} | {load_['claims']:,} | {load_['claims_per_s']:,} | "
            f"{load_['baseline_rows_per_s']:,} | {load_['ratio']} | {http['search']['p50_ms']}/"
            f"{http['search']['p95_ms']} | {raw['search']['p95_ms']} | {http['profile']['p50_ms']}/"
            f"{http['profile']['p95_ms']} | {raw['profile']['p95_ms']} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=int, default=300)
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--requests", type=int, default=600)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--home", help="reuse this DASTAVEZ_HOME (SQLite, demo loaded): latency only")
    parser.add_argument("--reuse", action="store_true",
                        help=f"PostgreSQL: reuse the {BENCH_SCHEMA} schema of a previous run: latency only")
    args = parser.parse_args()
    if args.home:
        args.backend = "sqlite"
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    results = [run_backend(backend, args) for backend in backends]
    for result in results:
        print(json.dumps(result))
    print(markdown(results))


if __name__ == "__main__":
    main()
