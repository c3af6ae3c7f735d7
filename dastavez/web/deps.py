"""What every page handler needs from the application: the database and the settings."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from dastavez.settings import Settings
from dastavez.storage.engine import Database


def get_db(request: Request) -> Database:
    db: Database = request.app.state.db
    return db


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def client_of(request: Request) -> str | None:
    return request.client.host if request.client else None


def blank_to_none(value: str) -> str | None:
    """An empty form field means "not given"."""
    value = value.strip()
    return value or None


DbDep = Annotated[Database, Depends(get_db)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
