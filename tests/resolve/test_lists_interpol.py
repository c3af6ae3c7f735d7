"""INTERPOL public notices: responses built from the API's own OpenAPI examples, and
fictional ones with the exact field names, into reference entries.

The OpenAPI file's examples are read from ``../shared/data`` at test time, so this file
holds no example values of its own from there; every name written below is invented.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from dastavez.resolve.lists import Identifier, ListFormatError, parse_interpol


@pytest.fixture(scope="module")
def openapi(shared_data: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((shared_data / "interpol-notices-openapi.yaml").read_text())
    return loaded


def example(openapi: dict[str, Any], schema: dict[str, Any]) -> Any:
    """An instance of ``schema`` made of the examples the OpenAPI file gives; properties
    without an example are left out, as the API leaves out what a notice does not have."""
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        return example(openapi, openapi["components"]["schemas"][name])
    if "example" in schema:
        return schema["example"]
    if schema.get("type") == "object":
        instance = {}
        for prop, sub in schema.get("properties", {}).items():
            if (value := example(openapi, sub)) is not None:
                instance[prop] = value
        return instance or None
    if schema.get("type") == "array":
        item = example(openapi, schema["items"])
        return None if item is None else [item]
    return None


def response_example(openapi: dict[str, Any], path: str) -> Any:
    schema = openapi["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    return example(openapi, schema)


def test_a_red_notice_detail_as_the_openapi_file_describes_it(openapi: dict[str, Any]) -> None:
    notice = response_example(openapi, "/notices/v1/red/{noticeID}")
    (entry,) = parse_interpol(json.dumps(notice))
    assert (entry.source, entry.schema) == ("interpol-red", "Person")
    assert entry.external_id == notice["entity_id"]
    assert entry.caption == f"{notice['forename']} {notice['name']}"
    assert entry.names == (entry.caption,)
    year, month, day = notice["date_of_birth"].split("/")
    assert entry.birth_dates == (f"{year}-{month}-{day}",)
    assert entry.birth_places == (notice["place_of_birth"],)
    assert entry.nationalities == tuple(code.lower() for code in notice["nationalities"])
    assert entry.reason == notice["arrest_warrants"][0]["charge"]
    assert entry.raw_url == notice["_links"]["self"]["href"]
    props = entry.properties
    assert props["firstName"] == [notice["forename"]] and props["lastName"] == [notice["name"]]
    assert props["gender"] == ["female"]  # sex_id F
    assert props["spokenLanguage"] == ["deu"]  # ISO 639-2/B GER as FtM's ISO 639-3
    assert props["birthCountry"] == [notice["country_of_birth_id"].lower()]
    assert props["interpol:issuingCountry"] == [notice["arrest_warrants"][0]["issuing_country_id"].lower()]
    assert props["height"] == [str(notice["height"])] and props["weight"] == [str(notice["weight"])]
    assert props["eyeColor"] == notice["eyes_colors_id"] and props["hairColor"] == notice["hairs_id"]
    assert props["appearance"] == [notice["distinguishing_marks"]]
    assert props["topics"] == ["wanted"]
    assert props["interpol:thumbnail"] == [notice["_links"]["thumbnail"]["href"]]


def test_a_yellow_notice_detail(openapi: dict[str, Any]) -> None:
    notice = response_example(openapi, "/notices/v1/yellow/{noticeID}")
    (entry,) = parse_interpol(notice)
    assert (entry.source, entry.external_id) == ("interpol-yellow", notice["entity_id"])
    assert entry.properties["fatherName"] == [notice["father_forename"]]
    assert entry.properties["motherName"] == [f"{notice['mother_forename']} {notice['mother_name']}"]
    assert entry.properties["interpol:dateOfEvent"] == [notice["date_of_event"]]
    assert entry.properties["country"] == [notice["country"].lower()]
    assert "topics" not in entry.properties


def test_a_un_notice_detail(openapi: dict[str, Any]) -> None:
    notice = example(openapi, openapi["components"]["schemas"]["UNNoticeDetail"])
    (entry,) = parse_interpol(notice)
    assert (entry.source, entry.schema) == ("interpol-un", "Person")  # its link says /un/persons/
    assert entry.programme == f"UN Security Council resolution {notice['un_resolution']}"
    year, month, day = notice["un_reference_date"].split("/")
    assert entry.listed_on == f"{year}-{month}-{day}"
    assert entry.properties["interpol:unReference"] == [notice["un_reference"]]
    assert entry.reason == notice["main_activity"]
    assert entry.properties["topics"] == ["sanction"]


def test_the_list_schema_as_published_has_no_notices_to_read(openapi: dict[str, Any]) -> None:
    """The OpenAPI file types ``_embedded.notices`` items as strings and gives no example."""
    page = response_example(openapi, "/notices/v1/red")
    assert "notices" not in page.get("_embedded", {})
    assert parse_interpol(page) == []


# --- fictional notices, with the API's field names ------------------------------------------

RED_LINK = "https://ws-public.interpol.int/notices/v1/red/"


def summary(entity_id: str, forename: str, name: str, **fields: Any) -> dict[str, Any]:
    """A list page's notice: what the live API sends for each ``_embedded.notices`` item."""
    link = RED_LINK + entity_id.replace("/", "-")
    return {"forename": forename, "name": name, "entity_id": entity_id, "_links": {"self": {"href": link}},
            **fields}


def list_page(*notices: dict[str, Any]) -> dict[str, Any]:
    return {"total": len(notices), "query": {"page": 1, "resultPerPage": 20},
            "_embedded": {"notices": list(notices)}, "_links": {"self": {"href": RED_LINK}}}


ZARAK = summary("2021/10001", "ZARAK", "TESTKHAN", date_of_birth="1981/04", nationalities=["PK", "AF"])
GULNAR = summary("2022/20002", "GULNAR", "FICTIVA", date_of_birth="1990", nationalities=["PK"])
ZARAK_DETAIL = {
    **ZARAK,
    "sex_id": "M",
    "place_of_birth": "QUETTA",
    "languages_spoken_ids": ["URD", "PUS", "XXX"],
    "arrest_warrants": [
        {"issuing_country_id": "PK", "charge": "Fictional charge one", "charge_translation": None},
        {"issuing_country_id": "PK", "charge": "Fictional charge two"},
    ],
    "height": None,
}


def test_a_list_page_gives_one_entry_per_notice() -> None:
    entries = parse_interpol(json.dumps(list_page(ZARAK, GULNAR)).encode())
    assert [entry.external_id for entry in entries] == ["2021/10001", "2022/20002"]
    zarak = entries[0]
    assert (zarak.source, zarak.caption) == ("interpol-red", "ZARAK TESTKHAN")
    assert zarak.birth_dates == ("1981-04",)
    assert zarak.nationalities == ("pk", "af")
    assert entries[1].birth_dates == ("1990",)


def test_details_win_over_the_summary_of_the_same_notice() -> None:
    entries = parse_interpol([list_page(ZARAK, GULNAR), ZARAK_DETAIL])
    assert [entry.external_id for entry in entries] == ["2021/10001", "2022/20002"]  # first place kept
    zarak = entries[0]
    assert zarak.reason == "Fictional charge one; Fictional charge two"
    assert zarak.birth_places == ("QUETTA",)
    assert zarak.properties["spokenLanguage"] == ["urd", "pus"]
    assert zarak.properties["interpol:languageSpoken"] == ["XXX"]  # no such ISO 639 code
    assert "height" not in zarak.properties  # null is absent
    # ... and a summary after the details does not replace them.
    assert parse_interpol([ZARAK_DETAIL, list_page(ZARAK)])[0].reason == zarak.reason


def test_an_array_of_details_and_json_lines_of_details() -> None:
    as_array = parse_interpol(json.dumps([ZARAK_DETAIL, GULNAR]))
    as_lines = parse_interpol("\n".join(json.dumps(notice) for notice in (ZARAK_DETAIL, GULNAR)) + "\n")
    assert as_array == as_lines
    assert [entry.caption for entry in as_lines] == ["ZARAK TESTKHAN", "GULNAR FICTIVA"]


def test_the_notice_type_comes_from_the_link_the_fields_or_the_caller() -> None:
    un_person = {"entity_id": "2021/30003", "name": "TESTKHAN", "forename": "ZARAK",
                 "un_reference": "ZZi.001", "aliases": ["Abu Test"], "name_in_original_script": "ٹیسٹ خان",
                 "forename_in_original_script": "زرک", "identity_documents": ["Passport ZZ1234567"]}
    (entry,) = parse_interpol(un_person)
    assert entry.source == "interpol-un"
    assert entry.names == ("ZARAK TESTKHAN", "Abu Test", "زرک ٹیسٹ خان")
    assert entry.identifiers == (Identifier("idNumber", "Passport ZZ1234567", None),)
    missing = {"entity_id": "2020/40004", "name": "FICTIVA", "date_of_event": "2020/01/02"}
    assert parse_interpol(missing)[0].source == "interpol-yellow"
    assert parse_interpol({"entity_id": "2020/50005", "name": "FICTIVA"})[0].source == "interpol-red"
    assert parse_interpol(missing, notice_type="un")[0].source == "interpol-un"
    with pytest.raises(ValueError, match="notice_type must be one of"):
        parse_interpol(missing, notice_type="green")


def test_a_un_notice_on_an_entity_is_an_organisation() -> None:
    front = {"name": "TEST FRONT ORGANISATION", "registration_number": "REG-0001", "legal_form": "Trust",
             "formerly_known_as": "OLD TEST FRONT", "adresses": ["1 Test Road, Quetta"],
             "_links": {"self": {"href": "https://ws-public.interpol.int/notices/v1/un/entities/2019-60006"}},
             "some_new_field": "kept", "nested_new_field": {"not": "kept"}}
    (entry,) = parse_interpol(front)
    assert (entry.source, entry.schema, entry.external_id) == ("interpol-un", "Organization", "2019/60006")
    assert entry.names == ("TEST FRONT ORGANISATION", "OLD TEST FRONT")
    assert entry.aliases_detail[0].quality == "former"
    assert entry.identifiers == (Identifier("registrationNumber", "REG-0001", None),)
    assert entry.addresses == ("1 Test Road, Quetta",)
    assert entry.properties["legalForm"] == ["Trust"]
    assert entry.properties["interpol:some_new_field"] == ["kept"]
    assert "interpol:nested_new_field" not in entry.properties


@pytest.mark.parametrize(
    ("data", "detail"),
    [
        ('{"entity_id": "2021/1", ', r"^the notices are not JSON: line 1, column \d+: "),
        (b"\xff\xfe{}", r"^the notices are not UTF-8 text \(byte 0\)$"),
        ('{"entity_id": "2021/1"}\n{"entity_id": oops}\n', r"^line 2: not a JSON notice: Expecting value"),
        ("42", r"^document 1 is a number, not a notice or a list of notices$"),
        ('[{"entity_id": "2021/1"}, "2021/2"]', r"^document 2 is text, not a notice"),
        ('{"_embedded": {"notices": ["2021/1"]}}', r"^notice 1: a list entry must be an object .* not text$"),
        ('{"_embedded": {"notices": {"a": 1}}}', r"^document 1: _embedded.notices must be a list, not an"),
        ('{"entity_id": "2021/1", "forename": {"x": 1}}', r"^notice 1 \(2021/1\): forename must be text"),
        ('{"entity_id": "2021/1", "nationalities": [1]}', r"^notice 1 \(2021/1\): nationalities must be a"),
        ('{"entity_id": "2021/1", "arrest_warrants": "x"}', r"arrest_warrants must be a list of objects"),
        ('{"name": "FICTIVA"}', r"^notice 1: no entity_id and no _links.self.href to take it from$"),
        ("[" * 100_000, r"^the notices are JSON nested too deeply"),
    ],
    ids=["truncated", "not-utf8", "bad-line", "scalar", "string-detail", "string-item", "notices-object",
         "forename-object", "nationality-number", "warrants-text", "no-id", "deep"],
)
def test_input_that_is_not_notices_fails_with_a_one_line_reason(data: str | bytes, detail: str) -> None:
    with pytest.raises(ListFormatError, match=detail) as caught:
        parse_interpol(data)
    assert "\n" not in caught.value.detail
