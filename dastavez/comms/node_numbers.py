"""From the nodes an analyst names to the numbers (and times) the call records hold.

A number node is its E.164 string and stands for itself at any time. A person node (a
registry entity id, ``PER-…``) stands for the numbers attributed to that person
(``persons.attributions``, the same claims and windows the person-level graph is contracted
by), each only within its attribution's validity window: a SIM that passed to someone else
later does not bring the new holder's calls along.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import duckdb
from sqlalchemy import select
from sqlalchemy.orm import Session

from dastavez.access.actor import Actor
from dastavez.comms import persons
from dastavez.comms.engine_output import utc_naive
from dastavez.exc import InvalidInput
from dastavez.registry.entities import LIVE, visible_entity
from dastavez.storage.tables import Claim, Entity


@dataclass(frozen=True)
class NumberSpan:
    """A number as a node of the analysis from ``valid_from`` until before ``valid_to``."""

    number: str
    node: str
    valid_from: datetime | None = None
    valid_to: datetime | None = None


def is_entity(node: str) -> bool:
    """An entity id (``PER-…``) rather than a number (``+92…``)."""
    return not node.startswith("+") and not node.replace("-", "").isdigit()


def spans_for_nodes(session: Session, actor: Actor, nodes: list[str], *,
                    strict: bool = True) -> list[NumberSpan]:
    """The numbers behind ``nodes``. A person the actor cannot see is NotFound; one with no
    number the actor may see is InvalidInput (``strict``) or left out."""
    people = {visible_entity(session, actor, node, schema="Person").id for node in nodes if is_entity(node)}
    spans = [NumberSpan(node, node) for node in nodes if not is_entity(node)]
    if people:
        found = persons.by_person(persons.attributions(session, actor))
        missing = sorted(people - set(found))
        if missing and strict:
            raise InvalidInput(f"{missing[0]} has no attributed number", field="node")
        spans.extend(NumberSpan(a.number, a.person, utc_naive(a.start), utc_naive(a.end))
                     for person in sorted(people & set(found)) for a in found[person])
    return spans


def numbers_for_nodes(session: Session, actor: Actor, nodes: list[str]) -> list[str]:
    """The numbers behind ``nodes``, each once, sorted (windows aside)."""
    return sorted({span.number for span in spans_for_nodes(session, actor, nodes)})


def node_table(con: duckdb.DuckDBPyConnection, spans: list[NumberSpan]) -> None:
    """The spans as the temporary table ``nodes`` (number, node, valid_from, valid_to)."""
    con.execute("CREATE TEMP TABLE nodes (number VARCHAR, node VARCHAR, valid_from TIMESTAMP,"
                " valid_to TIMESTAMP)")
    if spans:
        con.executemany("INSERT INTO nodes VALUES (?, ?, ?, ?)",
                        [(s.number, s.node, s.valid_from, s.valid_to) for s in spans])


def party_in_nodes(column: str) -> str:
    """SQL: the call's ``column`` party is one of ``nodes`` at the call's start."""
    within = "(n.valid_from IS NULL OR start >= n.valid_from) AND (n.valid_to IS NULL OR start < n.valid_to)"
    return f"EXISTS (SELECT 1 FROM nodes n WHERE n.number = {column} AND {within})"  # noqa: S608  # ours


def organisation_members(session: Session, actor: Actor, organisations: list[str]) -> list[str]:
    """The persons with a live membership (as the actor may see it) of any of ``organisations``."""
    orgs = [visible_entity(session, actor, org, schema="Organization").id for org in organisations]
    visible = (Claim.status.in_(LIVE), actor.visible(Claim.compartment), actor.visible(Entity.compartment),
               Entity.merged_into.is_(None), Entity.schema == "Membership")
    memberships = (select(Claim.entity_id).join(Entity, Entity.id == Claim.entity_id)
                   .where(Claim.prop == "organization", Claim.value_key.in_(orgs), *visible))
    members = session.scalars(
        select(Claim.value_key).join(Entity, Entity.id == Claim.entity_id)
        .where(Claim.prop == "member", Claim.entity_id.in_(memberships), *visible)
    )
    people = set(members)
    return sorted(session.scalars(select(Entity.id).where(
        Entity.id.in_(people), Entity.schema == "Person", Entity.merged_into.is_(None),
        actor.visible(Entity.compartment))))
