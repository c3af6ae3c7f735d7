"""Screening: who in the registry or on a reference list might this name be?

A query's rarer name words give blocking keys; the ``name_key`` index returns only the
names filed under those keys (never a scan of everything), already filtered by the
reader's clearances. Names are scored with the same scorer as ``dastavez match``; the
best candidates then have their dates of birth, countries, identifiers and phones
checked, and each result carries an explanation of how its score was reached.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dastavez.access import audit
from dastavez.access.actor import Actor
from dastavez.exc import InvalidInput
from dastavez.resolve.facts import (
    FACT_PROPS,
    Check,
    Facts,
    FactsBuilder,
    combine,
    compare_facts,
    facts_of_reference,
)
from dastavez.resolve.names import NameAnalysis, analyse_name, compare_names, name_score
from dastavez.resolve.reference import pair_keys, with_prefixes
from dastavez.storage.resolve_tables import NameKey, ReferenceRecord
from dastavez.storage.tables import Claim, Entity

REGISTRY = "registry"
#: candidates whose best name scores below this are not reported
MIN_NAME_SCORE = 0.5
#: names scored per look-up at most: those filed under the most of the query's keys
MAX_NAMES = 300


@dataclass(frozen=True)
class ScreenQuery:
    name: str
    facts: Facts = field(default_factory=Facts)


@dataclass
class _Found:
    owner: str
    caption: str
    schema: str
    source: str
    score: float
    name_score: float
    matched_name: str
    checks: list[Check]

    def as_dict(self, explanation: dict[str, Any]) -> dict[str, Any]:
        return {
            "entity": self.owner,
            "caption": self.caption,
            "schema": self.schema,
            "source": self.source,
            "score": self.score,
            "name_score": round(self.name_score, 4),
            "matched_name": self.matched_name,
            "explanation": explanation,
        }


def _by_keys(
    session: Session,
    actor: Actor,
    keys: set[str],
    sources: tuple[str, ...] | None,
    found: dict[str, tuple[str, set[str]]],
) -> None:
    """Add the names filed under the most of ``keys`` (at most ``MAX_NAMES`` of them) to ``found``."""
    hits = func.count().label("hits")
    statement = (
        select(NameKey.owner, NameKey.source, NameKey.name, hits)
        .where(NameKey.key.in_(sorted(keys)), actor.visible(NameKey.compartment))
        .group_by(NameKey.owner, NameKey.source, NameKey.name)
        .order_by(hits.desc(), NameKey.owner)
        .limit(MAX_NAMES)
    )
    if sources:
        statement = statement.where(NameKey.source.in_(sources))
    for owner, source, name, _ in session.execute(statement):
        found.setdefault(owner, (source, set()))[1].add(name)


def _candidates(
    session: Session, actor: Actor, analysis: NameAnalysis, sources: tuple[str, ...] | None, limit: int
) -> dict[str, tuple[str, set[str]]]:
    """owner -> (source, names) worth scoring: first the names sharing two words with the query
    (pair keys: few and likely), then, if those are too few, those sharing the most single keys."""
    found: dict[str, tuple[str, set[str]]] = {}
    pairs = pair_keys(analysis.index_keys | analysis.blocking_keys)
    if pairs:
        _by_keys(session, actor, pairs, sources, found)
    if len(found) < max(2 * limit, 20):  # the rarer words alone: a common one would match everyone
        _by_keys(session, actor, with_prefixes(analysis.blocking_keys or analysis.index_keys), sources, found)
    return found


def _registry_facts(
    session: Session, actor: Actor, ids: list[str]
) -> tuple[dict[str, Entity], dict[str, Facts]]:
    entities = {
        e.id: e
        for e in session.scalars(select(Entity).where(Entity.id.in_(ids), actor.visible(Entity.compartment)))
    }
    builders: dict[str, FactsBuilder] = defaultdict(FactsBuilder)
    rows = session.execute(
        select(Claim.entity_id, Claim.prop, Claim.normalised).where(
            Claim.entity_id.in_(list(entities)),
            Claim.prop.in_(FACT_PROPS),
            Claim.status != "retracted",
            actor.visible(Claim.compartment),
        )
    )
    for entity_id, prop, normalised in rows:
        builders[entity_id].add(prop, normalised)
    return entities, {entity_id: builders[entity_id].build() for entity_id in entities}


def screen_one(
    session: Session,
    actor: Actor,
    query: ScreenQuery,
    *,
    limit: int = 10,
    sources: tuple[str, ...] | None = None,
) -> list[dict[str, Any]]:
    """Ranked candidates for one query (no audit: the callers record one event per request)."""
    analysis = analyse_name(query.name)
    scored: list[tuple[float, str, str, str]] = []  # name score, owner, source, best name
    for owner, (source, names) in _candidates(session, actor, analysis, sources, limit).items():
        best_name = max(sorted(names), key=lambda n: name_score(analysis, n))  # ties: Latin first
        best_score = name_score(analysis, best_name)
        if best_score >= MIN_NAME_SCORE:
            scored.append((best_score, owner, source, best_name))
    scored.sort(key=lambda item: (-item[0], item[1]))
    shortlist = scored[: max(limit * 5, 50)]
    registry_ids = [owner for _, owner, source, _ in shortlist if source == REGISTRY]
    entities, registry_facts = _registry_facts(session, actor, registry_ids) if registry_ids else ({}, {})
    records = {
        r.id: r
        for r in session.scalars(
            select(ReferenceRecord).where(
                ReferenceRecord.id.in_([o for _, o, s, _ in shortlist if s != REGISTRY]),
                ReferenceRecord.listed,
            )
        )
    }
    results: list[_Found] = []
    for score, owner, source, best_name in shortlist:
        if source == REGISTRY:
            entity = entities.get(owner)
            if entity is None:
                continue  # not visible, or gone
            caption, schema, facts = entity.caption, entity.schema, registry_facts[owner]
        else:
            record = records.get(owner)
            if record is None:
                continue
            caption, schema, facts = record.caption, record.schema, facts_of_reference(record.data)
        checks = compare_facts(query.facts, facts)
        results.append(
            _Found(owner, caption, schema, source, combine(score, checks), score, best_name, checks)
        )
    results.sort(key=lambda r: (-r.score, r.owner))
    answer = []
    for found in results[:limit]:
        match = compare_names(analysis, found.matched_name)
        answer.append(
            found.as_dict(
                {
                    "summary": "; ".join([match.summary, *(c.detail for c in found.checks)]),
                    "name": match.explanation,
                    "checks": [c.as_dict() for c in found.checks],
                }
            )
        )
    return answer


def screen(
    session: Session,
    actor: Actor,
    queries: list[ScreenQuery],
    *,
    limit: int = 10,
    sources: tuple[str, ...] | None = None,
) -> list[list[dict[str, Any]]]:
    """Screen one query or a whole list; one audit event for the request."""
    actor.require("registry.read")
    if not 1 <= limit <= 100:
        raise InvalidInput("limit must be between 1 and 100", field="limit")
    for number, query in enumerate(queries, start=1):
        if not query.name.strip():
            raise InvalidInput(f"query {number}: a name is needed", field="name")
        if len(query.name) > 500:
            raise InvalidInput(f"query {number}: a name must be at most 500 characters", field="name")
    answers = [screen_one(session, actor, q, limit=limit, sources=sources) for q in queries]
    detail: dict[str, Any] = {"queries": len(queries), "limit": limit}
    if len(queries) == 1:
        detail["name"] = queries[0].name
    audit.record(session, actor, "screen", detail=detail)
    return answers
