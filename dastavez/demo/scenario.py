"""The fictional demo scenario: a province, five proscribed groups and the people around them.

``build_scenario(db, settings, scale=1, seed=…)`` loads, for a seed, always the same data:
entity ids are drawn from a seeded generator and exhibits are dated inside the scenario's
own calendar, so claim ids repeat too. At scale 1 there are about 300 persons (leaders
based abroad, commanders, facilitators, financiers, members, unaffiliated persons of
interest); ``scale=N`` adds 300 × (N − 1) background members of the groups and of front
organisations, loaded in chunks of one transaction each. A ground-truth file
(``<home>/demo/ground-truth.json``) records who leads which group and who will broker
between groups, for the communications scenario and the tests built on it.
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import case, func, select

from dastavez.demo import names
from dastavez.demo.cast import CastWriter, PersonRecord, Sources
from dastavez.demo.paperwork import (
    CORROBORATION_NOTES,
    DISPUTE_NOTES,
    PROSCRIPTION_LAW,
    RETRACTION_REASONS,
    day_between,
    group_papers,
    notification_ref,
    proscription_paper,
    seized_register,
    source_report,
    special_branch_reports,
)
from dastavez.demo.users import DEMO_PASSWORD, DEMO_USERS, HUMINT, OPERATION, demo_actor, ensure_demo_users
from dastavez.exc import InvalidInput
from dastavez.registry.bulk import BulkLoader, loading_in_bulk
from dastavez.registry.claims import retract_claim, set_claim_status
from dastavez.registry.value_cache import ValueCache
from dastavez.settings import Settings
from dastavez.storage.engine import Database
from dastavez.storage.tables import Claim, Entity, Exhibit, LegalStatusChange, Proscription

DEFAULT_SEED = 20261128
PERSONS_PER_SCALE = 300
MAX_SCALE = 1000
#: Background persons per transaction: few, large transactions, as each commit writes again every
#: index page its claims touched (they land at random places in the claim indexes).
CHUNK_PERSONS = 30_000
PERSONS_PER_FRONT = 150  # background members per new front organisation
PERSONS_PER_REGISTER = 25  # background members named in one seized register or dataset
#: The groups' home districts, in the order of ``names.FICTIONAL_GROUPS``.
GROUP_DISTRICTS = ("Kohsang", "Sangchar", "Zarkand", "Gulzarkot", "Mehrdara")
FACILITATION_NETWORK = 3  # index of the Silent Chinar Network: its facilitators broker between groups
BROKERS = 3
PERSONS_OF_INTEREST = 25
RETRACTED, DISPUTED, CORROBORATED = 8, 12, 10

Progress = Callable[[int, int], None]  # (persons loaded so far, persons in all)


@dataclass(frozen=True)
class ScenarioSummary:
    """What was loaded. All but ``seconds``, ``timings`` and ``ground_truth`` repeats for a seed."""

    seed: int
    scale: int
    persons: int
    organisations: int
    memberships: int
    associates: int
    claims: int
    supported_claims: int
    retracted_claims: int
    disputed_claims: int
    compartmented_claims: int
    compartmented_persons: int
    exhibits: int
    legal_status_changes: int
    proscriptions: int
    users: list[dict[str, Any]]
    password: str
    fingerprint: str
    ground_truth: str
    seconds: float
    #: seconds per phase: "users" (eight password hashes), "core" (scale 1), "background",
    #: "indexes" (building the indexes deferred during the load)
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def supported_share(self) -> float:
        return self.supported_claims / self.claims if self.claims else 0.0

    @property
    def claims_per_second(self) -> float:
        return self.claims / self.seconds if self.seconds else 0.0

    def as_dict(self) -> dict[str, Any]:
        return asdict(self) | {"supported_share": round(self.supported_share, 3)}


@dataclass
class _Group:
    id: str
    org: names.OrgName
    district: str
    sources: Sources
    people: dict[str, list[PersonRecord]] = field(default_factory=dict)
    fronts: list[str] = field(default_factory=list)


def build_scenario(
    db: Database,
    settings: Settings,
    *,
    scale: int = 1,
    seed: int = DEFAULT_SEED,
    progress: Progress | None = None,
) -> ScenarioSummary:
    """Load the scenario into ``db`` (users, compartments, registry, exhibits, statuses)."""
    if not 1 <= scale <= MAX_SCALE:
        raise InvalidInput(f"scale must be between 1 and {MAX_SCALE}", field="scale")
    started = time.perf_counter()
    timings: dict[str, float] = {}
    rng = random.Random(seed)
    id_rng = random.Random(f"dastavez-demo-ids:{seed}")
    background = PERSONS_PER_SCALE * (scale - 1)
    cache = ValueCache()  # names, dates and countries repeat from chunk to chunk
    with db.write() as session:
        ensure_demo_users(session)
    timings["users"] = time.perf_counter() - started
    with loading_in_bulk(db):  # indexes and the name search index are built once, at the end
        with db.write() as session:
            writer = CastWriter(rng, BulkLoader(session, demo_actor(session, "supervisor"), rng=id_rng,
                                                cache=cache))
            groups, interest, brokers = _core(writer)
            writer.loader.finish()
        core_persons = sum(len(p) for g in groups for p in g.people.values()) + len(interest)
        if progress:
            progress(core_persons, core_persons + background)
        _review(db, writer, rng)
        timings["core"] = time.perf_counter() - started - timings["users"]

        writer.collect_candidates = False
        plan = _Background(groups)
        done = 0
        while done < background:
            size = min(CHUNK_PERSONS, background - done)
            with db.write() as session:  # one transaction per chunk
                supervisor = demo_actor(session, "supervisor")
                writer.loader = BulkLoader(session, supervisor, rng=id_rng, cache=cache)
                _background(writer, plan, done, done + size)
                writer.loader.finish()
            done += size
            if progress:
                progress(core_persons + done, core_persons + background)
        timings["background"] = time.perf_counter() - started - timings["users"] - timings["core"]
    timings["indexes"] = time.perf_counter() - started - sum(timings.values())
    path = _write_ground_truth(settings.home, seed, scale, groups, interest, brokers)
    return _summarise(db, seed=seed, scale=scale, fingerprint=writer.digest.hexdigest(), path=path,
                      seconds=time.perf_counter() - started, timings=timings)


# --- the core: groups, their leadership, persons of interest ---------------------------------


def _core(writer: CastWriter) -> tuple[list[_Group], list[PersonRecord], list[dict[str, Any]]]:
    rng = writer.rng
    groups = [_group(writer, org, district)
              for org, district in zip(names.FICTIONAL_GROUPS, GROUP_DISTRICTS, strict=True)]
    for index, group in enumerate(groups):
        _people(writer, group, operation=index == 0)
        for _ in range(rng.randint(1, 2)):
            _front(writer, group, financiers=group.people["financier"])
    brokers = _brokers(writer, groups)
    interest = []
    special_branch = Sources(public=[writer.register(paper) for paper in special_branch_reports(rng)])
    for _ in range(PERSONS_OF_INTEREST):
        district = rng.choice(names.DISTRICTS)[0]
        compartment = HUMINT if rng.random() < 0.12 else None
        interest.append(writer.person("member", special_branch, group=None, district=district,
                                      compartment=compartment, status_role="interest"))
    for group in groups:
        _associates(writer, group, count=6)
    return groups, interest, brokers


def _group(writer: CastWriter, org: names.OrgName, district: str) -> _Group:
    rng = writer.rng
    register = writer.register
    papers = [register(p) for p in group_papers(rng, name=org.latin, abbreviation=org.abbreviation,
                                                district=district)]
    secret = [register(source_report(rng, compartment=HUMINT, subject=f"{org.abbreviation} logistics"))
              for _ in range(2)]
    if district == "Kohsang":
        secret.append(register(source_report(rng, compartment=OPERATION, subject=f"{org.abbreviation} cell")))
    proscribed = day_between(rng, date(2014, 1, 1), date(2024, 12, 31))
    notification = notification_ref(rng, proscribed.year)
    gazette = writer.register(proscription_paper(name=org.latin, notification=notification, day=proscribed))
    sources = Sources(public=[*papers, gazette], secret=secret)
    group_id = writer.organisation(org, Sources(public=[papers[0], gazette, papers[2]]),
                                   founded=rng.randint(1998, proscribed.year - 1))
    writer.loader.proscribe(group_id, law=PROSCRIPTION_LAW, notification_ref=notification,
                            date=proscribed.isoformat(), exhibit_id=gazette[0])
    return _Group(id=group_id, org=org, district=district, sources=sources)


def _people(writer: CastWriter, group: _Group, *, operation: bool) -> None:
    """Leaders abroad, commanders, facilitators, financiers and members of one group."""
    rng = writer.rng
    sizes = {"leader": rng.randint(1, 2), "commander": rng.randint(3, 5), "facilitator": rng.randint(6, 10),
             "financier": rng.randint(2, 4), "member": rng.randint(30, 42)}
    for role, count in sizes.items():
        people = group.people.setdefault(role, [])
        for _ in range(count):
            abroad: str | None = None
            if role == "leader":
                abroad = rng.choice(names.ABROAD_COUNTRIES)
            elif role == "financier" and rng.random() < 0.3:
                abroad = rng.choice(("ae", "sa", "qa", "om"))
            compartment = None
            if role in ("facilitator", "member", "financier"):
                if operation and rng.random() < 0.4:
                    compartment = OPERATION
                elif rng.random() < 0.1:
                    compartment = HUMINT
            people.append(writer.person(role, group.sources, group=group.id, district=group.district,
                                        compartment=compartment, abroad=abroad))


def _front(writer: CastWriter, group: _Group, *, financiers: list[PersonRecord]) -> str:
    """A front company, charity or trust that finances the group, run by its financiers."""
    rng = writer.rng
    org = names.org_name(rng)
    front = writer.organisation(org, group.sources, founded=rng.randint(2000, 2022))
    writer.say(front, "phone", names.pk_mobile(rng), group.sources)
    writer.membership(front, group.id, "financier", group.sources, compartment=None,
                      since=rng.randint(2010, 2024))
    for person in financiers[: rng.randint(1, 2)]:
        writer.membership(person.id, front, "member", group.sources, compartment=person.compartment,
                          since=rng.randint(2010, 2024))
    group.fronts.append(front)
    return front


def _brokers(writer: CastWriter, groups: list[_Group]) -> list[dict[str, Any]]:
    """Facilitators of the facilitation network who also serve another group: the people the
    communications scenario will make the bridges between groups."""
    rng = writer.rng
    network = groups[FACILITATION_NETWORK]
    public = [p for p in network.people["facilitator"] if p.compartment is None]
    others = [g for i, g in enumerate(groups) if i != FACILITATION_NETWORK]
    brokers = []
    for person, other in zip(public[:BROKERS], rng.sample(others, BROKERS), strict=False):
        writer.membership(person.id, other.id, "facilitator", other.sources, compartment=None,
                          since=rng.randint(2015, 2024))
        commander = rng.choice(other.people["commander"])
        writer.associate(person.id, commander.id, other.sources, compartment=commander.compartment)
        brokers.append({"id": person.id, "name": person.name, "groups": [network.id, other.id],
                        "contact": commander.id})
    return brokers


def _associates(writer: CastWriter, group: _Group, *, count: int) -> None:
    rng = writer.rng
    people = [p for members in group.people.values() for p in members]
    for _ in range(count):
        first, second = rng.sample(people, 2)
        if first.compartment and second.compartment and first.compartment != second.compartment:
            continue
        writer.associate(first.id, second.id, group.sources,
                         compartment=first.compartment or second.compartment)


def _review(db: Database, writer: CastWriter, rng: random.Random) -> None:
    """An analyst's later judgements, through the services: a few claims retracted with a
    reason, some disputed, some corroborated."""
    candidates = list(dict.fromkeys(writer.candidates))
    retractable = [c for c in candidates if c[1] in RETRACTION_REASONS]
    retracted = rng.sample(retractable, min(RETRACTED, len(retractable)))
    rest = [c for c in candidates if c not in set(retracted)]
    marked = rng.sample(rest, min(DISPUTED + CORROBORATED, len(rest)))
    with db.write() as session:
        analyst = demo_actor(session, "analyst")
        for cid, prop in retracted:
            retract_claim(session, analyst, claim_id=cid, reason=rng.choice(RETRACTION_REASONS[prop]))
        for index, (cid, _) in enumerate(marked):
            disputed = index < DISPUTED
            set_claim_status(session, analyst, claim_id=cid,
                             status="disputed" if disputed else "corroborated",
                             note=rng.choice(DISPUTE_NOTES if disputed else CORROBORATION_NOTES))


# --- background members --------------------------------------------------------------------


@dataclass
class _Background:
    """Where the background members go; kept across chunks, so chunk size does not change the data."""

    groups: list[_Group]
    fronts: list[tuple[str, _Group]] = field(default_factory=list)
    sources: dict[str, Sources] = field(default_factory=dict)  # per group: its file and the register


def _background(writer: CastWriter, state: _Background, start: int, stop: int) -> None:
    """Background persons ``start`` to ``stop`` (counted over the whole load): members of the
    groups and of front organisations, cited from seized registers and datasets."""
    rng = writer.rng
    for index in range(start, stop):
        if index % PERSONS_PER_FRONT == 0:
            group = rng.choice(state.groups)
            state.fronts.append((_front(writer, group, financiers=[]), group))
        if index % PERSONS_PER_REGISTER == 0:
            group = rng.choice(state.groups)
            register = writer.register(seized_register(rng, name=group.org.latin, district=group.district))
            state.sources = {g.id: g.sources.plus([register]) for g in state.groups}
        group = rng.choice(state.groups)
        target = group.id
        if rng.random() < 0.3:
            target, group = rng.choice(state.fronts)
        draw = rng.random()
        compartment = HUMINT if draw < 0.05 else OPERATION if draw < 0.1 else None
        writer.person("member", state.sources[group.id], group=target, district=group.district,
                      compartment=compartment, status_role="background", own_papers=False)


# --- ground truth and summary ----------------------------------------------------------------


def _write_ground_truth(home: Path, seed: int, scale: int, groups: list[_Group], interest: list[PersonRecord],
                        brokers: list[dict[str, Any]]) -> Path:
    truth = {
        "seed": seed,
        "scale": scale,
        "province": names.PROVINCE,
        "groups": [{
            "id": g.id, "name": g.org.latin, "name_ur": g.org.urdu, "abbreviation": g.org.abbreviation,
            "district": g.district, "fronts": g.fronts,
            "people": {role: [p.as_dict() for p in people] for role, people in g.people.items()},
        } for g in groups],
        "leaders": [p.as_dict() | {"group_name": g.org.latin} for g in groups for p in g.people["leader"]],
        "brokers": brokers,
        "persons_of_interest": [p.as_dict() for p in interest],
        "users": [u.as_dict() for u in DEMO_USERS],
    }
    path = home / "demo" / "ground-truth.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(truth, ensure_ascii=False, indent=1), encoding="utf-8")
    tmp.replace(path)
    return path


def _summarise(db: Database, *, seed: int, scale: int, fingerprint: str, path: Path, seconds: float,
               timings: dict[str, float]) -> ScenarioSummary:
    with db.read() as session:
        schemata = dict(session.execute(
            select(Entity.schema, func.count()).group_by(Entity.schema)).all())
        compartmented_persons = session.scalar(select(func.count()).select_from(Entity).where(
            Entity.schema == "Person", Entity.compartment.is_not(None))) or 0
        claims = session.execute(select(
            func.count(), func.count(Claim.exhibit_id),
            func.coalesce(func.sum(case((Claim.status == "retracted", 1), else_=0)), 0),
            func.coalesce(func.sum(case((Claim.status == "disputed", 1), else_=0)), 0),
            func.count(Claim.compartment),
        )).one()
        exhibits = session.scalar(select(func.count()).select_from(Exhibit)) or 0
        statuses = session.scalar(select(func.count()).select_from(LegalStatusChange)) or 0
        proscriptions = session.scalar(select(func.count()).select_from(Proscription)) or 0
    return ScenarioSummary(
        seed=seed, scale=scale, persons=schemata.get("Person", 0),
        organisations=schemata.get("Organization", 0),
        memberships=schemata.get("Membership", 0), associates=schemata.get("Associate", 0),
        claims=claims[0], supported_claims=claims[1], retracted_claims=int(claims[2]),
        disputed_claims=int(claims[3]), compartmented_claims=claims[4],
        compartmented_persons=compartmented_persons, exhibits=exhibits, legal_status_changes=statuses,
        proscriptions=proscriptions, users=[u.as_dict() for u in DEMO_USERS], password=DEMO_PASSWORD,
        fingerprint=fingerprint, ground_truth=str(path), seconds=round(seconds, 3),
        timings={phase: round(value, 3) for phase, value in timings.items()},
    )
