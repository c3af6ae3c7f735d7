"""The UN Security Council Consolidated List: complete import, schema validation, hostile XML.

The shared list (``../shared/data/un-consolidated-list.xml``) is public UN data; the
entries asserted by reference number below are as the UN publishes them. Everything else
here is built from fictional records.
"""

from __future__ import annotations

import time
import xml.etree.ElementTree as ET  # the standard library, for a count independent of the parser
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest

from dastavez.exc import InvalidInput
from dastavez.resolve.lists import ListFormatError, ReferenceEntry, UnList, parse_un, year_span
from dastavez.resolve.lists.entry import ALIAS_QUALITIES, Identifier
from dastavez.resolve.lists.un_schema import BUNDLED_XSD

# --- the shared list -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def un_path(shared_data: Path) -> Path:
    return shared_data / "un-consolidated-list.xml"


@pytest.fixture(scope="module")
def un_list(un_path: Path) -> UnList:
    return parse_un(un_path)


@pytest.fixture(scope="module")
def by_reference(un_list: UnList) -> dict[str, ReferenceEntry]:
    return {entry.external_id: entry for entry in un_list.entries}


def test_bundled_schema_is_the_uns_own_file_byte_for_byte(shared_data: Path) -> None:
    assert BUNDLED_XSD.read_bytes() == (shared_data / "un-sc-sanctions.xsd").read_bytes()


def test_every_individual_and_entity_is_imported(un_path: Path, un_list: UnList) -> None:
    root = ET.parse(un_path).getroot()  # noqa: S314  # the shared file, not outside input
    individuals = root.findall("INDIVIDUALS/INDIVIDUAL")
    entities = root.findall("ENTITIES/ENTITY")
    assert (len(individuals), len(entities)) == (730, 273)
    assert (un_list.individual_count, un_list.entity_count) == (730, 273)
    expected_ids = [(el.findtext("REFERENCE_NUMBER") or "").strip() for el in individuals + entities]
    assert [entry.external_id for entry in un_list.entries] == expected_ids
    assert {entry.source for entry in un_list.entries} == {"un-sc"}
    assert un_list.generated_on == datetime(2026, 2, 27, 0, 0, 9, 554000, tzinfo=UTC)


def test_every_alias_and_original_script_name_is_a_name(un_path: Path, un_list: UnList) -> None:
    root = ET.parse(un_path).getroot()  # noqa: S314  # the shared file, not outside input
    entries = {entry.external_id: entry for entry in un_list.entries}
    aliases_seen = 0
    for element in [*root.iter("INDIVIDUAL"), *root.iter("ENTITY")]:
        entry = entries[(element.findtext("REFERENCE_NUMBER") or "").strip()]
        aliases = {" ".join((alias.findtext("ALIAS_NAME") or "").split()) for alias in element
                   if alias.tag.endswith("_ALIAS")} - {""}
        aliases_seen += len(aliases)
        assert aliases <= set(entry.names), entry.external_id
        assert aliases == {detail.name for detail in entry.aliases_detail}, entry.external_id
        if original := " ".join((element.findtext("NAME_ORIGINAL_SCRIPT") or "").split()):
            assert original in entry.names, entry.external_id
    assert un_list.alias_count == aliases_seen
    qualities = Counter(detail.quality for entry in un_list.entries for detail in entry.aliases_detail)
    assert set(qualities) == set(ALIAS_QUALITIES)


def test_an_individual_with_aliases_and_original_script(by_reference: dict[str, ReferenceEntry]) -> None:
    entry = by_reference["QDi.001"]
    assert (entry.schema, entry.caption) == ("Person", "MOHAMMED SALAHALDIN ABD EL HALIM ZIDANE")
    assert entry.names[0] == entry.caption
    assert {(alias.name, alias.quality) for alias in entry.aliases_detail} >= {
        ("Sayf-Al Adl", "good"),
        ("Seif al Adel", "low"),
    }
    assert "محمد صلاح الدين عبدالحليم زيدان" in entry.names  # NAME_ORIGINAL_SCRIPT
    assert "سيف العدل" in entry.names  # from an alias note: "In Arabic: سيف العدل"
    assert entry.names.index("سيف العدل") > entry.names.index("Seif al Adel")  # aliases before scripts
    assert entry.nationalities == ("eg",)
    assert (entry.listed_on, entry.programme) == ("2001-01-25", "Al-Qaida")
    assert entry.properties["firstName"] == ["MOHAMMED"]
    assert entry.properties["topics"] == ["sanction"]
    assert entry.reason is not None and "\n" not in entry.reason


def test_an_entity_takes_its_countries_from_its_addresses(by_reference: dict[str, ReferenceEntry]) -> None:
    entry = by_reference["QDe.157"]
    assert (entry.schema, entry.caption) == ("Organization", "AL-KAWTHAR MONEY EXCHANGE")
    assert entry.names == (
        "AL-KAWTHAR MONEY EXCHANGE",
        "Al Kawthar Co.",
        "Al Kawthar Company",
        "Al-Kawthar Hawala",
        "شركة الكوثر",
    )
    assert entry.aliases_detail[0].note == "in Arabic script: شركة الكوثر"
    assert entry.nationalities == ("iq",)
    assert entry.addresses == ("Al-Qaim, Al Anbar Province, Iraq",)
    assert entry.birth_dates == ()


def test_a_span_of_birth_years_is_an_interval(by_reference: dict[str, ReferenceEntry]) -> None:
    entry = by_reference["KPi.066"]
    assert entry.birth_dates == ("1967/1969",)
    assert year_span(entry.birth_dates[0]) == (1967, 1969)
    assert entry.properties["un:birthDateDetail"] == ["BETWEEN 1967/1969"]


def test_documents_become_identifiers_with_their_country(by_reference: dict[str, ReferenceEntry]) -> None:
    entry = by_reference["CDi.040"]  # issued by the "United Republic of Tanzania"
    assert entry.identifiers == (
        Identifier("passportNumber", "AB850901", "tz"),
        Identifier("passportNumber", "AB187304", "tz"),
    )
    assert entry.properties["un:document"][1] == (
        "Passport; AB187304; United Republic of Tanzania; Expired 28 Nov. 2016"
    )


def test_countries_resolve_except_the_ones_that_are_not_countries(un_list: UnList) -> None:
    codes = {code for entry in un_list.entries for code in entry.nationalities}
    assert all(len(code) == 2 and code.islower() for code in codes)
    unresolved = sorted(
        value for entry in un_list.entries for value in entry.properties.get("un:nationality", [])
    )
    assert unresolved == ["former Soviet Union", "na"]  # "na" is "not available", not Namibia
    assert "na" not in codes


def test_the_published_schema_rejects_the_uns_own_list(shared_data: Path, un_path: Path) -> None:
    """Why the bundled schema carries amendments: the list breaks the schema as published."""
    with pytest.raises(ListFormatError) as caught:
        parse_un(un_path, xsd=shared_data / "un-sc-sanctions.xsd")
    assert caught.value.detail.startswith("the UN list does not match its schema: line 782: ")
    assert caught.value.detail.endswith("(and 45 more)")  # 46 places, all admitted by the amendments


def test_without_validation_the_entries_are_the_same(un_path: Path, un_list: UnList) -> None:
    assert parse_un(un_path.read_bytes(), validate=False).entries == un_list.entries


def test_a_mutated_list_fails_validation_with_its_line(un_path: Path) -> None:
    lines = un_path.read_text(encoding="utf-8").split("\n")
    assert lines[9].strip() == "<REFERENCE_NUMBER>CDi.001</REFERENCE_NUMBER>"
    lines[9] = ""  # the first individual loses a required element; line numbers stay put
    mutated = "\n".join(lines).encode()
    with pytest.raises(ListFormatError) as caught:
        parse_un(mutated)
    detail = caught.value.detail
    assert detail.startswith("the UN list does not match its schema: line 11: Element 'LISTED_ON'")
    assert "REFERENCE_NUMBER" in detail and "\n" not in detail
    with pytest.raises(ListFormatError, match=r"^line 4: a INDIVIDUAL without a REFERENCE_NUMBER$"):
        parse_un(mutated, validate=False)


def test_the_error_is_bad_input_for_the_api_and_a_value_error(un_path: Path) -> None:
    with pytest.raises(ListFormatError) as caught:
        parse_un(un_path, max_bytes=1000)
    assert isinstance(caught.value, InvalidInput) and isinstance(caught.value, ValueError)
    assert caught.value.status == 422
    assert caught.value.detail == "the UN list is larger than the limit of 1,000 bytes"


# --- fictional documents -------------------------------------------------------------------

INDIVIDUAL_DEFAULTS = {
    "names": "<FIRST_NAME>ZARAK</FIRST_NAME><SECOND_NAME>TESTKHAN</SECOND_NAME>",
    "aliases": "<INDIVIDUAL_ALIAS><QUALITY>Good</QUALITY><ALIAS_NAME>Zarak Testi</ALIAS_NAME>"
               "</INDIVIDUAL_ALIAS>",
    "addresses": "<INDIVIDUAL_ADDRESS><CITY>Quetta</CITY><COUNTRY>Pakistan</COUNTRY></INDIVIDUAL_ADDRESS>",
    "births": "<INDIVIDUAL_DATE_OF_BIRTH><TYPE_OF_DATE>EXACT</TYPE_OF_DATE><YEAR>1981</YEAR>"
              "</INDIVIDUAL_DATE_OF_BIRTH>",
    "places": "<INDIVIDUAL_PLACE_OF_BIRTH><COUNTRY>Pakistan</COUNTRY></INDIVIDUAL_PLACE_OF_BIRTH>",
}
ENTITY_ALIAS = "<ENTITY_ALIAS><QUALITY>a.k.a.</QUALITY><ALIAS_NAME>Test Front</ALIAS_NAME></ENTITY_ALIAS>"


def fictional_list(*, generated: str = "2026-01-01T00:00:00Z", entity_alias: str = ENTITY_ALIAS,
                   **individual: str) -> bytes:
    """A one-individual, one-entity list that the published schema accepts, unless a part
    is overridden with something it does not."""
    parts = {**INDIVIDUAL_DEFAULTS, **individual}
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<CONSOLIDATED_LIST dateGenerated="{generated}">
  <INDIVIDUALS><INDIVIDUAL>
    <DATAID>1</DATAID><VERSIONNUM>1</VERSIONNUM>{parts["names"]}
    <UN_LIST_TYPE>Test</UN_LIST_TYPE><REFERENCE_NUMBER>ZZi.001</REFERENCE_NUMBER>
    <LISTED_ON>2020-02-03</LISTED_ON><NAME_ORIGINAL_SCRIPT>زرک ٹیسٹ خان</NAME_ORIGINAL_SCRIPT>
    <COMMENTS1>Fictional.</COMMENTS1><LIST_TYPE><VALUE>UN List</VALUE></LIST_TYPE>
    {parts["aliases"]}{parts["addresses"]}{parts["births"]}{parts["places"]}
    <INDIVIDUAL_DOCUMENT/><SORT_KEY/><SORT_KEY_LAST_MOD/>
  </INDIVIDUAL></INDIVIDUALS>
  <ENTITIES><ENTITY>
    <DATAID>2</DATAID><VERSIONNUM>1</VERSIONNUM><FIRST_NAME>TEST FRONT ORGANISATION</FIRST_NAME>
    <UN_LIST_TYPE>Test</UN_LIST_TYPE><REFERENCE_NUMBER>ZZe.001</REFERENCE_NUMBER>
    <LISTED_ON>2020-02-03</LISTED_ON><COMMENTS1/><LIST_TYPE><VALUE>UN List</VALUE></LIST_TYPE>
    {entity_alias}<ENTITY_ADDRESS><COUNTRY>Afghanistan</COUNTRY></ENTITY_ADDRESS>
    <SORT_KEY/><SORT_KEY_LAST_MOD/>
  </ENTITY></ENTITIES>
</CONSOLIDATED_LIST>""".encode()


def test_a_fictional_list_valid_under_the_published_schema(shared_data: Path) -> None:
    parsed = parse_un(fictional_list(), xsd=shared_data / "un-sc-sanctions.xsd")
    person, organisation = parsed.entries
    assert person.names == ("ZARAK TESTKHAN", "Zarak Testi", "زرک ٹیسٹ خان")
    assert (person.birth_dates, person.nationalities, person.properties["country"]) == (("1981",), (), ["pk"])
    assert person.birth_places == ("Pakistan",) and person.properties["birthCountry"] == ["pk"]
    assert organisation.names == ("TEST FRONT ORGANISATION", "Test Front")
    assert organisation.nationalities == ("af",)


AMENDMENTS = {
    "address without a country": {
        "addresses": "<INDIVIDUAL_ADDRESS><NOTE>Believed abroad</NOTE></INDIVIDUAL_ADDRESS>",
    },
    "place of birth with a street": {
        "places": "<INDIVIDUAL_PLACE_OF_BIRTH><STREET>Test Road</STREET><COUNTRY>Pakistan</COUNTRY>"
                  "</INDIVIDUAL_PLACE_OF_BIRTH>",
    },
    "note after the date": {
        "births": "<INDIVIDUAL_DATE_OF_BIRTH><TYPE_OF_DATE>EXACT</TYPE_OF_DATE><YEAR>1981</YEAR>"
                  "<NOTE>Sep.</NOTE></INDIVIDUAL_DATE_OF_BIRTH>",
    },
    "entity alias with a note": {
        "entity_alias": "<ENTITY_ALIAS><QUALITY>a.k.a.</QUALITY><ALIAS_NAME>Test Front</ALIAS_NAME>"
                        "<NOTE>formerly listed as</NOTE></ENTITY_ALIAS>",
    },
    "no date of birth": {"births": ""},
}


@pytest.mark.parametrize("parts", AMENDMENTS.values(), ids=AMENDMENTS.keys())
def test_each_amendment_admits_what_the_un_publishes(shared_data: Path, parts: dict[str, str]) -> None:
    document = fictional_list(**parts)
    with pytest.raises(ListFormatError, match="does not match its schema"):
        parse_un(document, xsd=shared_data / "un-sc-sanctions.xsd")
    assert len(parse_un(document).entries) == 2


def test_the_amended_schema_still_demands_what_the_un_requires() -> None:
    with pytest.raises(ListFormatError, match=r"line 2: .*dateGenerated"):
        parse_un(fictional_list(generated="yesterday"))
    with pytest.raises(ListFormatError, match=r"line 8: Element 'YEAR'.* less than the minimum"):
        parse_un(fictional_list(births="<INDIVIDUAL_DATE_OF_BIRTH><YEAR>81</YEAR></INDIVIDUAL_DATE_OF_BIRTH>"))


def test_dates_of_birth_in_every_form_the_list_uses() -> None:
    births = (
        "<INDIVIDUAL_DATE_OF_BIRTH><TYPE_OF_DATE>EXACT</TYPE_OF_DATE><DATE>1981-05-03</DATE></INDIVIDUAL_DATE_OF_BIRTH>"
        "<INDIVIDUAL_DATE_OF_BIRTH><TYPE_OF_DATE>APPROXIMATELY</TYPE_OF_DATE><YEAR>1979</YEAR>"
        "</INDIVIDUAL_DATE_OF_BIRTH>"
        "<INDIVIDUAL_DATE_OF_BIRTH><TYPE_OF_DATE>BETWEEN</TYPE_OF_DATE><FROM_YEAR>1975</FROM_YEAR>"
        "<TO_YEAR>1977</TO_YEAR><NOTE>Approximately</NOTE></INDIVIDUAL_DATE_OF_BIRTH>"
        "<INDIVIDUAL_DATE_OF_BIRTH><TYPE_OF_DATE/></INDIVIDUAL_DATE_OF_BIRTH>"
    )
    person = parse_un(fictional_list(births=births)).entries[0]
    assert person.birth_dates == ("1981-05-03", "1979", "1975/1977")
    assert person.properties["un:birthDateDetail"] == [
        "APPROXIMATELY 1979",
        "BETWEEN 1975/1977 (Approximately)",
    ]


def test_alias_qualities_notes_and_scripts() -> None:
    aliases = (
        "<INDIVIDUAL_ALIAS><QUALITY>Low</QUALITY><ALIAS_NAME>Zaki</ALIAS_NAME></INDIVIDUAL_ALIAS>"
        "<INDIVIDUAL_ALIAS><QUALITY>f.k.a.</QUALITY><ALIAS_NAME>Zarak Oldname</ALIAS_NAME>"
        "<NOTE>original script: Зарак Олднейм</NOTE></INDIVIDUAL_ALIAS>"
        "<INDIVIDUAL_ALIAS><QUALITY>Good</QUALITY><ALIAS_NAME>Abu Test</ALIAS_NAME>"
        "<NOTE>nom de guerre, born in Quetta: see below</NOTE></INDIVIDUAL_ALIAS>"
        "<INDIVIDUAL_ALIAS><QUALITY/><ALIAS_NAME/></INDIVIDUAL_ALIAS>"
    )
    person = parse_un(fictional_list(aliases=aliases)).entries[0]
    assert [(a.name, a.quality) for a in person.aliases_detail] == [
        ("Zaki", "low"), ("Zarak Oldname", "former"), ("Abu Test", "good"),
    ]
    # A Latin "in ...:" note is not a name; the Cyrillic one is.
    assert person.names == (
        "ZARAK TESTKHAN", "Zaki", "Zarak Oldname", "Abu Test", "زرک ٹیسٹ خان", "Зарак Олднейм",
    )


def test_a_generation_time_without_a_zone_is_utc() -> None:
    parsed = parse_un(fictional_list(generated="2026-01-02T03:04:05"))
    assert parsed.generated_on == datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)


def test_a_path_given_as_text_is_read(tmp_path: Path) -> None:
    path = tmp_path / "list.xml"
    path.write_bytes(fictional_list())
    assert len(parse_un(str(path)).entries) == 2
    with pytest.raises(ListFormatError, match=r"^cannot read the UN list '.*': No such file or directory$"):
        parse_un(tmp_path / "missing.xml")


def test_xml_that_is_not_well_formed_fails_with_its_line() -> None:
    truncated = fictional_list()[:600]
    with pytest.raises(ListFormatError, match=r"^the UN list is not well-formed XML: line \d+: "):
        parse_un(truncated)
    with pytest.raises(ListFormatError, match=r"not well-formed XML: line 1: "):
        parse_un(b"")


def test_another_document_is_not_a_un_list() -> None:
    other = b'<?xml version="1.0"?>\n<LIST dateGenerated="2026-01-01T00:00:00Z"/>'
    with pytest.raises(ListFormatError, match=r"line 2: .*LIST"):
        parse_un(other)
    with pytest.raises(ListFormatError, match=r"^line 2: the root is LIST, not CONSOLIDATED_LIST$"):
        parse_un(other, validate=False)


# --- hostile XML ---------------------------------------------------------------------------

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE CONSOLIDATED_LIST [
  <!ENTITY lol "lol">
  <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
  <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
  <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
  <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
  <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
  <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
  <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<CONSOLIDATED_LIST dateGenerated="2026-01-01T00:00:00Z"><INDIVIDUALS><INDIVIDUAL>
<FIRST_NAME>&lol9;</FIRST_NAME></INDIVIDUAL></INDIVIDUALS><ENTITIES/></CONSOLIDATED_LIST>
"""

EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE CONSOLIDATED_LIST [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<CONSOLIDATED_LIST dateGenerated="2026-01-01T00:00:00Z"><INDIVIDUALS><INDIVIDUAL>
<REFERENCE_NUMBER>ZZi.002</REFERENCE_NUMBER><FIRST_NAME>&secret;</FIRST_NAME>
</INDIVIDUAL></INDIVIDUALS><ENTITIES/></CONSOLIDATED_LIST>
"""

EXTERNAL_DTD = b"""<?xml version="1.0"?>
<!DOCTYPE CONSOLIDATED_LIST SYSTEM "http://203.0.113.7/un.dtd">
<CONSOLIDATED_LIST dateGenerated="2026-01-01T00:00:00Z"/>
"""


@pytest.mark.parametrize("validate", [True, False], ids=["validated", "unvalidated"])
@pytest.mark.parametrize("document", [BILLION_LAUGHS, EXTERNAL_ENTITY, EXTERNAL_DTD],
                         ids=["billion-laughs", "external-entity", "external-dtd"])
def test_hostile_xml_is_refused_unexpanded(document: bytes, validate: bool) -> None:
    started = time.perf_counter()
    with pytest.raises(ListFormatError) as caught:
        parse_un(document, validate=validate)
    assert time.perf_counter() - started < 2  # nothing was expanded or fetched
    assert caught.value.detail.startswith("the UN list carries a document type declaration (line 2)")
    assert "root:" not in caught.value.detail and "lollol" not in caught.value.detail


def test_a_doctype_the_byte_scan_cannot_see_is_refused_after_parsing() -> None:
    """In UTF-16 the DOCTYPE is not the bytes ``<!DOCTYPE``; the parsed tree still shows it,
    and the entity was never resolved."""
    document = EXTERNAL_ENTITY.decode().replace('version="1.0"', 'version="1.0" encoding="UTF-16"')
    with pytest.raises(ListFormatError, match=r"document type declaration \(in its prolog\)"):
        parse_un(document.encode("utf-16"), validate=False)
