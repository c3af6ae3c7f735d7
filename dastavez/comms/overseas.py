"""Which side of the border a node is on: ``overseas``, ``local`` or ``unknown``, and why.

The home country is ``settings.default_region``. For a number, in order:

1. ``cell_country`` — where its calls were placed: the country of most of its calls that
   carry a cell country (a local SIM roaming abroad is overseas; a foreign SIM used at home
   is local);
2. ``number_country`` — the country its E.164 number belongs to;
3. otherwise ``unknown`` (a satellite or global number seen at no cell).

For a person, the person's latest live ``residence`` claim decides (``cases/residence.py``), so
a leader abroad on a local SIM is overseas when his residence claim says so; without one, the
sides of his numbers do (by majority of those decided, a tie leaving him ``unknown``).

Every verdict keeps its reason: ``{"side", "reason", "country", ...}`` with the residence claim
and its exhibit, or the count of calls seen in that country.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import Any

import phonenumbers

from dastavez.comms.call_scan import open_calls
from dastavez.comms.engine import CallSelection

SIDES = ("overseas", "local", "unknown")
_NON_GEOGRAPHIC = "001"

# The cell belongs to the operator's own subscriber: the callee on an incoming record, the
# caller otherwise (an operator's export is written from its subscriber's side).
_CELL_COUNTRIES = """
SELECT CASE WHEN direction = 'in' THEN callee ELSE caller END AS number, upper(cell_country) AS country,
       count(*) AS calls
FROM calls WHERE cell_country IS NOT NULL AND cell_country <> ''
GROUP BY ALL ORDER BY number, country
"""


def _single_region(number: str) -> str | None:
    """The one region of the number's calling code, when the code has only one (+92: PK), read
    from the digits alone; None when the code is shared (+1, +44, +7…) or not a calling code."""
    digits = number[1:] if number.startswith("+") else ""
    for length in (1, 2, 3):  # calling codes are prefix-free: the first that matches is the one
        prefix = digits[:length]
        regions = phonenumbers.COUNTRY_CODE_TO_REGION_CODE.get(int(prefix)) if prefix.isdigit() else None
        if regions:
            return regions[0] if len(regions) == 1 else None
    return None


@lru_cache(maxsize=200_000)
def number_country(number: str) -> str | None:
    """The ISO country an E.164 number belongs to, or None (non-geographic, unparsable).

    Most calling codes belong to one country, read from the prefix (a graph holds 10^5 numbers
    and parsing each would take seconds); shared codes are parsed in full."""
    single = _single_region(number)
    if single is not None:
        return None if single == _NON_GEOGRAPHIC else single
    try:
        parsed = phonenumbers.parse(number, None)
    except phonenumbers.NumberParseException:
        return None
    regions = phonenumbers.region_codes_for_country_code(parsed.country_code or 0)
    region: str | None
    if len(regions) == 1:  # most calling codes are one country: no need to look at the rest
        region = regions[0]
    else:
        region = phonenumbers.region_code_for_number(parsed) or (regions[0] if regions else None)
    return None if region in (None, _NON_GEOGRAPHIC, "ZZ") else region


def cell_countries(selection: CallSelection) -> dict[str, dict[str, int]]:
    """Per number, the countries of the cells its calls were placed from, with call counts."""
    found: dict[str, dict[str, int]] = {}
    with open_calls(selection) as con:
        for number, country, calls in con.sql(_CELL_COUNTRIES).fetchall():
            found.setdefault(number, {})[country] = int(calls)
    return found


def _side(country: str | None, home: str) -> str:
    if not country:
        return "unknown"
    return "local" if country.upper() == home.upper() else "overseas"


def classify_number(number: str, *, home: str, cells: Mapping[str, int] | None = None) -> dict[str, Any]:
    if cells:
        country, calls = sorted(cells.items(), key=lambda item: (-item[1], item[0]))[0]
        return {"side": _side(country, home), "reason": "cell_country", "country": country, "calls": calls}
    own = number_country(number)
    if own:
        return {"side": _side(own, home), "reason": "number_country", "country": own}
    return {"side": "unknown", "reason": "none", "country": None}


def classify(
    nodes: Iterable[str],
    *,
    home: str,
    cells: Mapping[str, Mapping[str, int]] | None = None,
    residences: Mapping[str, Mapping[str, str | None]] | None = None,
    person_numbers: Mapping[str, Iterable[str]] | None = None,
) -> dict[str, dict[str, Any]]:
    """The side of each node. A node in ``person_numbers`` (or ``residences``) is a person,
    every other node a number."""
    cells = cells or {}
    residences = residences or {}
    person_numbers = person_numbers or {}
    verdicts: dict[str, dict[str, Any]] = {}
    for node in nodes:
        if node in residences:
            found = residences[node]
            country: str | None = found.get("country")
            verdicts[node] = {"side": _side(country, home), "reason": "residence", "country": country,
                              "claim": found.get("claim"), "exhibit": found.get("exhibit")}
        elif node in person_numbers:
            verdicts[node] = _from_numbers(list(person_numbers[node]), home=home, cells=cells)
        else:
            verdicts[node] = classify_number(node, home=home, cells=cells.get(node))
    return verdicts


def _from_numbers(numbers: list[str], *, home: str, cells: Mapping[str, Mapping[str, int]]) -> dict[str, Any]:
    sides = {n: classify_number(n, home=home, cells=cells.get(n)) for n in sorted(set(numbers))}
    counted = Counter(v["side"] for v in sides.values() if v["side"] != "unknown")
    if not counted:
        return {"side": "unknown", "reason": "none", "country": None}
    ranked = counted.most_common()
    if len(ranked) > 1 and ranked[0][1] == ranked[1][1]:
        return {"side": "unknown", "reason": "numbers_disagree", "country": None,
                "numbers": {n: v["side"] for n, v in sides.items()}}
    side = ranked[0][0]
    deciding = [n for n, v in sides.items() if v["side"] == side]
    return {"side": side, "reason": "numbers", "country": sides[deciding[0]]["country"], "numbers": deciding}
