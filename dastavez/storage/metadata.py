"""Every table definition in one ``MetaData``: what migrations and their test compare against."""

from __future__ import annotations

from dastavez.storage import (  # noqa: F401  # registers their tables
    case_tables,
    comms_tables,
    ledger_tables,
    resolve_tables,
    vault_tables,
)
from dastavez.storage.tables import Base

METADATA = Base.metadata
