"""Every table definition in one ``MetaData``: what migrations and their test compare against."""

from __future__ import annotations

from dastavez.storage import ledger_tables, vault_tables  # noqa: F401  # registers their tables
from dastavez.storage.tables import Base

METADATA = Base.metadata
