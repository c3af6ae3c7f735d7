"""Property types: valid values are cleaned and normalised, everything else is an InvalidInput."""

from __future__ import annotations

import random

import pytest

from dastavez.exc import InvalidInput
from dastavez.model.types import TYPES, Cleaned, TypeContext, get_type
from dastavez.model.types.identifier import luhn_check_digit
from dastavez.model.types.name import detect_script, fold
from dastavez.model.types.phone import parse_phone

# A value of each type that is valid, so the shared pre-check can be tested on all of them.
VALID: dict[str, str] = {
    "name": "Akram Baloch",
    "date": "1979-05-17",
    "country": "Pakistan",
    "phone": "0300 1234567",
    "identifier": "3520212345671",
    "text": "A note.",
    "string": "A title",
    "entity": "PER-0A1B2C3D",
    "url": "https://example.org/a",
}


def clean(type_name: str, raw: str, **context: str) -> Cleaned:
    return get_type(type_name).clean(raw, context=TypeContext(**context))


def rejected(type_name: str, raw: object, **context: str) -> InvalidInput:
    with pytest.raises(InvalidInput) as caught:
        get_type(type_name).clean(raw, context=TypeContext(**context))  # type: ignore[arg-type]
    error = caught.value
    assert "\n" not in error.detail
    assert error.status == 422
    assert error.field == type_name
    return error


def test_registry_holds_every_type_under_its_name() -> None:
    assert set(TYPES) == set(VALID)
    for name, ptype in TYPES.items():
        assert ptype.name == name
        assert get_type(name) is ptype


def test_unknown_type_is_invalid_input() -> None:
    with pytest.raises(InvalidInput, match="unknown property type 'colour'"):
        get_type("colour")


def test_field_names_the_property_when_given() -> None:
    with pytest.raises(InvalidInput) as caught:
        get_type("date").clean("1979-13", field="birthDate")
    assert caught.value.field == "birthDate"


# --- the shared pre-check, on every type ---


@pytest.mark.parametrize("type_name", sorted(VALID))
def test_valid_sample_is_accepted(type_name: str) -> None:
    cleaned = clean(type_name, VALID[type_name])
    assert cleaned.value and cleaned.normalised


@pytest.mark.parametrize("type_name", sorted(VALID))
@pytest.mark.parametrize(
    ("raw", "detail"),
    [
        (None, "expected text, got NoneType"),
        (42, "expected text, got int"),
        (b"bytes", "expected text, got bytes"),
        ("", "empty"),
        ("   \t \n ", "empty"),
        ("Ali\ud800", "unpaired surrogate"),
        ("Ali\x00", "control character (U+0000)"),
        ("Ali\x1bKhan", "control character (U+001B)"),
        ("Ali\x85Khan", "control character (U+0085)"),
        ("Ali\u202eKhan", "contains a bidirectional control character (U+202E)"),
        ("\u2066Ali\u2069", "contains a bidirectional control character (U+2066)"),
        ("Ali\u202aKhan", "contains a bidirectional control character"),
    ],
)
def test_precheck_rejects_on_every_type(type_name: str, raw: object, detail: str) -> None:
    assert detail in rejected(type_name, raw).detail


@pytest.mark.parametrize("type_name", sorted(VALID))
def test_over_max_length_is_rejected_with_the_limit(type_name: str) -> None:
    limit = get_type(type_name).max_length
    error = rejected(type_name, "a" * (limit + 1))
    assert f"too long ({limit + 1} characters, the limit is {limit})" in error.detail


@pytest.mark.parametrize("type_name", sorted(set(VALID) - {"text"}))
def test_single_line_types_reject_inner_line_breaks_and_tabs(type_name: str) -> None:
    sample = VALID[type_name]
    assert "one line" in rejected(type_name, sample[:3] + "\n" + sample[3:]).detail
    assert "one line" in rejected(type_name, sample[:3] + "\r" + sample[3:]).detail
    assert "one line" in rejected(type_name, sample[:3] + "\t" + sample[3:]).detail


@pytest.mark.parametrize("type_name", sorted(VALID))
def test_lrm_rlm_bom_and_outer_whitespace_are_dropped(type_name: str) -> None:
    sample = VALID[type_name]
    noisy = "\ufeff \t" + sample[:2] + "\u200e\u200f" + sample[2:] + " \r\n"
    assert clean(type_name, noisy) == clean(type_name, sample)


def test_inner_whitespace_is_collapsed_and_nfc_applied() -> None:
    decomposed = "Mu\u0068\u0323ammad \u00a0  Akram"  # h + combining dot below
    cleaned = clean("name", decomposed)
    assert cleaned.value == "Mu\u1e25ammad Akram"


# --- name ---


@pytest.mark.parametrize(
    ("raw", "value", "normalised", "script"),
    [
        ("Akram  Baloch", "Akram Baloch", "akram baloch", "Latn"),
        ("محمد اکرم بلوچ", "محمد اکرم بلوچ", "محمد اکرم بلوچ", "Arab"),
        ("Muḥammad", "Muḥammad", "muhammad", "Latn"),
        ("ʿAlī ibn Abī Ṭālib", "ʿAlī ibn Abī Ṭālib", "ali ibn abi talib", "Latn"),
        ("Алексей Петров", "Алексей Петров", "алексеи петров", "Cyrl"),
        ("李小龙", "李小龙", "李小龙", "Hani"),
        ("Ali Khan علی خان", "Ali Khan علی خان", "ali khan علی خان", "Mixd"),
        ("Abdul Rehman (a.k.a. عبد)", "Abdul Rehman (a.k.a. عبد)", "abdul rehman a k a عبد", "Latn"),
        # hostile strings are letters like any other: stored verbatim, escaping is the renderer's job
        ("<script>alert(1)</script>", "<script>alert(1)</script>", "script alert 1 script", "Latn"),
        ("'; DROP TABLE claim; --", "'; DROP TABLE claim; --", "drop table claim", "Latn"),
    ],
)
def test_name_is_kept_and_folded(raw: str, value: str, normalised: str, script: str) -> None:
    assert clean("name", raw) == Cleaned(value, normalised, {"script": script})


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("علي", "علی"),  # Arabic yeh / Farsi yeh
        ("مصطفى", "مصطفی"),  # alef maksura
        ("كريم", "کریم"),  # Arabic kaf / keheh
        ("فاطمة", "فاطمہ"),  # teh marbuta / heh goal
        ("عبدالله", "عبداللہ"),  # Arabic heh / heh goal
        ("مُحَمَّد", "محمد"),  # harakat
        ("محـــمد", "محمد"),  # tatweel
        ("أحمد", "احمد"),  # hamza on alef
        ("ھارون", "ہارون"),  # do-chashmi heh at a word start is a plain he
        ("MUHAMMAD", "Muhammad"),
        ("Muḥammad", "Muhammad"),
        ("José  Ñúñez", "jose nunez"),
        ("O'Brien", "O Brien"),
        ("Akram ۱۲", "Akram 12"),  # Urdu digits
        ("Akram ١٢", "Akram 12"),  # Arabic-Indic digits
    ],
)
def test_variants_fold_equal(left: str, right: str) -> None:
    assert fold(left) == fold(right)
    assert clean("name", left).normalised == clean("name", right).normalised


def test_fold_keeps_aspirated_do_chashmi_heh() -> None:
    assert "بھ" in fold("بھٹو")  # بھ is one aspirated consonant: folding must not split it


@pytest.mark.parametrize(
    ("text", "script"),
    [
        ("Akram", "Latn"),
        ("اکرم", "Arab"),
        ("मोहन", "Deva"),
        ("Σωκράτης", "Grek"),
        ("דוד", "Hebr"),
        ("1234 --", "Zyyy"),
        ("", "Zyyy"),
        ("Akram Baloch x", "Latn"),
        ("Α Akram Baloch", "Latn"),
        ("ΑΒ Akram", "Mixd"),
    ],
)
def test_detect_script(text: str, script: str) -> None:
    assert detect_script(text) == script


@pytest.mark.parametrize("raw", ["12345", "--- ...", "۱۲۳", "ـــ", "(1)"])
def test_name_without_letters_is_rejected(raw: str) -> None:
    assert "has no letters" in rejected("name", raw).detail


def test_name_of_ten_thousand_characters_is_rejected() -> None:
    assert "the limit is 300" in rejected("name", "A" * 10_000).detail


def test_bidi_override_in_a_name_is_rejected() -> None:
    # U+202E makes "Ali exe.txt" display reversed: the classic disguise
    error = rejected("name", "Ali \u202etxt.exe")
    assert error.detail == "invalid name: contains a bidirectional control character (U+202E)"


# --- date ---


@pytest.mark.parametrize(
    ("raw", "iso", "precision"),
    [
        ("1979", "1979", "year"),
        ("1979-05", "1979-05", "month"),
        ("1979-5", "1979-05", "month"),
        ("1979-05-17", "1979-05-17", "day"),
        ("1979-5-7", "1979-05-07", "day"),
        ("17/05/1979", "1979-05-17", "day"),
        ("17-05-1979", "1979-05-17", "day"),
        ("7/5/1979", "1979-05-07", "day"),
        ("29/02/2000", "2000-02-29", "day"),
        ("1000", "1000", "year"),
        ("2200-12-31", "2200-12-31", "day"),
        ("2026-03-01T10:20:00Z", "2026-03-01T10:20:00Z", "second"),
        ("2026-03-01T10:20:00+05:00", "2026-03-01T05:20:00Z", "second"),
        ("2026-03-01T01:20:00.250-0300", "2026-03-01T04:20:00Z", "second"),
        ("2026-03-01T02:00+05:00", "2026-02-28T21:00:00Z", "second"),
    ],
)
def test_date_is_iso_at_its_precision(raw: str, iso: str, precision: str) -> None:
    assert clean("date", raw) == Cleaned(iso, iso, {"precision": precision})


@pytest.mark.parametrize(
    ("raw", "detail"),
    [
        ("1979-02-30", "February 1979 has no day 30"),
        ("29/02/1900", "February 1900 has no day 29"),
        ("1979-13", "there is no month 13"),
        ("1979-00-10", "there is no month 0"),
        ("0999", "year must be between 1000 and 2200"),
        ("2201-01", "year must be between 1000 and 2200"),
        ("9999-12-31T23:00:00-05:00", "year must be between 1000 and 2200"),
        ("17/05-1979", "expected YYYY"),
        ("05/1979", "expected YYYY"),
        ("May 1979", "expected YYYY"),
        ("١٩٧٩", "expected YYYY"),  # Arabic-Indic digits are not silently read as 1979
        ("79", "expected YYYY"),
        ("2026-03-01T10:20:00", "needs a time zone"),
        ("2026-02-30T10:20:00Z", "not a real time"),
        ("2026-03-01T24:20:00Z", "not a real time"),
        ("2026-03-01T10:20:00+25:00", "not a real time"),
    ],
)
def test_invalid_date_is_rejected(raw: str, detail: str) -> None:
    error = rejected("date", raw)
    assert error.detail.startswith(f"invalid date {raw!r}: ")
    assert detail in error.detail


# --- country ---


@pytest.mark.parametrize(
    ("raw", "code", "name"),
    [
        ("Pakistan", "pk", "Pakistan"),
        ("PAK", "pk", "Pakistan"),
        ("pk", "pk", "Pakistan"),
        ("PK", "pk", "Pakistan"),
        ("586", "pk", "Pakistan"),
        ("islamic republic of pakistan", "pk", "Pakistan"),
        ("Afghanistan", "af", "Afghanistan"),
        ("AFG", "af", "Afghanistan"),
        ("United Arab Emirates", "ae", "United Arab Emirates"),
        ("UAE", "ae", "United Arab Emirates"),
        ("UK", "gb", "United Kingdom"),
        ("Britain", "gb", "United Kingdom"),
        ("Iran", "ir", "Iran"),
        ("KSA", "sa", "Saudi Arabia"),
        ("Kosovo", "xk", "Kosovo"),
        ("  saudi   arabia ", "sa", "Saudi Arabia"),
    ],
)
def test_country_is_lowercase_alpha_2(raw: str, code: str, name: str) -> None:
    assert clean("country", raw) == Cleaned(code, code, {"name": name})


@pytest.mark.parametrize(
    ("raw", "detail"),
    [
        ("Atlantis", "not a known country"),
        ("EU", "not a known country"),
        ("999", "not a known country"),
        ("zz", "unknown country"),
        ("ZZ", "unknown country"),
    ],
)
def test_invalid_country_is_rejected(raw: str, detail: str) -> None:
    error = rejected("country", raw)
    assert error.detail.startswith(f"invalid country {raw!r}: ")
    assert detail in error.detail


# --- phone ---


@pytest.mark.parametrize(
    ("raw", "region", "e164", "qualifiers"),
    [
        ("0300 1234567", "PK", "+923001234567", {"country": "pk", "kind": "mobile"}),
        ("0300-1234567", "PK", "+923001234567", {"country": "pk", "kind": "mobile"}),
        ("00923001234567", "PK", "+923001234567", {"country": "pk", "kind": "mobile"}),
        ("+92 300 1234567", "GB", "+923001234567", {"country": "pk", "kind": "mobile"}),
        ("+44 20 7946 0958", "PK", "+442079460958", {"country": "gb", "kind": "fixed"}),
        ("020 7946 0958", "GB", "+442079460958", {"country": "gb", "kind": "fixed"}),
        ("+8821612345678", "PK", "+8821612345678", {"kind": "other"}),  # satellite: no country
    ],
)
def test_phone_is_e164(raw: str, region: str, e164: str, qualifiers: dict[str, str]) -> None:
    assert clean("phone", raw, default_region=region) == Cleaned(e164, e164, qualifiers)
    assert parse_phone(raw, region) == e164


@pytest.mark.parametrize(
    ("raw", "detail"),
    [
        ("12345", "too short for region PK"),
        ("0300-12", "too short for region PK"),
        ("0300123456789012", "too long for region PK"),
        ("hello", "not a phone number"),
        ("+999 1234567", "unknown country calling code"),
        ("+92 300 1234567 ext 5", "has an extension"),
    ],
)
def test_invalid_phone_is_rejected(raw: str, detail: str) -> None:
    error = rejected("phone", raw)
    assert error.detail.startswith(f"invalid phone number {raw!r}: {detail}")


def test_phone_detail_reads_as_documented() -> None:
    assert rejected("phone", "0300-12").detail == "invalid phone number '0300-12': too short for region PK"


def test_parse_phone_rejects_unknown_region() -> None:
    with pytest.raises(InvalidInput, match="default phone region 'XX'"):
        parse_phone("0300 1234567", "XX")


# --- identifier ---


@pytest.mark.parametrize(
    ("raw", "fmt", "value", "normalised", "scheme"),
    [
        ("3520212345671", None, "35202-1234567-1", "35202-1234567-1", "cnic"),
        ("35202-1234567-1", None, "35202-1234567-1", "35202-1234567-1", "cnic"),
        ("35202 1234567 1", "cnic", "35202-1234567-1", "35202-1234567-1", "cnic"),
        ("3520-21234567-1", None, "3520-21234567-1", "3520212345671", "generic"),
        ("ab 123 4567", "passport", "AB1234567", "AB1234567", "passport"),
        ("490154203237518", "imei", "490154203237518", "490154203237518", "imei"),
        ("49-015420-323751-8", "imei", "490154203237518", "490154203237518", "imei"),
        ("49015420323751", "imei", "49015420323751", "490154203237518", "imei"),
        ("490154203237510", "imei", "490154203237510", "490154203237518", "imei"),  # spare-digit 0
        ("410 01 1234567890", "imsi", "410011234567890", "410011234567890", "imsi"),
        ("NTN 12.34/5-6", None, "NTN 12.34/5-6", "NTN123456", "generic"),
        ("ab-123", "ntn", "ab-123", "AB123", "generic"),
    ],
)
def test_identifier(raw: str, fmt: str | None, value: str, normalised: str, scheme: str) -> None:
    cleaned = get_type("identifier").clean(raw, context=TypeContext(fmt=fmt))
    assert cleaned == Cleaned(value, normalised, {"scheme": scheme})


@pytest.mark.parametrize(
    ("raw", "fmt", "detail"),
    [
        ("3520-21234567-1", "cnic", "invalid CNIC '3520-21234567-1': expected 13 digits"),
        ("352021234567", "cnic", "invalid CNIC"),
        ("35202123456712", "cnic", "invalid CNIC"),
        ("AB-1234567", "passport", "invalid passport number"),
        ("AB12", "passport", "invalid passport number"),
        ("490154203237519", "imei", "the check digit should be 8"),
        ("4901542032375", "imei", "expected 14 or 15 digits"),
        ("49015420323751X", "imei", "expected 14 or 15 digits"),
        ("4100112345", "imsi", "expected 14 or 15 digits"),
        ("--- / ...", None, "has no letters or digits"),
    ],
)
def test_invalid_identifier_is_rejected(raw: str, fmt: str | None, detail: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        get_type("identifier").clean(raw, context=TypeContext(fmt=fmt))
    assert detail in caught.value.detail


def test_luhn_check_digit() -> None:
    assert luhn_check_digit("49015420323751") == "8"
    assert luhn_check_digit("35209900176148") == "1"


# --- text and string ---


def test_text_keeps_lines_and_normalises_endings() -> None:
    cleaned = clean("text", "  First line\r\n\tindented\rthird  \n\n")
    assert cleaned.value == "First line\n\tindented\nthird"
    assert cleaned.normalised == "first line indented third"


def test_ten_kilobyte_text_is_accepted_and_normalised_form_capped() -> None:
    body = ("Ḥawala ledger entry; " * 500)[:10_240]
    cleaned = clean("text", body)
    assert cleaned.value == body.strip()
    assert len(cleaned.normalised) <= 1000
    assert cleaned.normalised.startswith("hawala ledger entry hawala")


def test_text_rejects_other_controls_and_bidi() -> None:
    assert "U+0007" in rejected("text", "bell\x07").detail
    assert "bidirectional" in rejected("text", "line one\nline \u202etwo").detail


def test_string_is_one_collapsed_line() -> None:
    assert clean("string", "  Operation   Night  Owl ") == Cleaned(
        "Operation Night Owl", "operation night owl", {}
    )


# --- entity ---


@pytest.mark.parametrize(
    ("raw", "entity_id"),
    [
        ("PER-0A1B2C3D", "PER-0A1B2C3D"),
        ("org-7k2q9x", "ORG-7K2Q9X"),
        ("AB-0123456789ABCDEF", "AB-0123456789ABCDEF"),
    ],
)
def test_entity_id_is_uppercased(raw: str, entity_id: str) -> None:
    assert clean("entity", raw) == Cleaned(entity_id, entity_id, {})


@pytest.mark.parametrize(
    "raw",
    [
        "P-123456",
        "PERSO-123456",
        "PER-12345",
        "PER-0123456789ABCDEFG",
        "PER_123456",
        "PER-12345ſ",
        "PER-١٢٣٤٥٦",
        "PER-123456; DROP TABLE x",
    ],
)
def test_invalid_entity_id_is_rejected(raw: str) -> None:
    assert rejected("entity", raw).detail.startswith(f"invalid entity id {raw!r}: ")


# --- url ---


@pytest.mark.parametrize(
    ("raw", "normalised"),
    [
        ("https://Example.ORG/Path?q=A#Frag", "https://example.org/Path?q=A#Frag"),
        ("HTTP://example.org:8080/", "http://example.org:8080/"),
        ("http://[2001:DB8::1]/x", "http://[2001:db8::1]/x"),
        ("http://192.0.2.10", "http://192.0.2.10"),
        ("https://مثال.پاک/صفحہ", "https://مثال.پاک/صفحہ"),
    ],
)
def test_url_scheme_and_host_are_lowercased(raw: str, normalised: str) -> None:
    assert clean("url", raw) == Cleaned(raw, normalised, {})


@pytest.mark.parametrize(
    ("raw", "detail"),
    [
        ("javascript:alert(1)", "only http and https"),
        ("ftp://example.org/file", "only http and https"),
        ("www.example.org", "only http and https"),
        ("https://", "has no host"),
        ("http:///path", "has no host"),
        ("https://trusted.example@evil.example/", "user name or password"),
        ("http://host:99999/", "malformed"),
        ("http://[::1", "malformed"),
        ("http://[not-ip]/", "malformed"),
        ("http://-bad-.example/", "not a valid host name"),
        ("http://exa mple.org/", "contains a space"),
    ],
)
def test_invalid_url_is_rejected(raw: str, detail: str) -> None:
    assert detail in rejected("url", raw).detail


# --- hostile input in bulk ---


_ALPHABET = (
    "aZ09 -_./:@+#?&%'\"<>;()[]{}\\\t\n\r\x00\x1b\x7f\x85\u00a0\u200b\u200c\u200e\u202e\u2066\ufeff"
    "محمداکرمبلوچيىكةـًٰ۱٢ḤıİßΣЖ李\ud800\U0001f600"
)


@pytest.mark.parametrize("type_name", sorted(VALID))
def test_random_input_yields_cleaned_or_invalid_input(type_name: str) -> None:
    """No library exception escapes, whatever the input."""
    rng = random.Random(f"dastavez-{type_name}")
    ptype = get_type(type_name)
    samples = ["".join(rng.choices(_ALPHABET, k=rng.randint(0, 60))) for _ in range(400)]
    samples += [VALID[type_name] + "".join(rng.choices(_ALPHABET, k=3)) for _ in range(200)]
    for raw in samples:
        for context in (TypeContext(), TypeContext(default_region="GB", fmt="imei"), TypeContext(fmt="cnic")):
            try:
                cleaned = ptype.clean(raw, context=context)
            except InvalidInput as error:
                assert error.detail and "\n" not in error.detail
            else:
                assert isinstance(cleaned, Cleaned)
                assert cleaned.value == cleaned.value.strip()
                assert len(cleaned.value) <= ptype.max_length
