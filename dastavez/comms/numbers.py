"""Phone numbers of call records as E.164, each distinct written form parsed once.

A CDR of 10^7 rows holds perhaps 10^5 distinct numbers: the importer collects the distinct raw
values with DuckDB, parses each here, and joins the small lookup table back onto the rows.
A number is kept when phonenumbers finds it possible (right length for its country): new
number ranges are not yet in its metadata, and a call record is not the place to doubt them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache

import phonenumbers
import pyarrow as pa
from phonenumbers import (
    COUNTRY_CODE_TO_REGION_CODE,
    NumberParseException,
    PhoneMetadata,
    PhoneNumber,
    PhoneNumberFormat,
    ValidationResult,
)

LOOKUP_SCHEMA = pa.schema([("raw", pa.string()), ("e164", pa.string()), ("country", pa.string())])
_NOT_A_COUNTRY = ("ZZ", "001")  # unknown, and non-geographic services (+881, +882…)


@cache
def _national_prefix(code: int) -> re.Pattern[str] | None:
    region = phonenumbers.region_code_for_country_code(code)
    metadata = (
        PhoneMetadata.metadata_for_nongeo_region(code)
        if region == "001"
        else PhoneMetadata.metadata_for_region(region)
    )
    pattern = metadata.national_prefix_for_parsing if metadata is not None else None
    return re.compile(pattern) if pattern else None


def _already_e164(text: str) -> PhoneNumber | None:
    """A number written ``+<country code><national number>`` built without the full parser
    (ten times faster; most exports write numbers so)."""
    if not (8 <= len(text) <= 16 and text[0] == "+" and text[1:].isdigit() and text[1] != "0"):
        return None
    for size in (1, 2, 3):
        code = int(text[1 : 1 + size])
        if code in COUNTRY_CODE_TO_REGION_CODE:
            national = text[1 + size :]
            prefix = _national_prefix(code)
            if national.startswith("0") or (prefix is not None and prefix.match(national)):
                return None  # leading zeros, or a trunk prefix the parser would strip: it knows best
            return PhoneNumber(country_code=code, national_number=int(national))
    return None


def parse_number(raw: str, region: str) -> tuple[str, str | None] | None:
    """(E.164, ISO alpha-2 country or None) of one written number, or None when it is not one."""
    text = raw.strip()
    if not text or len(text) > 40:
        return None
    if text.startswith("00"):
        text = "+" + text[2:]
    number = _already_e164(text)
    fast = number is not None
    if number is None:
        try:
            number = phonenumbers.parse(text, region)
        except NumberParseException:
            return None
    possible = phonenumbers.is_possible_number_with_reason(number)
    if number.extension or possible != ValidationResult.IS_POSSIBLE:
        return None
    country = phonenumbers.region_code_for_number(number) or phonenumbers.region_code_for_country_code(
        number.country_code or 0
    )
    e164 = text if fast else str(phonenumbers.format_number(number, PhoneNumberFormat.E164))
    return e164, (None if country in _NOT_A_COUNTRY else country)


def lookup_table(raw_values: Iterable[str | None], region: str) -> pa.Table:
    """``raw, e164, country`` for every distinct raw value that is a number (others are left
    out, so a join leaves them NULL)."""
    raws: list[str] = []
    e164s: list[str] = []
    countries: list[str | None] = []
    for raw in raw_values:
        if raw is None:
            continue
        parsed = parse_number(raw, region)
        if parsed is not None:
            raws.append(raw)
            e164s.append(parsed[0])
            countries.append(parsed[1])
    return pa.table([raws, e164s, countries], schema=LOOKUP_SCHEMA)
