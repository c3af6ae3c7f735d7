"""Identifiers: Pakistani CNICs, passports, IMEIs, IMSIs and any other document number."""

from __future__ import annotations

import re
from typing import ClassVar

from dastavez.model.types.base import Cleaned, PropertyType, TypeContext

# Written 35202-1234567-1, or as 13 bare digits; spaces sometimes stand in for the dashes.
_CNIC = re.compile(r"(?P<area>[0-9]{5})[- ]?(?P<serial>[0-9]{7})[- ]?(?P<check>[0-9])")
_PASSPORT = re.compile(r"[A-Z0-9]{6,9}")
_DIGITS = re.compile(r"[0-9]+")
_SEPARATORS = re.compile(r"[\s./-]")  # what people type between groups of an identifier


def luhn_check_digit(payload: str) -> str:
    """The Luhn check digit for the ASCII digits in ``payload`` (as IMEIs use)."""
    total = 0
    for position, char in enumerate(reversed(payload)):
        digit = int(char)
        if position % 2 == 0:  # these get doubled once the check digit is appended at the right
            digit = digit * 2 - 9 if digit > 4 else digit * 2
        total += digit
    return str((10 - total % 10) % 10)


class IdentifierType(PropertyType):
    """A document or device number; ``context.fmt`` names the scheme when the schema knows it."""

    name: ClassVar[str] = "identifier"
    max_length: ClassVar[int] = 64
    label: ClassVar[str] = "identifier"

    def parse(self, text: str, context: TypeContext) -> Cleaned:
        fmt = context.fmt.lower() if context.fmt else None
        if fmt == "cnic" or (fmt is None and _CNIC.fullmatch(text)):
            return self._cnic(text)
        if fmt == "passport":
            return self._passport(text)
        if fmt == "imei":
            return self._imei(text)
        if fmt == "imsi":
            return self._imsi(text)
        return self._generic(text)

    def _cnic(self, text: str) -> Cleaned:
        match = _CNIC.fullmatch(text)
        if match is None:
            raise self.reject(text, "expected 13 digits, written #####-#######-#", label="CNIC")
        cnic = f"{match['area']}-{match['serial']}-{match['check']}"
        return Cleaned(cnic, cnic, {"scheme": "cnic"})

    def _passport(self, text: str) -> Cleaned:
        number = text.replace(" ", "").upper()
        if not _PASSPORT.fullmatch(number):
            raise self.reject(text, "expected 6 to 9 letters and digits", label="passport number")
        return Cleaned(number, number, {"scheme": "passport"})

    def _imei(self, text: str) -> Cleaned:
        digits = _SEPARATORS.sub("", text)
        if not (_DIGITS.fullmatch(digits) and len(digits) in (14, 15)):
            raise self.reject(text, "expected 14 or 15 digits", label="IMEI")
        body = digits[:14]
        check = luhn_check_digit(body)
        # Networks send the check digit as a spare 0, so CDRs carry many IMEIs ending in 0
        # that fail Luhn; only a non-zero wrong digit is a real error.
        if len(digits) == 15 and digits[14] not in (check, "0"):
            raise self.reject(text, f"the check digit should be {check}", label="IMEI")
        return Cleaned(digits, body + check, {"scheme": "imei"})

    def _imsi(self, text: str) -> Cleaned:
        digits = _SEPARATORS.sub("", text)
        if not (_DIGITS.fullmatch(digits) and len(digits) in (14, 15)):
            raise self.reject(text, "expected 14 or 15 digits", label="IMSI")
        return Cleaned(digits, digits, {"scheme": "imsi"})

    def _generic(self, text: str) -> Cleaned:
        normalised = _SEPARATORS.sub("", text).upper()
        if not any(char.isalnum() for char in normalised):
            raise self.reject(text, "has no letters or digits")
        return Cleaned(text, normalised, {"scheme": "generic"})
