"""FollowTheMoney JSON lines: the shared sample reads completely, the writer's lines read
back to the same entity, and a malformed line is named by its number."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from dastavez.resolve.lists import (
    Identifier,
    ListFormatError,
    parse_ftm_lines,
    read_ftm_entities,
    to_ftm_line,
)


@pytest.fixture(scope="module")
def sample_lines(shared_data: Path) -> list[str]:
    return (shared_data / "ftm-sample-entities.json").read_text(encoding="utf-8").splitlines()


def test_every_line_of_the_sample_parses(sample_lines: list[str]) -> None:
    originals = [json.loads(line) for line in sample_lines if line.strip()]
    entries = list(parse_ftm_lines(sample_lines))
    assert len(entries) == len(originals) == 7
    for original, entry in zip(originals, entries, strict=True):
        props = original["properties"]
        assert (entry.source, entry.external_id, entry.schema) == ("ftm", original["id"], original["schema"])
        assert entry.caption == original["caption"]
        assert list(entry.names) == props.get("name", [])
        assert entry.birth_dates == tuple(props.get("birthDate", []))
        assert entry.birth_places == tuple(props.get("birthPlace", []))
        assert entry.programme == ", ".join(original["datasets"])
        assert entry.properties["ftm:referents"] == original["referents"]
        assert entry.listed_on == original["first_seen"][:10]


def test_how_the_sample_entities_land(sample_lines: list[str]) -> None:
    entries = {entry.external_id: entry for entry in parse_ftm_lines(sample_lines)}
    person = entries["NK-2Ka3UvopqbpZmVDFjWd4LA"]
    assert person.nationalities == ("ru",)
    assert person.identifiers == (Identifier("taxNumber", "366510784303", None),)
    assert "Виталий Юрьевич КУЗЬМЕНКО" in person.names
    assert person.properties["lastName"] == ["КУЗЬМЕНКО", "KUZMENKO", "Kuzmenko"]
    assert "nationality" not in person.properties and "taxNumber" not in person.properties
    with_country = entries["NK-2Myxbs6wX9xFKGoQn3sLaY"]
    assert with_country.properties["country"] == ["by"]  # a person's country is no nationality
    organisation = entries["NK-2GdmHtZTeNXjNVrBGEXZNj"]
    assert organisation.nationalities == ("by",)  # an organisation's country stands for it
    assert organisation.identifiers == (Identifier("registrationNumber", "808000714", None),)
    address = entries["NK-2MQE6AmhAk4tqhENJAMUG9"]
    assert (address.schema, address.names, address.nationalities) == ("Address", (), ())
    assert address.caption == "Majengo area, Mombasa, KENYA"
    assert address.properties["country"] == ["ke"]


def test_top_level_keys_are_kept_as_they_are(sample_lines: list[str]) -> None:
    entity = next(read_ftm_entities(sample_lines))
    assert entity.line == 1
    assert entity.extra["target"] is True and entity.extra["datasets"] == ["eu_fsf"]
    assert set(entity.extra) == {"referents", "datasets", "first_seen", "last_seen", "last_change", "target"}


# --- the writer ----------------------------------------------------------------------------

FICTIONAL = {
    "name": ["Zarak Testkhan", "زرک ٹیسٹ خان"],
    "alias": ["Abu Test"],
    "weakAlias": ["Zaki"],
    "birthDate": ["1981-04-12"],
    "nationality": ["pk"],
    "passportNumber": ["ZZ1234567"],
    "phone": ["+923001234567"],
    "notes": ["line one\u2028line two\x85line three"],  # characters splitlines() breaks on
}
PROVENANCE: dict[str, list[dict[str, str | None]]] = {
    "birthDate": [{"value": "1981-04-12", "exhibit": "EXH-0001", "locator": "p. 3", "status": "live",
                   "claim": "CLM-0001"}],
    "name": [{"value": "زرک ٹیسٹ خان", "exhibit": None, "locator": None, "status": "live",
              "claim": "CLM-0002"}],
}


def test_a_written_line_is_one_compact_line_in_ftm_shape() -> None:
    line = to_ftm_line("ent-fictional-1", "Person", FICTIONAL, provenance=PROVENANCE)
    assert len(line.splitlines()) == 1 and "\n" not in line
    assert ", " not in line.split('"notes"')[0]  # compact separators
    assert "زرک ٹیسٹ خان" in line  # scripts written as they are, not as \u escapes
    body = json.loads(line)
    assert list(body) == ["id", "schema", "properties", "provenance"]
    assert list(body["properties"]) == sorted(FICTIONAL)
    assert body["properties"]["notes"] == FICTIONAL["notes"]


def test_what_is_written_reads_back_the_same() -> None:
    line = to_ftm_line("ent-fictional-1", "Person", FICTIONAL, provenance=PROVENANCE)
    (entity,) = read_ftm_entities([line])
    assert (entity.id, entity.schema, entity.properties) == ("ent-fictional-1", "Person", FICTIONAL)
    assert entity.provenance == {
        prop: [dict(sorted(record.items())) for record in records] for prop, records in PROVENANCE.items()
    }
    (entry,) = parse_ftm_lines([line])
    assert entry.names == ("Zarak Testkhan", "زرک ٹیسٹ خان", "Abu Test", "Zaki")
    aliases = [(alias.name, alias.quality) for alias in entry.aliases_detail]
    assert aliases == [("Abu Test", "good"), ("Zaki", "low")]
    assert entry.birth_dates == ("1981-04-12",)
    assert (entry.nationalities, entry.phones) == (("pk",), ("+923001234567",))
    assert entry.identifiers == (Identifier("passportNumber", "ZZ1234567", None),)


def test_the_sample_file_survives_a_round_trip(sample_lines: list[str]) -> None:
    for entity in read_ftm_entities(sample_lines):
        (again,) = read_ftm_entities([to_ftm_line(entity.id, entity.schema, entity.properties)])
        assert again.properties == {prop: values for prop, values in entity.properties.items() if values}


def test_properties_without_values_are_left_out_and_order_of_values_is_kept() -> None:
    line = to_ftm_line("ent-2", "Organization", {"name": ["B Front", "A Front"], "alias": []})
    assert json.loads(line) == {
        "id": "ent-2", "schema": "Organization", "properties": {"name": ["B Front", "A Front"]},
    }


@pytest.mark.parametrize(
    ("arguments", "detail"),
    [
        (("", "Person", {}), "an FtM entity needs an id"),
        (("ent-3", "Not a schema", {}), "is not an FtM schema name"),
        (("ent-3", "Person", {"name": [42]}), "the values of name must be text"),
        (("ent-3", "Person", {"name": "Gulnar"}), "the values of name must be a list, not one text"),
    ],
)
def test_the_writer_refuses_what_ftm_could_not_read(arguments: tuple[Any, ...], detail: str) -> None:
    with pytest.raises(ListFormatError, match=detail):
        to_ftm_line(*arguments)


def test_provenance_can_only_speak_for_values_the_entity_has() -> None:
    with pytest.raises(ListFormatError, match="provenance for birthDate names a value the entity does not"):
        to_ftm_line("ent-4", "Person", {"birthDate": ["1981"]}, provenance={"birthDate": [{"value": "1982"}]})
    with pytest.raises(ListFormatError, match="provenance for birthDate must be text or null"):
        to_ftm_line("ent-4", "Person", {"birthDate": ["1981"]},
                    provenance={"birthDate": [{"value": "1981", "confidence": 0.9}]})  # type: ignore[dict-item]


# --- reading what is not FtM ---------------------------------------------------------------

GOOD = '{"id": "ent-5", "schema": "Person", "properties": {"name": ["Gulnar Fictiva"]}}'


@pytest.mark.parametrize(
    ("bad_line", "detail"),
    [
        ('{"id": "ent-6", "schema": "Person", ', r"^line 3: not JSON: "),
        ('["ent-6"]', r"^line 3: an FtM entity must be a JSON object$"),
        ('{"schema": "Person"}', r"^line 3: the entity has no id$"),
        ('{"id": "ent-6", "schema": "no schema"}', r"^line 3: entity ent-6: schema must be an FtM schema"),
        ('{"id": "ent-6", "schema": "Person", "properties": {"name": "Gulnar"}}',
         r"^line 3: entity ent-6: properties must map each property name to a list of text$"),
        ('{"id": "ent-6", "schema": "Person", "properties": {"name": [1]}}', r"^line 3: entity ent-6: prop"),
        ('{"id": "ent-6", "schema": "Person", "caption": ["x"]}', r"^line 3: entity ent-6: caption must be"),
        ('{"id": "ent-6", "schema": "Person", "provenance": {"name": [{"exhibit": "EXH-1"}]}}',
         r"^line 3: entity ent-6: provenance must map"),
        ("[" * 100_000, r"^line 3: JSON nested too deeply$"),
    ],
    ids=["truncated", "array", "no-id", "bad-schema", "value-not-list", "value-not-text", "caption",
         "provenance-without-value", "deep"],
)
def test_a_malformed_line_is_named_by_its_number(bad_line: str, detail: str) -> None:
    lines = [GOOD, "", bad_line, GOOD]  # the blank line is skipped but counted
    entries = parse_ftm_lines(lines)
    assert next(entries).external_id == "ent-5"
    with pytest.raises(ListFormatError, match=detail) as caught:
        next(entries)
    assert "\n" not in caught.value.detail


def test_a_line_that_is_not_text_is_refused() -> None:
    with pytest.raises(ListFormatError, match=r"^line 1: expected text, got bytes$"):
        list(read_ftm_entities([GOOD.encode()]))  # type: ignore[list-item]


def test_names_are_composed_from_parts_when_an_entity_has_none() -> None:
    line = to_ftm_line("ent-7", "Person", {"firstName": ["Gulnar"], "lastName": ["Fictiva"]})
    (entry,) = parse_ftm_lines([line])
    assert (entry.names, entry.caption) == (("Gulnar Fictiva",), "Gulnar Fictiva")
    assert entry.properties["firstName"] == ["Gulnar"]


def test_values_that_are_not_what_their_type_says_are_kept_aside() -> None:
    line = to_ftm_line("ent-8", "Person", {"name": ["Gulnar Fictiva"], "birthDate": ["spring 1990"],
                                          "nationality": ["zz"], "sourceUrl": ["https://a.example/1",
                                                                               "https://a.example/2"]})
    (entry,) = parse_ftm_lines([line])
    assert (entry.birth_dates, entry.nationalities) == ((), ())
    assert entry.properties["ftm:birthDate"] == ["spring 1990"]
    assert entry.properties["ftm:nationality"] == ["zz"]
    assert entry.raw_url == "https://a.example/1"
    assert entry.properties["sourceUrl"] == ["https://a.example/2"]
