"""``dastavez screen`` and ``dastavez match``: who might this be, and are these two the same?"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from dastavez.cli.context import emit, fields, state, table
from dastavez.exc import InvalidInput
from dastavez.resolve.facts import clean_query_facts
from dastavez.resolve.index import catch_up
from dastavez.resolve.matching import SCHEMAS, match_names
from dastavez.resolve.queries import read_queries
from dastavez.resolve.screening import ScreenQuery
from dastavez.resolve.screening_batch import MAX_JOBS, default_jobs, screen_list

MAX_FILE_BYTES = 50 * 1024 * 1024


def _results_table(title: str, results: list[dict[str, Any]]) -> None:
    table(
        title,
        ["score", "entity", "caption", "source", "why"],
        [
            (f"{r['score']:.2f}", r["entity"], r["caption"], r["source"], r["explanation"]["summary"])
            for r in results
        ],
    )


def screen_command(
    name: Annotated[str | None, typer.Argument(help="The name to screen (any script).")] = None,
    dob: Annotated[str | None, typer.Option(help="Date of birth: 1981, 1981-03 or 1981-03-02.")] = None,
    country: Annotated[str | None, typer.Option(help="Nationality or country (name or ISO code).")] = None,
    identifier: Annotated[
        list[str] | None, typer.Option("--id", help="CNIC or passport number; repeatable.")
    ] = None,
    phone: Annotated[list[str] | None, typer.Option(help="Phone number; repeatable.")] = None,
    source: Annotated[
        list[str] | None, typer.Option(help="Only these sources: registry, un-sc, interpol-red, ftm:NAME …")
    ] = None,
    file: Annotated[
        Path | None, typer.Option(help="CSV of queries: columns name and optionally dob, country, id, phone.")
    ] = None,
    limit: Annotated[int, typer.Option(help="Results per query (1 to 100).")] = 10,
    jobs: Annotated[
        int | None,
        typer.Option(help="Worker processes for a --file of queries (default: one per core, at most 8)."),
    ] = None,
) -> None:
    """Screen a name (or a CSV of names) against the registry and the imported lists, with reasons."""
    st = state()
    if (name is None) == (file is None):
        raise InvalidInput("give a NAME to screen or --file QUERIES.csv (not both)", field="name")
    if file is not None:
        if not file.is_file():
            raise InvalidInput(f"no file {str(file)!r}", field="file")
        if file.stat().st_size > MAX_FILE_BYTES:
            raise InvalidInput(
                f"the query file is larger than {MAX_FILE_BYTES // 1_048_576} MB", field="file"
            )
        queries = read_queries(file.read_bytes(), default_region=st.settings.default_region)
    else:
        assert name is not None
        facts = clean_query_facts(
            dob=dob,
            country=country,
            identifiers=list(identifier or []),
            phones=list(phone or []),
            default_region=st.settings.default_region,
        )
        queries = [ScreenQuery(name=name, facts=facts)]
    if jobs is not None and not 1 <= jobs <= MAX_JOBS:
        raise InvalidInput(f"--jobs must be between 1 and {MAX_JOBS}", field="jobs")
    actor = st.actor()
    catch_up(st.db)
    answers = screen_list(
        st.db,
        actor,
        queries,
        limit=limit,
        sources=tuple(source) if source else None,
        jobs=(jobs or default_jobs()) if file is not None else 1,
    )
    if file is None:
        emit(
            {"query": queries[0].name, "results": answers[0]},
            lambda d: _results_table(f"Screening {d['query']}", d["results"]),
        )
        return
    rows = [
        {"row": i, "name": q.name, "results": a}
        for i, (q, a) in enumerate(zip(queries, answers, strict=True), 1)
    ]
    emit({"queries": rows}, _render_batch)


def _render_batch(data: dict[str, Any]) -> None:
    for query in data["queries"]:
        _results_table(f"{query['row']}. {query['name']}", query["results"])


def match_command(
    name_a: Annotated[str, typer.Argument(help="First name.")],
    name_b: Annotated[str, typer.Argument(help="Second name.")],
    schema: Annotated[str, typer.Option(help=f"One of: {', '.join(SCHEMAS)}.")] = "Person",
) -> None:
    """Compare two names directly: score, match at the configured threshold, and why."""
    st = state()
    result = match_names(name_a, name_b, schema=schema, threshold=st.settings.match_threshold)
    emit(result, lambda d: fields((k, d[k]) for k in ("score", "match", "threshold", "summary")))


def register(app: typer.Typer) -> None:
    app.command("screen")(screen_command)
    app.command("match")(match_command)
