"""Bulk loading of trusted records: the demo scenario now, list imports later.

A :class:`BulkLoader` applies the rules of the per-record services (``create_entity``,
``add_claim``, ``register_exhibit``, ``set_legal_status``, ``proscribe``): the same
permissions, compartments, value cleaning, references, claim ids, name index rows and
captions. It differs in how it writes: rows are kept in Python and inserted with
SQLAlchemy Core in batches, cleaned values are cached (names, dates and countries repeat),
and the audit log gets one ``bulk.load`` event per batch instead of one per record.

The caller owns the transaction: open ``db.write()`` around a loader, call
:meth:`BulkLoader.finish` before the block ends, and use one loader per chunk for loads
too large for one transaction. Errors are raised when a record is offered, except two
that need the database and surface at the next flush: an identical claim already stored
on an entity this loader did not create, and an id taken by another writer.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from operator import itemgetter
from typing import Any

from sqlalchemy import bindparam, insert, or_, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from dastavez.access import audit
from dastavez.access.actor import Actor
from dastavez.evidence.exhibits import clean_exhibit_fields
from dastavez.exc import Conflict, InvalidInput, NotFound
from dastavez.model.schema import Property, Schema, model
from dastavez.model.types.name import fold
from dastavez.registry.claims import clean_options, compartment_with_exhibit
from dastavez.registry.entities import LIVE, CaptionCandidates
from dastavez.registry.ids import CROCKFORD, claim_id, new_entity_id
from dastavez.registry.legal_status import clean_status_change
from dastavez.registry.search import SEARCH_PROPS
from dastavez.registry.value_cache import ValueCache
from dastavez.storage.bulk_insert import RowInserter, deferred_foreign_keys, deferred_indexes
from dastavez.storage.engine import Database
from dastavez.storage.tables import (
    Base,
    Claim,
    Compartment,
    Entity,
    Exhibit,
    ExhibitCounter,
    LegalStatusChange,
    NameIndex,
    Proscription,
    utcnow,
)

BATCH_SIZE = 20_000  # rows kept before a flush; each flush also writes one audit event
#: SQLite page cache for the connection while it loads (KiB), a limit rather than memory taken
#: up front: a load inserts at random places in the claim indexes, whose pages are then written
#: again at each commit and each spill of the cache. 1 GiB holds a scale-300 demo (0.5 GB).
SQLITE_LOAD_CACHE_KIB = 1024 * 1024
_ONE_MICROSECOND = timedelta(microseconds=1)
_TABLES = Base.metadata.tables  # Core tables: no per-row ORM work
#: How validity windows, effective dates and proscription dates are read.
_DATE = Property(name="date", label="Date", type="date", schema="Thing")

# Claims and their name-index rows are most of a load: written without per-row SQLAlchemy work.
CLAIM_COLUMNS = ("id", "entity_id", "prop", "value", "normalised", "value_key", "qualifiers", "exhibit_id",
                 "locator", "valid_from", "valid_to", "confidence", "status", "compartment", "author",
                 "created_at")
NAME_COLUMNS = ("claim_id", "entity_id", "compartment", "folded")
ENTITY_COLUMNS = ("id", "schema", "caption", "compartment", "legal_status", "created_at", "created_by",
                  "updated_at")
_CLAIM_ROWS = RowInserter(_TABLES[Claim.__tablename__], CLAIM_COLUMNS)
_NAME_ROWS = RowInserter(_TABLES[NameIndex.__tablename__], NAME_COLUMNS)
_ENTITY_ROWS = RowInserter(_TABLES[Entity.__tablename__], ENTITY_COLUMNS)
_BY_ENTITY_AND_PROP = itemgetter(1, 2)
_BY_ENTITY = itemgetter(1)


#: The tables a bulk load fills, whose secondary indexes :func:`loading_in_bulk` defers ...
LOADED_TABLES = (Entity.__tablename__, Claim.__tablename__, NameIndex.__tablename__)
#: ... but for the one the loader reads through (the stored claims of an entity it did not make).
KEPT_INDEXES = ("ix_claim_entity_prop",)


@contextmanager
def loading_in_bulk(db: Database) -> Iterator[None]:
    """Around a load of many batches into a database that starts (nearly) empty, such as
    the demo scenario: the secondary indexes of the loaded tables (PostgreSQL's name search
    index among them) are built once at the end instead of being kept in step row by row,
    PostgreSQL checks the foreign keys of all loaded rows at once at the end, and its planner
    statistics are refreshed for the new data (its autovacuum may be off, or late).

    Not for loads into a populated registry: rebuilding its indexes would cost more than the
    load saves, and on PostgreSQL searches would miss the new names until the end. (SQLite's
    full-text index is kept in step by triggers as usual: building it at the end measured no
    faster.)
    """
    with (
        deferred_foreign_keys(db, LOADED_TABLES),  # checked after the indexes are back
        deferred_indexes(db, LOADED_TABLES, keep=KEPT_INDEXES),
    ):
        yield
    if db.dialect == "postgresql":
        with db.write() as session:
            session.execute(text(f"ANALYZE {', '.join(LOADED_TABLES)}"))


def seeded_entity_id(prefix: str, rng: random.Random) -> str:
    """An id of the same form as ``ids.new_entity_id`` (``PER-`` + 10 Crockford characters),
    drawn from ``rng`` so that a seeded load gives the same ids every time."""
    return prefix + "-" + "".join(rng.choices(CROCKFORD, k=10))


@dataclass
class BulkCounts:
    """Rows written (or, for ``skipped``, claims found already stored and left as they are)."""

    entities: int = 0
    claims: int = 0
    names: int = 0
    exhibits: int = 0
    legal_statuses: int = 0
    proscriptions: int = 0
    skipped: int = 0

    def add(self, other: BulkCounts) -> None:
        for key, value in asdict(other).items():
            setattr(self, key, getattr(self, key) + value)

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


@dataclass(slots=True)
class _EntityState:
    """What the loader knows of one entity it created or touched."""

    schema: Schema
    compartment: str | None
    legal_status: str | None
    new: bool  # created by this loader (so no claim of it can be in the database yet)
    stored: bool  # its row is in the database
    created_at: datetime
    updated_at: datetime
    candidates: CaptionCandidates = field(default_factory=CaptionCandidates)
    stored_caption: str | None = None  # of an entity from before the load, until a claim changes it

    def caption(self) -> str:
        if self.stored_caption is not None:
            return self.stored_caption
        return self.candidates.caption(self.schema)


class BulkLoader:
    """Validates records as the services do and writes them in batches; see the module doc."""

    def __init__(
        self,
        session: Session,
        actor: Actor,
        *,
        rng: random.Random | None = None,
        batch_size: int = BATCH_SIZE,
        region: str = "PK",
        on_flush: Callable[[BulkCounts], None] | None = None,
        cache: ValueCache | None = None,
    ):
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        self.session = session
        self.actor = actor
        self.region = region
        self.batch_size = batch_size
        self.totals = BulkCounts()
        self._rng = rng
        self._on_flush = on_flush
        self._entities: dict[str, _EntityState] = {}
        self._exhibits: dict[str, str | None] = {}  # id -> compartment, for exhibits seen or made
        self._counters: dict[int, int] = {}  # year -> last exhibit number issued
        self._written_counters: dict[int, int] = {}
        self._compartments: frozenset[str] | None = None
        self._cache = cache or ValueCache()
        self._claim_ids: set[str] = set()
        self._last_time = utcnow()
        self._pending_entities: list[str] = []
        self._claims: list[tuple[Any, ...]] = []
        self._names: list[tuple[str, str, str | None, str]] = []
        self._to_check: dict[str, None] = {}  # claim ids on entities older than this load
        self._dirty: dict[str, None] = {}  # stored entities whose caption, status or update time changed
        self._exhibit_rows: list[dict[str, Any]] = []
        self._status_rows: list[dict[str, Any]] = []
        self._proscription_rows: list[dict[str, Any]] = []
        self._sqlite_restore: list[str] = self._tune_sqlite()

    # --- helpers ------------------------------------------------------------------------

    def _tune_sqlite(self) -> list[str]:
        """On SQLite, a larger page cache for this load's connection; returns the statements
        that put the connection back as it was."""
        connection = self.session.connection()
        if connection.dialect.name != "sqlite":
            return []
        previous = int(connection.exec_driver_sql("PRAGMA cache_size").scalar_one())
        if previous >= 0 or -previous < SQLITE_LOAD_CACHE_KIB:  # positive: pages, negative: KiB
            connection.exec_driver_sql(f"PRAGMA cache_size=-{SQLITE_LOAD_CACHE_KIB}")
            return [f"PRAGMA cache_size={previous}"]
        return []

    def _now(self) -> datetime:
        # Strictly increasing, so ordering claims by creation time keeps the order they came in.
        now = utcnow()
        self._last_time = now if now > self._last_time else self._last_time + _ONE_MICROSECOND
        return self._last_time

    def _compartment(self, compartment: str | None) -> str | None:
        """As ``entities.check_compartment``: it must exist and the actor be cleared for it."""
        if compartment is None or compartment == "":
            return None
        code = compartment.strip().upper()
        if code not in self._known_compartments() or not self.actor.cleared_for(code):
            raise NotFound(f"no compartment {compartment!r}", field="compartment")
        return code

    def _known_compartments(self) -> frozenset[str]:
        if self._compartments is None:
            self._compartments = frozenset(self.session.scalars(select(Compartment.code)))
        return self._compartments

    def _entity(self, entity_id: str, *, schema: str | None = None) -> tuple[str, _EntityState]:
        """As ``entities.visible_entity``: (id, state) if the actor may see it, else NotFound."""
        self.actor.require("registry.read")
        key = entity_id
        state = self._entities.get(key)
        if state is None:
            key = entity_id.strip().upper()
            state = self._entities.get(key) or self._load_entity(key)
        if state is None or not self.actor.cleared_for(state.compartment):
            raise NotFound(f"no entity {entity_id!r}")
        if schema is not None and not model().is_a(state.schema.name, schema):
            raise NotFound(f"no {schema.lower()} {entity_id!r}")
        return key, state

    def _load_entity(self, entity_id: str) -> _EntityState | None:
        row = self.session.execute(
            select(Entity.schema, Entity.compartment, Entity.legal_status, Entity.caption, Entity.created_at,
                   Entity.updated_at).where(Entity.id == entity_id)
        ).first()
        if row is None:
            return None
        spec = model().get(row.schema)
        state = _EntityState(schema=spec, compartment=row.compartment, legal_status=row.legal_status,
                             new=False, stored=True, created_at=row.created_at, updated_at=row.updated_at,
                             stored_caption=row.caption)
        # Seed the caption candidates with the live claims already stored, oldest first.
        claims = self.session.execute(
            select(Claim.prop, Claim.value, Claim.qualifiers)
            .where(Claim.entity_id == entity_id, Claim.prop.in_(spec.caption), Claim.status.in_(LIVE),
                   or_(Claim.compartment.is_(None), Claim.compartment == row.compartment))
            .order_by(Claim.created_at)
        )
        for prop, value, qualifiers in claims:
            state.candidates.note(prop, value, (qualifiers or {}).get("script"))
        self._entities[entity_id] = state
        return state

    def _exhibit(self, exhibit_id: str) -> tuple[str, str | None]:
        """As ``exhibits.visible_exhibit``: (id, compartment) if the actor may see it."""
        self.actor.require("exhibit.read")
        key = exhibit_id.strip().upper()
        if key in self._exhibits:
            compartment = self._exhibits[key]
        else:
            row = self.session.execute(select(Exhibit.compartment).where(Exhibit.id == key)).first()
            if row is None:
                raise NotFound(f"no exhibit {exhibit_id!r}", field="exhibit")
            compartment = self._exhibits[key] = row.compartment
        if not self.actor.cleared_for(compartment):
            raise NotFound(f"no exhibit {exhibit_id!r}", field="exhibit")
        return key, compartment

    def _date(self, raw: str) -> str:
        return self._cache.clean(_DATE, raw, region=self.region).normalised

    # --- records ------------------------------------------------------------------------

    def new_entity(self, schema: str, *, compartment: str | None = None) -> str:
        """A new entity (as ``create_entity``); its properties arrive through :meth:`claim`."""
        self.actor.require("registry.write")
        spec = model().get(schema)
        if spec.prefix is None:
            raise InvalidInput(f"{schema} entities cannot be created directly", field="schema")
        code = self._compartment(compartment)
        entity_id = seeded_entity_id(spec.prefix, self._rng) if self._rng else new_entity_id(spec.prefix)
        if entity_id in self._entities:  # 50 random bits: only a seeded rng run twice gets here
            raise Conflict(f"entity id {entity_id} was drawn twice in one load")
        now = self._now()
        self._entities[entity_id] = _EntityState(schema=spec, compartment=code, legal_status=None, new=True,
                                                 stored=False, created_at=now, updated_at=now)
        self._pending_entities.append(entity_id)
        return entity_id

    def claim(
        self,
        entity_id: str,
        prop: str,
        value: str,
        *,
        exhibit_id: str | None = None,
        locator: str | None = None,
        valid_from: str | None = None,
        valid_to: str | None = None,
        confidence: str = "medium",
        compartment: str | None = None,
    ) -> str:
        """A claim (as ``add_claim``); returns its id. An identical claim is stored once."""
        self.actor.require("registry.write")
        entity_key, state = self._entity(entity_id)
        spec = state.schema.properties.get(prop) or state.schema.prop(prop)  # .prop() raises
        cleaned = self._cache.clean(spec, value, region=self.region)
        if spec.type == "entity":
            self._check_reference(spec, cleaned.normalised)
        locator = clean_options(confidence=confidence, locator=locator, cites_exhibit=bool(exhibit_id))
        start = self._date(valid_from) if valid_from else None
        end = self._date(valid_to) if valid_to else None
        if start and end and end < start:
            raise InvalidInput("the validity window ends before it starts", field="valid_to")
        code = self._compartment(compartment)
        exhibit: str | None = None
        if exhibit_id:
            exhibit, exhibit_compartment = self._exhibit(exhibit_id)
            code = compartment_with_exhibit(code, exhibit_compartment)

        cid = claim_id(entity_key, spec.name, cleaned.normalised, exhibit, locator)
        if cid in self._claim_ids:
            self.totals.skipped += 1
            return cid
        self._claim_ids.add(cid)
        if not state.new:
            self._to_check[cid] = None
        now = self._now()
        self._claims.append((  # in the order of CLAIM_COLUMNS
            cid, entity_key, spec.name, cleaned.value, cleaned.normalised, cleaned.normalised[:200],
            cleaned.qualifiers, exhibit, locator, start, end, confidence, "asserted", code,
            self.actor.username, now,
        ))
        if spec.name in SEARCH_PROPS:
            # ``search.index_claim`` folds the value; a name's normalised form is that fold already.
            folded = cleaned.normalised if spec.type == "name" else fold(cleaned.value)
            self._names.append((cid, entity_key, code, folded))  # in the order of NAME_COLUMNS
        if spec.name in state.schema.caption:
            state.stored_caption = None  # recomputed from the claims from now on, as refresh_caption does
            if code is None or code == state.compartment:
                # Everyone who sees the entity sees its caption: only claims as open as it count.
                state.candidates.note(spec.name, cleaned.value, cleaned.qualifiers.get("script"))
        state.updated_at = now
        if state.stored:
            self._dirty[entity_key] = None
        if len(self._claims) >= self.batch_size:
            self.flush()
        return cid

    def _check_reference(self, spec: Property, target_id: str) -> None:
        """As ``values.check_reference``: a visible entity of the property's range."""
        target = self._entities.get(target_id) or self._load_entity(target_id)
        if target is None or not self.actor.cleared_for(target.compartment):
            raise NotFound(f"{spec.name}: no entity {target_id!r}", field="value")
        if spec.range and not model().is_a(target.schema.name, spec.range):
            raise InvalidInput(f"{spec.name} must refer to a {spec.range}, not a {target.schema.name}",
                               field="value")

    def exhibit(
        self,
        *,
        title: str,
        kind: str,
        sha256: str | None = None,
        description: str | None = None,
        compartment: str | None = None,
        now: datetime | None = None,
    ) -> str:
        """Register an exhibit (as ``register_exhibit``); returns its number, EXH-YYYY-NNNNNN."""
        self.actor.require("exhibit.write")
        title, sha256 = clean_exhibit_fields(title=title, kind=kind, sha256=sha256)
        if compartment is not None and (compartment not in self._known_compartments()
                                        or not self.actor.cleared_for(compartment)):
            raise NotFound(f"no compartment {compartment!r}", field="compartment")
        now = now or utcnow()
        number = f"EXH-{now.year}-{self._next_number(now.year):06d}"
        self._exhibits[number] = compartment
        self._exhibit_rows.append({
            "id": number, "title": title, "kind": kind, "description": description or None, "sha256": sha256,
            "compartment": compartment, "created_at": now, "created_by": self.actor.username,
        })
        return number

    def _next_number(self, year: int) -> int:
        """Gap-free numbers per year, as ``exhibits.next_number`` issues them, counted here and
        written back at each flush. The counter row stays locked until commit (PostgreSQL
        ``FOR UPDATE``; SQLite's ``BEGIN IMMEDIATE`` locks the database), so no other writer
        can take a number meanwhile; an exhibit registered through the service in this same
        transaction before the flush would clash, and the flush then refuses the load."""
        if year not in self._counters:
            last = self.session.scalar(
                select(ExhibitCounter.last).where(ExhibitCounter.year == year).with_for_update())
            if last is None:
                self.session.execute(insert(_TABLES[ExhibitCounter.__tablename__]).values(year=year, last=0))
                last = 0
            self._counters[year] = self._written_counters[year] = last
        self._counters[year] += 1
        return self._counters[year]

    def legal_status(
        self,
        entity_id: str,
        status: str,
        *,
        basis: str,
        exhibit_id: str | None = None,
        effective: str | None = None,
    ) -> None:
        """A change of legal status with its basis (as ``set_legal_status``)."""
        self.actor.require("legal_status.write")
        key, state = self._entity(entity_id)
        if not state.schema.legal_status:
            raise InvalidInput(f"a {state.schema.name} has no legal status", field="entity")
        status, basis = clean_status_change(status=status, basis=basis)
        if state.legal_status == status:
            raise Conflict(f"{key} is already {status}")
        exhibit = self._exhibit(exhibit_id)[0] if exhibit_id else None
        when = self._date(effective) if effective else None
        self._status_rows.append({"entity_id": key, "status": status, "basis": basis, "exhibit_id": exhibit,
                                  "effective": when, "author": self.actor.username, "at": self._now()})
        state.legal_status = status
        if state.stored:
            self._dirty[key] = None

    def proscribe(
        self, entity_id: str, *, law: str, notification_ref: str, date: str, exhibit_id: str | None = None
    ) -> None:
        """An organisation's proscription (as ``proscription.proscribe``)."""
        self.actor.require("proscription.write")
        key, _ = self._entity(entity_id, schema="Organization")
        law, ref = " ".join(law.split()), " ".join(notification_ref.split())
        if not law or not ref:
            raise InvalidInput("proscription needs the law and the notification reference", field="law")
        if len(law) > 200 or len(ref) > 200:
            raise InvalidInput("law and notification reference must be at most 200 characters", field="law")
        when = self._date(date)
        exhibit = self._exhibit(exhibit_id)[0] if exhibit_id else None
        self._proscription_rows.append({"entity_id": key, "law": law, "notification_ref": ref, "date": when,
                                        "exhibit_id": exhibit, "author": self.actor.username,
                                        "at": self._now()})

    # --- writing ------------------------------------------------------------------------

    def flush(self) -> BulkCounts:
        """Write what is pending, with one ``bulk.load`` audit event; returns what was written."""
        batch = BulkCounts()
        try:
            self._write(batch)
        except IntegrityError as err:
            # Another writer took an id or a number this load drew: refuse the whole load.
            message = (str(err.orig) if err.orig else str(err)).strip().splitlines()[0]
            raise Conflict(f"the bulk load clashes with stored records ({message})") from err
        if any(asdict(batch).values()):
            audit.record(self.session, self.actor, "bulk.load", detail=batch.as_dict())
            self.totals.add(batch)
            if self._on_flush is not None:
                self._on_flush(batch)
        return batch

    def finish(self) -> BulkCounts:
        """Write everything still pending; returns the totals of this loader."""
        self.flush()
        for statement in self._sqlite_restore:  # the pooled connection goes back to its usual setting
            self.session.connection().exec_driver_sql(statement)
        self._sqlite_restore = []
        return self.totals

    def _write(self, batch: BulkCounts) -> None:
        execute = self.session.execute
        if self._exhibit_rows:
            execute(insert(_TABLES[Exhibit.__tablename__]), self._exhibit_rows)
            for year, last in self._counters.items():
                if self._written_counters[year] != last:
                    execute(update(_TABLES[ExhibitCounter.__tablename__])
                            .where(ExhibitCounter.year == year).values(last=last))
                    self._written_counters[year] = last
            batch.exhibits, self._exhibit_rows = len(self._exhibit_rows), []
        if self._pending_entities:
            rows = []
            for entity_id in self._pending_entities:
                state = self._entities[entity_id]
                rows.append((entity_id, state.schema.name, state.caption(), state.compartment,
                             state.legal_status, state.created_at, self.actor.username,
                             state.updated_at))  # in the order of ENTITY_COLUMNS
                state.stored = True
            _ENTITY_ROWS.insert(self.session, rows)
            batch.entities, self._pending_entities = len(rows), []
        if self._to_check:
            self._drop_stored_claims(batch)
        if self._claims:
            # In entity order, SQLite's B-trees (entity index, foreign-key look-ups) are walked
            # forwards instead of at random: a quarter cheaper per row. Stored order means nothing.
            self._claims.sort(key=_BY_ENTITY_AND_PROP)
            _CLAIM_ROWS.insert(self.session, self._claims)
            batch.claims, self._claims = len(self._claims), []
        if self._names:
            self._names.sort(key=_BY_ENTITY)
            _NAME_ROWS.insert(self.session, self._names)
            batch.names, self._names = len(self._names), []
        if self._status_rows:
            execute(insert(_TABLES[LegalStatusChange.__tablename__]), self._status_rows)
            batch.legal_statuses, self._status_rows = len(self._status_rows), []
        if self._proscription_rows:
            execute(insert(_TABLES[Proscription.__tablename__]), self._proscription_rows)
            batch.proscriptions, self._proscription_rows = len(self._proscription_rows), []
        if self._dirty:
            changes = [{"b_id": entity_id, "b_caption": state.caption(), "b_status": state.legal_status,
                        "b_updated": state.updated_at}
                       for entity_id in self._dirty for state in (self._entities[entity_id],)]
            execute(update(_TABLES[Entity.__tablename__]).where(Entity.id == bindparam("b_id")).values(
                caption=bindparam("b_caption"), legal_status=bindparam("b_status"),
                updated_at=bindparam("b_updated")), changes)
            self._dirty = {}

    def _drop_stored_claims(self, batch: BulkCounts) -> None:
        """Claims on older entities may already be stored: keep those as they are (as
        ``add_claim`` does), and refuse to assert again one that was retracted."""
        ids = list(self._to_check)
        self._to_check = {}
        stored: dict[str, tuple[str, str | None]] = {}
        for start in range(0, len(ids), 1000):
            chunk = ids[start:start + 1000]
            for cid, status, reason in self.session.execute(
                select(Claim.id, Claim.status, Claim.retraction_reason).where(Claim.id.in_(chunk))
            ):
                stored[cid] = (status, reason)
        if not stored:
            return
        for cid, (status, reason) in stored.items():
            if status == "retracted":
                raise Conflict(f"this exact claim ({cid}) was retracted: {reason}; "
                               "cite other evidence or a different locator to assert it again")
        self._claims = [row for row in self._claims if row[0] not in stored]
        self._names = [row for row in self._names if row[0] not in stored]
        batch.skipped += len(stored)
        self.totals.skipped += len(stored)


