"""Bulk import of persons and organisations from a sheet, with a column → property mapping.

The mapping is ``{column header: target}``. A target is

- a property of the schema (``name``, ``phone``, ``birthDate`` …): the cell is one value;
- ``prop[]``: the cell holds several values separated by ``;`` (``alias[]``: ``Ustad; Bhai``);
- ``id``: an existing entity's id; the row adds claims to it instead of creating one
  (an empty cell creates a new entity);
- ``legal_status`` (persons only): the legal status, recorded with the basis
  "Imported from <file name>";
- ``-``: the column is ignored.

Every column of the sheet must be mapped (to ``-`` at least), so that nothing is dropped
without a decision. Each row becomes one entity in a SAVEPOINT of its own: a bad row is
rolled back alone. Without ``skip_bad`` any bad row fails the whole import (the caller's
transaction rolls back, nothing is written); with it, bad rows are left out and reported.

Claims have deterministic ids, so importing the same rows into the same entities (an ``id``
column) adds nothing the second time; rows without an id always create new entities.
"""

from __future__ import annotations

import csv
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, TextIO

from sqlalchemy.orm import Session

from dastavez.access import audit
from dastavez.access.actor import Actor
from dastavez.evidence.exhibits import visible_exhibit
from dastavez.exc import DastavezError, InvalidInput
from dastavez.model.schema import Schema, model
from dastavez.registry.claims import add_claim
from dastavez.registry.entities import check_compartment, create_entity, visible_entity
from dastavez.registry.legal_status import set_legal_status
from dastavez.registry.sheets import Sheet, SheetRow
from dastavez.storage.tables import Entity

IMPORTABLE = ("Person", "Organization")
IGNORE = "-"
ID = "id"
LEGAL_STATUS = "legal_status"
MULTI = "[]"
SEPARATOR = ";"
MAX_ERRORS = 20  # without skip_bad, the import stops after this many bad rows
MAX_VALUES_PER_CELL = 50
MAX_SHOWN_VALUE = 200
REJECT_COLUMNS = ("line", "reason")


@dataclass(frozen=True)
class Target:
    column: str
    kind: str  # "prop", "id" or "legal_status"
    prop: str | None = None
    multi: bool = False


@dataclass(frozen=True)
class RowError:
    line: int
    column: str | None
    value: str | None
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return {"line": self.line, "column": self.column, "value": self.value, "reason": self.reason}


@dataclass
class ImportReport:
    file: str
    sha256: str
    rows: int = 0
    created: int = 0
    claims: int = 0
    skipped: int = 0
    errors: list[RowError] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"file": self.file, "sha256": self.sha256, "rows": self.rows, "created": self.created,
                "claims": self.claims, "skipped": self.skipped,
                "errors": [error.as_dict() for error in self.errors]}


class _RowFailed(Exception):
    """A row cannot be imported; carries where and why."""

    def __init__(self, reason: str, *, column: str | None = None, value: str | None = None):
        super().__init__(reason)
        self.reason, self.column, self.value = reason, column, value


def plan_mapping(schema: Schema, header: tuple[str, ...], mapping: Mapping[str, str]) -> list[Target]:
    """Check the mapping against the sheet and the schema; one Target per mapped column."""
    unknown = [column for column in mapping if column not in header]
    if unknown:
        raise InvalidInput(f"the mapping names column {unknown[0]!r}, which the sheet does not have; "
                           f"its columns are: {', '.join(header)}", field="mapping")
    unmapped = [column for column in header if column not in mapping]
    if unmapped:
        listed = ", ".join(repr(column) for column in unmapped)
        raise InvalidInput(f"column{'s' if len(unmapped) > 1 else ''} {listed} not mapped; map each to a "
                           f"property, or to '{IGNORE}' to ignore it", field="mapping")
    targets: list[Target] = []
    for column in header:
        target = _target(schema, column, str(mapping[column]).strip())
        if target is not None:
            targets.append(target)
    for kind in (ID, LEGAL_STATUS):
        columns = [t.column for t in targets if t.kind == kind]
        if len(columns) > 1:
            raise InvalidInput(f"only one column may map to {kind}; {', '.join(map(repr, columns))} do",
                               field="mapping")
    if not any(t.kind == ID or (t.kind == "prop" and t.prop in schema.caption) for t in targets):
        raise InvalidInput(f"map a column to {' or '.join(schema.caption)} (or to id, to add to existing "
                           "entities)", field="mapping")
    return targets


def _target(schema: Schema, column: str, target: str) -> Target | None:
    if target == IGNORE:
        return None
    multi = target.endswith(MULTI)
    name = target.removesuffix(MULTI).strip()
    if name in (ID, LEGAL_STATUS):
        if multi:
            raise InvalidInput(f"column {column!r}: {name} takes one value per row, not {target!r}",
                               field="mapping")
        if name == LEGAL_STATUS and not schema.legal_status:
            raise InvalidInput(f"column {column!r}: {schema.plural.lower()} have no legal status",
                               field="mapping")
        return Target(column=column, kind=name)
    try:
        prop = schema.prop(name)
    except InvalidInput as err:
        raise InvalidInput(f"column {column!r} maps to {target!r}: {err.detail}; or {ID}, {LEGAL_STATUS}, "
                           f"'{IGNORE}'", field="mapping") from None
    if prop.type == "entity":
        raise InvalidInput(f"column {column!r}: {prop.name} refers to other entities and cannot be imported "
                           "from a sheet", field="mapping")
    return Target(column=column, kind="prop", prop=prop.name, multi=multi)


def import_rows(
    session: Session,
    actor: Actor,
    *,
    schema: str,
    sheet: Sheet,
    mapping: Mapping[str, str],
    exhibit_id: str | None = None,
    compartment: str | None = None,
    skip_bad: bool = False,
    region: str,
) -> ImportReport:
    """Import every row of ``sheet``; raise InvalidInput (nothing written) on a bad row unless
    ``skip_bad``, when bad rows are left out and listed in the report's errors."""
    actor.require("registry.write")
    spec = model().get(schema)
    if spec.name not in IMPORTABLE:
        raise InvalidInput(f"only {' and '.join(IMPORTABLE)} can be imported from a sheet", field="schema")
    # Headers are NFC (see sheets); a mapping typed elsewhere may not be.
    mapping = {unicodedata.normalize("NFC", column.strip()): target for column, target in mapping.items()}
    targets = plan_mapping(spec, sheet.header, mapping)
    if any(t.kind == LEGAL_STATUS for t in targets):
        actor.require("legal_status.write")
    # Checked once here, not failed again on every row.
    code = check_compartment(session, actor, compartment)
    if exhibit_id:
        exhibit = visible_exhibit(session, actor, exhibit_id)
        exhibit_id = exhibit.id
        if code and exhibit.compartment and exhibit.compartment != code:
            raise InvalidInput(f"the exhibit is in compartment {exhibit.compartment}; import into that one",
                               field="compartment")
    if not sheet.rows:
        raise InvalidInput(f"the sheet has a header (line {sheet.header_line}) but no rows", field="file")

    report = ImportReport(file=sheet.name, sha256=sheet.sha256)
    importer = _RowImporter(session, actor, spec, targets, sheet, exhibit_id, code, region)
    for row in sheet.rows:
        report.rows += 1
        try:
            with session.begin_nested():
                created, claims = importer.row(row)
        except _RowFailed as failed:
            report.errors.append(RowError(line=row.line, column=failed.column,
                                          value=_short(failed.value), reason=failed.reason))
            if not skip_bad and len(report.errors) >= MAX_ERRORS:
                break
            continue
        report.created += created
        report.claims += claims
    if report.errors and not skip_bad:
        raise _all_or_nothing(report)
    report.skipped = len(report.errors)
    audit.record(session, actor, "import.sheet", target_type="file", target_id=sheet.sha256, compartment=code,
                 detail={"file": sheet.name, "sha256": sheet.sha256, "schema": spec.name,
                         "mapping": dict(mapping), "exhibit": exhibit_id, "rows": report.rows,
                         "created": report.created, "claims": report.claims, "skipped": report.skipped})
    return report


def _all_or_nothing(report: ImportReport) -> InvalidInput:
    first = report.errors[0]
    where = f"line {first.line}" + (f", column {first.column!r}" if first.column else "")
    count = (f"{MAX_ERRORS} or more rows failed (checking stopped there)" if len(report.errors) >= MAX_ERRORS
             else f"{len(report.errors)} of {report.rows} row{'s' if report.rows > 1 else ''} failed")
    return InvalidInput(f"{where}: {first.reason}; {count}; nothing was imported (skip bad rows to "
                        "import the others and get every bad row back)", field="file",
                        extra={"errors": [error.as_dict() for error in report.errors]})


def _short(value: str | None) -> str | None:
    if value is None or len(value) <= MAX_SHOWN_VALUE:
        return value
    return value[:MAX_SHOWN_VALUE] + "…"


class _RowImporter:
    """Turns one row into one entity (new, or named by the id column) and its claims."""

    def __init__(self, session: Session, actor: Actor, spec: Schema, targets: list[Target], sheet: Sheet,
                 exhibit_id: str | None, compartment: str | None, region: str):
        self.session, self.actor, self.spec, self.targets = session, actor, spec, targets
        self.index = {column: position for position, column in enumerate(sheet.header)}
        self.basis = f"Imported from {sheet.name}"
        self.exhibit_id, self.compartment, self.region = exhibit_id, compartment, region

    def row(self, row: SheetRow) -> tuple[int, int]:
        """(entities created, claims created) for ``row``; raises _RowFailed."""
        if row.extra:
            shown = ", ".join(repr(_short(cell)) for cell in row.extra[:3])
            raise _RowFailed(f"cells to the right of the last named column ({shown}); a stray delimiter?",
                             value=row.extra[0])
        values: list[tuple[Target, str]] = []
        entity_id = status = None
        for target in self.targets:
            cell = row.cells[self.index[target.column]]
            if target.kind == ID:
                entity_id = cell or None
            elif target.kind == LEGAL_STATUS:
                status = cell or None
            else:
                values += [(target, value) for value in self._split(target, cell)]
        entity, created = self._entity(entity_id, values)
        claims = 0
        for target, value in values:
            try:
                _, new = add_claim(self.session, self.actor, entity_id=entity.id, prop=str(target.prop),
                                   value=value, exhibit_id=self.exhibit_id,
                                   compartment=None if created else self.compartment, region=self.region)
            except DastavezError as err:
                raise _RowFailed(err.detail, column=target.column, value=value) from None
            claims += new
        if status is not None:
            self._legal_status(entity, status)
        return int(created), claims

    def _split(self, target: Target, cell: str) -> list[str]:
        if not cell:
            return []
        if not target.multi:
            return [cell]
        values = [part.strip() for part in cell.split(SEPARATOR) if part.strip()]
        if len(values) > MAX_VALUES_PER_CELL:
            raise _RowFailed(f"{len(values)} values in one cell; the limit is {MAX_VALUES_PER_CELL}",
                             column=target.column, value=cell)
        return values

    def _entity(self, entity_id: str | None, values: list[tuple[Target, str]]) -> tuple[Entity, bool]:
        if entity_id is not None:
            column = next(t.column for t in self.targets if t.kind == ID)
            try:
                return visible_entity(self.session, self.actor, entity_id, schema=self.spec.name), False
            except DastavezError as err:
                raise _RowFailed(err.detail, column=column, value=entity_id) from None
        if not any(target.prop in self.spec.caption for target, _ in values):
            needed = " or ".join(self.spec.caption)
            raise _RowFailed(f"no {needed}: a new {self.spec.label.lower()} needs one")
        # create_entity + add_claim is what records.create_with_claims does; done here one value
        # at a time so that an error names its column.
        entity = create_entity(self.session, self.actor, schema=self.spec.name, compartment=self.compartment)
        return entity, True

    def _legal_status(self, entity: Entity, status: str) -> None:
        column = next(t.column for t in self.targets if t.kind == LEGAL_STATUS)
        if entity.legal_status == status.strip().lower():
            return  # re-importing the same sheet records no second change
        try:
            set_legal_status(self.session, self.actor, entity_id=entity.id, status=status, basis=self.basis,
                             exhibit_id=self.exhibit_id)
        except DastavezError as err:
            raise _RowFailed(err.detail, column=column, value=status) from None


def write_rejects(sheet: Sheet, errors: list[RowError], stream: TextIO) -> int:
    """Write the rejected rows as CSV: the original columns, then ``line`` and ``reason``.

    A sheet that is itself a rejects file (fixed and imported again) keeps its two columns,
    refreshed, rather than gaining a second pair.
    """
    by_line = {error.line: error for error in errors}
    header = [*sheet.header, *(column for column in REJECT_COLUMNS if column not in sheet.header)]
    writer = csv.writer(stream)
    writer.writerow(header)
    written = 0
    for row in sheet.rows:
        error = by_line.get(row.line)
        if error is None:
            continue
        reason = f"column {error.column!r}: {error.reason}" if error.column else error.reason
        cells = sheet.record(row) | {"line": str(row.line), "reason": reason}
        writer.writerow([cells.get(column, "") for column in header])
        written += 1
    return written
