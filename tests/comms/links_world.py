"""A small planted world for the link-analysis tests: an overseas leader, a broker, a local cell.

Calls are stored as the unit would store them: a CSV with the default header imported with
``comms.importer.import_cdr``. Rows that carry a roaming cell country or a direction, and
worlds built without a folder for the CSV, are written straight into the Parquet layout with a
``CdrDataset`` row, as an import leaves them.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from dastavez.access.actor import Actor
from dastavez.comms.importer import import_cdr
from dastavez.comms.layout import CALL_COLUMNS, dataset_dir
from dastavez.evidence.authority import add_authority
from dastavez.evidence.exhibits import register_exhibit
from dastavez.registry.claims import add_claim
from dastavez.registry.records import add_person
from dastavez.settings import Settings
from dastavez.storage.comms_tables import CdrDataset
from dastavez.storage.engine import Database

LEADER_NO = "+971501234567"  # UAE mobile
BROKER_NO = "+923001112223"
GUL_NO = "+923005556667"
RAFIQ_NO = "+923007778889"
BYSTANDER_NO = "+923211234567"  # unattributed local number
HAJI_NO = "+923451234567"  # local SIM of a leader who lives in the UK
WINDOWED_NO = "+923331234567"  # Rafiq's second SIM, February 2026 only
SECRET_NO = "+923009999999"  # only in the compartmented dataset

_ARROW = {"BIGINT": pa.int64(), "VARCHAR": pa.string(), "TIMESTAMP": pa.timestamp("us"),
          "INTEGER": pa.int32()}


@dataclass(frozen=True)
class Call:
    caller: str
    callee: str
    start: str  # ISO 8601, UTC when no offset
    duration_s: int = 60
    type: str = "call"
    cell_country: str | None = None
    direction: str | None = None

    @property
    def moment(self) -> datetime:
        value = datetime.fromisoformat(self.start)
        return (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(UTC)


def store(db: Database, admin: Actor, settings: Settings, calls: list[Call], *, name: str,
          compartment: str | None = None, tmp: Path | None = None) -> str:
    """The calls as one dataset; returns its id."""
    if tmp is not None and not any(c.cell_country or c.direction for c in calls):
        return _imported(db, admin, settings, calls, name=name, compartment=compartment, tmp=tmp)
    return _written(db, admin, settings, calls, name=name, compartment=compartment)


def _imported(db: Database, admin: Actor, settings: Settings, calls: list[Call], *, name: str,
              compartment: str | None, tmp: Path) -> str:
    path = tmp / f"{name}.csv"
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["caller", "callee", "start_time", "duration_s", "type"])
        for call in calls:
            writer.writerow([call.caller, call.callee, call.moment.isoformat(), call.duration_s, call.type])
    numbers = sorted({c.caller for c in calls} | {c.callee for c in calls})
    with db.write() as session:
        authority = add_authority(session, admin, basis="IFTA 2013 s.10", reference=f"W-{name}",
                                  issued_by="ATC-I", valid_from="2025-01-01", valid_to="2027-12-31",
                                  targets=numbers, compartment=compartment).id
    result = import_cdr(db, admin, settings, path, authority=authority, compartment=compartment)
    return str(result["dataset"])


def _written(db: Database, admin: Actor, settings: Settings, calls: list[Call], *, name: str,
             compartment: str | None) -> str:
    ds_id = f"CDR-{name.upper()[:10]}"
    columns: dict[str, list[object]] = {column: [] for column, _ in CALL_COLUMNS}
    for line, call in enumerate(calls, start=2):
        values = {"line": line, "caller": call.caller, "callee": call.callee,
                  "start": call.moment.replace(tzinfo=None), "duration_s": call.duration_s, "type": call.type,
                  "direction": call.direction, "imei": None, "imsi": None, "cell_id": None,
                  "cell_country": call.cell_country, "caller_country": None, "callee_country": None,
                  "scope": None}
        for column, _ in CALL_COLUMNS:
            columns[column].append(values[column])
    table = pa.table(columns, schema=pa.schema([(c, _ARROW[kind]) for c, kind in CALL_COLUMNS]))
    folder = dataset_dir(settings, ds_id) / "month=2026-01"
    folder.mkdir(parents=True)
    pq.write_table(table, folder / "part-0.parquet")
    with db.write() as session:
        exhibit = register_exhibit(session, admin, title=f"CDR {name}", kind="cdr", compartment=compartment)
        starts = [c.moment for c in calls]
        session.add(CdrDataset(id=ds_id, exhibit_id=exhibit.id, operator="test", time_zone="UTC",
                               rows=len(calls), numbers=0, first_call=min(starts), last_call=max(starts),
                               compartment=compartment, imported_by=admin.username))
    return ds_id


Phone = tuple[str, str | None, str | None]


def person(db: Database, admin: Actor, name: str, *, phones: list[Phone] | None = None,
           residence: str | None = None, compartment: str | None = None) -> str:
    """A Person with ``phone`` claims (number, valid_from, valid_to) and a residence claim."""
    with db.write() as session:
        entity = add_person(session, admin, name=name, compartment=compartment)
        for number, start, end in phones or []:
            add_claim(session, admin, entity_id=entity.id, prop="phone", value=number, valid_from=start,
                      valid_to=end, compartment=compartment)
        if residence:
            add_claim(session, admin, entity_id=entity.id, prop="residence", value=residence,
                      compartment=compartment)
        return entity.id


@dataclass
class World:
    leader: str
    broker: str
    gul: str
    rafiq: str
    haji: str
    dataset: str


def planted(db: Database, admin: Actor, settings: Settings, tmp: Path) -> World:
    """Leader (UAE) → broker → Gul and Rafiq (local); Haji (lives in the UK, local SIM) → broker;
    a bystander number calls Gul; Rafiq's second SIM calls the broker in and after its window."""
    leader = person(db, admin, "Ustad Karim", phones=[(LEADER_NO, None, None)], residence="AE")
    broker = person(db, admin, "Bashir Ahmad", phones=[(BROKER_NO, None, None)], residence="PK")
    gul = person(db, admin, "Gul Khan", phones=[(GUL_NO, None, None)], residence="PK")
    rafiq = person(db, admin, "Rafiq Baloch", residence="PK",
                   phones=[(RAFIQ_NO, None, None), (WINDOWED_NO, "2026-02", "2026-02")])
    haji = person(db, admin, "Haji Saeed", phones=[(HAJI_NO, None, None)], residence="GB")
    calls = [
        Call(LEADER_NO, BROKER_NO, "2026-01-05T10:00:00", 120),
        Call(BROKER_NO, LEADER_NO, "2026-01-06T11:00:00", 60),
        Call(LEADER_NO, BROKER_NO, "2026-01-20T09:30:00", 30),
        Call(LEADER_NO, BROKER_NO, "2026-01-21T09:30:00", 0, "sms"),
        Call(BROKER_NO, GUL_NO, "2026-01-07T08:00:00", 200),
        Call(GUL_NO, BROKER_NO, "2026-01-08T08:00:00", 100),
        Call(BROKER_NO, RAFIQ_NO, "2026-01-09T08:00:00", 50),
        Call(HAJI_NO, BROKER_NO, "2026-01-10T12:00:00", 40),
        Call(BYSTANDER_NO, GUL_NO, "2026-01-11T12:00:00", 10),
        Call(WINDOWED_NO, BROKER_NO, "2026-02-10T12:00:00", 70),  # inside February: Rafiq's
        Call(WINDOWED_NO, BROKER_NO, "2026-02-28T23:59:00", 5),  # last minute of the window
        Call(WINDOWED_NO, BROKER_NO, "2026-03-02T12:00:00", 80),  # after: the number's own
    ]
    dataset = store(db, admin, settings, calls, name="planted", tmp=tmp)
    return World(leader, broker, gul, rafiq, haji, dataset)
