"""FollowTheMoney JSON lines into the registry: each entity an entity, each value a claim.

- **Ids.** An entity keeps its id when it is a dastavez id of its schema (``PER-…``) and
  free here. If that id is already here, visible and of the same schema, it is the same
  entity (exported from here, or imported before): its values are added to it. Any other
  id (a foreign one, a hidden or clashing one) gets a new id, and every reference to it in
  the file (``member``, ``organization`` …) is rewritten to match. Lines of one id are
  fragments of one entity.
- **Values.** Each value passes the checks of ``claims.add_claim`` (type, closed lists,
  references, compartments). Each provenance record of a value becomes one claim with its
  exhibit, locator, status, confidence, validity and compartment; a value without one
  becomes one unsupported claim. An exhibit this registry lacks, or the importer may not
  see, is dropped with its locator: the claim is imported unsupported and counted in
  ``unsupported``. Values marked retracted in the file are not imported.
- **Compartments** travel with the data: an entity or claim marked with a compartment goes
  into that compartment here, which must exist and the importer be cleared for; it is never
  opened to everyone.
- **Re-importing** adds nothing: claim ids are derived from entity, property, value and
  source, and a claim already here (live or retracted) is left as it is (``existing``).
- **Unknown** schemata and properties are counted (``unknown``) and left out; a value that
  fails its checks is an error naming its line. Without ``skip_bad`` any error fails the
  whole file (nothing is written); with it, the lines in error are left out and listed.
  A line that is not FtM JSON fails the whole file either way.

Entities are created through ``entities.create_entity`` (audited each); claims are written
by the bulk loader, whose checks each value has passed here first, so a line is offered
whole or not at all. One ``import.ftm`` audit event records the file and the counts.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from dastavez.access import audit
from dastavez.access.actor import Actor
from dastavez.exc import DastavezError, InvalidInput
from dastavez.model.schema import Property, Schema, model
from dastavez.registry.bulk import BulkLoader
from dastavez.registry.claims import set_claim_status
from dastavez.registry.entities import check_compartment, create_entity, is_entity_id
from dastavez.registry.ids import new_entity_id
from dastavez.registry.value_cache import ValueCache
from dastavez.resolve.ftm_claims import ClaimPlanner, LineFailed, PlannedClaim, Record
from dastavez.resolve.lists import FtmEntity, read_ftm_entities
from dastavez.storage.tables import Claim, Entity

MAX_ERRORS = 20  # without skip_bad, checking stops after this many bad lines
MAX_LISTED_ERRORS = 1000  # with skip_bad, the report lists this many; the count has them all
MAX_SHOWN_VALUE = 200
COUNTS = ("file", "sha256", "lines", "entities", "matched", "remapped", "claims", "existing", "unsupported",
          "skipped", "ignored")
_MAX_MERGE_CHAIN = 50


@dataclass(frozen=True)
class LineError:
    line: int
    entity: str
    prop: str | None
    value: str | None
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return {"line": self.line, "entity": self.entity, "prop": self.prop, "value": self.value,
                "reason": self.reason}


@dataclass
class FtmImportReport:
    """What an import did. ``entities`` were created, ``matched`` lines named an entity
    already here, ``remapped`` entities got a new id; ``claims`` were created, ``existing``
    were here already; ``unsupported`` claims lost an exhibit this registry lacks;
    ``skipped`` lines and ``ignored`` values were left out; ``unknown`` counts the lines
    of each unknown schema and the values of each unknown property."""

    file: str
    sha256: str
    lines: int = 0
    entities: int = 0
    matched: int = 0
    remapped: int = 0
    claims: int = 0
    existing: int = 0
    unsupported: int = 0
    skipped: int = 0
    ignored: int = 0
    unknown: Counter[str] = field(default_factory=Counter)
    errors: list[LineError] = field(default_factory=list)
    error_count: int = 0

    def as_dict(self) -> dict[str, Any]:
        counts = {key: getattr(self, key) for key in COUNTS}
        return counts | {"unknown": dict(sorted(self.unknown.items())),
                         "errors": [error.as_dict() for error in self.errors]}


@dataclass
class _Deferred:
    entity: FtmEntity
    spec: Schema
    targets: frozenset[str]


class _Importer:
    def __init__(self, session: Session, actor: Actor, report: FtmImportReport, *, skip_bad: bool,
                 region: str):
        self.session, self.actor, self.report, self.skip_bad = session, actor, report, skip_bad
        cache = ValueCache()  # shared: the loader finds every value already cleaned
        self.loader = BulkLoader(session, actor, region=region, cache=cache)
        self.planner = ClaimPlanner(session, actor, cache=cache, region=region)
        self.ids: dict[str, str] = {}  # file id -> local id, for lines imported
        self.schemata: dict[str, str] = {}  # file id -> schema, for lines imported
        self.compartments: dict[str, str | None] = {}  # local id -> its compartment, for lines imported
        self.failed: dict[str, int] = {}  # file id -> line, for lines left out
        self.created: set[str] = set()  # local ids created by this import: none of their claims is stored
        self.offered: set[str] = set()  # claim ids offered to the loader
        self.statuses: list[tuple[str, str, str]] = []  # (claim id, status, note) to set after loading
        self.deferred: list[_Deferred] = []
        self.entity_props = {s.name: [p for p in s.properties.values() if p.type == "entity"]
                             for s in model().concrete}

    # --- lines ----------------------------------------------------------------------------

    def take(self, entity: FtmEntity) -> None:
        self.report.lines += 1
        spec = model().schemata.get(entity.schema)
        if spec is None or spec.abstract or spec.prefix is None:
            self.report.unknown[entity.schema] += 1
            self.report.skipped += 1
            return
        targets = frozenset(value.strip() for prop in self.entity_props[spec.name]
                            for value in entity.properties.get(prop.name, ()))
        if any(target not in self.ids and target not in self.failed for target in targets):
            # It points at an entity not imported yet: later in the file, or already here.
            self.deferred.append(_Deferred(entity, spec, targets))
            return
        self._import_line(entity, spec)

    def drain(self) -> None:
        """The lines that pointed forward, each after the lines it points at."""
        pending = self.deferred
        self.deferred = []
        while pending:
            waiting = {item.entity.id for item in pending}
            ready: list[_Deferred] = []
            blocked: list[_Deferred] = []
            for item in pending:
                (blocked if (item.targets & waiting) - {item.entity.id} else ready).append(item)
            if not ready:
                for item in blocked:
                    self._fail(item.entity, LineFailed("it refers to entities of this file that refer back "
                                                       "to it in a circle"))
                return
            for item in ready:
                self._import_line(item.entity, item.spec)
            pending = blocked

    def _import_line(self, entity: FtmEntity, spec: Schema) -> None:
        try:
            local_id, new, compartment, claim_compartment = self._local(entity, spec)
            planned, unknown, ignored = self._plan(entity, spec, local_id, claim_compartment)
            fresh = self._fresh(planned, stored=not new and local_id not in self.created)
        except LineFailed as failed:
            self._fail(entity, failed)
            return
        if new:
            create_entity(self.session, self.actor, schema=spec.name, compartment=compartment,
                          entity_id=local_id)
            self.created.add(local_id)
            self.report.entities += 1
            self.report.remapped += local_id != entity.id
        elif entity.id not in self.ids:
            self.report.matched += 1
        self.ids[entity.id], self.schemata[entity.id] = local_id, spec.name
        self.compartments[local_id] = compartment
        self.report.unknown.update(unknown)
        self.report.ignored += ignored + sum(unknown.values())
        self.report.existing += len(planned) - len(fresh)
        for claim in fresh:
            self._offer(local_id, claim)

    def _local(self, entity: FtmEntity, spec: Schema) -> tuple[str, bool, str | None, str | None]:
        """(local id, whether to create it, its compartment, the compartment of claims that give none)."""
        marked = entity.extra.get("compartment")
        if marked is not None and not isinstance(marked, str):
            raise LineFailed("compartment must be text")
        try:
            code = check_compartment(self.session, self.actor, marked)
        except DastavezError as err:
            raise LineFailed(err.detail) from None
        if entity.id in self.ids:  # a further fragment of an entity of this file
            if self.schemata[entity.id] != spec.name:
                raise LineFailed(f"entity {entity.id} was a {self.schemata[entity.id]} on an earlier line")
            local_id = self.ids[entity.id]
            here_code = self.compartments[local_id]
            return local_id, False, here_code, code if code != here_code else None
        if is_entity_id(entity.id, spec.prefix or ""):
            here = self.session.get(Entity, entity.id)
            if here is None:
                return entity.id, True, code, None
            if self.actor.cleared_for(here.compartment) and here.schema == spec.name:
                here = self._survivor(here)
                # Claims the file kept in a compartment stay there, whatever the entity here is in.
                return here.id, False, here.compartment, code if code != here.compartment else None
        return new_entity_id(spec.prefix or ""), True, code, None

    def _survivor(self, entity: Entity) -> Entity:
        """The entity ``entity`` is merged into (if it is), when the importer may see that one."""
        current = entity
        for _ in range(_MAX_MERGE_CHAIN):
            if current.merged_into is None:
                break
            target = self.session.get(Entity, current.merged_into)
            if target is None or not self.actor.cleared_for(target.compartment):
                break
            current = target
        return current

    def _plan(self, entity: FtmEntity, spec: Schema, local_id: str,
              claim_compartment: str | None) -> tuple[list[PlannedClaim], Counter[str], int]:
        planned: list[PlannedClaim] = []
        unknown: Counter[str] = Counter()
        ignored = 0
        for prop, values in entity.properties.items():
            pspec = spec.properties.get(prop)
            if pspec is None:
                unknown[f"{spec.name}.{prop}"] += len(values)
                continue
            for value, record in _statements(values, entity.provenance.get(prop, ())):
                claim = self.planner.plan(local_id, pspec, self._target(pspec, value), record,
                                          default_compartment=claim_compartment)
                if claim is None:
                    ignored += 1
                else:
                    planned.append(claim)
        return planned, unknown, ignored

    def _target(self, pspec: Property, value: str) -> str:
        """The value to claim: for a reference to an entity of this file, its local id."""
        if pspec.type != "entity":
            return value
        target = value.strip()
        if target in self.ids:
            return self.ids[target]
        if target in self.failed:
            raise LineFailed(f"it refers to {target} (line {self.failed[target]}), which was left out",
                             prop=pspec.name, value=value)
        return value

    def _fresh(self, planned: list[PlannedClaim], *, stored: bool) -> list[PlannedClaim]:
        """The planned claims neither offered already nor stored here (live or retracted)."""
        unique = {claim.claim_id: claim for claim in planned}
        fresh = [claim for claim in unique.values() if claim.claim_id not in self.offered]
        if stored and fresh:
            ids = [claim.claim_id for claim in fresh]
            here = set(self.session.scalars(select(Claim.id).where(Claim.id.in_(ids))))
            fresh = [claim for claim in fresh if claim.claim_id not in here]
        return fresh

    def _offer(self, local_id: str, claim: PlannedClaim) -> None:
        made = self.loader.claim(local_id, claim.prop, claim.value, exhibit_id=claim.exhibit,
                                 locator=claim.locator, valid_from=claim.valid_from, valid_to=claim.valid_to,
                                 confidence=claim.confidence, compartment=claim.compartment)
        if made != claim.claim_id:  # the checks here and the loader's disagree: a bug, not bad input
            raise RuntimeError(f"claim id {made} offered as {claim.claim_id}")
        self.offered.add(made)
        self.report.claims += 1
        self.report.unsupported += claim.lost_exhibit
        if claim.status != "asserted":
            self.statuses.append((made, claim.status, claim.note or f"{claim.status} in {self.report.file}"))

    def _fail(self, entity: FtmEntity, failed: LineFailed) -> None:
        self.failed.setdefault(entity.id, entity.line)
        self.report.error_count += 1
        self.report.skipped += 1
        if len(self.report.errors) < MAX_LISTED_ERRORS:
            self.report.errors.append(LineError(line=entity.line, entity=entity.id, prop=failed.prop,
                                                value=_short(failed.value), reason=failed.reason))

    @property
    def must_stop(self) -> bool:
        return not self.skip_bad and self.report.error_count >= MAX_ERRORS

    def finish(self) -> None:
        self.loader.finish()
        for claim_id, status, note in self.statuses:
            set_claim_status(self.session, self.actor, claim_id=claim_id, status=status, note=note)


def import_ftm(
    session: Session,
    actor: Actor,
    lines: Iterable[str],
    *,
    file: str,
    sha256: Callable[[], str],
    skip_bad: bool = False,
    region: str = "PK",
) -> FtmImportReport:
    """Import the FtM entities of ``lines`` into the registry (see the module docstring).

    ``sha256`` gives the file's digest once ``lines`` has been read (see
    :class:`~dastavez.resolve.ftm_source.HashedLines`). InvalidInput, with every bad line in
    its ``extra``, when a line fails and not ``skip_bad``: the caller's transaction then
    rolls back and nothing is written.
    """
    actor.require("registry.write")
    report = FtmImportReport(file=file, sha256="")
    importer = _Importer(session, actor, report, skip_bad=skip_bad, region=region)
    for entity in read_ftm_entities(lines):
        importer.take(entity)
        if importer.must_stop:
            break
    if not importer.must_stop:
        importer.drain()
    report.sha256 = sha256()
    if report.error_count and not skip_bad:
        raise _all_or_nothing(report)
    if report.lines == 0:
        raise InvalidInput(f"{file} holds no FtM entities", field="file")
    if report.entities + report.matched == 0:
        errors = [error.as_dict() for error in report.errors]
        raise InvalidInput(_nothing_imported(report), field="file",
                           extra={"unknown": dict(report.unknown), "errors": errors})
    importer.finish()
    audit.record(session, actor, "import.ftm", target_type="file", target_id=report.sha256,
                 detail={key: value for key, value in report.as_dict().items() if key != "errors"}
                 | {"errors": report.error_count})
    return report


def _statements(values: list[str], records: Iterable[Record]) -> list[tuple[str, Record]]:
    """(value, provenance record) for each claim to make: the records in their order (the order
    the claims were made, in an export), then a record-less claim for each value without one."""
    given = set(values)
    statements = [(str(record["value"]), record) for record in records if record.get("value") in given]
    sourced = {value for value, _ in statements}
    return statements + [(value, {}) for value in dict.fromkeys(values) if value not in sourced]


def _all_or_nothing(report: FtmImportReport) -> InvalidInput:
    first = report.errors[0]
    where = f"line {first.line}" + (f", {first.prop}" if first.prop else "")
    count = (f"{MAX_ERRORS} or more lines failed (checking stopped there)" if report.error_count >= MAX_ERRORS
             else f"{report.error_count} of {report.lines} line{'s' if report.lines > 1 else ''} failed")
    return InvalidInput(f"{where}: {first.reason}; {count}; nothing was imported (skip bad lines to import "
                        "the others and get every bad line back)", field="file",
                        extra={"errors": [error.as_dict() for error in report.errors]})


def _nothing_imported(report: FtmImportReport) -> str:
    schemata = sorted(name for name in report.unknown if "." not in name)
    reasons = []
    if schemata:
        reasons.append(f"schemata unknown here: {', '.join(schemata)}")
    if report.error_count:
        reasons.append(f"{report.error_count} line{'s' if report.error_count > 1 else ''} in error")
    return f"nothing in {report.file} could be imported ({'; '.join(reasons) or 'no entities'})"


def _short(value: str | None) -> str | None:
    if value is None or len(value) <= MAX_SHOWN_VALUE:
        return value
    return value[:MAX_SHOWN_VALUE] + "…"
