"""Call-record commands: ``dastavez cdr import|datasets|show``."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, Progress, TimeElapsedColumn

from dastavez.cli.context import emit, fields, state, table
from dastavez.comms.mapping import preset_names

cdr_app = typer.Typer(help="Call detail records: import operator exports under legal authority.",
                      no_args_is_help=True)

_SUMMARY = ("dataset", "exhibit", "authority", "operator", "rows", "rejected", "out_of_scope", "numbers",
            "first_call", "last_call", "rejects_file", "compartment")


def register(app: typer.Typer) -> None:
    from dastavez.cli import cdr_attribution  # attribute, attributions, suggestions, accept, reject

    cdr_attribution.attach(cdr_app)
    app.add_typer(cdr_app, name="cdr")


@contextmanager
def _progress(name: str) -> Iterator[Callable[[int, int], None] | None]:
    """A progress bar on a terminal (not with --json or when stderr is redirected)."""
    if state().json or not sys.stderr.isatty():
        yield None
        return
    bar = Progress("[progress.description]{task.description}", BarColumn(), DownloadColumn(),
                   TimeElapsedColumn(), console=Console(stderr=True), transient=True)
    with bar:
        task = bar.add_task(f"importing {name}", total=None)
        yield lambda done, total: bar.update(task, completed=done, total=total)


@cdr_app.command("import")
def cdr_import(
    file: Annotated[Path, typer.Argument(help="The operator's export: CSV, TSV, Parquet or XLSX.")],
    authority: Annotated[str, typer.Option(help="Legal authority (AUTH-…) the records were obtained under.")],
    map_file: Annotated[
        Path | None,
        typer.Option("--map", help="YAML column mapping (may extend a preset with preset: NAME)."),
    ] = None,
    operator: Annotated[
        str | None, typer.Option(help=f"Preset of an operator's format: {', '.join(preset_names())}.")
    ] = None,
    time_zone: Annotated[
        str | None,
        typer.Option(help="Zone of times written without an offset (IANA name; overrides the preset)."),
    ] = None,
    compartment: Annotated[
        str | None, typer.Option(help="Compartment code (default: the authority's).")
    ] = None,
) -> None:
    """Import a call-record export as an exhibit; rows that cannot be read go to a rejects file."""
    from dastavez.comms.importer import import_cdr
    st = state()
    actor = st.actor()
    with _progress(file.name) as progress:
        result = import_cdr(
            st.db, actor, st.settings, file, authority=authority, mapping=map_file, operator=operator,
            compartment=compartment, time_zone=time_zone, progress=progress,
        )
    emit(result, lambda d: fields((k, d[k]) for k in ("new", "lines", *_SUMMARY)))


@cdr_app.command("datasets")
def cdr_datasets() -> None:
    """List the call-record datasets you may read."""
    from dastavez.comms.dataset_show import list_datasets
    st = state()
    actor = st.actor()
    with st.db.read() as session:
        views = list_datasets(session, actor)

    def render(rows: list[dict[str, Any]]) -> None:
        table("Call-record datasets",
              ("dataset", "operator", "rows", "rejected", "out of scope", "first", "last"),
              [(r["dataset"], r["operator"], r["rows"], r["rejected"], r["out_of_scope"], r["first_call"],
                r["last_call"]) for r in rows])

    emit(views, render)


@cdr_app.command("show")
def cdr_show(dataset: Annotated[str, typer.Argument(help="Dataset id (CDR-…).")]) -> None:
    """One dataset: counts, months on disk, mapping, and the first rejected lines."""
    from dastavez.comms.dataset_show import show_dataset
    st = state()
    actor = st.actor()
    with st.db.write() as session:
        view = show_dataset(session, actor, st.settings, dataset)

    def render(data: dict[str, Any]) -> None:
        fields((k, data[k]) for k in _SUMMARY)
        fields([("months", ", ".join(data["months"]))])
        if data["rejects_preview"]:
            table("First rejected lines", ("line", "reason", "raw"),
                  [(r["line"], r["reason"], r["raw"]) for r in data["rejects_preview"]])

    emit(view, render)
