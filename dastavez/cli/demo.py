"""``dastavez demo``: load the fictional scenario, print the credentials, serve the web UI."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from sqlalchemy import func, select

from dastavez.cli.admin import run_server
from dastavez.cli.context import console, emit, fields, plain, state, table
from dastavez.demo.scenario import DEFAULT_SEED, MAX_SCALE, build_scenario
from dastavez.exc import Conflict, InvalidInput
from dastavez.settings import Settings
from dastavez.storage.migrate import upgrade
from dastavez.storage.tables import Entity

SQLITE_FILE = "dastavez.sqlite3"
SUMMARY_FILE = "summary.json"  # what was loaded, shown again when the demo is started again


def demo(
    scale: Annotated[int, typer.Option(help=f"Persons × 300 and calls × 70,000 (1 to {MAX_SCALE}); 300 gives "
                                            "about 10^5 persons, 10^6 claims and 2 × 10^7 calls.")] = 1,
    seed: Annotated[int, typer.Option(help="Seed of the generator: the same seed loads the same data.")]
    = DEFAULT_SEED,
    serve_ui: Annotated[bool, typer.Option("--serve/--no-serve", help="Serve the web UI once loaded.")]
    = True,
    host: Annotated[str, typer.Option(help="Address to serve on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to serve on.")] = 8000,
    reset: Annotated[bool, typer.Option(
        help="Delete the SQLite database in DASTAVEZ_HOME first (needs --yes; not for PostgreSQL).")] = False,
    yes: Annotated[bool, typer.Option("--yes", help="Confirm --reset.")] = False,
) -> None:
    """Load the fictional demo scenario (users for every role, one demo password), then serve it."""
    from dastavez.demo.cases import stage_cases
    from dastavez.demo.vault import stage_evidence
    st = state()
    if not 1 <= scale <= MAX_SCALE:
        raise InvalidInput(f"--scale must be between 1 and {MAX_SCALE}", field="scale")
    if reset:
        _reset(st.settings, confirmed=yes)
    st.settings.home.mkdir(parents=True, exist_ok=True)
    upgrade(st.db.engine)
    with st.db.read() as session:
        entities = session.scalar(select(func.count()).select_from(Entity)) or 0
    saved = st.settings.home / "demo" / SUMMARY_FILE
    if entities and saved.is_file() and not st.json:
        # `make demo` a second time: the scenario is there already; show it and serve it.
        console.print(plain(f"the demo scenario is already loaded in {st.settings.home.resolve()}"))
        _show(json.loads(saved.read_text(encoding="utf-8")))
        if serve_ui:
            run_server(st.settings, host=host, port=port)
        return
    if entities:
        hint = ("add --reset --yes to delete it and start again" if st.settings.database_url is None
                else "load the demo into an empty database")
        raise Conflict(f"the database already holds {entities} entities; the demo loads only into an empty "
                       f"database ({hint})")

    if st.json:
        summary = build_scenario(st.db, st.settings, scale=scale, seed=seed)
    else:
        with Progress(TextColumn("loading the demo scenario"), BarColumn(), MofNCompleteColumn(),
                      TextColumn("persons"), TimeElapsedColumn(), console=console, transient=True) as bar:
            task = bar.add_task("load", total=None)
            summary = build_scenario(
                st.db, st.settings, scale=scale, seed=seed,
                progress=lambda done, total: bar.update(task, completed=done, total=total))
    data = summary.as_dict()
    data["evidence"] = stage_evidence(st.db, st.settings, seed=seed)
    data["cases"] = stage_cases(st.db, st.settings, seed=seed)
    data["comms"] = _stage_calls(st.db, st.settings, seed=seed, scale=scale, quiet=st.json)
    data["calls"], data["cdr_datasets"] = data["comms"]["calls"], data["comms"]["cdr_datasets"]
    saved.parent.mkdir(parents=True, exist_ok=True)
    saved.write_text(json.dumps(data, ensure_ascii=False, indent=2, default=str), encoding="utf-8")
    emit(data, _show)
    if serve_ui:
        run_server(st.settings, host=host, port=port)  # as `dastavez serve` does


def _stage_calls(db: Any, settings: Settings, *, seed: int, scale: int, quiet: bool) -> dict[str, Any]:
    """The call records (after the cases: their bursts come before the incidents), with a bar."""
    from dastavez.demo.calls import stage_calls
    if quiet:
        return stage_calls(db, settings, seed=seed, scale=scale)
    with Progress(TextColumn("writing the call records"), BarColumn(), MofNCompleteColumn(),
                  TextColumn("calls"), TimeElapsedColumn(), console=console, transient=True) as bar:
        task = bar.add_task("calls", total=None)
        return stage_calls(db, settings, seed=seed, scale=scale,
                           progress=lambda done, total: bar.update(task, completed=done, total=total))


def _show(data: dict[str, Any]) -> None:
    fields([
        ("persons", data["persons"]), ("organisations", data["organisations"]),
        ("memberships", data["memberships"]),
        ("claims", f"{data['claims']} ({round(100 * data['supported_share'])} % citing an exhibit)"),
        ("exhibits", data["exhibits"]), ("users", len(data["users"])),
        ("loaded in", f"{data['seconds']:.1f} s"), ("ground truth", data["ground_truth"]),
    ])
    if "evidence" in data:
        vault = data["evidence"]
        recordings = ", ".join(vault["recordings"])
        fields([("evidence vault", f"{len(vault['recordings'])} recordings ({recordings}), "
                                   f"a transcript, {len(vault['authorities'])} warrants")])
    if "cases" in data:
        fields([("cases", ", ".join(f"{value} {key}" for key, value in data["cases"].items()
                                    if isinstance(value, int)))])
    if "comms" in data:
        comms = data["comms"]
        fields([("call records", f"{data['calls']} calls in {data['cdr_datasets']} datasets "
                                 f"({', '.join(comms['datasets'])}), {comms['out_of_scope']} out of the "
                                 f"order's scope; planted structure in {comms['truth']}")])
    table("Demo users (fictional data only; the password is for this demo)",
          ["username", "password", "roles", "clearances"],
          [(u["username"], data["password"], ", ".join(u["roles"]), ", ".join(u["clearances"]) or "-")
           for u in data["users"]])


def _reset(settings: Settings, *, confirmed: bool) -> None:
    """Delete the SQLite database in DASTAVEZ_HOME (and its WAL files); nothing else."""
    if settings.database_url is not None:
        raise InvalidInput("--reset only deletes the SQLite database in DASTAVEZ_HOME; with "
                           "DASTAVEZ_DATABASE_URL set (PostgreSQL), empty that database yourself",
                           field="reset")
    path = settings.home / SQLITE_FILE
    if not confirmed:
        raise InvalidInput(f"--reset deletes {path.resolve()}; add --yes to confirm", field="reset")
    st = state()
    st.close()  # no connection may stay open on a file about to go
    st.__dict__.pop("db", None)  # the cached Database: the next use opens a fresh one
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    (settings.home / "demo" / SUMMARY_FILE).unlink(missing_ok=True)
    if not st.json:
        console.print(plain(f"deleted {path.resolve()}"))


def register(app: typer.Typer) -> None:
    app.command("demo")(demo)
