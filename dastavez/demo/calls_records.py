"""The paperwork behind the demo's call records: the order they were obtained under, and the
subscriber records that attribute each planted number to its person.

The order (a legal authority for call, subscriber and location records) targets every planted
number that is attributed; its window covers the records. Subscriber records come as one CSV
exhibit per compartment (a compartmented person's record is as secret as the person), and each
planted number gets a ``phone`` claim with its validity window citing its row there: the same
kind of claim ``comms.attribution`` makes, so the graph contracts numbers by it. Numbers the
scenario already states for the person are claimed again with the window and the record: a
second, better-supported statement of the same fact, not a new number.
"""

from __future__ import annotations

import io
import random
from datetime import date, timedelta

from sqlalchemy.orm import Session

from dastavez.access.actor import Actor
from dastavez.demo.calls_plan import Line, Plan, Planted
from dastavez.demo.users import demo_actor
from dastavez.demo.vault import BASIS
from dastavez.evidence.authority import add_authority
from dastavez.evidence.vault import EvidenceInput, add_evidence, blob_store
from dastavez.registry.bulk import BulkLoader
from dastavez.registry.value_cache import ValueCache
from dastavez.settings import Settings
from dastavez.storage.engine import Database

ORDER_MARGIN_DAYS = 30  # the order stays in force a month after the last record


def cdr_authority(session: Session, actor: Actor, plan: Plan, *, start: date, end: date, settings: Settings,
                  seed: int) -> str:
    """The demo order for call and subscriber records of the planted numbers; its id."""
    rng = random.Random(f"dastavez-demo-calls-order:{seed}")
    targets = sorted({line.number for p in plan.persons.values() for line in p.lines if line.attributed})
    authority = add_authority(
        session,
        actor,
        basis=BASIS,
        reference=f"CDR/{end.year}/{rng.randint(100, 999)}",
        issued_by="Judge, Anti-Terrorism Court I (fictional)",
        applicant="Inspector, CTD",
        authorising_officer="Additional IG, CTD",
        issued_on=start.isoformat(),
        valid_from=start.isoformat(),
        valid_to=(end + timedelta(days=ORDER_MARGIN_DAYS)).isoformat(),
        targets=targets,
        data_classes=["call-records", "location", "subscriber"],
        purpose="call detail and subscriber records of the leadership and cells of five proscribed "
                "groups (fictional demo)",
        default_region=settings.default_region,
    )
    return authority.id


def line_window(line: Line, *, start: date, days: int, rng: random.Random) -> tuple[str, str | None]:
    """When the subscriber record says the SIM was held: from its activation (before the window
    for a SIM used from the start) to its end (only for a SIM given up within the window)."""
    first = start - timedelta(days=rng.randint(30, 900)) if line.first_day == 0 else \
        start + timedelta(days=line.first_day)
    last = start + timedelta(days=line.last_day) if line.last_day < days - 1 else None
    return first.isoformat(), last.isoformat() if last else None


def attribute_numbers(db: Database, settings: Settings, plan: Plan, *, authority: str, start: date,
                      days: int, seed: int) -> list[str]:
    """One subscriber-record exhibit per compartment, and a windowed ``phone`` claim citing it for
    every attributed planted line; returns the exhibit ids."""
    rng = random.Random(f"dastavez-demo-calls-subscribers:{seed}")
    by_compartment: dict[str | None, list[tuple[Planted, Line, tuple[str, str | None]]]] = {}
    for pid in sorted(plan.persons):
        person = plan.persons[pid]
        for line in person.lines:
            if line.attributed:
                window = line_window(line, start=start, days=days, rng=rng)
                by_compartment.setdefault(person.compartment, []).append((person, line, window))
    store = blob_store(settings)
    exhibits: dict[str | None, str] = {}
    for compartment in sorted(by_compartment, key=lambda c: c or ""):
        entries = by_compartment[compartment]
        text = [f"# Subscriber records supplied under order {authority} (fictional demo data)",
                "msisdn,imsi,subscriber,activated_on,deactivated_on"]
        text += [f"{line.number},{line.imsi},{person.name},{first},{last or ''}"
                 for person, line, (first, last) in entries]
        blob = store.put_stream(io.BytesIO(("\n".join(text) + "\n").encode("utf-8")))
        suffix = f" ({compartment})" if compartment else ""
        with db.write() as session:
            exhibit = add_evidence(session, demo_actor(session, "supervisor"), EvidenceInput(
                title=f"Subscriber records of the planted numbers, order {authority}{suffix}",
                kind="subscriber-record", compartment=compartment, authority=authority,
                collected_by="Technical wing, CTD", collection_tool="operators' law-enforcement portals",
                targets=tuple(line.number for _, line, _ in entries),
                file_name=f"subscribers-{(compartment or 'open').lower()}.csv",
            ), blob=blob, media={"format": "csv", "rows": len(entries)}, settings=settings)
            exhibits[compartment] = exhibit.id
    with db.write() as session:
        loader = BulkLoader(session, demo_actor(session, "supervisor"), cache=ValueCache(),
                            region=settings.default_region)
        for compartment, entries in by_compartment.items():
            for row, (person, line, (first, last)) in enumerate(entries, start=1):
                loader.claim(person.id, "phone", line.number, exhibit_id=exhibits[compartment],
                             locator=f"row {row}", valid_from=first, valid_to=last, confidence="high")
        loader.finish()
    return [exhibits[c] for c in sorted(exhibits, key=lambda c: c or "")]
