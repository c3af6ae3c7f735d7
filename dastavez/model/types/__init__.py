"""Property types: how each kind of value is checked, cleaned and normalised.

``TYPES`` maps a type name (as the schemata use it) to its one instance.
"""

from __future__ import annotations

from dastavez.exc import InvalidInput
from dastavez.model.types.base import Cleaned, PropertyType, TypeContext
from dastavez.model.types.country import CountryType
from dastavez.model.types.date import DateType
from dastavez.model.types.entity import EntityType
from dastavez.model.types.identifier import IdentifierType
from dastavez.model.types.name import NameType
from dastavez.model.types.phone import PhoneType
from dastavez.model.types.text import StringType, TextType
from dastavez.model.types.url import UrlType

__all__ = ["TYPES", "Cleaned", "PropertyType", "TypeContext", "get_type"]

TYPES: dict[str, PropertyType] = {
    ptype.name: ptype
    for ptype in (
        NameType(),
        DateType(),
        CountryType(),
        PhoneType(),
        IdentifierType(),
        TextType(),
        StringType(),
        EntityType(),
        UrlType(),
    )
}


def get_type(name: str) -> PropertyType:
    """The property type called ``name``; InvalidInput when there is none."""
    try:
        return TYPES[name]
    except (KeyError, TypeError):  # TypeError: an unhashable name from a malformed schema
        known = ", ".join(sorted(TYPES))
        raise InvalidInput(f"unknown property type {name!r}; known types: {known}", field="type") from None
