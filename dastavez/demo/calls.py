"""The demo's call records: seeded synthetic CDRs with a planted structure, imported as exhibits.

``stage_calls(db, settings, seed=…, scale=…)`` runs after the scenario, the vault and the
cases are loaded. It reads the scenario's ground truth (who leads which group abroad, who
brokers) and the incidents, plants the structure of ``calls_plan`` in a background population
of ordinary numbers, writes the two operators' exports (``calls_files``) and imports each
through the CDR importer under a demo order for call and subscriber records whose targets are
the planted numbers (background rows with no target are flagged out of scope, as they would
be). Every planted number is attributed to its person by a ``phone`` claim with its validity
window, citing a subscriber-record exhibit. What was planted is written to
``DASTAVEZ_HOME/demo/comms-truth.json`` (``calls_truth``).

Size: BACKGROUND_CALLS × scale background calls among BACKGROUND_NUMBERS × scale numbers,
plus about 35,000 planted calls: 10^5 at scale 1, 2.1 × 10^7 at scale 300.
"""

from __future__ import annotations

import json
import random
import shutil
import time
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from itertools import chain
from pathlib import Path
from typing import Any

from sqlalchemy import select

from dastavez.comms.importer import import_cdr
from dastavez.demo.calls_files import Export, write_exports
from dastavez.demo.calls_plan import Plan, build_plan
from dastavez.demo.calls_records import attribute_numbers, cdr_authority
from dastavez.demo.calls_rows import (
    Row,
    background_rows,
    burst_rows,
    foreign_relatives,
    meeting_rows,
    planted_rows,
)
from dastavez.demo.calls_truth import write_truth
from dastavez.demo.users import demo_actor
from dastavez.exc import InvalidInput
from dastavez.settings import Settings
from dastavez.storage.case_tables import Incident, ResponsibilityClaim
from dastavez.storage.engine import Database
from dastavez.storage.tables import Claim

WINDOW_DAYS = 750  # the incidents of the cases stage fall in the last 720 days
BACKGROUND_CALLS = 70_000  # per unit of scale
BACKGROUND_NUMBERS = 3_000  # per unit of scale
FOREIGN_RELATIVES = 40  # numbers abroad that call the background population, per unit of scale
MAX_SCALE = 1000

Progress = Callable[[int, int], None]  # (rows written, rows expected)


def ground_truth(settings: Settings) -> dict[str, Any]:
    path = settings.home / "demo" / "ground-truth.json"
    if not path.is_file():
        raise InvalidInput(f"no demo ground truth at {path}: load the demo scenario first", field="scenario")
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def _live_phones(db: Database, persons: list[str]) -> dict[str, set[str]]:
    """Per person, the numbers of its phone claims that stand (not retracted)."""
    found: dict[str, set[str]] = {}
    with db.read() as session:
        rows = session.execute(select(Claim.entity_id, Claim.normalised).where(
            Claim.prop == "phone", Claim.status != "retracted", Claim.entity_id.in_(persons)))
        for entity, number in rows:
            found.setdefault(entity, set()).add(number)
    return found


def _incidents(db: Database, truth: dict[str, Any], start: date) -> list[dict[str, Any]]:
    """Each incident with its day in the window and the group behind it: the first group that
    claimed it, or else the group of its district."""
    by_district = {g["district"]: g["id"] for g in truth["groups"]}
    groups = set(by_district.values())
    with db.read() as session:
        incidents = list(session.scalars(select(Incident).order_by(Incident.occurred_at, Incident.id)))
        claims: dict[str, list[str]] = {}
        for incident_id, org in session.execute(select(ResponsibilityClaim.incident_id,
                                                       ResponsibilityClaim.organization_id)
                                                .order_by(ResponsibilityClaim.id)):
            claims.setdefault(incident_id, []).append(org)
    found = []
    for incident in incidents:
        claimed = [org for org in claims.get(incident.id, []) if org in groups]
        group = claimed[0] if claimed else by_district.get(incident.district)
        if group is None:
            continue
        moment = incident.occurred_at.replace(tzinfo=incident.occurred_at.tzinfo or UTC)
        found.append({"id": incident.id, "occurred_at": moment.isoformat(), "group": group,
                      "day": (moment.date() - start).days})
    return found


def planted_numbers(plan: Plan) -> set[str]:
    """Every number of the plan: the persons' lines (burners too) and their private numbers."""
    return {line.number for p in plan.persons.values() for line in p.lines} | {
        n for p in plan.persons.values() for n in p.private}


def generate(folder: Path, plan: Plan, *, seed: int, scale: int, start: date, incidents: list[dict[str, Any]],
             chunk_rows: int | None = None,
             progress: Progress | None = None) -> tuple[list[Export], dict[str, Any]]:
    """Write the exports of one plan into ``folder``; returns them and what was planted."""
    population = BACKGROUND_NUMBERS * scale - plan.reserved
    taken = planted_numbers(plan)  # relatives abroad are drawn apart from these
    abroad = foreign_relatives(random.Random(f"dastavez-demo-calls-abroad:{seed}"), FOREIGN_RELATIVES * scale,
                               taken)
    bursts: list[dict[str, Any]] = []
    meetings: list[dict[str, Any]] = []
    counts = {"background": 0, "planted": 0, "bursts": 0, "meetings": 0}

    def counted(name: str, rows: Iterator[Row]) -> Iterator[Row]:
        for row in rows:
            counts[name] += 1
            yield row

    rows = chain(
        counted("background", background_rows(seed, calls=BACKGROUND_CALLS * scale, population=population,
                                              days=WINDOW_DAYS, abroad=abroad)),
        counted("planted", planted_rows(plan, seed, days=WINDOW_DAYS)),
        counted("bursts", burst_rows(plan, seed, days=WINDOW_DAYS, incidents=incidents, found=bursts)),
        counted("meetings", meeting_rows(plan, seed, days=WINDOW_DAYS, found=meetings)),
    )
    expected = BACKGROUND_CALLS * scale + 35_000
    done = 0

    def chunk_done(size: int) -> None:
        nonlocal done
        done += size
        if progress:
            progress(done, max(done, expected))

    exports = write_exports(folder, rows, start=start, days=WINDOW_DAYS, chunk_rows=chunk_rows,
                            on_chunk=chunk_done)
    return exports, {"counts": counts, "bursts": bursts, "meetings": meetings}


def prepare(db: Database, settings: Settings, *, seed: int, scale: int,
            today: date | None) -> tuple[dict[str, Any], Plan, date, list[dict[str, Any]]]:
    if not 1 <= scale <= MAX_SCALE:
        raise InvalidInput(f"scale must be between 1 and {MAX_SCALE}", field="scale")
    truth = ground_truth(settings)
    end = today or datetime.now(UTC).date()
    start = end - timedelta(days=WINDOW_DAYS)
    people = [p["id"] for g in truth["groups"] for members in g["people"].values() for p in members]
    plan = build_plan(truth, _live_phones(db, people), seed=seed, days=WINDOW_DAYS,
                      background=BACKGROUND_NUMBERS * scale)
    return truth, plan, start, _incidents(db, truth, start)


def stage_calls(db: Database, settings: Settings, *, seed: int, scale: int = 1, today: date | None = None,
                keep_files: bool = False, progress: Progress | None = None) -> dict[str, Any]:
    """Generate, attribute and import the demo's call records; returns what was staged."""
    clock = time.perf_counter()
    seconds: dict[str, float] = {}

    def lap(phase: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        seconds[phase] = round(now - clock, 3)
        clock = now

    _, plan, start, incidents = prepare(db, settings, seed=seed, scale=scale, today=today)
    end = start + timedelta(days=WINDOW_DAYS)
    with db.write() as session:
        authority = cdr_authority(session, demo_actor(session, "supervisor"), plan, start=start, end=end,
                                  settings=settings, seed=seed)
    records = attribute_numbers(db, settings, plan, authority=authority, start=start, days=WINDOW_DAYS,
                                seed=seed)
    lap("plan")
    folder = settings.home / "demo" / "cdr"
    shutil.rmtree(folder, ignore_errors=True)
    exports, planted = generate(folder, plan, seed=seed, scale=scale, start=start, incidents=incidents,
                                progress=progress)
    lap("generate")
    with db.read() as session:
        importer = demo_actor(session, "supervisor")
    imported = [import_cdr(db, importer, settings, export.path, authority=authority, operator=export.preset)
                for export in exports]
    if not keep_files:
        shutil.rmtree(folder, ignore_errors=True)
    lap("import")
    path = write_truth(settings.home, plan, seed=seed, scale=scale, start=start, days=WINDOW_DAYS,
                       authority=authority, records=records, exports=exports, imported=imported,
                       planted=planted)
    return {
        "calls": sum(e.rows for e in exports),
        "cdr_datasets": len(imported),
        "datasets": [r["dataset"] for r in imported],
        "authority": authority,
        "subscriber_records": records,
        "rows": sum(int(r["rows"]) for r in imported),
        "out_of_scope": sum(int(r["out_of_scope"]) for r in imported),
        "rejected": sum(int(r["rejected"]) for r in imported),
        "planted": planted["counts"],
        "numbers": {"background": BACKGROUND_NUMBERS * scale, "planted": len(planted_numbers(plan))},
        "operators": [e.operator for e in exports],
        "seconds": seconds,
        "truth": str(path),
    }

