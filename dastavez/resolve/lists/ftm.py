"""FollowTheMoney JSON lines: read them (as FtM entities or as reference entries), write them.

One line, one entity: ``{"id": ..., "schema": "Person", "properties": {"name": [...], ...}}``,
as Aleph, OpenSanctions and yente exchange them. Top-level keys other than ``id``,
``schema``, ``properties``, ``caption`` and ``provenance`` (``datasets``, ``referents``,
``first_seen`` ...) are kept as they are in :attr:`FtmEntity.extra`.

**Provenance** is this project's extension, written by :func:`to_ftm_line` and read back by
:func:`read_ftm_entities`; FtM tools ignore top-level keys they do not know. It says, per
property and value, where the value comes from::

    "provenance": {"birthDate": [{"value": "1981", "exhibit": "EXH-12", "locator": "p. 3",
                                  "status": "live", "claim": "CLM-9"}]}

Each record has the ``value`` it speaks for (one of the property's values) and text or
null for the rest; the registry writes ``exhibit``, ``locator``, ``status`` and ``claim``.
A value with no record, or with ``"exhibit": null``, has no source: it is *unsupported*.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from dastavez.resolve.lists.cleaning import clean_text, partial_date
from dastavez.resolve.lists.draft import EntryDraft
from dastavez.resolve.lists.entry import ReferenceEntry
from dastavez.resolve.lists.errors import ListFormatError

Provenance = dict[str, list[dict[str, str | None]]]
_OWN_KEYS = frozenset({"id", "schema", "properties", "caption", "provenance"})
_ALIASES = {"alias": "good", "weakAlias": "low", "previousName": "former"}
# FtM's identifier-typed properties of legal entities, people and organisations.
_IDENTIFIERS = (
    "passportNumber", "idNumber", "taxNumber", "socialSecurityNumber", "registrationNumber", "innCode",
    "ogrnCode", "okpoCode", "vatCode", "leiCode", "dunsCode", "swiftBic", "bikCode", "icijId", "bvdId",
    "uniqueEntityId", "npiCode", "permId", "imoNumber",
)
# The countries that stand for nationality: a person's own, a legal entity's ties.
_PERSON_COUNTRIES = ("nationality", "citizenship")
_ORGANISATION_COUNTRIES = ("country", "jurisdiction", "mainCountry")
_ORGANISATION_SCHEMATA = frozenset({"Organization", "Company", "LegalEntity", "PublicBody"})
# U+0085 and the Unicode line and paragraph separators end a line for str.splitlines();
# JSON allows them raw inside strings, so they are escaped to keep one entity to a line.
_LINE_BREAKING = str.maketrans({"\x85": "\\u0085", "\u2028": "\\u2028", "\u2029": "\\u2029"})


@dataclass(frozen=True)
class FtmEntity:
    """One FtM entity exactly as its line gives it (values not cleaned)."""

    id: str
    schema: str
    properties: dict[str, list[str]]
    caption: str | None = None
    provenance: Provenance = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)
    line: int = 0


def read_ftm_entities(lines: Iterable[str]) -> Iterator[FtmEntity]:
    """Each entity in ``lines`` (a file opened as text will do); blank lines are skipped.
    ListFormatError naming the line for anything that is not an FtM entity."""
    for number, line in enumerate(lines, start=1):
        if not isinstance(line, str):
            raise ListFormatError(f"line {number}: expected text, got {type(line).__name__}")
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except json.JSONDecodeError as err:
            raise ListFormatError(f"line {number}: not JSON: {err.msg} (column {err.colno})") from None
        except RecursionError:
            raise ListFormatError(f"line {number}: JSON nested too deeply") from None
        yield _entity(data, number)


def _entity(data: object, number: int) -> FtmEntity:
    def fail(reason: str) -> ListFormatError:
        return ListFormatError(f"line {number}: {reason}")

    if not isinstance(data, dict):
        raise fail("an FtM entity must be a JSON object")
    entity_id, schema, caption = data.get("id"), data.get("schema"), data.get("caption")
    if not isinstance(entity_id, str) or not entity_id.strip():
        raise fail("the entity has no id")
    if not isinstance(schema, str) or not schema.isidentifier():
        raise fail(f"entity {entity_id}: schema must be an FtM schema name such as Person")
    if caption is not None and not isinstance(caption, str):
        raise fail(f"entity {entity_id}: caption must be text")
    properties = data.get("properties", {})
    if not _is_properties(properties):
        raise fail(f"entity {entity_id}: properties must map each property name to a list of text")
    provenance = data.get("provenance", {})
    if not _is_provenance(provenance):
        raise fail(f"entity {entity_id}: provenance must map property names to lists of records with a value")
    extra = {key: value for key, value in data.items() if key not in _OWN_KEYS}
    return FtmEntity(entity_id, schema, properties, caption, provenance, extra, number)


def _is_properties(value: object) -> bool:
    return isinstance(value, dict) and all(
        isinstance(prop, str) and isinstance(values, list) and all(isinstance(item, str) for item in values)
        for prop, values in value.items()
    )


def _is_provenance(value: object) -> bool:
    return isinstance(value, dict) and all(
        isinstance(records, list)
        and all(
            isinstance(record, dict)
            and isinstance(record.get("value"), str)
            and all(isinstance(item, str) or item is None for item in record.values())
            for record in records
        )
        for records in value.values()
    )


def parse_ftm_lines(lines: Iterable[str], *, source: str = "ftm") -> Iterator[ReferenceEntry]:
    """Each FtM entity in ``lines`` as a reference entry (see :mod:`.entry` for the mapping)."""
    for entity in read_ftm_entities(lines):
        yield reference_entry(entity, source=source)


def reference_entry(entity: FtmEntity, *, source: str = "ftm") -> ReferenceEntry:
    """Names, dates, countries, identifiers, phones and addresses into their fields; the
    other properties as they are; ``datasets``, ``referents`` and the like as ``ftm:...``."""
    draft = EntryDraft(source=source, external_id=entity.id, schema=entity.schema)
    props = entity.properties
    draft.caption = entity.caption or ""
    used = {"name", *_ALIASES, "birthDate", "birthPlace", "phone", "address", *_IDENTIFIERS}
    for name in props.get("name") or _composed_names(props):
        draft.add_name(name)
    for prop, quality in _ALIASES.items():
        for alias in props.get(prop, []):
            draft.add_alias(alias, quality=quality)
    for value in props.get("birthDate", []):
        if (iso := partial_date(value)) is not None:
            draft.add_birth_date(iso)
        else:
            draft.add("ftm:birthDate", value)
    countries = _countries_for(entity.schema)
    used.update(countries)
    for prop in countries:
        for value in props.get(prop, []):
            draft.add_country(value, prop="nationality", unresolved_key=f"ftm:{prop}")
    for prop in _IDENTIFIERS:
        for value in props.get(prop, []):
            draft.add_identifier(prop, value)
    for value in props.get("birthPlace", []):
        draft.add_birth_place(value)
    for value in props.get("phone", []):
        draft.add_phone(value)
    for value in props.get("address", []):
        draft.add_address(value)
    urls = props.get("sourceUrl", [])
    draft.raw_url = clean_text(urls[0]) if urls else None
    for prop, values in props.items():
        if prop == "sourceUrl":
            values = values[1:]  # the first is raw_url
        elif prop in used:
            continue
        for value in values:
            draft.add(prop, value)
    _extra(draft, entity.extra)
    return draft.build()


def _countries_for(schema: str) -> tuple[str, ...]:
    if schema == "Person":
        return _PERSON_COUNTRIES
    return _ORGANISATION_COUNTRIES if schema in _ORGANISATION_SCHEMATA else ()


def _composed_names(props: Mapping[str, list[str]]) -> list[str]:
    """``firstName lastName``, each with each, when an entity gives name parts but no name."""
    names = []
    for first in props.get("firstName") or [""]:
        for last in props.get("lastName") or [""]:
            if name := " ".join(part for part in (first, last) if part):
                names.append(name)
    return names


def _extra(draft: EntryDraft, extra: Mapping[str, Any]) -> None:
    datasets = extra.get("datasets")
    if isinstance(datasets, list):
        draft.programme = ", ".join(item for item in datasets if isinstance(item, str))
    if isinstance(extra.get("first_seen"), str):
        draft.listed_on = partial_date(extra["first_seen"])
    for key, value in extra.items():
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, bool):
                draft.add(f"ftm:{key}", "true" if item else "false")
            elif isinstance(item, str | int | float):
                draft.add(f"ftm:{key}", item)


def to_ftm_line(
    entity_id: str,
    schema: str,
    properties: Mapping[str, Sequence[str]],
    *,
    provenance: Mapping[str, Sequence[Mapping[str, str | None]]] | None = None,
) -> str:
    """One compact FtM JSON object, without a line break, for ``entity_id``.

    Properties come out sorted by name, each value list in the order given, properties
    without values left out. ``provenance`` (see the module docstring) may only speak for
    values the entity has. ListFormatError for anything FtM could not read back.
    """
    if not isinstance(entity_id, str) or not entity_id.strip():
        raise ListFormatError("an FtM entity needs an id")
    if not isinstance(schema, str) or not schema.isidentifier():
        raise ListFormatError(f"entity {entity_id}: {schema!r} is not an FtM schema name")
    body: dict[str, Any] = {"id": entity_id, "schema": schema, "properties": {}}
    for prop in sorted(properties):
        if isinstance(properties[prop], str):  # a str is a Sequence[str]: it would become letters
            raise ListFormatError(f"entity {entity_id}: the values of {prop} must be a list, not one text")
        values = list(properties[prop])
        if not all(isinstance(value, str) for value in values):
            raise ListFormatError(f"entity {entity_id}: the values of {prop} must be text")
        if values:
            body["properties"][prop] = values
    if provenance:
        body["provenance"] = _provenance(entity_id, body["properties"], provenance)
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).translate(_LINE_BREAKING)


def _provenance(
    entity_id: str,
    properties: Mapping[str, list[str]],
    provenance: Mapping[str, Sequence[Mapping[str, str | None]]],
) -> Provenance:
    written: Provenance = {}
    for prop in sorted(provenance):
        for record in provenance[prop]:
            where = f"entity {entity_id}: provenance for {prop}"
            if record.get("value") not in properties.get(prop, []):
                raise ListFormatError(f"{where} names a value the entity does not have")
            if not all(isinstance(item, str) or item is None for item in record.values()):
                raise ListFormatError(f"{where} must be text or null")
            written.setdefault(prop, []).append({key: record[key] for key in sorted(record)})
    return written
