"""The registry's live persons as model records (``dedupe_features.RECORD_SCHEMA``).

Only claims as open as their entity count: a claim with no compartment, or in the entity's
own compartment (the rule captions follow). Whoever may see both entities of a pair may then
see every value that made the pair, so a pair's explanation never shows a compartmented value
to someone not cleared for it. The price: a name or a date that only a compartmented source
gives about an open person does not help find that person's duplicates.

Retracted claims and entities merged into another (``merged_into``) are left out.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from dastavez.registry.entities import LIVE
from dastavez.resolve.dedupe_features import FEATURE_PROPS, RecordBuilder, records_table
from dastavez.storage.tables import Claim, Entity

PERSON = "Person"
BATCH = 10_000


@dataclass(frozen=True)
class Export:
    records: pa.Table
    compartments: dict[str, str | None]  # entity id -> its compartment


def export_persons(session: Session) -> Export:
    """Every live person with at least one feature claim, one record each."""
    statement = (
        select(Entity.id, Entity.compartment, Claim.prop, Claim.value, Claim.normalised)
        .join(Claim, Claim.entity_id == Entity.id)
        .where(
            Entity.schema == PERSON,
            Entity.merged_into.is_(None),
            Claim.prop.in_(FEATURE_PROPS),
            Claim.status.in_(LIVE),
            or_(Claim.compartment.is_(None), Claim.compartment == Entity.compartment),
        )
        .order_by(Entity.id, Claim.created_at, Claim.id)
        .execution_options(yield_per=BATCH)
    )
    rows: list[dict[str, object]] = []
    compartments: dict[str, str | None] = {}
    builder: RecordBuilder | None = None
    for entity_id, compartment, prop, value, normalised in session.execute(statement):
        if builder is None or builder.unique_id != entity_id:
            if builder is not None:
                rows.append(builder.build())
            builder = RecordBuilder(entity_id)
            compartments[entity_id] = compartment
        builder.add(prop, value, normalised)
    if builder is not None:
        rows.append(builder.build())
    return Export(records=records_table(rows), compartments=compartments)
