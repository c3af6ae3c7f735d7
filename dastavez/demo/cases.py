"""The demo's courts: about 120 cases at mixed stages, with hearings and warrants, and 40 incidents
with claims of responsibility, on top of an already-loaded scenario (``build_scenario``).

Everything goes through the case services, so it is validated and audited like any user's work.
The accused are drawn from the list of leaders and facilitators and from ordinary members;
police stations, courts, FIR numbers, warrant references and coordinates are invented (the
districts are the scenario's fictional ones). Seeded: the same seed stages the same cases.
"""

from __future__ import annotations

import random
from collections import Counter
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import select

from dastavez.access.actor import Actor
from dastavez.cases import hearings, incidents, links, parties, records, warrants
from dastavez.cases.leaders import compute_list
from dastavez.cases.list_versions import decide, draft_version
from dastavez.demo.scenario import GROUP_DISTRICTS
from dastavez.demo.users import OPERATION, demo_actor
from dastavez.evidence.exhibits import register_exhibit
from dastavez.settings import Settings
from dastavez.storage.engine import Database
from dastavez.storage.tables import Claim, Entity, Proscription

CASES, INCIDENTS = 120, 40
#: how far along the path each demo case is, and how many of the cases stop there
PATH = (
    "investigation",
    "report-submitted",
    "charge-framed",
    "prosecution-evidence",
    "defence",
    "arguments",
    "judgment",
    "appeal",
    "disposed",
)
WEIGHTS = (18, 14, 10, 28, 12, 8, 4, 6, 10)
SECTIONS = (
    ["ATA 1997 s.7", "PPC 302", "PPC 324"],
    ["ATA 1997 s.7", "ESA 1908 s.4"],
    ["ATA 1997 s.11F"],
    ["ATA 1997 s.11H", "ATA 1997 s.11N"],
    ["PPC 365-A", "ATA 1997 s.7"],
    ["ATA 1997 s.21I", "PPC 109"],
    ["PPC 121-A", "PPC 120-B"],
)
ADJOURNED = (
    "defence counsel absent",
    "prosecution witness absent",
    "accused not produced from jail",
    "presiding officer on leave",
    "strike of the bar",
    "case property not produced",
    "investigation officer absent",
)
PURPOSES = (
    "evidence of prosecution witnesses",
    "arguments on bail",
    "framing of charge",
    "cross-examination",
    "statement of accused u/s 342 CrPC",
    "final arguments",
)
KINDS = (
    "ied",
    "armed-attack",
    "targeted-killing",
    "rocket-attack",
    "attack-on-infrastructure",
    "kidnapping",
    "suicide-attack",
)
TARGETS = (
    "police checkpost",
    "levies post",
    "gas pipeline",
    "passenger coach",
    "polio vaccination team",
    "railway track",
    "mobile phone tower",
    "district court gate",
    "trader in the bazaar",
)
#: invented centres of the fictional districts, in the order of GROUP_DISTRICTS
CENTRES = ((30.21, 67.02), (29.62, 66.14), (28.93, 68.37), (30.74, 68.85), (29.12, 65.41))


def _day(rng: random.Random, start: date, end: date) -> date:
    return start + timedelta(days=rng.randint(0, max(0, (end - start).days)))


def _moment(day: date, hour: int = 9) -> datetime:
    return datetime.combine(day, time(hour), UTC)


def _accused_pool(db: Database, actor: Actor, today: date) -> tuple[list[dict[str, Any]], list[str]]:
    with db.read() as session:
        listed = compute_list(session, actor, today=today)
        members = list(
            session.scalars(
                select(Claim.value_key)
                .where(Claim.prop == "member", Claim.status != "retracted")
                .join(Entity, Entity.id == Claim.value_key)
                .where(Entity.schema == "Person", Entity.compartment.is_(None))
                .order_by(Claim.id)
                .limit(400)
            )
        )
    return listed, list(dict.fromkeys(members))


def _hearings(
    rng: random.Random,
    session: Any,
    actor: Actor,
    case_id: str,
    start: date,
    end: date,
    today: date,
    stalled: bool,
) -> int:
    """Hearings every two to six weeks from ``start`` to ``end``; a stalled case falls silent early
    or piles up adjournments."""
    if stalled:
        end = min(end, today - timedelta(days=rng.randint(60, 200))) if rng.random() < 0.6 else end
    day, count, streak = start + timedelta(days=rng.randint(5, 20)), 0, stalled and rng.random() < 0.5
    while day < end:
        following = day + timedelta(days=rng.randint(14, 42))
        adjourned = streak or rng.random() < 0.35
        hearings.record_hearing(
            session,
            actor,
            case_id=case_id,
            date=day,
            outcome="adjourned" if adjourned else "held",
            reason=rng.choice(ADJOURNED) if adjourned else None,
            purpose=rng.choice(PURPOSES),
            next_date=following,
            today=today,
        )
        day, count = following, count + 1
    return count


def _case(
    rng: random.Random,
    session: Any,
    actor: Actor,
    number: int,
    today: date,
    pool: list[dict[str, Any]],
    members: list[str],
    scans: list[str],
) -> dict[str, Any]:
    district_index = rng.randrange(len(GROUP_DISTRICTS))
    district = GROUP_DISTRICTS[district_index]
    registered = _day(rng, today - timedelta(days=1100), today - timedelta(days=20))
    target = PATH.index(rng.choices(PATH, WEIGHTS)[0])
    court = f"Anti-Terrorism Court {rng.choice(('I', 'II'))}, {district} (fictional)"
    case = records.add_case(
        session,
        actor,
        fir=f"{number}/{registered.year}",
        station=rng.choice(
            (f"CTD Police Station {district}", f"PS {district} City", f"PS {district} Saddar")
        ),
        district=district,
        sections=rng.choice(SECTIONS),
        registered_on=registered,
        compartment=OPERATION if rng.random() < 0.08 else None,
        now=_moment(registered),
    )
    # the stages so far, spread between the FIR and today
    moves = sorted(_day(rng, registered + timedelta(days=1), today) for _ in range(target))
    held = 0
    for index, moved_on in enumerate(moves, start=1):
        if index >= 2:  # before the court since the previous move: hearings until this one
            held += _hearings(rng, session, actor, case.id, moves[index - 2], moved_on, today, stalled=False)
        stage = PATH[index]
        note = (
            rng.choice(("acquitted", "convicted", "FIR cancelled"))
            if stage == "disposed"
            else "order of the court"
        )
        records.move_stage(
            session,
            actor,
            case_id=case.id,
            stage=stage,
            court=court if index == 1 else None,
            note=note,
            now=_moment(moved_on) + timedelta(minutes=index),
        )
    if 0 < target < len(PATH) - 1:
        held += _hearings(rng, session, actor, case.id, moves[-1], today, today, stalled=rng.random() < 0.3)
    accused, warrant_count = rng.sample(pool, k=min(len(pool), rng.randint(1, 3))) if pool else [], 0
    for person in accused:
        custody = (
            "abroad"
            if person.get("abroad")
            else rng.choice(("arrested", "on-bail", "absconding", "arrested"))
        )
        parties.add_party(
            session, actor, case_id=case.id, role="accused", entity_id=person["entity"], custody=custody
        )
        if custody in ("abroad", "absconding") and target < len(PATH) - 1:
            kind = rng.choice(("non-bailable", "proclamation", "arrest"))
            warrants.issue_warrant(
                session,
                actor,
                case_id=case.id,
                entity_id=person["entity"],
                kind=kind,
                court=court,
                issued_on=_day(rng, registered, min(today, registered + timedelta(60))),
                reference=f"{kind[:3].upper()} {rng.randint(1, 99)}/{registered.year}",
                exhibit_id=rng.choice(scans) if rng.random() < 0.8 else None,
                today=today,
            )
            warrant_count += 1
        if person["memberships"] and person["memberships"][0]["claim"]:
            links.link_evidence(session, actor, case_id=case.id, claim_id=person["memberships"][0]["claim"])
    if members:
        parties.add_party(
            session,
            actor,
            case_id=case.id,
            role="accused",
            entity_id=rng.choice(members),
            custody=rng.choice(("arrested", "on-bail")),
        )
    parties.add_party(session, actor, case_id=case.id, role="complainant", name=f"SHO, {case.police_station}")
    return {
        "id": case.id,
        "stage": PATH[target],
        "district_index": district_index,
        "hearings": held,
        "warrants": warrant_count,
        "registered": registered,
    }


def _incidents(
    rng: random.Random,
    db: Database,
    actor: Actor,
    today: date,
    staged: list[dict[str, Any]],
    groups: list[str],
) -> dict[str, int]:
    counts: Counter[str] = Counter()
    for _ in range(INCIDENTS):
        index = rng.randrange(len(GROUP_DISTRICTS))
        lat, lon = CENTRES[index]
        when = _moment(_day(rng, today - timedelta(days=720), today - timedelta(days=2)), rng.randint(5, 22))
        kind = rng.choice(KINDS)
        with db.write() as session:
            incident = incidents.add_incident(
                session,
                actor,
                occurred_at=when,
                district=GROUP_DISTRICTS[index],
                kind=kind,
                target=rng.choice(TARGETS),
                killed=rng.choice((0, 0, 1, 2, 3, 5, 8)),
                injured=rng.randint(0, 14),
                latitude=round(lat + rng.uniform(-0.35, 0.35), 4),
                longitude=round(lon + rng.uniform(-0.35, 0.35), 4),
                summary="Fictional incident of the demo scenario.",
                now=_moment(today, 23),
            )
            claimants = (
                rng.sample(groups, k=min(len(groups), 2 if rng.random() < 0.15 else 1))
                if rng.random() < 0.8
                else []
            )
            for org in claimants:
                source = register_exhibit(
                    session,
                    actor,
                    title=f"Claim of responsibility for {incident.id} "
                    "(screenshot of a messaging channel, fictional)",
                    kind="image",
                ).id
                incidents.claim_responsibility(
                    session,
                    actor,
                    incident_id=incident.id,
                    organization_id=org,
                    exhibit_id=source,
                    confidence=rng.choice(("high", "medium", "low")),
                )
                counts["claims"] += 1
            nearby = [c for c in staged if c["district_index"] == index]
            if nearby and rng.random() < 0.5:
                incidents.link_case(session, actor, incident_id=incident.id, case_id=rng.choice(nearby)["id"])
                counts["linked"] += 1
        counts["incidents"] += 1
    return dict(counts)


def stage_cases(db: Database, settings: Settings, *, seed: int, today: date | None = None) -> dict[str, Any]:
    """Add the demo's cases, hearings, warrants and incidents, and an approved version of the list."""
    rng = random.Random(f"dastavez-demo-cases:{seed}")
    today = today or datetime.now(UTC).date()
    with db.read() as session:
        supervisor, admin = demo_actor(session, "supervisor"), demo_actor(session, "admin")
        groups = sorted(set(session.scalars(select(Proscription.entity_id))))
    pool, members = _accused_pool(db, supervisor, today)
    with db.write() as session:
        scans = [
            register_exhibit(
                session,
                supervisor,
                title=f"Scanned warrant bundle {n}, ATC registry (fictional)",
                kind="document",
            ).id
            for n in range(1, 9)
        ]
    staged = []
    for number in range(1, CASES + 1):
        with db.write() as session:
            staged.append(_case(rng, session, supervisor, 100 + number, today, pool, members, scans))
    counts = _incidents(rng, db, supervisor, today, staged, groups)
    with db.write() as session:
        version = draft_version(session, admin, today=today, note="Demo: the list as first compiled")
    with db.write() as session:
        decide(
            session, supervisor, version_id=version.id, decision="approved", note="checked against the files"
        )
    return {
        "cases": len(staged),
        "by_stage": dict(Counter(c["stage"] for c in staged)),
        "hearings": sum(c["hearings"] for c in staged),
        "warrants": sum(c["warrants"] for c in staged),
        "incidents": counts.get("incidents", 0),
        "responsibility_claims": counts.get("claims", 0),
        "incidents_linked_to_cases": counts.get("linked", 0),
        "list_version": version.id,
    }
