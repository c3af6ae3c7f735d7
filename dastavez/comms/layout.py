"""Where call records live on disk and what one stored call looks like.

``comms/calls/dataset=<ID>/month=<YYYY-MM>/*.parquet`` (Hive-style partitions, readable by
DuckDB and Spark alike). A dataset's folder is written under ``comms/staging/`` and renamed
into place only when complete, so a reader never sees half a dataset; a folder whose dataset
has no catalog row (``cdr_dataset``) is ignored by every reader.

Columns of a stored call (``dataset`` and ``month`` come from the folder names):

=============== ========= ==================================================================
column          type      meaning
=============== ========= ==================================================================
line            BIGINT    line of the source file the call came from (header is line 1)
caller          VARCHAR   originating party, E.164 (``+923001234567``)
callee          VARCHAR   receiving party, E.164
start           TIMESTAMP start of the call in UTC (no zone stored; always UTC)
duration_s      INTEGER   seconds (0 for an SMS)
type            VARCHAR   ``call`` or ``sms``
direction       VARCHAR   ``out``/``in`` as the operator wrote it from its subscriber's side, or NULL
imei            VARCHAR   handset of the operator's subscriber, when given
imsi            VARCHAR   SIM of the operator's subscriber, when given
cell_id         VARCHAR   cell of the operator's subscriber, when given
cell_country    VARCHAR   ISO 3166 alpha-2 of that cell (roaming), when known
caller_country  VARCHAR   ISO 3166 alpha-2 the caller's number belongs to
callee_country  VARCHAR   ISO 3166 alpha-2 the callee's number belongs to
scope           VARCHAR   NULL when inside the authority; ``target`` (no party among its
                          targets) or ``window`` (outside its validity) otherwise
=============== ========= ==================================================================
"""

from __future__ import annotations

from pathlib import Path

from dastavez.settings import Settings

#: (column, DuckDB type) of every stored call, in file order
CALL_COLUMNS: tuple[tuple[str, str], ...] = (
    ("line", "BIGINT"),
    ("caller", "VARCHAR"),
    ("callee", "VARCHAR"),
    ("start", "TIMESTAMP"),
    ("duration_s", "INTEGER"),
    ("type", "VARCHAR"),
    ("direction", "VARCHAR"),
    ("imei", "VARCHAR"),
    ("imsi", "VARCHAR"),
    ("cell_id", "VARCHAR"),
    ("cell_country", "VARCHAR"),
    ("caller_country", "VARCHAR"),
    ("callee_country", "VARCHAR"),
    ("scope", "VARCHAR"),
)


def comms_root(settings: Settings) -> Path:
    return settings.home / "comms"


def calls_root(settings: Settings) -> Path:
    return comms_root(settings) / "calls"


def staging_root(settings: Settings) -> Path:
    return comms_root(settings) / "staging"


def rejects_root(settings: Settings) -> Path:
    return comms_root(settings) / "rejects"


def dataset_dir(settings: Settings, dataset_id: str) -> Path:
    return calls_root(settings) / f"dataset={dataset_id}"


def dataset_glob(settings: Settings, dataset_id: str) -> str:
    """The Parquet files of one dataset, as a glob DuckDB and Spark both read."""
    return str(dataset_dir(settings, dataset_id) / "month=*" / "*.parquet")
