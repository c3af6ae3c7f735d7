"""Saved analyses: ``dastavez links save NAME [KEY=VALUE…]`` and ``dastavez links rerun EXH``."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from dastavez.cli.context import emit, fields, state, table
from dastavez.comms.choices import ANALYSIS_NAMES

Datasets = Annotated[list[str] | None, typer.Option("--dataset", help="A dataset (CDR-…); repeatable.")]


def _render(data: dict[str, Any]) -> None:
    fields((k, v) for k, v in data.items() if k != "datasets")
    table("Input datasets", ["dataset", "exhibit", "exhibit sha256", "parquet sha256"],
          [(d["dataset"], d["exhibit"], d["exhibit_sha256"] or "", d["parquet_sha256"])
           for d in data["datasets"]])


def links_save(
    name: Annotated[str, typer.Argument(help=f"The analysis: {', '.join(ANALYSIS_NAMES)}.")],
    parameters: Annotated[
        list[str] | None, typer.Argument(help="Its parameters as KEY=VALUE (e.g. top=5 level=number).")
    ] = None,
    dataset: Datasets = None,
    title: Annotated[str | None, typer.Option(help="Title of the exhibit.")] = None,
) -> None:
    """Run an analysis and keep it as an exhibit: parameters, input hashes, code version, result hash."""
    from dastavez.comms.analyses import parse_assignments, save_analysis
    st = state()
    data = save_analysis(st.db, st.actor(), st.settings, name=name,
                         parameters=parse_assignments(parameters or []), datasets=dataset, title=title)
    emit(data, _render)


def links_rerun(
    exhibit_id: Annotated[str, typer.Argument(help="The saved analysis (EXH-…).")],
    dataset: Datasets = None,
) -> None:
    """Re-run a saved analysis and say whether its result hash is the same (exit 1 if not)."""
    from dastavez.comms.analyses import rerun_analysis
    st = state()
    data = rerun_analysis(st.db, st.actor(), st.settings, exhibit=exhibit_id, datasets=dataset)
    emit(data, _render)
    if not data["identical"]:
        raise typer.Exit(1)


def attach(links_app: typer.Typer) -> None:
    """Add ``save`` and ``rerun`` to the ``links`` group."""
    links_app.command("save")(links_save)
    links_app.command("rerun")(links_rerun)
