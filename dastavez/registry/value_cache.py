"""A cache of cleaned values for bulk loads, where names, dates and countries repeat."""

from __future__ import annotations

from dastavez.model.schema import Property
from dastavez.model.types import Cleaned
from dastavez.registry.values import clean_value

#: Types whose values name one thing each (a phone, a document): they seldom repeat in a load,
#: so they are cleaned every time rather than crowd the names and dates out of the cache.
_UNIQUE_TYPES = frozenset({"phone", "identifier"})


class ValueCache:
    """Cleaned values by (type, format, closed values, region, raw value).

    Names, dates and countries repeat across a load; share one cache between the loaders of
    a chunked load. It is emptied when full, so memory stays bounded when values are unique.
    """

    def __init__(self, max_entries: int = 400_000):
        self.max_entries = max_entries
        self._values: dict[tuple[str, str | None, tuple[str, ...], str, str], Cleaned] = {}
        self._qualifiers: dict[tuple[tuple[str, str], ...], dict[str, str]] = {}

    def clean(self, spec: Property, raw: str, *, region: str) -> Cleaned:
        key = (spec.type, spec.format, spec.values, region, raw)
        cleaned = self._values.get(key)
        if cleaned is None:
            cleaned = self._share_qualifiers(clean_value(spec, raw, region=region))
            if spec.type in _UNIQUE_TYPES:
                return cleaned
            if len(self._values) >= self.max_entries:
                self._values.clear()
            self._values[key] = cleaned
        return cleaned

    def _share_qualifiers(self, cleaned: Cleaned) -> Cleaned:
        """Equal qualifiers become one object, so a batch serialises each JSON text once."""
        if all(type(item) is str for item in cleaned.qualifiers.values()):
            shared = self._qualifiers.setdefault(tuple(cleaned.qualifiers.items()), cleaned.qualifiers)
            if shared is not cleaned.qualifiers:
                return Cleaned(cleaned.value, cleaned.normalised, shared)
        return cleaned
