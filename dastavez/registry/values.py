"""Checking a claimed value against its property: type, closed value lists, references."""

from __future__ import annotations

from sqlalchemy.orm import Session

from dastavez.access.actor import Actor
from dastavez.exc import InvalidInput, NotFound
from dastavez.model.schema import Property, model
from dastavez.model.types import Cleaned, TypeContext, get_type
from dastavez.storage.tables import Entity


def clean_value(prop: Property, raw: str, *, region: str) -> Cleaned:
    if not isinstance(raw, str):
        raise InvalidInput(f"{prop.name}: value must be text", field="value")
    context = TypeContext(default_region=region, fmt=prop.format)
    cleaned = get_type(prop.type).clean(raw, context=context, field=prop.name)
    if prop.values:
        value = cleaned.value.lower()
        if value not in prop.values:
            raise InvalidInput(
                f"{prop.name} must be one of {', '.join(prop.values)}; got {raw!r}", field="value"
            )
        return Cleaned(value=value, normalised=value, qualifiers=cleaned.qualifiers)
    return cleaned


def check_reference(session: Session, actor: Actor, prop: Property, target_id: str) -> Entity:
    """An entity-typed value must name a visible entity of the property's range."""
    target = session.get(Entity, target_id)
    if target is None or not actor.cleared_for(target.compartment):
        raise NotFound(f"{prop.name}: no entity {target_id!r}", field="value")
    if prop.range and not model().is_a(target.schema, prop.range):
        raise InvalidInput(f"{prop.name} must refer to a {prop.range}, not a {target.schema}", field="value")
    return target
