"""The list of leaders and facilitators, computed from the registry, never typed by hand.

Who is on it: every person the actor may see who holds a live membership with a listed role
(leader, commander, facilitator, financier) in an organisation that has a proscription, unless
the membership ended. For each: legal status (with its basis), whether based abroad (a live
residence claim outside ``home``, or custody *abroad* in a case), warrants and cases from the
case tables, and the documentation score (``documentation.py``).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from dastavez.access import audit
from dastavez.access.actor import Actor
from dastavez.cases.documentation import Source, definition, evaluate
from dastavez.cases.leaders_sources import (
    cases_of,
    claims_of,
    exhibit_statuses,
    legal_bases,
    warrants_of,
)
from dastavez.exc import InvalidInput
from dastavez.registry.entities import LIVE
from dastavez.storage.tables import Claim, Entity, Proscription

LISTED_ROLES = ("leader", "commander", "financier", "facilitator")
ROLE_RANK = {role: rank for rank, role in enumerate(LISTED_ROLES)}


@dataclass(frozen=True)
class ListFilters:
    organization: str | None = None
    role: str | None = None
    abroad: bool | None = None
    legal_status: str | None = None
    missing: str | None = None
    max_score: int | None = None
    query: str | None = None

    def check(self) -> ListFilters:
        if self.role and self.role not in LISTED_ROLES:
            raise InvalidInput(f"role must be one of {', '.join(LISTED_ROLES)}", field="role")
        if self.missing and self.missing not in definition().names:
            raise InvalidInput(
                f"missing must name an element: {', '.join(definition().names)}", field="missing"
            )
        if self.max_score is not None and not 0 <= self.max_score <= 100:
            raise InvalidInput("max score must be between 0 and 100", field="max_score")
        return self

    def as_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if v is not None}


def _memberships(session: Session, actor: Actor, today: date) -> dict[str, list[dict[str, Any]]]:
    """Listed memberships per person: role, organisation, and the claims behind them."""
    proscribed = {
        org_id: caption
        for org_id, caption in session.execute(
            select(Entity.id, Entity.caption).where(
                Entity.id.in_(select(Proscription.entity_id)), actor.visible(Entity.compartment)
            )
        )
    }
    roles = session.execute(
        select(Claim.entity_id, Claim.normalised)
        .join(Entity, Entity.id == Claim.entity_id)
        .where(
            Claim.prop == "role",
            Claim.value_key.in_(LISTED_ROLES),
            Claim.status.in_(LIVE),
            actor.visible(Claim.compartment),
            actor.visible(Entity.compartment),
            Entity.schema == "Membership",
        )
    ).all()
    if not roles or not proscribed:
        return {}
    link_claims = claims_of(
        session, actor, [m for m, _ in roles], {"member", "organization", "endDate", "role"}
    )
    found: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for membership_id, role in roles:
        claims = link_claims.get(membership_id, [])
        ends = [c.normalised for c in claims if c.prop == "endDate"]
        if ends and max(ends) < today.isoformat():
            continue  # a former role
        members = [c.normalised for c in claims if c.prop == "member"]
        orgs = [c.normalised for c in claims if c.prop == "organization" and c.normalised in proscribed]
        if not members or not orgs:
            continue
        for member in dict.fromkeys(members):
            found[member].append(
                {
                    "membership": membership_id,
                    "role": role,
                    "organization": orgs[0],
                    "organization_name": proscribed[orgs[0]],
                    "claims": claims,
                }
            )
    return found


def compute_list(
    session: Session, actor: Actor, *, today: date, home: str = "PK", filters: ListFilters | None = None
) -> list[dict[str, Any]]:
    """The list as the actor may see it today, sorted by organisation, role and name."""
    actor.require("list.read")
    filters = (filters or ListFilters()).check()
    rules = definition()
    memberships = _memberships(session, actor, today)
    people = {
        e.id: e
        for e in session.scalars(
            select(Entity).where(
                Entity.id.in_(list(memberships)), Entity.schema == "Person", actor.visible(Entity.compartment)
            )
        )
    }
    person_claims = claims_of(session, actor, list(people), rules.person_props() | {"name", "residence"})
    cited = {c.exhibit_id for cs in person_claims.values() for c in cs if c.exhibit_id}
    cited |= {c.exhibit_id for ms in memberships.values() for m in ms for c in m["claims"] if c.exhibit_id}
    warrants = warrants_of(session, actor, list(people))
    cited |= {w["exhibit"] for ws in warrants.values() for w in ws if w["exhibit"]}
    statuses = exhibit_statuses(session, actor, cited)
    cases = cases_of(session, actor, list(people))
    bases = legal_bases(session, list(people))
    entries = []
    for person_id, person in people.items():
        listed = [m for m in memberships[person_id] if m["organization"]]
        entry = _entry(
            person,
            listed,
            person_claims.get(person_id, []),
            warrants.get(person_id, []),
            cases.get(person_id, []),
            bases.get(person_id),
            statuses,
            home,
        )
        if _keep(entry, filters):
            entries.append(entry)
    entries.sort(
        key=lambda e: (
            e["organizations"][0]["name"].lower(),
            ROLE_RANK[e["roles"][0]],
            e["name"].lower(),
            e["entity"],
        )
    )
    return entries


def _source(claim: Claim, on: str, statuses: dict[str, str]) -> Source:
    return Source(
        on=on,
        prop=claim.prop,
        claim=claim.id,
        exhibit=claim.exhibit_id,
        exhibit_status=statuses.get(claim.exhibit_id or ""),
        locator=claim.locator,
        value=claim.value,
    )


def _entry(
    person: Entity,
    listed: list[dict[str, Any]],
    claims: list[Claim],
    warrants: list[dict[str, Any]],
    cases: list[dict[str, Any]],
    basis: dict[str, Any] | None,
    statuses: dict[str, str],
    home: str,
) -> dict[str, Any]:
    listed.sort(key=lambda m: (ROLE_RANK[m["role"]], m["organization_name"]))
    sources = [_source(c, "person", statuses) for c in claims]
    for membership in listed:
        own = [c for c in membership["claims"] if c.prop != "member" or c.normalised == person.id]
        sources += [_source(c, "membership", statuses) for c in own]
    sources += [
        Source(
            on="warrant",
            prop="warrant",
            claim=None,
            exhibit=w["exhibit"],
            exhibit_status=statuses.get(w["exhibit"] or ""),
            warrant=w["id"],
            warrant_kind=w["kind"],
            warrant_status=w["status"],
            value=w["reference"],
        )
        for w in warrants
    ]
    residence = next((c for c in reversed(claims) if c.prop == "residence"), None)
    custody_abroad = [c for c in cases if c["custody"] == "abroad"]
    names_ur = [c.value for c in claims if c.prop == "name" and (c.qualifiers or {}).get("script") == "Arab"]
    abroad_by_claim = residence is not None and residence.normalised.upper() != home.upper()
    role_claims = {m["membership"]: next((c for c in m["claims"] if c.prop == "role"), None) for m in listed}
    compartments = (
        {person.compartment}
        | {c.compartment for c in claims}
        | {c.compartment for m in listed for c in m["claims"]}
        | {c["compartment"] for c in cases}
    )
    return {
        "entity": person.id,
        "name": person.caption,
        "name_ur": names_ur[0] if names_ur else None,
        "roles": list(dict.fromkeys(m["role"] for m in listed)),
        "organizations": list(
            {
                m["organization"]: {"id": m["organization"], "name": m["organization_name"]} for m in listed
            }.values()
        ),
        "memberships": [
            {
                "membership": m["membership"],
                "role": m["role"],
                "organization": m["organization"],
                "organization_name": m["organization_name"],
                "claim": _attr(role_claims[m["membership"]], "id"),
                "exhibit": _attr(role_claims[m["membership"]], "exhibit_id"),
            }
            for m in listed
        ],
        "legal_status": person.legal_status,
        "legal_status_basis": basis,
        "abroad": abroad_by_claim or bool(custody_abroad),
        "residence": residence.normalised.upper() if residence else None,
        "abroad_basis": (
            {"claim": residence.id, "exhibit": residence.exhibit_id, "country": residence.normalised.upper()}
            if abroad_by_claim and residence
            else {"case": custody_abroad[0]["case"], "custody": "abroad"}
            if custody_abroad
            else None
        ),
        "warrants": warrants,
        "valid_warrants": sum(1 for w in warrants if w["valid"]),
        "cases": cases,
        "compartment": person.compartment,
        "compartments": sorted(c for c in compartments if c),
    } | evaluate(sources)


def _attr(claim: Claim | None, name: str) -> str | None:
    return getattr(claim, name) if claim is not None else None


def _keep(entry: dict[str, Any], filters: ListFilters) -> bool:
    if filters.organization and filters.organization.strip().upper() not in {
        o["id"] for o in entry["organizations"]
    }:
        return False
    if filters.role and filters.role not in entry["roles"]:
        return False
    if filters.abroad is not None and entry["abroad"] != filters.abroad:
        return False
    if filters.legal_status and entry["legal_status"] != filters.legal_status:
        return False
    if filters.missing and filters.missing not in entry["missing"]:
        return False
    if filters.max_score is not None and entry["score"] > filters.max_score:
        return False
    return not (
        filters.query
        and filters.query.strip().lower()
        not in f"{entry['name']} {entry['name_ur'] or ''} {entry['entity']}".lower()
    )


def read_list(
    session: Session, actor: Actor, *, today: date, home: str = "PK", filters: ListFilters | None = None
) -> list[dict[str, Any]]:
    """The list for a reader, who is on record as having read it (who is on it is sensitive)."""
    filters = filters or ListFilters()
    people = compute_list(session, actor, today=today, home=home, filters=filters)
    audit.record(
        session,
        actor,
        "list.read",
        target_type="list",
        detail={"people": len(people), "today": today.isoformat()} | filters.as_dict(),
    )
    return people
