"""The choices the interfaces offer for communications analyses, in a module light enough to
import when the command line starts (the analyses themselves bring DuckDB, Arrow and igraph,
which every ``dastavez`` command would otherwise load)."""

from __future__ import annotations

from dastavez.exc import InvalidInput

#: export format -> (media type, file name suffix)
FORMATS: dict[str, tuple[str, str]] = {
    "graphml": ("application/graphml+xml", ".graphml"),
    "gexf": ("application/gexf+xml", ".gexf"),
    "csv": ("text/csv; charset=utf-8", ".csv"),
    "ftm": ("application/x-ndjson", ".ftm.json"),
}
CSV_TABLES = ("edges", "nodes")
#: how incident-window activity is set against the baseline (comms/incident_activity.py)
METHODS = ("poisson", "daily")


def check_format(fmt: str, csv_table: str = "edges") -> str:
    if fmt not in FORMATS:
        raise InvalidInput(f"format must be one of {', '.join(FORMATS)}", field="format")
    if csv_table not in CSV_TABLES:
        raise InvalidInput(f"table must be one of {', '.join(CSV_TABLES)}", field="table")
    return fmt
#: the analyses that can be saved as reproducible exhibits (the keys of comms.analyses.ANALYSES)
ANALYSIS_NAMES = ("brokers", "communities", "overseas")
