"""Small CDR files for the attribution, corroboration and saved-analysis tests, imported through
the real importer (``comms.importer.import_cdr``) under a real legal authority."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dastavez.access.actor import Actor
from dastavez.comms.importer import import_cdr
from dastavez.evidence.authority import add_authority
from dastavez.evidence.exhibits import register_exhibit
from dastavez.registry.records import add_person
from dastavez.settings import Settings
from dastavez.storage.engine import Database

HEADER = ("caller", "callee", "start_time", "duration_s", "type", "imei")

# numbers of the story (all valid Pakistani mobiles)
KNOWN = "+923001110001"  # attributed to Akram by a subscriber record
HANDSET_HEIR = "+923001110002"  # later used in KNOWN's handset
CONTACT_HEIR = "+923001110003"  # takes over KNOWN's contacts as KNOWN goes silent
STRANGER = "+923001110004"  # talks to other people altogether
CONTACTS = [f"+9232155500{n:02d}" for n in range(1, 10)]
IMEI = "356938035643809"


@dataclass(frozen=True)
class Call:
    caller: str
    callee: str
    start: str  # ISO 8601, UTC
    duration_s: int = 60
    type: str = "call"
    imei: str = ""


def write_csv(path: Path, calls: list[Call]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(HEADER)
        for c in calls:
            writer.writerow([c.caller, c.callee, c.start, c.duration_s, c.type, c.imei])
    return path


def authority_for(db: Database, admin: Actor, *, compartment: str | None = None) -> str:
    with db.write() as session:
        return add_authority(
            session, admin, basis="IFTA 2013 s.10", reference=f"W-{compartment or 'OPEN'}",
            issued_by="ATC-I", valid_from="2025-01-01", valid_to="2027-12-31", compartment=compartment,
        ).id


def load(db: Database, admin: Actor, settings: Settings, path: Path, calls: list[Call], *,
         compartment: str | None = None) -> dict[str, Any]:
    """Write ``calls`` to ``path`` and import it; the importer's answer."""
    write_csv(path, calls)
    authority = authority_for(db, admin, compartment=compartment)
    return import_cdr(db, admin, settings, path, authority=authority, compartment=compartment)


def story() -> list[Call]:
    """KNOWN talks to C1..C5 in January and February, in handset IMEI; in March HANDSET_HEIR
    uses that handset, and CONTACT_HEIR calls C1..C4 and C6 (a hand-over); STRANGER never
    shares a contact with KNOWN."""
    calls = [Call(KNOWN, c, f"2026-01-{day:02d}T10:00:00Z", 120, imei=IMEI)
             for day, c in zip(range(5, 30, 5), CONTACTS[:5], strict=True)]
    calls += [Call(c, KNOWN, f"2026-02-{day:02d}T11:00:00Z", 90)
              for day, c in zip(range(3, 28, 5), CONTACTS[:5], strict=True)]
    calls += [Call(HANDSET_HEIR, CONTACTS[8], f"2026-03-0{day}T09:00:00Z", 30, imei=IMEI) for day in (2, 4)]
    calls += [Call(CONTACT_HEIR, c, f"2026-03-{day:02d}T12:00:00Z", 200)
              for day, c in zip((5, 7, 9, 11, 13), [*CONTACTS[:4], CONTACTS[5]], strict=True)]
    calls += [Call(STRANGER, c, f"2026-01-{day:02d}T08:00:00Z", 45)
              for day, c in zip((6, 8, 10), CONTACTS[6:9], strict=True)]
    return calls


def akram_with_known_number(db: Database, admin: Actor) -> tuple[str, str]:
    """The person Akram and a subscriber record naming him as KNOWN's subscriber."""
    with db.write() as session:
        person = add_person(session, admin, name="Muhammad Akram Baloch").id
        record = register_exhibit(session, admin, title="Subscriber record 0300-1110001",
                                  kind="subscriber-record").id
    return person, record
