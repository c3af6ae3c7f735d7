"""Small call-record datasets for the activity and export tests, imported as the unit would."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from dastavez.access.actor import Actor
from dastavez.comms.importer import import_cdr
from dastavez.evidence.authority import add_authority
from dastavez.settings import Settings
from dastavez.storage.engine import Database

HEADER = ("caller", "callee", "start_time", "duration_s", "type", "imei", "imsi", "cell_id")


@dataclass(frozen=True)
class Row:
    caller: str
    callee: str
    start: datetime
    duration_s: int = 60
    type: str = "call"
    imei: str = ""
    imsi: str = ""
    cell_id: str = ""

    def csv(self) -> list[str]:
        return [
            self.caller,
            self.callee,
            self.start.isoformat(),
            str(self.duration_s),
            self.type,
            self.imei,
            self.imsi,
            self.cell_id,
        ]


def at(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def write_csv(path: Path, rows: list[Row]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(HEADER)
        writer.writerows(row.csv() for row in rows)
    return path


def store_calls(
    db: Database,
    admin: Actor,
    settings: Settings,
    rows: list[Row],
    *,
    name: str = "calls",
    compartment: str | None = None,
    targets: list[str] | None = None,
) -> str:
    """The rows imported as one dataset through the real importer (a CSV with the default
    header, under an authority without targets); the dataset's id."""
    with db.write() as session:
        authority = add_authority(
            session,
            admin,
            basis="IFTA 2013 s.10",
            reference=f"W-{name}",
            issued_by="ATC-I",
            valid_from="2025-01-01",
            valid_to="2027-12-31",
            compartment=compartment,
            targets=targets or [],
        ).id
    folder = settings.home / "incoming"
    folder.mkdir(exist_ok=True)
    path = write_csv(folder / f"{name}.csv", rows)
    result = import_cdr(db, admin, settings, path, authority=authority, compartment=compartment)
    assert result["rows"] == len(rows) and result["rejected"] == 0, result
    assert targets or result["out_of_scope"] == 0, result
    return str(result["dataset"])


def daily(
    caller: str, callee: str, first: datetime, days: int, per_day: int = 1, hour: int = 10
) -> list[Row]:
    """``per_day`` calls a day from ``first`` for ``days`` days."""
    rows = []
    for day in range(days):
        for index in range(per_day):
            start = first + timedelta(days=day, hours=hour - first.hour, minutes=index * 7)
            rows.append(Row(caller, callee, start))
    return rows
