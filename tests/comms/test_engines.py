"""Both call-record engines over the same stored Parquet layout: hand-computed results on a
tiny case, and identical tables from DuckDB and Spark on generated calls.

The stored calls are written here straight into the layout (``dataset=<ID>/month=<YYYY-MM>``,
``layout.CALL_COLUMNS``), as the importer leaves them.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from cdr_files import ABROAD, OTHER, TARGET, default_csv, warrant

from dastavez.access.actor import Actor
from dastavez.comms.datasets import selection_for
from dastavez.comms.duckdb_engine import DuckDBEngine
from dastavez.comms.engine import EDGE_COLUMNS, SUMMARY_COLUMNS, CallSelection, CommsEngine
from dastavez.comms.engine_output import EDGE_SCHEMA, SUMMARY_SCHEMA
from dastavez.comms.engines import engine_for
from dastavez.comms.importer import import_cdr
from dastavez.comms.layout import CALL_COLUMNS, dataset_dir, dataset_glob
from dastavez.comms.spark_engine import SparkEngine
from dastavez.settings import Settings
from dastavez.storage.engine import Database

ARROW_TYPES = {
    "BIGINT": pa.int64(), "VARCHAR": pa.string(), "TIMESTAMP": pa.timestamp("us"), "INTEGER": pa.int32(),
}
CALL_SCHEMA = pa.schema([(name, ARROW_TYPES[kind]) for name, kind in CALL_COLUMNS])

A, B, C = "+923001234567", "+447700900123", "+923331112222"


def call(caller: str, callee: str, start: str, seconds: int = 0, *, kind: str = "call",
         scope: str | None = None) -> dict[str, Any]:
    country = {"+92": "PK", "+44": "GB", "+97": "AE"}
    return {
        "caller": caller, "callee": callee, "start": datetime.fromisoformat(start), "duration_s": seconds,
        "type": kind, "direction": "out", "caller_country": country.get(caller[:3]),
        "callee_country": country.get(callee[:3]), "scope": scope,
    }


def store(
    settings: Settings, dataset: str, calls: list[dict[str, Any]], *, parts: int = 1
) -> tuple[str, str]:
    """Write ``calls`` as the importer would: one folder per month, ``parts`` files in each."""
    months: dict[str, list[dict[str, Any]]] = {}
    for line, row in enumerate(calls, start=2):
        months.setdefault(row["start"].strftime("%Y-%m"), []).append({"line": line, **row})
    for month, rows in months.items():
        folder = dataset_dir(settings, dataset) / f"month={month}"
        folder.mkdir(parents=True)
        for part in range(parts):
            chunk = rows[part::parts]
            columns = {name: [r.get(name) for r in chunk] for name in CALL_SCHEMA.names}
            pq.write_table(pa.table(columns, schema=CALL_SCHEMA), folder / f"part-{part}.parquet")
    return dataset, dataset_glob(settings, dataset)


@pytest.fixture
def tiny(settings: Settings) -> tuple[tuple[str, str], ...]:
    first = store(settings, "CDR-ONE", [
        call(A, B, "2024-01-05T10:00:00", 60),
        call(A, B, "2024-01-06T00:00:00", kind="sms"),
        call(A, B, "2024-02-01T00:00:00", 30),
        call(B, A, "2024-01-07T08:30:00", 10),
        call(A, C, "2024-01-08T09:00:00", 100, scope="target"),
    ])
    second = store(settings, "CDR-TWO", [call(A, B, "2024-03-01T12:00:00", 5)])
    return first, second


def rows(table: pa.Table) -> list[dict[str, Any]]:
    return list(table.to_pylist())


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def test_edges_by_hand(tiny: tuple[tuple[str, str], ...]) -> None:
    table = DuckDBEngine().edges(CallSelection(datasets=tiny))
    assert table.schema.equals(EDGE_SCHEMA) and tuple(table.column_names) == EDGE_COLUMNS
    assert rows(table) == [
        {"caller": B, "callee": A, "calls": 1, "sms": 0, "duration_s": 10, "first": at("2024-01-07T08:30"),
         "last": at("2024-01-07T08:30"), "datasets": ["CDR-ONE"]},
        {"caller": A, "callee": B, "calls": 3, "sms": 1, "duration_s": 95, "first": at("2024-01-05T10:00"),
         "last": at("2024-03-01T12:00"), "datasets": ["CDR-ONE", "CDR-TWO"]},
    ]


def test_out_of_scope_calls_only_when_asked(tiny: tuple[tuple[str, str], ...]) -> None:
    engine = DuckDBEngine()
    widest = CallSelection(tiny, include_out_of_scope=True)
    pairs = [(r["caller"], r["callee"]) for r in rows(engine.edges(widest))]
    assert pairs == [(B, A), (A, B), (A, C)]
    summary = {r["number"]: r for r in rows(engine.number_summaries(CallSelection(tiny)))}
    assert C not in summary
    widened = {r["number"]: r for r in rows(engine.number_summaries(widest))}
    assert widened[C]["calls_in"] == 1 and widened[A]["contacts"] == 2 and widened[A]["duration_s"] == 205


def test_number_summaries_by_hand(tiny: tuple[tuple[str, str], ...]) -> None:
    table = DuckDBEngine().number_summaries(CallSelection(datasets=tiny))
    assert table.schema.equals(SUMMARY_SCHEMA) and tuple(table.column_names) == SUMMARY_COLUMNS
    assert rows(table) == [
        {"number": B, "country": "GB", "calls_out": 1, "calls_in": 3, "sms_out": 0, "sms_in": 1,
         "duration_s": 105, "contacts": 1, "first": at("2024-01-05T10:00"), "last": at("2024-03-01T12:00"),
         "datasets": ["CDR-ONE", "CDR-TWO"]},
        {"number": A, "country": "PK", "calls_out": 3, "calls_in": 1, "sms_out": 1, "sms_in": 0,
         "duration_s": 105, "contacts": 1, "first": at("2024-01-05T10:00"), "last": at("2024-03-01T12:00"),
         "datasets": ["CDR-ONE", "CDR-TWO"]},
    ]


def test_window_is_half_open_and_zones_mean_utc(tiny: tuple[tuple[str, str], ...]) -> None:
    engine = DuckDBEngine()
    window = CallSelection(tiny, since=at("2024-01-06T00:00"), until=at("2024-02-01T00:00"))
    assert [(r["caller"], r["calls"], r["sms"]) for r in rows(engine.edges(window))] == [(B, 1, 0), (A, 0, 1)]
    # the same instants written in Pakistan time (UTC+5)
    pkt = timezone(timedelta(hours=5))
    zoned = CallSelection(
        tiny, since=datetime(2024, 1, 6, 5, tzinfo=pkt), until=datetime(2024, 2, 1, 5, tzinfo=pkt)
    )
    assert engine.edges(zoned).equals(engine.edges(window))
    only_second = CallSelection(tiny, since=datetime(2024, 2, 15, tzinfo=UTC))
    assert rows(engine.edges(only_second))[0]["datasets"] == ["CDR-TWO"]


def test_empty_selections_keep_the_schema(settings: Settings, tiny: tuple[tuple[str, str], ...]) -> None:
    engine = engine_for(settings)
    assert isinstance(engine, DuckDBEngine)
    (dataset_dir(settings, "CDR-EMPTY") / "month=2024-01").mkdir(parents=True)
    for selection in (
        CallSelection(datasets=()),
        CallSelection(datasets=(("CDR-EMPTY", dataset_glob(settings, "CDR-EMPTY")),)),
        CallSelection(tiny, since=at("2030-01-01T00:00")),
    ):
        edges, summaries = engine.edges(selection), engine.number_summaries(selection)
        assert edges.num_rows == 0 and edges.schema.equals(EDGE_SCHEMA)
        assert summaries.num_rows == 0 and summaries.schema.equals(SUMMARY_SCHEMA)


def test_only_the_selected_datasets_are_read(tiny: tuple[tuple[str, str], ...]) -> None:
    table = DuckDBEngine().edges(CallSelection(datasets=tiny[1:]))
    assert rows(table) == [{"caller": A, "callee": B, "calls": 1, "sms": 0, "duration_s": 5,
                            "first": at("2024-03-01T12:00"), "last": at("2024-03-01T12:00"),
                            "datasets": ["CDR-TWO"]}]


def test_engine_for_follows_the_setting(settings: Settings) -> None:
    from dataclasses import replace

    spark = engine_for(replace(settings, comms_engine="spark", spark_master="local[1]"))
    assert isinstance(spark, SparkEngine) and spark.master == "local[1]"
    spark.close()  # never started: nothing to stop


# --- DuckDB and Spark agree -----------------------------------------------------------------------


def generated(settings: Settings, seed: int = 4) -> tuple[tuple[str, str], ...]:
    """Three datasets over four months: calls and SMS among 60 numbers of three countries,
    some out of scope, a few calls to oneself, one dataset split over several files."""
    rng = random.Random(seed)
    numbers = [f"+92300{n:07d}" for n in range(30)] + [f"+4477009{n:05d}" for n in range(20)] + [
        f"+97150{n:07d}" for n in range(10)
    ]
    selection = []
    for index, name in enumerate(("CDR-NORTH", "CDR-SOUTH", "CDR-WEST")):
        calls = []
        for _ in range(400):
            caller, callee = rng.choice(numbers), rng.choice(numbers[:40])
            moment = datetime(2024, 1, 1) + timedelta(seconds=rng.randrange(120 * 86400))
            sms = rng.random() < 0.3
            calls.append(call(
                caller, callee, moment.isoformat(), 0 if sms else rng.randrange(1, 900),
                kind="sms" if sms else "call", scope=rng.choice([None] * 8 + ["target", "window"]),
            ))
        selection.append(store(settings, name, calls, parts=index + 1))
    return tuple(selection)


@pytest.fixture(scope="module")
def spark() -> Iterator[SparkEngine]:
    engine = SparkEngine(master="local[2]", shuffle_partitions=2)
    yield engine
    engine.close()


@pytest.mark.slow
def test_duckdb_and_spark_give_identical_tables(settings: Settings, spark: SparkEngine,
                                                tiny: tuple[tuple[str, str], ...]) -> None:
    datasets = generated(settings)
    duck: CommsEngine = DuckDBEngine()
    # each selection costs Spark two jobs of a few seconds: few selections, each testing much
    selections = [
        CallSelection(datasets + tiny),
        CallSelection(datasets[:2], since=at("2024-02-01T00:00"),
                      until=datetime(2024, 3, 15, 6, 30, tzinfo=UTC), include_out_of_scope=True),
        CallSelection(()),
    ]
    for selection in selections:
        edges = duck.edges(selection)
        assert spark.edges(selection).equals(edges), selection
        summaries = duck.number_summaries(selection)
        assert spark.number_summaries(selection).equals(summaries), selection
    assert duck.edges(selections[0]).num_rows > 500
    assert duck.edges(selections[1]).num_rows > 100


@pytest.mark.slow
def test_spark_by_hand(spark: SparkEngine, tiny: tuple[tuple[str, str], ...]) -> None:
    table = spark.edges(CallSelection(tiny, until=at("2024-02-01T00:00")))
    found = [(r["caller"], r["callee"], r["calls"], r["sms"], r["duration_s"], r["datasets"])
             for r in rows(table)]
    assert found == [
        (B, A, 1, 0, 10, ["CDR-ONE"]), (A, B, 1, 1, 60, ["CDR-ONE"]),
    ]


@pytest.mark.slow
def test_both_engines_read_what_the_importer_wrote(
    db: Database, admin: Actor, settings: Settings, tmp_path: Path, spark: SparkEngine
) -> None:
    authority = warrant(db, admin, valid_to="2026-03-31")
    path = default_csv(tmp_path / "calls.csv", [
        f"{TARGET},{OTHER},2026-03-01T10:00:00,60",
        f"{TARGET},{OTHER},2026-03-02T10:00:00+05:00,40",
        f"{OTHER},{TARGET},2026-03-03T00:00:00Z,10",
        f"{TARGET},{ABROAD},2026-04-02T10:00:00,5",  # after the warrant: out of scope
    ])
    dataset = import_cdr(db, admin, settings, path, authority=authority)["dataset"]
    with db.read() as session:
        selection = selection_for(session, admin, settings)
        widest = selection_for(session, admin, settings, include_out_of_scope=True)
    edges = DuckDBEngine().edges(selection)
    assert rows(edges) == [
        {"caller": TARGET, "callee": OTHER, "calls": 2, "sms": 0, "duration_s": 100,
         "first": at("2026-03-01T10:00"), "last": at("2026-03-02T05:00"), "datasets": [dataset]},
        {"caller": OTHER, "callee": TARGET, "calls": 1, "sms": 0, "duration_s": 10,
         "first": at("2026-03-03T00:00"), "last": at("2026-03-03T00:00"), "datasets": [dataset]},
    ]
    assert spark.edges(selection).equals(edges)
    summaries = DuckDBEngine().number_summaries(widest)
    assert [(r["number"], r["country"], r["calls_out"], r["calls_in"]) for r in rows(summaries)] == [
        (TARGET, "PK", 3, 1), (OTHER, "PK", 1, 2), (ABROAD, "AE", 0, 1),
    ]
