"""The fictional name generator: determinism, variety, scripts, formats and the no-real-names rule."""

from __future__ import annotations

import random
import re
import time
import unicodedata

import phonenumbers
import pytest
from phonenumbers import PhoneNumberType

from dastavez.demo import names
from dastavez.demo.names import (
    ABROAD_COUNTRIES,
    DISTRICTS,
    FAMILY_NAMES,
    FEMALE_GIVEN,
    FEMALE_NOMS_DE_GUERRE,
    FICTIONAL_GROUPS,
    MALE_GIVEN,
    NOMS_DE_GUERRE,
    PROVINCE,
    PROVINCE_URDU,
    OrgName,
    cnic,
    foreign_mobile,
    org_name,
    passport,
    person_name,
    pk_mobile,
    police_station,
    spelling_variants,
)

# Fragments of real proscribed groups' names; none may appear in an invented organisation.
REAL_GROUP_FRAGMENTS = (
    "taiba", "jaish", "taliban", "qaeda", "daesh", "isis", "sipah", "ahrar", "baloch liberation",
    "lashkar-e-jhangvi",
)  # fmt: skip
# Letters Arabic writes but Urdu replaces: ي (ی), ك (ک), ه (ہ/ھ).
ARABIC_ONLY_LETTERS = frozenset("\u064a\u0643\u0647")


def _people(seed: int, count: int, **kwargs: float) -> list[names.PersonName]:
    rng = random.Random(seed)
    return [person_name(rng, **kwargs) for _ in range(count)]


def _orgs(seed: int, count: int) -> list[OrgName]:
    rng = random.Random(seed)
    return [org_name(rng) for _ in range(count)]


def _is_urdu_script(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and all(unicodedata.name(c).startswith("ARABIC") for c in letters)


def _all_urdu_strings() -> list[str]:
    tables = (MALE_GIVEN, FEMALE_GIVEN, FAMILY_NAMES, NOMS_DE_GUERRE, FEMALE_NOMS_DE_GUERRE, DISTRICTS)
    strings = [urdu for table in tables for _, urdu in table]
    strings += [group.urdu for group in FICTIONAL_GROUPS]
    strings += [org.urdu for org in _orgs(5, 500)]
    for person in _people(5, 2000, female_share=0.3):
        strings.append(person.urdu)
        if person.nom_de_guerre_urdu is not None:
            strings.append(person.nom_de_guerre_urdu)
    return [*strings, PROVINCE_URDU]


# --- tables ---------------------------------------------------------------------------------


def test_tables_are_large_enough_and_free_of_duplicates() -> None:
    assert len(MALE_GIVEN) >= 60
    assert len(FEMALE_GIVEN) >= 15
    assert len(FAMILY_NAMES) >= 40
    assert len(NOMS_DE_GUERRE) >= 20
    assert len(DISTRICTS) >= 8
    for table in (MALE_GIVEN, FEMALE_GIVEN, FAMILY_NAMES, NOMS_DE_GUERRE, DISTRICTS):
        latin = [entry[0] for entry in table]
        urdu = [entry[1] for entry in table]
        assert len(set(latin)) == len(latin)
        assert len(set(urdu)) == len(urdu)


def test_every_urdu_string_is_in_arabic_script_with_urdu_letters() -> None:
    strings = _all_urdu_strings()
    assert len(strings) > 2500
    for text in strings:
        assert _is_urdu_script(text), text
        assert not ARABIC_ONLY_LETTERS & set(text), text


def test_latin_strings_are_latin() -> None:
    for person in _people(6, 500, female_share=0.5):
        for text in (person.latin, person.father, *person.aliases):
            assert text.isascii(), text


# --- people ---------------------------------------------------------------------------------


def test_same_seed_gives_the_same_sequence() -> None:
    assert _people(42, 300) == _people(42, 300)
    assert _orgs(42, 100) == _orgs(42, 100)
    assert _people(42, 300) != _people(43, 300)


def test_ten_thousand_names_are_varied() -> None:
    people = _people(1, 10_000)
    assert len({p.latin for p in people}) >= 5_000
    assert len({p.urdu for p in people}) >= 5_000


def test_a_person_is_assembled_consistently() -> None:
    family_urdu = dict(FAMILY_NAMES)
    for person in _people(7, 2000, female_share=0.5):
        assert person.latin == f"{person.given} {person.family}"
        assert person.father.endswith(f" {person.family}")
        assert person.urdu.endswith(f" {family_urdu[person.family]}")  # "Abdul X" is one word in Urdu
        assert 0 <= len(person.aliases) <= 3
        assert person.latin not in person.aliases
        assert len(set(person.aliases)) == len(person.aliases)
        assert (person.nom_de_guerre is None) == (person.nom_de_guerre_urdu is None)
        assert person.gender in {"male", "female"}


def test_female_share_is_honoured() -> None:
    female_given = {latin for latin, _ in FEMALE_GIVEN}
    default = _people(8, 5000)
    share = sum(p.gender == "female" for p in default) / len(default)
    assert 0.07 < share < 0.13
    assert all((p.given in female_given) == (p.gender == "female") for p in default)
    assert all(p.gender == "male" for p in _people(8, 500, female_share=0.0))
    assert all(p.gender == "female" for p in _people(8, 500, female_share=1.0))
    with pytest.raises(ValueError, match="female_share"):
        person_name(random.Random(0), female_share=1.5)


def test_some_people_have_noms_de_guerre() -> None:
    people = _people(9, 2000)
    with_nom = [p for p in people if p.nom_de_guerre]
    assert 0.15 < len(with_nom) / len(people) < 0.45
    known = {latin for latin, _ in (*NOMS_DE_GUERRE, *FEMALE_NOMS_DE_GUERRE)}
    assert {p.nom_de_guerre for p in with_nom} <= known


def test_generation_is_fast() -> None:
    rng = random.Random(10)
    started = time.perf_counter()
    for _ in range(10_000):
        person_name(rng)
    assert time.perf_counter() - started < 1.5  # about 0.2 s on a slow CI core


# --- spelling variants ----------------------------------------------------------------------


def test_variants_differ_from_the_input_and_from_each_other() -> None:
    rng = random.Random(11)
    for person in _people(11, 3000, female_share=0.3):
        variants = spelling_variants(person.latin, rng, 3)
        assert person.latin not in variants
        assert len(set(variants)) == len(variants)
        assert len(variants) <= 3


def test_variants_are_deterministic() -> None:
    first = [spelling_variants("Muhammad Akram Baloch", random.Random(s), 3) for s in range(20)]
    again = [spelling_variants("Muhammad Akram Baloch", random.Random(s), 3) for s in range(20)]
    assert first == again


def test_variants_use_realistic_transliterations() -> None:
    seen: set[str] = set()
    for seed in range(200):
        seen.update(spelling_variants("Muhammad Akram Baloch", random.Random(seed), 3))
    words = {word for variant in seen for word in variant.split()}
    assert {"Mohammad", "Mohd.", "Md.", "M."} <= words
    assert {"Baluch", "Bloch"} <= words
    abdul = {v for s in range(200) for v in spelling_variants("Abdul Wahid Khan", random.Random(s), 3)}
    assert "Abdel Wahid Khan" in abdul
    assert "Abdulwahid Khan" in abdul
    assert all(v.endswith(" Khan") for v in abdul)  # Khan is kept


def test_variants_of_an_unchangeable_name_or_zero_k_are_empty() -> None:
    rng = random.Random(12)
    assert spelling_variants("Khan", rng, 3) == []
    assert spelling_variants("Muhammad Akram Baloch", rng, 0) == []


# --- organisations --------------------------------------------------------------------------


def test_exactly_five_fictional_groups_with_distinct_names() -> None:
    assert len(FICTIONAL_GROUPS) == 5
    for field in ("latin", "urdu", "abbreviation"):
        values = [getattr(group, field) for group in FICTIONAL_GROUPS]
        assert len(set(values)) == 5, field
    assert all(group.ideology_note.startswith("Fictional") for group in FICTIONAL_GROUPS)


def test_no_organisation_carries_a_real_group_name() -> None:
    organisations = [*FICTIONAL_GROUPS, *_orgs(13, 5000)]
    for org in organisations:
        for text in (org.latin, org.abbreviation, org.ideology_note, *org.former_names):
            lowered = text.lower()
            assert not [fragment for fragment in REAL_GROUP_FRAGMENTS if fragment in lowered], text


def test_further_organisations_are_invented_and_varied() -> None:
    district_names = tuple(latin for latin, _ in DISTRICTS)
    organisations = _orgs(14, 3000)
    assert len({org.latin for org in organisations}) > 1500
    for org in organisations:
        assert org.latin.startswith(district_names)  # named after a fictional district
        assert org.abbreviation.isupper() and org.abbreviation.isalpha()
        assert org.latin not in org.former_names
        assert org.ideology_note.startswith("Fictional")


# --- places ---------------------------------------------------------------------------------


def test_police_stations_belong_to_their_district() -> None:
    rng = random.Random(15)
    for latin, _ in DISTRICTS:
        station = police_station(rng, latin)
        assert station.startswith("Police Station ") and station.endswith(f", {latin}")
    with pytest.raises(ValueError, match=PROVINCE):
        police_station(rng, "Lahore")


def test_abroad_countries_are_lowercase_alpha_2() -> None:
    assert len(set(ABROAD_COUNTRIES)) == len(ABROAD_COUNTRIES) >= 8
    assert all(re.fullmatch(r"[a-z]{2}", code) for code in ABROAD_COUNTRIES)
    assert "pk" not in ABROAD_COUNTRIES


# --- identifiers ----------------------------------------------------------------------------


def test_cnic_format() -> None:
    rng = random.Random(16)
    numbers = [cnic(rng) for _ in range(2000)]
    assert all(re.fullmatch(r"[1-7]\d{4}-\d{7}-\d", n) for n in numbers)
    assert {n[0] for n in numbers} == set("1234567")
    assert all(int(cnic(rng, gender="male")[-1]) % 2 == 1 for _ in range(200))
    assert all(int(cnic(rng, gender="female")[-1]) % 2 == 0 for _ in range(200))


def test_passport_format() -> None:
    rng = random.Random(17)
    assert all(re.fullmatch(r"[A-Z]{2}\d{7}", passport(rng)) for _ in range(1000))


def test_pk_mobiles_are_valid() -> None:
    rng = random.Random(18)
    numbers = [pk_mobile(rng) for _ in range(3000)]
    prefixes = set()
    for number in numbers:
        assert re.fullmatch(r"\+923\d{9}", number)
        parsed = phonenumbers.parse(number)
        assert phonenumbers.is_valid_number(parsed), number
        assert phonenumbers.number_type(parsed) == PhoneNumberType.MOBILE, number
        prefixes.add(number[3:6])
    assert len(prefixes) > 40


@pytest.mark.parametrize("country", ABROAD_COUNTRIES)
def test_foreign_mobiles_are_valid_for_every_abroad_country(country: str) -> None:
    rng = random.Random(19)
    numbers = [foreign_mobile(rng, country) for _ in range(200)]
    for number in numbers:
        parsed = phonenumbers.parse(number)
        assert phonenumbers.is_valid_number(parsed), number
        assert phonenumbers.region_code_for_number(parsed) == country.upper(), number
        assert phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164) == number
    assert len(set(numbers)) > 150  # randomised, not the library's one example


def test_foreign_mobile_rejects_an_unknown_country() -> None:
    with pytest.raises(ValueError, match="zz"):
        foreign_mobile(random.Random(20), "zz")
