"""Helpers for the import tests: an authority to import under, and small export files."""

from __future__ import annotations

from pathlib import Path

from dastavez.access.actor import Actor
from dastavez.evidence.authority import add_authority
from dastavez.storage.engine import Database

DEFAULT_HEADER = "caller,callee,start_time,duration_s"
TARGET = "+923001234567"
OTHER = "+923219876543"
ABROAD = "+971501234567"


def warrant(
    db: Database,
    actor: Actor,
    *,
    targets: tuple[str, ...] = (TARGET,),
    valid_from: str = "2026-01-01",
    valid_to: str = "2026-12-31",
    compartment: str | None = None,
    renews: str | None = None,
) -> str:
    with db.write() as session:
        return add_authority(
            session,
            actor,
            basis="Investigation for Fair Trial Act 2013 s.10",
            reference="W-CDR/2026",
            issued_by="Judge, ATC-I Quetta",
            valid_from=valid_from,
            valid_to=valid_to,
            targets=list(targets),
            data_classes=["call-records"],
            compartment=compartment,
            renews=renews,
        ).id


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def default_csv(path: Path, rows: list[str], header: str = DEFAULT_HEADER) -> Path:
    return write(path, "\n".join([header, *rows]) + "\n")
