"""The scale-out engine: the same two aggregations on Apache Spark (PySpark).

``DASTAVEZ_COMMS_ENGINE=spark`` selects it and ``DASTAVEZ_SPARK_MASTER`` says where it runs
(``local[2]`` by default; ``spark://host:7077`` or ``yarn`` for a cluster, which must read the
Parquet layout at the same path). The session is started on first use, in UTC, with the UI
off. ``dataset`` comes from the ``dataset=<ID>`` folder names, read as text (no partition type
inference), exactly as the DuckDB engine reads them; results are conformed to the same Arrow
schema and order, so the two engines' tables compare equal.
"""

from __future__ import annotations

import glob
from collections import defaultdict
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import pyarrow as pa

from dastavez.comms.engine import CallSelection, CommsEngine
from dastavez.comms.engine_output import (
    EDGE_ORDER,
    EDGE_SCHEMA,
    SUMMARY_ORDER,
    SUMMARY_SCHEMA,
    conform,
    empty,
    utc_naive,
)

#: errors only: Spark's default configuration logs INFO and WARN lines for every job
_LOG_CONFIG = Path(__file__).with_name("spark-log4j2.properties").as_uri()

if TYPE_CHECKING:
    from pyspark.sql import Column, DataFrame, SparkSession


def base_paths(selection: CallSelection) -> dict[str, list[str]]:
    """The selection's Parquet files grouped by the folder that holds the ``dataset=`` folders
    (Spark's ``basePath``, so it reads ``dataset`` and ``month`` from the folder names)."""
    grouped: dict[str, list[str]] = defaultdict(list)
    for _, pattern in selection.datasets:
        for path in sorted(glob.glob(pattern)):
            parts = Path(path).parts
            at = max(i for i, part in enumerate(parts) if part.startswith("dataset="))
            grouped[str(Path(*parts[:at]))].append(path)
    return dict(grouped)


class SparkEngine(CommsEngine):
    """Aggregates stored calls with Spark. ``keep_session``: ``close()`` leaves the session
    running for the next engine of this process (a session takes seconds to start)."""

    name = "spark"

    def __init__(self, *, master: str = "local[2]", shuffle_partitions: int | None = None,
                 driver_memory: str | None = None, keep_session: bool = False) -> None:
        self.master = master
        self.driver_memory = driver_memory
        local = master.startswith("local")
        self.shuffle_partitions = shuffle_partitions or (4 if local else 200)
        self.keep_session = keep_session
        self._spark: SparkSession | None = None

    @property
    def spark(self) -> SparkSession:
        if self._spark is None:
            from pyspark.sql import SparkSession

            builder = SparkSession.builder
            if self.driver_memory:  # only heeded when this process starts the JVM
                builder = builder.config("spark.driver.memory", self.driver_memory)
            self._spark = (
                builder.master(self.master)
                .appName("dastavez-comms")
                .config("spark.sql.session.timeZone", "UTC")
                .config("spark.sql.shuffle.partitions", str(self.shuffle_partitions))
                .config("spark.sql.sources.partitionColumnTypeInference.enabled", "false")
                .config("spark.sql.parquet.inferTimestampNTZ.enabled", "true")
                .config("spark.ui.enabled", "false")
                .config("spark.ui.showConsoleProgress", "false")
                .config("spark.driver.extraJavaOptions",
                        f"-Duser.timezone=UTC -Dlog4j2.configurationFile={_LOG_CONFIG}")
                .getOrCreate()
            )
            self._spark.sparkContext.setLogLevel("ERROR")
        return self._spark

    def close(self) -> None:
        if self._spark is not None and not self.keep_session:
            self._spark.stop()
        self._spark = None

    def selected(self, selection: CallSelection) -> DataFrame | None:
        """The selection's stored calls (None when it names no file)."""
        from pyspark.sql import functions as F

        frames = [
            self.spark.read.option("basePath", base).option("mergeSchema", "true").parquet(*files)
            for base, files in base_paths(selection).items()
        ]
        if not frames:
            return None
        calls = frames[0]
        for frame in frames[1:]:
            calls = calls.unionByName(frame, allowMissingColumns=True)
        calls = calls.where(F.col("caller").isNotNull() & F.col("callee").isNotNull())
        calls = calls.withColumn("start", F.col("start").cast("timestamp_ntz"))
        if not selection.include_out_of_scope:
            calls = calls.where(F.col("scope").isNull())
        since, until = utc_naive(selection.since), utc_naive(selection.until)
        if since is not None:
            calls = calls.where(F.col("start") >= _ntz(since))
        if until is not None:
            calls = calls.where(F.col("start") < _ntz(until))
        return calls.select("caller", "callee", "start", "duration_s", "type",
                            "caller_country", "callee_country", F.col("dataset").cast("string"))

    def pairs(self, selection: CallSelection) -> DataFrame | None:
        """Calls summed per (caller, callee, dataset), as the DuckDB engine's ``pairs``: far
        fewer rows than calls for the final group-bys to shuffle."""
        from pyspark.sql import functions as F

        calls = self.selected(selection)
        if calls is None:
            return None
        is_call, is_sms = F.col("type") == "call", F.col("type") == "sms"
        return calls.groupBy("caller", "callee", "dataset").agg(
            F.count(F.when(is_call, 1)).alias("calls"),
            F.count(F.when(is_sms, 1)).alias("sms"),
            F.coalesce(F.sum(F.when(is_call, F.col("duration_s").cast("long"))), F.lit(0))
            .alias("duration_s"),
            F.min("start").alias("first"),
            F.max("start").alias("last"),
            F.min("caller_country").alias("caller_country"),
            F.min("callee_country").alias("callee_country"),
        )

    def edges(self, selection: CallSelection) -> pa.Table:
        from pyspark.sql import functions as F

        pairs = self.pairs(selection)
        if pairs is None:
            return empty(EDGE_SCHEMA)
        grouped = pairs.groupBy("caller", "callee").agg(
            F.sum("calls").alias("calls"),
            F.sum("sms").alias("sms"),
            F.sum("duration_s").alias("duration_s"),
            F.min("first").alias("first"),
            F.max("last").alias("last"),
            F.array_sort(F.collect_list("dataset")).alias("datasets"),
        )
        return conform(grouped.toArrow(), EDGE_SCHEMA, EDGE_ORDER)

    def number_summaries(self, selection: CallSelection) -> pa.Table:
        from pyspark.sql import functions as F

        pairs = self.pairs(selection)
        if pairs is None:
            return empty(SUMMARY_SCHEMA)
        rest = ["calls", "sms", "duration_s", "first", "last", "dataset"]
        sides = pairs.select(
            F.col("caller").alias("number"), F.col("caller_country").alias("country"),
            F.col("callee").alias("other"), F.lit(True).alias("outgoing"), *rest,
        ).unionByName(pairs.select(
            F.col("callee").alias("number"), F.col("callee_country").alias("country"),
            F.col("caller").alias("other"), F.lit(False).alias("outgoing"), *rest,
        ))
        out = F.col("outgoing")

        def total(column: str, when: Column) -> Column:
            return F.sum(F.when(when, F.col(column)).otherwise(F.lit(0)))

        grouped = sides.groupBy("number").agg(
            F.min("country").alias("country"),
            total("calls", out).alias("calls_out"),
            total("calls", ~out).alias("calls_in"),
            total("sms", out).alias("sms_out"),
            total("sms", ~out).alias("sms_in"),
            # a call to oneself is seen from both ends: its seconds count once
            total("duration_s", out | (F.col("number") != F.col("other"))).alias("duration_s"),
            F.countDistinct("other").alias("contacts"),
            F.min("first").alias("first"),
            F.max("last").alias("last"),
            F.array_sort(F.collect_set("dataset")).alias("datasets"),
        )
        return conform(grouped.toArrow(), SUMMARY_SCHEMA, SUMMARY_ORDER)


def _ntz(moment: datetime) -> Column:
    from pyspark.sql import functions as F

    return F.lit(moment.isoformat(sep=" ")).cast("timestamp_ntz")
