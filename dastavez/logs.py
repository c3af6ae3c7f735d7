"""Logging set-up: one call from each entry point, structured enough to grep."""

from __future__ import annotations

import logging

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def configure(level: str = "INFO") -> None:
    logging.basicConfig(level=getattr(logging, level.upper(), logging.INFO), format=FORMAT)
    # SQLAlchemy's engine logger repeats every statement at INFO; keep it for debugging only.
    logging.getLogger("sqlalchemy.engine").setLevel(logging.WARNING)
