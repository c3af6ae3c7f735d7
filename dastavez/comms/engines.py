"""Which engine aggregates call records: ``DASTAVEZ_COMMS_ENGINE`` (``duckdb`` or ``spark``)."""

from __future__ import annotations

from dastavez.comms.duckdb_engine import DuckDBEngine
from dastavez.comms.engine import CommsEngine
from dastavez.comms.layout import comms_root
from dastavez.settings import Settings


def engine_for(settings: Settings) -> CommsEngine:
    """The engine the settings choose; the caller closes it (``engine.close()``).

    A Spark session takes seconds to start, so the Spark engine's ``close()`` leaves it running
    and the next engine of this process uses it again (the JVM stops when the process does).
    """
    if settings.comms_engine == "spark":
        from dastavez.comms.spark_engine import SparkEngine  # pyspark is heavy; load it only when chosen

        return SparkEngine(master=settings.spark_master, keep_session=True)
    return DuckDBEngine(temp_directory=comms_root(settings) / "tmp")
