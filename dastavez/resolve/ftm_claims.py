"""One FtM value and one of its provenance records, checked as ``claims.add_claim`` checks a claim.

The FtM import plans every claim of a line here before it writes any, so that a line is
imported whole or not at all. The checks are the services' own (value cleaning, references,
``clean_options``, compartments, ``compartment_with_exhibit``), so the bulk loader that
writes the planned claims finds nothing more to refuse.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy.orm import Session

from dastavez.access.actor import Actor
from dastavez.exc import DastavezError, InvalidInput
from dastavez.model.schema import Property
from dastavez.model.types import TypeContext, get_type
from dastavez.registry.claims import clean_options, compartment_with_exhibit
from dastavez.registry.entities import check_compartment
from dastavez.registry.ids import claim_id
from dastavez.registry.value_cache import ValueCache
from dastavez.registry.values import check_reference
from dastavez.storage.tables import Exhibit

#: What a provenance record's status becomes here; ``live`` is the generic FtM word.
STATUSES = {"": "asserted", "live": "asserted", "asserted": "asserted", "corroborated": "corroborated",
            "disputed": "disputed", "retracted": None}
Record = Mapping[str, str | None]


class LineFailed(Exception):
    """A line cannot be imported; says why, and which property and value when one is to blame."""

    def __init__(self, reason: str, *, prop: str | None = None, value: str | None = None):
        super().__init__(reason)
        self.reason, self.prop, self.value = reason, prop, value


@dataclass(frozen=True)
class PlannedClaim:
    claim_id: str
    prop: str
    value: str  # as the loader is to receive it: the file's value, or the local id it refers to
    exhibit: str | None
    locator: str | None
    confidence: str
    valid_from: str | None
    valid_to: str | None
    compartment: str | None
    status: str
    note: str | None
    lost_exhibit: bool  # the record cites an exhibit this registry lacks or the importer may not see


class ClaimPlanner:
    def __init__(self, session: Session, actor: Actor, *, cache: ValueCache, region: str):
        self.session, self.actor, self.cache, self.region = session, actor, cache, region
        self._exhibits: dict[str, tuple[bool, str | None]] = {}  # id -> (usable here, compartment)
        self._compartments: dict[str, str | None] = {}
        self._may_cite = actor.can("exhibit.read")

    def plan(self, entity_id: str, prop: Property, value: str, record: Record, *,
             default_compartment: str | None) -> PlannedClaim | None:
        """The claim ``record`` makes of ``value``; None for a value retracted in the file.
        LineFailed when a check refuses it."""
        raw_status = (record.get("status") or "").strip().lower()
        if raw_status not in STATUSES:
            raise LineFailed(f"status must be asserted, corroborated, disputed or retracted, not "
                             f"{raw_status!r}", prop=prop.name, value=value)
        status = STATUSES[raw_status]
        if status is None:
            return None
        try:
            cleaned = self.cache.clean(prop, value, region=self.region)
            if prop.type == "entity":
                check_reference(self.session, self.actor, prop, cleaned.normalised)
            exhibit, exhibit_compartment, lost = self._exhibit(record.get("exhibit"))
            confidence = record.get("confidence") or "medium"
            locator = clean_options(confidence=confidence, locator=record.get("locator") if exhibit else None,
                                    cites_exhibit=exhibit is not None)
            valid_from, valid_to = record.get("valid_from") or None, record.get("valid_to") or None
            _check_window(valid_from, valid_to)
            marked = record.get("compartment")
            code = self._compartment(marked) if marked else default_compartment
            code = compartment_with_exhibit(code, exhibit_compartment)
        except DastavezError as err:
            raise LineFailed(err.detail, prop=prop.name, value=value) from None
        return PlannedClaim(
            claim_id=claim_id(entity_id, prop.name, cleaned.normalised, exhibit, locator),
            prop=prop.name, value=value, exhibit=exhibit, locator=locator, confidence=confidence,
            valid_from=valid_from, valid_to=valid_to, compartment=code, status=status,
            note=record.get("note") or None, lost_exhibit=lost,
        )

    def _exhibit(self, raw: str | None) -> tuple[str | None, str | None, bool]:
        """(exhibit id to cite, its compartment, whether a cited exhibit had to be dropped)."""
        if not raw or not raw.strip():
            return None, None, False
        key = raw.strip().upper()
        if key not in self._exhibits:
            row = self.session.get(Exhibit, key) if self._may_cite else None
            usable = row is not None and self.actor.cleared_for(row.compartment)
            self._exhibits[key] = (usable, row.compartment if usable and row is not None else None)
        usable, compartment = self._exhibits[key]
        return (key, compartment, False) if usable else (None, None, True)

    def _compartment(self, raw: str) -> str | None:
        if raw not in self._compartments:
            self._compartments[raw] = check_compartment(self.session, self.actor, raw)
        return self._compartments[raw]


def _check_window(raw_from: str | None, raw_to: str | None) -> None:
    """As ``claims.add_claim`` reads a validity window: dates, the end not before the start."""
    date = get_type("date")
    start = date.clean(raw_from, context=TypeContext(), field="valid_from").normalised if raw_from else None
    end = date.clean(raw_to, context=TypeContext(), field="valid_to").normalised if raw_to else None
    if start and end and end < start:
        raise InvalidInput("the validity window ends before it starts", field="valid_to")
