"""The UN Security Council Consolidated List (XML) as reference entries.

``parse_un(path_or_bytes)`` reads the list safely (see :mod:`.safe_xml`), validates it
against the UN's schema (see :mod:`.un_schema`) and turns each ``INDIVIDUAL`` into a
``Person`` entry and each ``ENTITY`` into an ``Organization`` entry, with source ``un-sc``
and the UN reference number (``QDi.001``) as the external id.

How the list's fields land (see :mod:`.entry` for the shared conventions):

- names: the name parts joined, then every alias, then ``NAME_ORIGINAL_SCRIPT`` and any
  original-script name an alias note gives (``original script: Абу Банат``);
- dates of birth: ``DATE`` as ``1979-05-03``, ``YEAR`` as ``1979``, ``FROM_YEAR``/``TO_YEAR``
  as ``1970/1975``; the kind (``APPROXIMATELY``, ``BETWEEN``) and notes go, in words, to
  ``un:birthDateDetail``;
- ``UN_LIST_TYPE`` is the programme, ``COMMENTS1`` the reason, ``LISTED_ON`` the listing
  date; documents become identifiers (passports ``passportNumber``, all else ``idNumber``)
  and, in words, ``un:document``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from dastavez.resolve.lists.cleaning import clean_text, partial_date, year_interval
from dastavez.resolve.lists.countries import country_code
from dastavez.resolve.lists.draft import EntryDraft
from dastavez.resolve.lists.entry import ReferenceEntry
from dastavez.resolve.lists.errors import ListFormatError
from dastavez.resolve.lists.safe_xml import parse_xml, read_limited
from dastavez.resolve.lists.un_schema import bundled_schema, check_against, schema_from

SOURCE = "un-sc"
DEFAULT_MAX_BYTES = 64 * 1024 * 1024  # the list is about 2 MB; thirty times that is not a list
_ALIAS_QUALITY = {"good": "good", "a.k.a.": "good", "low": "low", "f.k.a.": "former"}
_ADDRESS_PARTS = ("STREET", "CITY", "STATE_PROVINCE", "ZIP_CODE", "COUNTRY")
_NAME_PARTS = (("FIRST_NAME", "firstName"), ("SECOND_NAME", "secondName"), ("THIRD_NAME", "middleName"),
               ("FOURTH_NAME", "un:fourthName"))
# "original script: Абу Банат", "In Arabic: سيف العدل" inside an alias note.
_SCRIPT_NOTE = re.compile(
    r"(?:original script|\bin [a-z]+(?: script)?)\s*:\s*(?P<name>[^:]+?)\s*$", re.IGNORECASE
)
_LATIN_LETTER = re.compile(r"[A-Za-z]")
_PASSPORT_WORDS = ("passport", "passeport", "pasaporte")


@dataclass(frozen=True)
class UnList:
    """One edition of the list: when the UN generated it, and its entries in list order."""

    generated_on: datetime
    entries: list[ReferenceEntry]

    @property
    def individual_count(self) -> int:
        return sum(1 for entry in self.entries if entry.schema == "Person")

    @property
    def entity_count(self) -> int:
        return sum(1 for entry in self.entries if entry.schema == "Organization")

    @property
    def alias_count(self) -> int:
        return sum(len(entry.aliases_detail) for entry in self.entries)


def parse_un(
    source: bytes | str | Path,
    *,
    validate: bool = True,
    xsd: Path | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> UnList:
    """Parse the Consolidated List from its bytes, or from a file (a ``str`` is a path).

    ``validate`` checks it against ``xsd`` (default: the bundled UN schema with the
    amendments :mod:`.un_schema` lists). ListFormatError, with a line number where there is
    one, for a file larger than ``max_bytes``, XML that is not well formed or carries a
    DTD, and a list that breaks the schema.
    """
    data = read_limited(source, max_bytes=max_bytes, what="UN list")
    tree = parse_xml(data, what="UN list")
    if validate:
        check_against(tree, bundled_schema() if xsd is None else schema_from(xsd))
    root = tree.getroot()
    if root.tag != "CONSOLIDATED_LIST":
        raise ListFormatError(f"line {root.sourceline}: the root is {root.tag}, not CONSOLIDATED_LIST")
    entries = [_individual(element) for element in root.iterfind("INDIVIDUALS/INDIVIDUAL")]
    entries += [_entity(element) for element in root.iterfind("ENTITIES/ENTITY")]
    return UnList(generated_on=_generated_on(root), entries=entries)


def _generated_on(root: Any) -> datetime:
    stamp = clean_text(root.get("dateGenerated"))
    try:
        moment = datetime.fromisoformat(stamp)
    except ValueError:
        raise ListFormatError(
            f"line {root.sourceline}: dateGenerated {stamp!r} is not an ISO date and time"
        ) from None
    # xs:dateTime may leave the zone out; the UN publishes in UTC.
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _text(element: Any, path: str) -> str:
    return clean_text(element.findtext(path))


def _texts(element: Any, path: str) -> Iterable[str]:
    for found in element.iterfind(path):
        if text := clean_text(found.text):
            yield text


def _start(element: Any, schema: str) -> EntryDraft:
    reference = _text(element, "REFERENCE_NUMBER")
    if not reference:
        raise ListFormatError(f"line {element.sourceline}: a {element.tag} without a REFERENCE_NUMBER")
    draft = EntryDraft(source=SOURCE, external_id=reference, schema=schema)
    draft.listed_on = partial_date(_text(element, "LISTED_ON"))
    draft.programme = _text(element, "UN_LIST_TYPE")
    draft.reason = _text(element, "COMMENTS1")
    draft.add("topics", "sanction")
    draft.add("un:dataId", _text(element, "DATAID"))
    for updated in _texts(element, "LAST_DAY_UPDATED/VALUE"):
        draft.add_date("modifiedAt", updated)
    for tag, prop in (("SUBMITTED_BY", "un:submittedBy"), ("SUBMITTED_ON", "un:submittedOn"),
                      ("DELISTED_ON", "un:delistedOn")):
        draft.add(prop, _text(element, tag))
    return draft


def _aliases(draft: EntryDraft, aliases: Iterable[Any]) -> list[str]:
    """Add each alias; return the original-script names their notes carry."""
    scripts: list[str] = []
    for alias in aliases:
        name, note = _text(alias, "ALIAS_NAME"), _text(alias, "NOTE")
        # A quality the list has not used before is screened like a good alias.
        quality = _ALIAS_QUALITY.get(_text(alias, "QUALITY").casefold(), "good")
        draft.add_alias(name, quality=quality, note=note)
        found = _SCRIPT_NOTE.search(note)
        if found is not None and not _LATIN_LETTER.search(found["name"]):
            scripts.append(found["name"])
        if birth := _text(alias, "DATE_OF_BIRTH"):
            if (iso := partial_date(birth)) is not None:
                draft.add_birth_date(iso)
            else:
                draft.add("un:aliasBirthDate", birth)
        draft.add_birth_place(_joined(alias, ("CITY_OF_BIRTH", "COUNTRY_OF_BIRTH")))
    return scripts


def _original_script(draft: EntryDraft, element: Any, from_notes: list[str]) -> None:
    for name in [_text(element, "NAME_ORIGINAL_SCRIPT"), *from_notes]:
        draft.add_name(name)
        draft.add("un:nameOriginalScript", name)


def _joined(element: Any, parts: Iterable[str], *, note: bool = False) -> str:
    text = ", ".join(value for part in parts if (value := _text(element, part)))
    remark = _text(element, "NOTE") if note else ""
    if text and remark:
        return f"{text} ({remark})"
    return text or remark


def _addresses(draft: EntryDraft, addresses: Iterable[Any], *, country_prop: str) -> None:
    for address in addresses:
        draft.add_address(_joined(address, _ADDRESS_PARTS, note=True))
        draft.add_country(_text(address, "COUNTRY"), prop=country_prop, unresolved_key="un:addressCountry")


def _individual(element: Any) -> ReferenceEntry:
    draft = _start(element, "Person")
    draft.add_name(" ".join(part for tag, _ in _NAME_PARTS if (part := _text(element, tag))))
    for tag, prop in _NAME_PARTS:
        draft.add(prop, _text(element, tag))
    from_notes = _aliases(draft, element.iterfind("INDIVIDUAL_ALIAS"))
    _original_script(draft, element, from_notes)
    draft.add("gender", _text(element, "GENDER").casefold())
    for value in _texts(element, "TITLE/VALUE"):
        draft.add("title", value)
    for value in _texts(element, "DESIGNATION/VALUE"):
        draft.add("position", value)
    for value in [*_texts(element, "NATIONALITY/VALUE"), _text(element, "NATIONALITY2")]:
        draft.add_country(value, prop="nationality", unresolved_key="un:nationality")
    _addresses(draft, element.iterfind("INDIVIDUAL_ADDRESS"), country_prop="country")
    for birth in element.iterfind("INDIVIDUAL_DATE_OF_BIRTH"):
        _birth_date(draft, birth)
    for place in element.iterfind("INDIVIDUAL_PLACE_OF_BIRTH"):
        draft.add_birth_place(_joined(place, ("STREET", "CITY", "STATE_PROVINCE", "COUNTRY"), note=True))
        draft.add_country(_text(place, "COUNTRY"), prop="birthCountry", unresolved_key="un:birthCountry")
    for document in element.iterfind("INDIVIDUAL_DOCUMENT"):
        _document(draft, document)
    return draft.build()


def _entity(element: Any) -> ReferenceEntry:
    draft = _start(element, "Organization")
    draft.add_name(_text(element, "FIRST_NAME"))
    from_notes = _aliases(draft, element.iterfind("ENTITY_ALIAS"))
    _original_script(draft, element, from_notes)
    # An organisation has no nationality; the countries of its addresses stand for it.
    _addresses(draft, element.iterfind("ENTITY_ADDRESS"), country_prop="nationality")
    return draft.build()


def _birth_date(draft: EntryDraft, birth: Any) -> None:
    kind, note = _text(birth, "TYPE_OF_DATE"), _text(birth, "NOTE")
    if birth.find("DATE") is not None:
        value = partial_date(_text(birth, "DATE"))
    elif birth.find("YEAR") is not None:
        value = partial_date(_text(birth, "YEAR"))
    elif birth.find("FROM_YEAR") is not None:
        value = year_interval(_text(birth, "FROM_YEAR"), _text(birth, "TO_YEAR"))
    else:
        value = None
    draft.add_birth_date(value)
    if note or (value and kind.upper() not in ("", "EXACT")):  # what the bare date does not say
        detail = " ".join(part for part in (kind, value) if part)
        if note:
            detail = f"{detail} ({note})" if detail else note
        draft.add("un:birthDateDetail", detail)


def _document(draft: EntryDraft, document: Any) -> None:
    number = _text(document, "NUMBER")
    kinds = [kind for tag in ("TYPE_OF_DOCUMENT", "TYPE_OF_DOCUMENT2") if (kind := _text(document, tag))]
    issuer = _text(document, "ISSUING_COUNTRY") or _text(document, "COUNTRY_OF_ISSUE")
    if number:
        is_passport = any(word in kind.casefold() for kind in kinds for word in _PASSPORT_WORDS)
        draft.add_identifier("passportNumber" if is_passport else "idNumber", number, country_code(issuer))
    issued = ", ".join(part for tag in ("DATE_OF_ISSUE", "CITY_OF_ISSUE") if (part := _text(document, tag)))
    words = [" / ".join(kinds), number, issuer, f"issued {issued}" if issued else "", _text(document, "NOTE")]
    draft.add("un:document", "; ".join(word for word in words if word))
