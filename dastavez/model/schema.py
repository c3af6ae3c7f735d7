"""Entity schemata, declared in ``dastavez/schema/*.yaml`` and loaded into typed objects.

The shapes and property names follow FollowTheMoney, so entities round-trip as FtM JSON;
properties we add are marked ``ftm: false`` in the YAML.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from dastavez.exc import InvalidInput

SCHEMA_DIR = Path(__file__).resolve().parent.parent / "schema"


@dataclass(frozen=True)
class Property:
    name: str
    label: str
    type: str
    schema: str
    range: str | None = None  # for entity references: the schema the target must be (or extend)
    values: tuple[str, ...] = ()  # a closed list of allowed values, if any
    format: str | None = None  # a hint for the type (e.g. "passport")
    ftm: bool = True


@dataclass(frozen=True)
class Schema:
    name: str
    label: str
    plural: str
    abstract: bool
    prefix: str | None
    extends: tuple[str, ...]
    caption: tuple[str, ...]
    legal_status: bool
    edge: dict[str, str]
    properties: dict[str, Property] = field(default_factory=dict)

    def prop(self, name: str) -> Property:
        try:
            return self.properties[name]
        except KeyError:
            known = ", ".join(sorted(self.properties))
            raise InvalidInput(
                f"{self.name} has no property {name!r}; known: {known}", field="prop"
            ) from None


class Model:
    """All schemata, with inheritance resolved."""

    def __init__(self, raw: dict[str, dict[str, Any]]):
        self._raw = raw
        self.schemata: dict[str, Schema] = {}
        for name in raw:
            self._build(name)

    def _ancestors(self, name: str) -> list[str]:
        order: list[str] = []
        for parent in self._raw[name].get("extends", []):
            if parent not in self._raw:
                raise ValueError(f"schema {name} extends unknown schema {parent}")
            for ancestor in [*self._ancestors(parent), parent]:
                if ancestor not in order:
                    order.append(ancestor)
        return order

    def _build(self, name: str) -> Schema:
        if name in self.schemata:
            return self.schemata[name]
        spec = self._raw[name]
        properties: dict[str, Property] = {}
        for owner in [*self._ancestors(name), name]:
            for prop_name, prop in (self._raw[owner].get("properties") or {}).items():
                properties[prop_name] = Property(
                    name=prop_name,
                    label=prop["label"],
                    type=prop["type"],
                    schema=owner,
                    range=prop.get("range"),
                    values=tuple(prop.get("values", ())),
                    format=prop.get("format"),
                    ftm=prop.get("ftm", True),
                )
        schema = Schema(
            name=name,
            label=spec.get("label", name),
            plural=spec.get("plural", spec.get("label", name) + "s"),
            abstract=bool(spec.get("abstract", False)),
            prefix=spec.get("prefix"),
            extends=tuple(self._ancestors(name)),
            caption=tuple(spec.get("caption", ["name"])),
            legal_status=bool(spec.get("legal_status", False)),
            edge=dict(spec.get("edge") or {}),
            properties=properties,
        )
        self.schemata[name] = schema
        return schema

    def get(self, name: str) -> Schema:
        schema = self.schemata.get(name)
        if schema is None or schema.abstract:
            known = ", ".join(sorted(s.name for s in self.schemata.values() if not s.abstract))
            raise InvalidInput(f"unknown schema {name!r}; known: {known}", field="schema")
        return schema

    def is_a(self, schema: str, ancestor: str) -> bool:
        return schema == ancestor or ancestor in self.schemata[schema].extends

    def by_prefix(self, entity_id: str) -> Schema | None:
        prefix = entity_id.split("-", 1)[0]
        for schema in self.schemata.values():
            if schema.prefix == prefix:
                return schema
        return None

    @property
    def concrete(self) -> list[Schema]:
        return [s for s in self.schemata.values() if not s.abstract]


@cache
def model() -> Model:
    raw: dict[str, dict[str, Any]] = {}
    for path in sorted(SCHEMA_DIR.glob("*.yaml")):
        raw.update(yaml.safe_load(path.read_text(encoding="utf-8")))
    return Model(raw)
