"""The registry as FollowTheMoney JSON lines, each value with its provenance.

One line per entity the reader may see that is not merged into another, entities that
point at others (memberships, associates …) after the ones they point at, each group in
id order. ``properties`` holds the values of the entity's live claims the reader may
see (asserted, corroborated and disputed; retracted claims are left out), each value
once, in the order the claims were made. ``provenance`` has one record per claim (see
:mod:`dastavez.resolve.lists.ftm`)::

    {"value": "1981", "claim": "CLM-…", "status": "disputed", "exhibit": "EXH-2026-000004",
     "locator": "p. 3", "confidence": "medium", "note": "…"}

``claim``, ``status``, ``exhibit``, ``locator`` and ``confidence`` are always there
(``exhibit`` null: the claim is unsupported); ``valid_from``, ``valid_to``,
``compartment`` and ``note`` (why the status is what it is) only when the claim has them.
Besides ``caption``, an entity line carries its ``compartment`` when it has one, so that
an import elsewhere keeps the marking instead of opening the record to everyone.

An export is a bulk read of sensitive records: it needs ``registry.export``, reads one
consistent snapshot, and is audited as one event with its counts, committed before the
first line is handed out.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator, Sequence
from contextlib import ExitStack
from dataclasses import asdict, dataclass
from types import TracebackType
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from dastavez.access import audit
from dastavez.access.actor import Actor
from dastavez.model.schema import model
from dastavez.resolve.lists import to_ftm_line
from dastavez.storage.engine import Database
from dastavez.storage.tables import Claim, Entity

CHUNK = 1000
#: JSON allows these raw inside strings, but they end a line for str.splitlines().
_LINE_BREAKING = str.maketrans({"\x85": "\\u0085", "\u2028": "\\u2028", "\u2029": "\\u2029"})
_MAX_MERGE_CHAIN = 50


@dataclass(frozen=True)
class ExportCounts:
    entities: int
    claims: int
    unsupported: int

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


def entity_props() -> dict[str, frozenset[str]]:
    """Per schema, its properties whose values are entity ids."""
    return {schema.name: frozenset(p.name for p in schema.properties.values() if p.type == "entity")
            for schema in model().concrete}


def link_schemata() -> tuple[str, ...]:
    """Schemata whose entities point at others: written after the entities they point at."""
    return tuple(sorted(name for name, props in entity_props().items() if props))


class RegistryExport:
    """One export: :meth:`open` takes the snapshot, counts and audits; :meth:`lines` writes.

    ``with RegistryExport(db, actor, destination="file x.json") as export:`` opens it;
    the read transaction stays open until :meth:`close` (or the end of :meth:`lines`).
    """

    def __init__(self, db: Database, actor: Actor, *, destination: str):
        self.db, self.actor, self.destination = db, actor, destination
        self.counts: ExportCounts | None = None
        self._stack = ExitStack()
        self._session: Session | None = None
        self._entity_props = entity_props()
        self._links = link_schemata()

    def __enter__(self) -> RegistryExport:
        self.open()
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.close()

    def open(self) -> ExportCounts:
        self.actor.require("registry.read")
        self.actor.require("registry.export")
        session = self._session = self._stack.enter_context(self.db.read())
        try:
            if self.db.dialect == "postgresql":
                # The counts audited and the lines written must come from one snapshot. (SQLite's
                # read transaction is one already: it sees the database as of its first read.)
                session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
            self.counts = self._count(session)
            with self.db.write() as writer:
                detail = {"format": "ftm", "destination": self.destination, **self.counts.as_dict()}
                audit.record(writer, self.actor, "registry.export", target_type="registry", detail=detail)
        except BaseException:
            self.close()
            raise
        return self.counts

    def close(self) -> None:
        self._session = None
        self._stack.close()

    def lines(self) -> Iterator[str]:
        """Each entity as one FtM JSON line, without its line break."""
        if self._session is None:
            raise RuntimeError("open the export before reading its lines")
        session = self._session
        try:
            survivors = self._survivors(session)
            for rows in self._entity_chunks(session):
                claims = self._claims(session, [row.id for row in rows])
                for row in rows:
                    yield self._line(row, claims.get(row.id, ()), survivors)
        finally:
            self.close()

    # --- reading --------------------------------------------------------------------------

    def _visible_entities(self) -> tuple[ColumnElement[bool], ...]:
        return (self.actor.visible(Entity.compartment), Entity.merged_into.is_(None))

    def _visible_claims(self) -> tuple[ColumnElement[bool], ...]:
        return (Claim.status != "retracted", self.actor.visible(Claim.compartment))

    def _count(self, session: Session) -> ExportCounts:
        entities = session.scalar(select(func.count()).select_from(Entity).where(*self._visible_entities()))
        claims, supported = session.execute(
            select(func.count(), func.count(Claim.exhibit_id))
            .select_from(Claim)
            .join(Entity, Entity.id == Claim.entity_id)
            .where(*self._visible_entities(), *self._visible_claims())
        ).one()
        return ExportCounts(entities=entities or 0, claims=claims, unsupported=claims - supported)

    def _entity_chunks(self, session: Session) -> Iterator[Sequence[Any]]:  # rows of entity columns
        for links in (False, True):
            group = Entity.schema.in_(self._links) if links else Entity.schema.not_in(self._links)
            last = ""
            while True:
                rows = session.execute(
                    select(Entity.id, Entity.schema, Entity.caption, Entity.compartment)
                    .where(*self._visible_entities(), group, Entity.id > last)
                    .order_by(Entity.id)
                    .limit(CHUNK)
                ).all()
                if not rows:
                    break
                yield rows
                last = rows[-1].id

    def _claims(self, session: Session, ids: list[str]) -> dict[str, list[Any]]:  # rows of claim columns
        by_entity: dict[str, list[Any]] = defaultdict(list)
        rows = session.execute(
            select(Claim.id, Claim.entity_id, Claim.prop, Claim.value, Claim.status, Claim.exhibit_id,
                   Claim.locator, Claim.confidence, Claim.valid_from, Claim.valid_to, Claim.compartment,
                   Claim.status_note)
            .where(Claim.entity_id.in_(ids), *self._visible_claims())
            .order_by(Claim.entity_id, Claim.created_at, Claim.id)
        )
        for row in rows:
            by_entity[row.entity_id].append(row)
        return by_entity

    def _survivors(self, session: Session) -> dict[str, str]:
        """Merged entity -> the visible entity it is merged into, for references to rewrite.

        A reference to an entity merged into one the reader may not see stays as it is: the
        export must not reveal the hidden entity's id.
        """
        merged = {entity_id: target for entity_id, target in session.execute(
            select(Entity.id, Entity.merged_into).where(Entity.merged_into.is_not(None))) if target}
        if not merged:
            return {}
        final: dict[str, str] = {}
        for start in merged:
            current, steps = start, 0
            while current in merged and steps < _MAX_MERGE_CHAIN:
                current, steps = merged[current], steps + 1
            final[start] = current
        visible = set(session.scalars(
            select(Entity.id).where(Entity.id.in_(set(final.values())), *self._visible_entities())))
        return {start: end for start, end in final.items() if end in visible}

    # --- writing --------------------------------------------------------------------------

    def _line(self, entity: Any, claims: Sequence[Any], survivors: dict[str, str]) -> str:
        references = self._entity_props[entity.schema]
        properties: dict[str, dict[str, None]] = defaultdict(dict)  # an ordered set per property
        provenance: dict[str, list[dict[str, str | None]]] = defaultdict(list)
        for claim in claims:
            value = survivors.get(claim.value, claim.value) if claim.prop in references else claim.value
            properties[claim.prop][value] = None
            provenance[claim.prop].append(_record(claim, value))
        values = {prop: list(ordered) for prop, ordered in properties.items()}
        line = to_ftm_line(entity.id, entity.schema, values, provenance=provenance)
        extra: dict[str, str] = {"caption": entity.caption}
        if entity.compartment:
            extra["compartment"] = entity.compartment
        # Both are compact JSON objects with different keys: the second's members join the first.
        return line[:-1] + "," + json.dumps(extra, ensure_ascii=False, separators=(",", ":"))[1:].translate(
            _LINE_BREAKING)


def _record(claim: Any, value: str) -> dict[str, str | None]:
    record: dict[str, str | None] = {
        "value": value,
        "claim": claim.id,
        "status": claim.status,
        "exhibit": claim.exhibit_id,
        "locator": claim.locator,
        "confidence": claim.confidence,
    }
    for key, item in (("valid_from", claim.valid_from), ("valid_to", claim.valid_to),
                      ("compartment", claim.compartment), ("note", claim.status_note)):
        if item:
            record[key] = item
    return record
