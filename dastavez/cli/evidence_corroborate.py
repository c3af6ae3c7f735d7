"""``dastavez evidence corroborate``: check a recording's claimed call against the call records."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from dastavez.cli.context import emit, fields, state, table
from dastavez.cli.evidence import parse_when
from dastavez.exc import InvalidInput


def _render(data: dict[str, Any]) -> None:
    fields((k, v) for k, v in data.items() if k not in ("matches", "claimed", "tolerances", "datasets"))
    fields(data["claimed"].items())
    table("Matching calls", ["call", "dataset", "exhibit", "line", "caller", "callee", "start", "seconds"],
          [(m["call"], m["dataset"], m["exhibit"] or "", m["line"], m["caller"], m["callee"], m["start"],
            m["duration_s"]) for m in data["matches"]])


def evidence_corroborate(
    exhibit_id: Annotated[str, typer.Argument(help="The recording (audio or video exhibit).")],
    caller: Annotated[str, typer.Option(help="The number the recording says called.")],
    callee: Annotated[str, typer.Option(help="The number it says was called.")],
    start: Annotated[str, typer.Option(help="When the call started (ISO 8601 with zone).")],
    duration: Annotated[int, typer.Option(help="How long the call lasted, in seconds.")],
    tolerance_s: Annotated[int, typer.Option(help="Start may differ by this many seconds.")] = 120,
    duration_tolerance_s: Annotated[int, typer.Option(help="Duration may differ by this many s…")] = 10,
    duration_tolerance_pct: Annotated[int, typer.Option(help="…or this per cent, if more.")] = 10,
) -> None:
    """Look for the recording's call in the call records; the result counts as a verification."""
    from dastavez.comms.corroboration import ClaimedCall, corroborate
    when = parse_when(start, "start")
    if when is None:
        raise InvalidInput("--start is required", field="start")
    st = state()
    claim = ClaimedCall(caller=caller, callee=callee, start=when, duration_s=duration,
                        tolerance_s=tolerance_s, duration_tolerance_s=duration_tolerance_s,
                        duration_tolerance_pct=duration_tolerance_pct)
    emit(corroborate(st.db, st.actor(), st.settings, exhibit=exhibit_id, claim=claim), _render)


def attach(evidence_app: typer.Typer) -> None:
    evidence_app.command("corroborate")(evidence_corroborate)
