"""INTERPOL public notices (red, yellow, UN) as reference entries.

``parse_interpol(data)`` takes what INTERPOL's public API returns, with its field names
(``forename``, ``name``, ``date_of_birth``, ``nationalities``, ``entity_id``,
``arrest_warrants[].charge`` ...): a list page (``_embedded.notices``), one notice's
details, a JSON array of either, or JSON lines of them, as bytes, text or decoded JSON.

The notice type, and so the source, is ``interpol-red``, ``interpol-yellow`` or
``interpol-un``: from ``notice_type`` when the caller knows it, else from the notice's own
``_links.self.href`` (``/notices/v1/yellow/...``), else from fields only one type has
(``arrest_warrants``: red; ``un_reference``, ``un_resolution``: UN; ``date_of_event``,
``birth_name``: yellow), else red. UN notices on entities (``/un/entities/``, or a
``legal_form`` or ``registration_number``) become ``Organization`` entries, all else
``Person``. The same notice given twice (a list page and then its details) is one entry:
the details win over the summary.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

import pycountry

from dastavez.resolve.lists.cleaning import partial_date
from dastavez.resolve.lists.draft import EntryDraft
from dastavez.resolve.lists.entry import ReferenceEntry
from dastavez.resolve.lists.interpol_json import Notice, iter_notices, load_documents

SOURCES = {"red": "interpol-red", "yellow": "interpol-yellow", "un": "interpol-un"}
_TYPE_IN_LINK = re.compile(r"/notices/v1/(?P<type>red|yellow|un)(?:/(?P<un_kind>persons|entities))?/")
_ID_IN_LINK = re.compile(r"/(?P<year>[0-9]{4})-(?P<number>[0-9]+)(?:/|$)")
_GENDERS = {"M": "male", "F": "female"}
# Fields that map one to one onto an FtM property (or, with a colon, a kept INTERPOL field).
_PLAIN_FIELDS = {
    "height": "height",
    "weight": "weight",
    "distinguishing_marks": "appearance",
    "profession": "profession",
    "legal_form": "legalForm",
    "additional_information": "notes",
    "main_activity": "interpol:mainActivity",
    "from_chamber_of_commerce": "interpol:fromChamberOfCommerce",
    "un_reference": "interpol:unReference",
    "date_of_event": "interpol:dateOfEvent",
    "place": "interpol:placeOfEvent",
}
_LIST_FIELDS = {
    "eyes_colors_id": "eyeColor",
    "hairs_id": "hairColor",
    "purposes": "interpol:purposes",
    "associates": "interpol:associates",
    "administrators": "interpol:administrators",
}
# Read by the code below, or links and images that the entry does not keep.
_HANDLED = {
    "entity_id", "forename", "name", "date_of_birth", "nationalities", "sex_id", "place_of_birth",
    "country_of_birth_id", "country", "languages_spoken_ids", "arrest_warrants", "aliases", "name_at_birth",
    "birth_name", "formerly_known_as", "name_in_original_script", "forename_in_original_script",
    "father_forename", "father_name", "mother_forename", "mother_name", "identity_documents", "adresses",
    "registration_number", "un_resolution", "un_reference_date", "summary", "_links", "_embedded",
    *_PLAIN_FIELDS, *_LIST_FIELDS,
}


def parse_interpol(
    data: bytes | str | Mapping[str, Any] | Sequence[Any], *, notice_type: str | None = None
) -> list[ReferenceEntry]:
    """Entries for every notice in ``data``, in input order; ListFormatError naming the
    line or the notice when the input is not JSON or not shaped like INTERPOL's notices."""
    if notice_type is not None and notice_type not in SOURCES:
        raise ValueError(f"notice_type must be one of {', '.join(SOURCES)}, not {notice_type!r}")
    kept: dict[tuple[str, str], tuple[bool, ReferenceEntry]] = {}
    for notice in iter_notices(load_documents(data)):
        entry = _entry(notice, notice_type)
        known = kept.get(entry.key)
        if known is None or known[0] or not notice.summary:
            kept[entry.key] = (notice.summary, entry)
    return [entry for _, entry in kept.values()]


def _notice_type(notice: Notice, given: str | None) -> tuple[str, bool]:
    """The notice type, and whether it is a UN notice about an entity."""
    found = _TYPE_IN_LINK.search(notice.link("self"))
    kind = given or (found["type"] if found else None)
    if kind is None:
        fields = notice.data.keys()
        if "arrest_warrants" in fields:
            kind = "red"
        elif fields & {"un_reference", "un_resolution"}:
            kind = "un"
        elif fields & {"date_of_event", "birth_name"}:
            kind = "yellow"
        else:
            kind = "red"
    linked_entity = found is not None and found["un_kind"] == "entities"
    has_entity_fields = bool({"legal_form", "registration_number"} & notice.data.keys())
    is_entity = kind == "un" and (linked_entity or has_entity_fields)
    return kind, is_entity


def _external_id(notice: Notice) -> str:
    if entity_id := notice.text("entity_id"):
        return entity_id
    if (found := _ID_IN_LINK.search(notice.link("self"))) is not None:
        return f"{found['year']}/{found['number']}"  # the links write 1993-27493 for 1993/27493
    raise notice.fail("no entity_id and no _links.self.href to take it from")


def _entry(notice: Notice, given_type: str | None) -> ReferenceEntry:
    kind, is_entity = _notice_type(notice, given_type)
    schema = "Organization" if is_entity else "Person"
    draft = EntryDraft(source=SOURCES[kind], external_id=_external_id(notice), schema=schema)
    draft.raw_url = notice.link("self") or None
    if is_entity:
        draft.add_name(notice.text("name"))
    else:
        _person(draft, notice)
    _names(draft, notice)
    _listing(draft, notice, kind)
    for field, prop in _PLAIN_FIELDS.items():
        draft.add(prop, notice.text(field))
    for field, prop in _LIST_FIELDS.items():
        for value in notice.texts(field):
            draft.add(prop, value)
    for address in notice.texts("adresses"):  # sic: the API's spelling
        draft.add_address(address)
    for document in notice.texts("identity_documents"):
        draft.add_identifier("idNumber", document)
    draft.add_identifier("registrationNumber", notice.text("registration_number"))
    draft.add("interpol:thumbnail", notice.link("thumbnail"))
    for field in sorted(notice.data.keys() - _HANDLED):  # fields newer than this parser: kept if simple
        value = notice.data[field]
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, str | int | float) and not isinstance(item, bool):
                draft.add(f"interpol:{field}", item)
    return draft.build()


def _person(draft: EntryDraft, notice: Notice) -> None:
    forename, name = notice.text("forename"), notice.text("name")
    draft.add_name(" ".join(part for part in (forename, name) if part))
    draft.add("firstName", forename)
    draft.add("lastName", name)
    born = notice.text("date_of_birth")
    if (iso := partial_date(born)) is not None:
        draft.add_birth_date(iso)
    else:
        draft.add("interpol:dateOfBirth", born)
    draft.add_birth_place(notice.text("place_of_birth"))
    draft.add_country(
        notice.text("country_of_birth_id"), prop="birthCountry", unresolved_key="interpol:countryOfBirth"
    )
    for code in notice.texts("nationalities"):
        draft.add_country(code, prop="nationality", unresolved_key="interpol:nationality")
    draft.add_country(notice.text("country"), prop="country", unresolved_key="interpol:country")
    draft.add("gender", _GENDERS.get(notice.text("sex_id").upper(), ""))
    for code in notice.texts("languages_spoken_ids"):
        _language(draft, code)
    for parent, prop in (("father", "fatherName"), ("mother", "motherName")):
        parts = (notice.text(f"{parent}_forename"), notice.text(f"{parent}_name"))
        draft.add(prop, " ".join(part for part in parts if part))


def _names(draft: EntryDraft, notice: Notice) -> None:
    for alias in notice.texts("aliases"):
        draft.add_alias(alias, quality="good")
    for field in ("name_at_birth", "birth_name", "formerly_known_as"):
        draft.add_alias(notice.text(field), quality="former")
    original = [notice.text("forename_in_original_script"), notice.text("name_in_original_script")]
    draft.add_name(" ".join(part for part in original if part))


def _listing(draft: EntryDraft, notice: Notice, kind: str) -> None:
    if kind == "red":
        draft.add("topics", "wanted")
        charges = []
        for warrant in notice.objects("arrest_warrants"):
            part = Notice(warrant, notice.position, summary=notice.summary)
            charges.append(part.text("charge"))
            draft.add("interpol:chargeTranslation", part.text("charge_translation"))
            draft.add_country(part.text("issuing_country_id"), prop="interpol:issuingCountry",
                              unresolved_key="interpol:issuingCountry")
        draft.reason = "; ".join(charge for charge in charges if charge)
    elif kind == "un":
        draft.add("topics", "sanction")
        resolution = notice.text("un_resolution")
        draft.programme = f"UN Security Council resolution {resolution}" if resolution else None
        draft.listed_on = partial_date(notice.text("un_reference_date"))
        draft.reason = notice.text("summary") or notice.text("main_activity")


def _language(draft: EntryDraft, code: str) -> None:
    """INTERPOL writes ISO 639-2/B codes (``GER``); FtM's spokenLanguage is ISO 639-3 (``deu``)."""
    lowered = code.casefold()
    language = pycountry.languages.get(bibliographic=lowered) or pycountry.languages.get(alpha_3=lowered)
    if language is None:
        draft.add("interpol:languageSpoken", code)
    else:
        draft.add("spokenLanguage", language.alpha_3)
