"""The small rules every list parser shares: text, dates, countries, the entry itself."""

from __future__ import annotations

import pytest

from dastavez.resolve.lists import ReferenceEntry, year_span
from dastavez.resolve.lists.cleaning import clean_text, partial_date, year_interval
from dastavez.resolve.lists.countries import country_code


@pytest.mark.parametrize(
    ("written", "code"),
    [
        ("Pakistan", "pk"),
        ("PK", "pk"),
        ("PAK", "pk"),
        ("Iran (Islamic Republic of)", "ir"),
        ("Bolivia (Plurinational State of)", "bo"),
        ("Democratic Republic of the Congo", "cd"),
        ("State of Palestine", "ps"),
        ("United Kingdom of Great Britain and Northern Ireland", "gb"),
        ("China, Hong Kong Special Administrative Region", "hk"),
        ("Türkiye", "tr"),
        ("  Afghanistan\n", "af"),
        ("na", None),  # the UN's "not available", not Namibia
        ("former Soviet Union", None),
        ("ZZ", None),
        ("Atlantis", None),
        ("", None),
        (None, None),
    ],
)
def test_country_names_and_codes_as_lists_write_them(written: str | None, code: str | None) -> None:
    assert country_code(written) == code


@pytest.mark.parametrize(
    ("written", "iso"),
    [
        ("1979", "1979"),
        ("1979-05", "1979-05"),
        ("1979-05-03", "1979-05-03"),
        ("1958/11/05", "1958-11-05"),  # as INTERPOL writes it
        ("1958/11", "1958-11"),
        ("05/11/1958", "1958-11-05"),  # day first
        ("2024-01-01T10:00:00", "2024-01-01"),
        ("1979-02-30", None),
        ("Sep. 1958", None),
        ("", None),
    ],
)
def test_partial_dates(written: str, iso: str | None) -> None:
    assert partial_date(written) == iso


def test_year_intervals_and_spans() -> None:
    assert year_interval("1970", "1975") == "1970/1975"
    assert year_interval("1975", "1970") == "1970/1975"
    assert year_interval("1970", "1970") == "1970"
    assert year_interval("1970", "") is None
    assert year_span("1970/1975") == (1970, 1975)
    assert year_span("1979-05-03") == (1979, 1979)
    assert year_span("1979") == (1979, 1979)


def test_text_is_one_nfc_line_without_invisible_marks() -> None:
    assert clean_text("  Zarak\u200f \n Teste\u0301khan\t") == "Zarak Testékhan"
    assert clean_text(None) == "" and clean_text(1.65) == "1.65"


def test_an_entry_can_be_a_set_member_despite_its_properties_dict() -> None:
    entry = ReferenceEntry(source="ftm", external_id="ent-1", schema="Person", caption="Gulnar Fictiva",
                           properties={"notes": ["x"]})
    same = ReferenceEntry(source="ftm", external_id="ent-1", schema="Person", caption="Gulnar Fictiva",
                          properties={"notes": ["x"]})
    assert {entry, same} == {entry}
    assert entry.key == ("ftm", "ent-1")
