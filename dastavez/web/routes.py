"""Web routes."""

from __future__ import annotations

from fastapi import FastAPI

from dastavez.settings import Settings


def mount_web(app: FastAPI, settings: Settings) -> None:
    return None
