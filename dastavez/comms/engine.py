"""The one interface both analytics engines implement: calls → edges, calls → number summaries.

The graph analyses (``graph.py`` and friends) never read Parquet themselves; they ask an
engine for these two tables over a ``CallSelection``. ``DASTAVEZ_COMMS_ENGINE`` picks the
engine (``duckdb`` by default, ``spark`` for a cluster). Both must return identical tables
(same columns, same rows, sorted as documented), which a test checks.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from datetime import datetime

import pyarrow as pa

#: columns of ``CommsEngine.edges``: one row per ordered (caller, callee), sorted by both
EDGE_COLUMNS = ("caller", "callee", "calls", "sms", "duration_s", "first", "last", "datasets")
#: columns of ``CommsEngine.number_summaries``: one row per number, sorted by number
SUMMARY_COLUMNS = (
    "number", "country", "calls_out", "calls_in", "sms_out", "sms_in", "duration_s",
    "contacts", "first", "last", "datasets",
)


@dataclass(frozen=True)
class CallSelection:
    """Which stored calls an analysis reads: whole datasets, optionally a time window.

    ``datasets`` are (dataset id, Parquet glob) pairs, already filtered to what the actor may
    see. Calls flagged out of the authority's scope are left out unless ``include_out_of_scope``.
    """

    datasets: tuple[tuple[str, str], ...]
    since: datetime | None = None
    until: datetime | None = None
    include_out_of_scope: bool = False


class CommsEngine(ABC):
    name: str

    @abstractmethod
    def edges(self, selection: CallSelection) -> pa.Table:
        """Per ordered pair: calls (type call), sms, total seconds, first and last start (UTC),
        and the sorted list of dataset ids the pair appears in."""

    @abstractmethod
    def number_summaries(self, selection: CallSelection) -> pa.Table:
        """Per number: its country, calls and SMS made and received, total seconds, distinct
        contacts, first and last activity, and the sorted dataset ids."""

    def close(self) -> None:  # noqa: B027  # engines without resources need not override it
        """Release what the engine holds (a Spark session, a connection)."""
