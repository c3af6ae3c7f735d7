"""The UN Security Council's XML schema for its Consolidated List, and validation against it.

``un-sc-sanctions.xsd`` beside this module is the UN's published schema, byte for byte (a
test compares it with the copy in the shared reference data). The list the UN publishes
does not quite follow it: the list of 27 February 2026 breaks it in 46 places, all of one
of the five kinds below. Rejecting the UN's own list would make the import useless, and
dropping validation would let anything through, so the bundled schema is loaded with these
five amendments, each only *widening* one content model; every other rule (required
elements, order, dates, year ranges, the root and its ``dateGenerated``) stays as published.

1. ``INDIVIDUAL_ADDRESS``: ``COUNTRY`` may be missing (an address that is only a note).
2. ``INDIVIDUAL_PLACE_OF_BIRTH``: may start with a ``STREET``.
3. ``INDIVIDUAL_DATE_OF_BIRTH``: a ``NOTE`` may follow the date, not only precede it.
4. ``ENTITY_ALIAS``: may end with a ``NOTE``, as ``INDIVIDUAL_ALIAS`` may.
5. ``INDIVIDUAL``: ``INDIVIDUAL_DATE_OF_BIRTH`` may be missing.

A schema file passed by the caller is used exactly as given, without amendments.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from lxml import etree

from dastavez.resolve.lists.errors import ListFormatError
from dastavez.resolve.lists.safe_xml import parse_xml, read_limited

BUNDLED_XSD = Path(__file__).with_name("un-sc-sanctions.xsd")
_XS = "{http://www.w3.org/2001/XMLSchema}"
_MAX_XSD_BYTES = 1024 * 1024


def _declaration(schema_root: Any, name: str) -> Any:
    found = schema_root.find(f"{_XS}element[@name='{name}']")
    if found is None:
        raise ListFormatError(f"the UN schema declares no element {name}; it is not the schema expected")
    return found


def _optional_element(ref: str) -> Any:
    return etree.Element(f"{_XS}element", ref=ref, minOccurs="0")


def _amend(schema_tree: Any) -> None:
    """Apply the five amendments of the module docstring to a parsed UN schema, in place."""
    root = schema_tree.getroot()
    address = _declaration(root, "INDIVIDUAL_ADDRESS")
    address.find(f".//{_XS}element[@ref='COUNTRY']").set("minOccurs", "0")

    birth_place = _declaration(root, "INDIVIDUAL_PLACE_OF_BIRTH").find(f".//{_XS}sequence")
    birth_place.insert(0, _optional_element("STREET"))

    # (date | year | from-to)? becomes ((date | year | from-to), NOTE?)?: a NOTE after the
    # date, without making the content model ambiguous about the NOTE before it.
    date_choice = _declaration(root, "INDIVIDUAL_DATE_OF_BIRTH").find(f".//{_XS}choice")
    holder = date_choice.getparent()
    wrapper = etree.Element(f"{_XS}sequence", minOccurs="0")
    holder.insert(holder.index(date_choice), wrapper)
    date_choice.attrib.pop("minOccurs", None)
    wrapper.append(date_choice)
    wrapper.append(_optional_element("NOTE"))

    entity_alias = _declaration(root, "ENTITY_ALIAS").find(f"{_XS}complexType/{_XS}sequence")
    entity_alias.append(_optional_element("NOTE"))

    individual = _declaration(root, "INDIVIDUAL")
    individual.find(f".//{_XS}element[@ref='INDIVIDUAL_DATE_OF_BIRTH']").set("minOccurs", "0")


def _compile(schema_tree: Any, path: Path) -> Any:
    try:
        return etree.XMLSchema(schema_tree)
    except etree.XMLSchemaParseError as err:
        raise ListFormatError(f"the schema {path.name} is not a usable XML schema: {err}") from None


@cache
def bundled_schema() -> Any:
    """The bundled UN schema with its amendments, compiled once."""
    tree = parse_xml(read_limited(BUNDLED_XSD, max_bytes=_MAX_XSD_BYTES, what="UN schema"), what="UN schema")
    _amend(tree)
    return _compile(tree, BUNDLED_XSD)


def schema_from(path: Path) -> Any:
    """A caller's schema file, compiled as it is."""
    tree = parse_xml(read_limited(path, max_bytes=_MAX_XSD_BYTES, what="schema"), what="schema")
    return _compile(tree, path)


def check_against(tree: Any, schema: Any) -> None:
    """ListFormatError naming the first violation's line when ``tree`` breaks ``schema``."""
    if schema.validate(tree):
        return
    errors = list(schema.error_log)
    first = errors[0]
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    raise ListFormatError(f"the UN list does not match its schema: line {first.line}: {first.message}{more}")
