"""What every page handler needs from the application: the database and the settings.

The accessors of the application's state are the API's own (one app serves both).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from dastavez.api.deps import client_of, get_db, get_settings
from dastavez.settings import Settings
from dastavez.storage.engine import Database

__all__ = ["DbDep", "SettingsDep", "blank_to_none", "client_of"]


def blank_to_none(value: str) -> str | None:
    """An empty form field means "not given"."""
    value = value.strip()
    return value or None


DbDep = Annotated[Database, Depends(get_db)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
