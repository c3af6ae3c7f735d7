"""Name search: SQLite FTS5 or PostgreSQL full-text over folded names.

Names are folded in Python (case, accents, Arabic-script letter variants) before they are
indexed and before a query is matched, so both databases compare the same forms. Each
indexed row is one live name claim and carries that claim's compartment: a name that only
a compartmented claim states is found only by users cleared for it.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import Row, delete, text
from sqlalchemy.orm import Session

from dastavez.access import audit
from dastavez.access.actor import Actor
from dastavez.exc import InvalidInput
from dastavez.model.schema import model
from dastavez.model.types.name import fold
from dastavez.registry.entities import entity_summary
from dastavez.resolve import index as screening_index
from dastavez.storage.tables import Claim, Entity, NameIndex

#: Properties whose values identify the entity by name in a search.
SEARCH_PROPS = frozenset({"name", "alias", "previousName", "weakAlias"})
MAX_QUERY = 200
MAX_TOKENS = 8
ENTITY_ID = re.compile(r"^[A-Z]{2,4}-[0-9A-Z]{6,16}$")


def index_claim(session: Session, claim: Claim) -> None:
    if claim.prop in SEARCH_PROPS and claim.status != "retracted":
        session.add(
            NameIndex(
                claim_id=claim.id,
                entity_id=claim.entity_id,
                compartment=claim.compartment,
                folded=fold(claim.value),
            )
        )
        screening_index.key_claim(session, claim)


def unindex_claim(session: Session, claim: Claim) -> None:
    session.execute(delete(NameIndex).where(NameIndex.claim_id == claim.id))
    screening_index.unkey_claim(session, claim.id)


def query_tokens(query: str) -> list[str]:
    if len(query) > MAX_QUERY:
        raise InvalidInput(f"search text must be at most {MAX_QUERY} characters", field="q")
    tokens = [token for token in fold(query).split() if token][:MAX_TOKENS]
    if not tokens:
        raise InvalidInput("search needs at least one letter or digit", field="q")
    return tokens


#: How many name hits per wanted result are ranked first: an entity has several names, and
#: some hits may be in compartments the reader is not cleared for.
HITS_PER_RESULT = 8

# The best ``:cap`` name hits with what a result shows of their entity, in one statement
# that does not depend on the reader (clearances are checked on the rows, in Python), so
# it is compiled once. CROSS JOIN makes SQLite start from the few hit rows (left of it), as
# intended; without it the planner may walk the entity table instead (seconds at 10^5 persons).
_SQLITE_HITS = text("""
    SELECT h.score AS score, ni.entity_id AS entity_id, ni.folded AS folded,
           ni.compartment AS name_compartment, e.schema AS schema, e.caption AS caption,
           e.legal_status AS legal_status, e.compartment AS compartment
    FROM (SELECT rowid AS id, rank AS score FROM name_fts WHERE name_fts MATCH :match
          ORDER BY rank LIMIT :cap) AS h
    CROSS JOIN name_index ni CROSS JOIN entity e
    WHERE ni.id = h.id AND e.id = ni.entity_id""")
_POSTGRESQL_HITS = text("""
    SELECT h.score AS score, h.entity_id AS entity_id, h.folded AS folded,
           h.name_compartment AS name_compartment, e.schema AS schema, e.caption AS caption,
           e.legal_status AS legal_status, e.compartment AS compartment
    FROM (SELECT ni.entity_id, ni.folded, ni.compartment AS name_compartment,
                 -ts_rank(to_tsvector('simple', ni.folded), q.q) AS score
          FROM name_index ni, (SELECT to_tsquery('simple', :match) AS q) AS q
          WHERE to_tsvector('simple', ni.folded) @@ q.q ORDER BY score LIMIT :cap) AS h
    JOIN entity e ON e.id = h.entity_id""")


def _match_expression(dialect: str, tokens: list[str]) -> str:
    """Every token as a quoted word prefix: no user text reaches the query syntax."""
    if dialect == "sqlite":
        return " AND ".join('"' + token.replace('"', '""') + '"*' for token in tokens)
    return " & ".join("'" + token.replace("'", "''").replace("\\", "") + "':*" for token in tokens)


def _ranked(
    session: Session, actor: Actor, *, query: str, schema: str | None, limit: int, offset: int
) -> list[tuple[float, str, Row[Any]]]:
    """(score, entity id, best visible hit) of the results, best first; see :func:`search_names`."""
    tokens = query_tokens(query)
    dialect = session.get_bind().dialect.name
    statement = _SQLITE_HITS if dialect == "sqlite" else _POSTGRESQL_HITS
    match = _match_expression(dialect, tokens)
    cleared = actor.cleared_for
    cap = HITS_PER_RESULT * (offset + limit)
    while True:
        hits = session.execute(statement, {"match": match, "cap": cap}).all()
        best: dict[str, tuple[float, str, Row[Any]]] = {}
        for row in hits:
            if not (cleared(row.compartment) and cleared(row.name_compartment)) or (
                schema and row.schema != schema
            ):
                continue
            score = float(row.score)
            known = best.get(row.entity_id)
            if known is None or (score, row.folded) < known[:2]:
                best[row.entity_id] = (score, row.folded, row)
        if len(best) >= offset + limit or len(hits) < cap:
            break  # enough results, or every hit has been seen
        cap *= HITS_PER_RESULT
    ranked = sorted(best.items(), key=lambda item: (item[1][0], item[0]))[offset : offset + limit]
    return [(score, entity_id, row) for entity_id, (score, _, row) in ranked]


def search_names(
    session: Session, actor: Actor, *, query: str, schema: str | None = None, limit: int = 20, offset: int = 0
) -> list[dict[str, Any]]:
    """Entities whose names contain every query word as a word prefix, best match first.

    The full-text index ranks the best ``HITS_PER_RESULT × (offset + limit)`` name hits, which
    come with their entities and are filtered by clearance; only when that leaves too few
    results and there were more hits is the window widened. Ranking every hit of a common
    name ("muhammad") on every keystroke is what this avoids. The result is the same as
    ranking all hits: an entity's score is its best hit, and every entity in the top results
    has its best hit inside the window.

    The caller is responsible for the permission check and the audit record.
    """
    return [
        {"entity_id": entity_id, "score": score, "matched": row.folded}
        for score, entity_id, row in _ranked(
            session, actor, query=query, schema=schema, limit=limit, offset=offset
        )
    ]


def search_entities(
    session: Session, actor: Actor, *, query: str, schema: str | None = None, limit: int = 20, offset: int = 0
) -> dict[str, Any]:
    """Search by name (or by exact entity id), with captions; the search itself is audited."""
    actor.require("registry.read")
    if not 1 <= limit <= 100 or offset < 0:
        raise InvalidInput("limit must be between 1 and 100 and offset ≥ 0", field="limit")
    schema_name = model().get(schema).name if schema else None
    candidate = query.strip().upper()
    results: list[dict[str, Any]]
    if ENTITY_ID.match(candidate):
        entity = session.get(Entity, candidate)
        visible = entity is not None and actor.cleared_for(entity.compartment)
        results = [entity_summary(entity) | {"matched": candidate}] if entity is not None and visible else []
    else:
        results = [
            {"id": entity_id, "schema": row.schema, "caption": row.caption, "legal_status": row.legal_status,
             "compartment": row.compartment, "matched": row.folded}  # as entity_summary, from the hit row
            for _, entity_id, row in _ranked(
                session, actor, query=query, schema=schema_name, limit=limit, offset=offset
            )
        ]
    audit.record(
        session,
        actor,
        "registry.search",
        detail={"q": query[:200], "schema": schema_name, "results": len(results)},
    )
    return {"query": query, "results": results, "limit": limit, "offset": offset}
