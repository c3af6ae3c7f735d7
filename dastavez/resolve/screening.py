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
from functools import cached_property
from itertools import groupby
from typing import Any

from sqlalchemy import select
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
from dastavez.resolve.names import NameAnalysis, NameMatch, analyse_name, compare_names, name_score
from dastavez.resolve.names.analysis import block_key
from dastavez.resolve.names.forms import ScoringForm, decode
from dastavez.resolve.reference import with_prefixes
from dastavez.resolve.screening_sql import OWNER_SEPARATOR, listed_records, names_by_keys
from dastavez.storage.tables import Claim, Entity

REGISTRY = "registry"
#: candidates whose best name scores below this are not reported
MIN_NAME_SCORE = 0.5
#: distinct names scored per look-up at most (those sharing the most with the query): of pair
#: keys; of single words after pairs found too little; of single words for a query that has
#: only one identifying word ("Ahmed bin Abdullah": its father's words are not keys)
PAIR_NAMES, WORD_NAMES, ONE_WORD_NAMES = 50, 80, 300
#: rows of the index one word's key brings back at most (two, three, or many identifying words)
WORD_ROWS, ONE_WORD_ROWS = 500, 2_000
#: what a shared prefix of a long phonetic key counts, against the whole key
PREFIX_SHARE = 0.5
#: a name score no name sharing only one word with the query reaches in practice (see _best_names)
STRONG = 0.9


@dataclass
class _Candidate:
    """A distinct name the index brought back, and whose name it is."""

    name: str
    source: str
    owner_lists: list[str]  # as the index gave them: ids joined by OWNER_SEPARATOR, repeated
    form: ScoringForm | None  # None: the name has no stored form (yet), analyse it

    @cached_property
    def owners(self) -> frozenset[str]:
        """Taken apart only for the names that reach the shortlist: most never do."""
        return frozenset(owner for text in self.owner_lists for owner in text.split(OWNER_SEPARATOR))

    def add_owners(self, text: str) -> None:
        self.owner_lists.append(text)
        self.__dict__.pop("owners", None)  # taken apart again when next asked for


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


def _key_weights(analysis: NameAnalysis) -> tuple[dict[str, float], dict[str, float]]:
    """(pair keys, single keys with their prefixes) of a query, each with how much a shared
    key says: the weights of the words behind it (a shared prefix counts half)."""
    words: dict[str, float] = {}
    for part in analysis.parts:
        if part.key and not part.initial:
            key = block_key(part)
            words[key] = max(words.get(key, 0.0), part.weight)
    # Pairs of the query's rarer words: few, likely candidates even among millions of names.
    # A name with one such word pairs its words of every weight.
    paired = sorted(analysis.blocking_keys if len(analysis.blocking_keys) >= 2 else words)
    pairs = {
        f"2:{a}|{b}"[:64]: words.get(a, 0.5) + words.get(b, 0.5)
        for i, a in enumerate(paired)
        for b in paired[i + 1 :]
    }
    singles: dict[str, float] = {}
    for key in analysis.blocking_keys or analysis.index_keys:
        singles[key] = words.get(key, 0.5)
        for prefixed in with_prefixes([key]) - {key}:
            singles[prefixed] = max(singles.get(prefixed, 0.0), PREFIX_SHARE * singles[key])
    return pairs, singles


def _names_by_keys(
    session: Session,
    actor: Actor,
    weights: dict[str, float],
    sources: tuple[str, ...] | None,
    found: dict[str, _Candidate],
    cap: int | None,
    names: int,
) -> list[_Candidate]:
    """The ``names`` names that share the most weight of keys with the query (shorter
    names first among equals: fewer words left unmatched), with their stored forms; those
    already in ``found`` get the owners this look-up adds, the others are added and returned.

    With ``cap``, each key brings at most that many rows: a look-up of single words then
    costs the same among 10^4 names as among 10^7, and a word that thousands of names share
    says too little to rank them by. Pair keys bring all their rows: two rarer words are
    few names, and a pair of common ones ("Muhammad Khan") must still find every exact
    namesake."""
    added = []
    rows = names_by_keys(session, actor, weights, sources, cap=cap, names=names)
    for source, name, owners, form in rows:
        if name in found:
            found[name].add_owners(owners)
            continue
        candidate = _Candidate(name, source, [owners], decode(form) if form else None)
        found[name] = candidate
        added.append(candidate)
    return added


def _scored_names(analysis: NameAnalysis, candidates: list[_Candidate]) -> list[tuple[float, _Candidate]]:
    """Each candidate name that scores at least ``MIN_NAME_SCORE`` against the query."""
    scored = []
    for candidate in candidates:
        score = name_score(analysis, candidate.form or analyse_name(candidate.name))
        if score >= MIN_NAME_SCORE:
            scored.append((score, candidate))
    return scored


def _strong(scored: list[tuple[float, _Candidate]]) -> int:
    """How many owners have a name scoring at least ``STRONG``."""
    return sum(len(candidate.owners) for score, candidate in scored if score >= STRONG)


def _best_names(
    session: Session,
    actor: Actor,
    analysis: NameAnalysis,
    sources: tuple[str, ...] | None,
    wanted: int,
) -> list[tuple[float, _Candidate]]:
    """The candidate names with their scores, best first (ties: Latin first).

    First the names that share two of the query's rarer words (pair keys: few and likely,
    even among millions of names). Only when fewer than ``wanted`` owners score ``STRONG``
    among them are the names sharing single words (and prefixes of long ones) looked up too:
    a name that shares one word of the query cannot outrank that many strong ones."""
    found: dict[str, _Candidate] = {}
    pairs, singles = _key_weights(analysis)
    scored: list[tuple[float, _Candidate]] = []
    if pairs:
        paired = _names_by_keys(session, actor, pairs, sources, found, None, PAIR_NAMES)
        scored = _scored_names(analysis, paired)
    if _strong(scored) < wanted:
        cap, names = (WORD_ROWS, WORD_NAMES) if pairs else (ONE_WORD_ROWS, ONE_WORD_NAMES)
        scored += _scored_names(analysis, _names_by_keys(session, actor, singles, sources, found, cap, names))
    scored.sort(key=lambda item: (-item[0], item[1].name))
    return scored


def _shortlist(ranked: list[tuple[float, _Candidate]], count: int) -> list[tuple[float, str, str, str]]:
    """(score, owner, source, name) of the ``count`` best owners, each with its best name;
    owners of names that score the same are in the order of their ids."""
    seen: set[str] = set()
    out: list[tuple[float, str, str, str]] = []
    for score, group in groupby(ranked, key=lambda item: item[0]):
        tier = []
        for _, candidate in group:
            for owner in candidate.owners - seen:
                seen.add(owner)
                tier.append((score, owner, candidate.source, candidate.name))
        out += sorted(tier, key=lambda item: item[1])
        if len(out) >= count:
            break
    return out[:count]


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


def _found(
    session: Session, actor: Actor, query: ScreenQuery, shortlist: list[tuple[float, str, str, str]]
) -> list[_Found]:
    """The shortlisted owners the reader may see, with their facts checked against the query's."""
    registry_ids = [owner for _, owner, source, _ in shortlist if source == REGISTRY]
    entities, registry_facts = _registry_facts(session, actor, registry_ids) if registry_ids else ({}, {})
    record_ids = [owner for _, owner, source, _ in shortlist if source != REGISTRY]
    records = listed_records(session, record_ids, with_data=query.facts.given)
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
                continue  # delisted, or gone
            facts = facts_of_reference(record.data) if query.facts.given else Facts()
            caption, schema = record.caption, record.schema
        checks = compare_facts(query.facts, facts)
        results.append(
            _Found(owner, caption, schema, source, combine(score, checks), score, best_name, checks)
        )
    return results


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
    # The shortlist has its dates, countries, identifiers and phones checked, which can
    # reorder it; without facts to weigh, the best names are the answer.
    shortlisted = max(limit * 5, 50)
    wanted = shortlisted if query.facts.given else limit
    shortlist = _shortlist(_best_names(session, actor, analysis, sources, wanted), shortlisted)
    if query.facts.given:
        results = _found(session, actor, query, shortlist)
        results.sort(key=lambda r: (-r.score, r.owner))
    else:
        # The order is already the answer's (by score as shown, then owner): look up only
        # as many owners as the answer needs, and more only where some are hidden or gone.
        shortlist.sort(key=lambda item: (-round(item[0], 4), item[1]))
        results = []
        window = limit + limit // 2
        for start in range(0, len(shortlist), window):
            results += _found(session, actor, query, shortlist[start : start + window])
            if len(results) >= limit:
                break
    answer = []
    explained: dict[str, NameMatch] = {}  # owners of one name share its explanation
    for found in results[:limit]:
        match = explained.get(found.matched_name) or compare_names(analysis, found.matched_name)
        explained[found.matched_name] = match
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
    check_request(actor, queries, limit)
    answers = [screen_one(session, actor, q, limit=limit, sources=sources) for q in queries]
    record_request(session, actor, queries, limit)
    return answers


def check_request(actor: Actor, queries: list[ScreenQuery], limit: int) -> None:
    """Refuse a screening the actor may not run, or queries that cannot be screened."""
    actor.require("registry.read")
    if not 1 <= limit <= 100:
        raise InvalidInput("limit must be between 1 and 100", field="limit")
    for number, query in enumerate(queries, start=1):
        if not query.name.strip():
            raise InvalidInput(f"query {number}: a name is needed", field="name")
        if len(query.name) > 500:
            raise InvalidInput(f"query {number}: a name must be at most 500 characters", field="name")


def record_request(session: Session, actor: Actor, queries: list[ScreenQuery], limit: int) -> None:
    """The one audit event of a screening request."""
    detail: dict[str, Any] = {"queries": len(queries), "limit": limit}
    if len(queries) == 1:
        detail["name"] = queries[0].name
    audit.record(session, actor, "screen", detail=detail)
