"""What the case, incident and list commands share: the ``--today`` clock, options, output."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

import typer

from dastavez.cases.records import today_utc
from dastavez.cli.context import fields
from dastavez.exc import InvalidInput

Today = Annotated[str | None, typer.Option(help="As of this day, YYYY-MM-DD (default: today).")]
Compartment = Annotated[str | None, typer.Option(help="Compartment code (need to know).")]


def as_of(raw: str | None) -> date:
    """The day a command computes for: ``--today``, or today (UTC)."""
    if raw is None:
        return today_utc()
    try:
        return date.fromisoformat(raw)
    except ValueError as err:
        raise InvalidInput(f"--today must be a date written YYYY-MM-DD, not {raw!r}", field="today") from err


def show(data: dict[str, Any]) -> None:
    """A record as ``label: value`` lines (its lists and tables are in ``--json``)."""
    fields((k, v) for k, v in data.items() if not isinstance(v, list | dict))
