"""Phone numbers, stored in E.164 (``+923001234567``)."""

from __future__ import annotations

from typing import ClassVar

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumber, PhoneNumberType, ValidationResult

from dastavez.exc import InvalidInput
from dastavez.model.types.base import Cleaned, PropertyType, TypeContext, shown

_PARSE_ERRORS: dict[int, str] = {
    NumberParseException.INVALID_COUNTRY_CODE: "unknown country calling code",
    NumberParseException.NOT_A_NUMBER: "not a phone number",
    NumberParseException.TOO_SHORT_AFTER_IDD: "too short after the international prefix",
    NumberParseException.TOO_SHORT_NSN: "too short",
    NumberParseException.TOO_LONG: "too long",
}
_KINDS: dict[int, str] = {PhoneNumberType.MOBILE: "mobile", PhoneNumberType.FIXED_LINE: "fixed"}
_NON_GEOGRAPHIC = "001"  # phonenumbers' region for satellite and global services (+881, +882...)


def _reject(raw: str, reason: str) -> InvalidInput:
    return InvalidInput(f"invalid phone number {shown(raw)}: {reason}", field="phone")


def _parse(raw: str, region: str) -> PhoneNumber:
    """Parse and validate ``raw``, read as a national number of ``region`` unless it has a ``+``."""
    region = region.upper()
    if region not in phonenumbers.SUPPORTED_REGIONS:
        raise InvalidInput(f"invalid default phone region {shown(region)}: not a supported region")
    try:
        number = phonenumbers.parse(raw, region)
    except NumberParseException as err:
        raise _reject(raw, _PARSE_ERRORS.get(err.error_type, "not a phone number")) from None
    number_region = phonenumbers.region_code_for_number(number) or region
    possible = phonenumbers.is_possible_number_with_reason(number)
    if possible in (ValidationResult.TOO_SHORT, ValidationResult.IS_POSSIBLE_LOCAL_ONLY):
        raise _reject(raw, f"too short for region {number_region}")
    if possible == ValidationResult.TOO_LONG:
        raise _reject(raw, f"too long for region {number_region}")
    if possible != ValidationResult.IS_POSSIBLE:
        raise _reject(raw, f"wrong length for region {number_region}")
    if not phonenumbers.is_valid_number(number):
        raise _reject(raw, f"not a valid number for region {number_region}")
    if number.extension:
        # E.164 has no extensions: keeping the number alone would silently drop part of the input.
        raise _reject(raw, "has an extension; give the number alone")
    return number


def parse_phone(raw: str, region: str) -> str:
    """``raw`` as E.164, reading national numbers as ``region``'s; raise InvalidInput otherwise."""
    number = _parse(raw, region)
    return str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))


class PhoneType(PropertyType):
    """A phone number; qualifiers give its country (when geographic) and kind."""

    name: ClassVar[str] = "phone"
    max_length: ClassVar[int] = 40
    label: ClassVar[str] = "phone number"

    def parse(self, text: str, context: TypeContext) -> Cleaned:
        number = _parse(text, context.default_region)
        e164 = str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))
        qualifiers = {"kind": _KINDS.get(phonenumbers.number_type(number), "other")}
        region = phonenumbers.region_code_for_number(number)
        if region and region != _NON_GEOGRAPHIC:
            qualifiers["country"] = region.lower()
        return Cleaned(e164, e164, qualifiers)
