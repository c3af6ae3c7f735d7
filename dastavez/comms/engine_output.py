"""The exact Arrow shape both engines hand back, and the window both apply.

DuckDB and Spark each have their own ideas of integer widths, timestamp units and list field
names; every engine passes its result through ``conform`` so that the two tables compare
equal with ``pa.Table.equals`` and callers can rely on one schema.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pyarrow as pa

from dastavez.comms.engine import EDGE_COLUMNS, SUMMARY_COLUMNS

_TIME = pa.timestamp("us")  # UTC, no zone stored (as in the Parquet layout)
_DATASETS = pa.list_(pa.string())

EDGE_SCHEMA = pa.schema(
    [
        ("caller", pa.string()),
        ("callee", pa.string()),
        ("calls", pa.int64()),
        ("sms", pa.int64()),
        ("duration_s", pa.int64()),
        ("first", _TIME),
        ("last", _TIME),
        ("datasets", _DATASETS),
    ]
)
SUMMARY_SCHEMA = pa.schema(
    [
        ("number", pa.string()),
        ("country", pa.string()),
        ("calls_out", pa.int64()),
        ("calls_in", pa.int64()),
        ("sms_out", pa.int64()),
        ("sms_in", pa.int64()),
        ("duration_s", pa.int64()),
        ("contacts", pa.int64()),
        ("first", _TIME),
        ("last", _TIME),
        ("datasets", _DATASETS),
    ]
)
assert tuple(EDGE_SCHEMA.names) == EDGE_COLUMNS
assert tuple(SUMMARY_SCHEMA.names) == SUMMARY_COLUMNS

EDGE_ORDER = [("caller", "ascending"), ("callee", "ascending")]
SUMMARY_ORDER = [("number", "ascending")]


def utc_naive(moment: datetime | None) -> datetime | None:
    """A window bound as the layout stores times: UTC without a zone (naive means UTC)."""
    if moment is None or moment.tzinfo is None:
        return moment
    return moment.astimezone(UTC).replace(tzinfo=None)


def conform(table: pa.Table, schema: pa.Schema, order: list[tuple[str, str]]) -> pa.Table:
    """``table``'s columns in ``schema``'s order and types, sorted by ``order`` (byte order of
    the strings, the same for every engine)."""
    columns = []
    for field in schema:
        column = table.column(field.name)
        if isinstance(column.type, pa.TimestampType) and column.type.tz is not None:
            # a zoned timestamp holds UTC instants; dropping the zone keeps them as UTC
            column = column.cast(pa.timestamp(column.type.unit))
        columns.append(column.cast(field.type))
    shaped = pa.Table.from_arrays(columns, schema=schema)
    return shaped.sort_by(order).combine_chunks()


def empty(schema: pa.Schema) -> pa.Table:
    return schema.empty_table()
