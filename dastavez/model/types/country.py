"""Countries, stored as lowercase ISO 3166-1 alpha-2 codes as FollowTheMoney does (``pk``)."""

from __future__ import annotations

from typing import ClassVar

import pycountry

from dastavez.model.types.base import Cleaned, PropertyType, TypeContext

# Spellings in common use that pycountry's lookup does not resolve (checked against pycountry 26.2).
_EXTRA_SPELLINGS: dict[str, str] = {
    "uae": "AE",
    "u.a.e.": "AE",
    "emirates": "AE",
    "uk": "GB",
    "u.k.": "GB",
    "britain": "GB",
    "great britain": "GB",
    "england": "GB",
    "ksa": "SA",
    "russia": "RU",
    "turkey": "TR",
    "persia": "IR",
    "islamic emirate of afghanistan": "AF",
    "burma": "MM",
    "holland": "NL",
    "palestine": "PS",
    "ivory coast": "CI",
    "drc": "CD",
    "dr congo": "CD",
    "america": "US",
    "kosovo": "XK",
}
# Codes FollowTheMoney uses that ISO 3166-1 has not assigned.
_USER_ASSIGNED: dict[str, str] = {"XK": "Kosovo"}
UNKNOWN_CODE = "ZZ"  # FtM's "unknown country": a placeholder, never a valid answer


def _english_name(alpha_2: str) -> str:
    if alpha_2 in _USER_ASSIGNED:
        return _USER_ASSIGNED[alpha_2]
    country = pycountry.countries.get(alpha_2=alpha_2)
    if country is None:  # unreachable for codes that came out of pycountry, but say so plainly
        return alpha_2
    return str(getattr(country, "common_name", None) or country.name)


class CountryType(PropertyType):
    """A country given by code (``PK``, ``PAK``, ``586``) or English name."""

    name: ClassVar[str] = "country"
    max_length: ClassVar[int] = 64
    label: ClassVar[str] = "country"

    def parse(self, text: str, context: TypeContext) -> Cleaned:
        alpha_2 = self._resolve(text)
        code = alpha_2.lower()
        return Cleaned(code, code, {"name": _english_name(alpha_2)})

    def _resolve(self, text: str) -> str:
        key = text.casefold()
        if key.upper() == UNKNOWN_CODE:
            raise self.reject(text, "ZZ stands for an unknown country; leave the country out instead")
        if key in _EXTRA_SPELLINGS:
            return _EXTRA_SPELLINGS[key]
        if key.upper() in _USER_ASSIGNED:
            return key.upper()
        try:
            country = pycountry.countries.lookup(text)
        except (LookupError, ValueError, AttributeError):
            raise self.reject(text, "not a known country name or ISO 3166-1 code") from None
        return str(country.alpha_2)
