"""Country names and codes as lists write them, resolved to lowercase ISO 3166-1 alpha-2.

The registry's :class:`~dastavez.model.types.country.CountryType` does the resolving; this
module only adds the spellings of the UN's own country names (``Iran (Islamic Republic of)``)
and the list conventions that must *not* resolve (the UN writes ``na`` for "not available",
which would otherwise become Namibia).
"""

from __future__ import annotations

import re

from dastavez.exc import InvalidInput
from dastavez.model.types.country import CountryType
from dastavez.resolve.lists.cleaning import clean_text

# UN terminology names that pycountry does not know (checked against pycountry 26.2).
_UN_NAMES: dict[str, str] = {
    "democratic republic of the congo": "CD",
    "state of palestine": "PS",
    "republic of korea": "KR",
    "netherlands (kingdom of the)": "NL",
    "china, hong kong special administrative region": "HK",
    "china, macao special administrative region": "MO",
}
# Placeholders that mean "unknown", and countries that no longer exist: not resolved.
_NOT_A_COUNTRY = frozenset({"na", "n/a", "unknown", "former soviet union", "soviet union", "ussr"})
# "Iran (Islamic Republic of)" is pycountry's "Iran, Islamic Republic of".
_UN_QUALIFIED = re.compile(r"(?P<short>[^()]+?)\s*\((?P<qualifier>[^()]+)\)")
_COUNTRY_TYPE = CountryType()


def country_code(value: object) -> str | None:
    """``pk`` for ``Pakistan``, ``PK``, ``PAK`` or a UN name; None when it names no country."""
    text = clean_text(value)
    key = text.casefold()
    if not text or key in _NOT_A_COUNTRY:
        return None
    if key in _UN_NAMES:
        return _UN_NAMES[key].lower()
    candidates = [text]
    if (qualified := _UN_QUALIFIED.fullmatch(text)) is not None:
        candidates += [f"{qualified['short']}, {qualified['qualifier']}", qualified["short"]]
    for candidate in candidates:
        try:
            return _COUNTRY_TYPE.clean(candidate).value
        except InvalidInput:
            continue
    return None
