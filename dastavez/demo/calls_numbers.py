"""The telephone plan of the demo's call records: operators, cells, SIMs, handsets, background numbers.

Everything is invented but well formed, so the importer reads it as it reads an operator's
export: numbers are valid E.164 (Pakistani mobiles; foreign ones drawn around libphonenumber's
example numbers), IMSIs start with the Pakistani MCC 410, IMEIs carry their Luhn check digit,
cell ids are written ``MCC-MNC-LAC-CI`` (the MCC says which country the cell is in, so a
Pakistani SIM seen on a ``424-…`` cell is roaming in the UAE).

Background numbers use mobile codes that the cast (``names.pk_mobile``) never draws (355, 364,
370–379), so a background number can never be a number attributed to a person of the scenario.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

#: The two fictional operators whose exports the demo imports. ``slug`` names the CSV file.
OPERATORS = (("sarhad", "Sarhad Mobile (fictional)", "01"), ("kohsar", "Kohsar Telecom (fictional)", "06"))
#: Mobile codes of the background population (valid for libphonenumber, unused by the cast).
BACKGROUND_CODES = (355, 364, 370, 371, 372, 373, 374, 375, 376, 377, 378, 379)
_SCRAMBLE = 4_398_047  # coprime with 10^7: spreads consecutive indexes over the subscriber numbers
#: Mobile country code of each country a leader may be based in (ITU E.212).
MCC = {"pk": "410", "ae": "424", "af": "412", "ir": "432", "gb": "234", "de": "262", "sa": "420",
       "qa": "427", "tr": "286", "my": "502", "om": "422"}
CELLS_PER_DISTRICT = 40
ROAMING_CELLS = 12
#: The districts cells are in: the five groups' districts first (their order in the scenario).
DISTRICT_CODES = ("Kohsang", "Sangchar", "Zarkand", "Gulzarkot", "Mehrdara", "Sarhadabad City", "Shinkai")


def operator_of(number: str) -> int:
    """Index into OPERATORS of the operator a Pakistani number belongs to (by its mobile code)."""
    return int(number[3:6]) % 2


@lru_cache(maxsize=1 << 16)
def background_number(index: int) -> str:
    """The ``index``-th number of the background population (a bijection onto its number space)."""
    code = BACKGROUND_CODES[index % len(BACKGROUND_CODES)]
    subscriber = (index // len(BACKGROUND_CODES) * _SCRAMBLE + 1_234_567) % 10**7
    return f"+92{code}{subscriber:07d}"


def luhn(digits: str) -> str:
    """``digits`` with its Luhn check digit appended (as an IMEI carries one)."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 0:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return digits + str((10 - total % 10) % 10)


def imei_for(serial: int) -> str:
    """A handset: an invented type allocation code ("35" + 6 digits) and a serial."""
    return luhn(f"35{(serial * 7_919 + 104_729) % 10**12:012d}")


def imsi_for(operator: int, serial: int) -> str:
    return f"410{OPERATORS[operator][2]}{serial % 10**10:010d}"


def local_cell(district: int, index: int) -> str:
    """One of the CELLS_PER_DISTRICT cells of a district (index into DISTRICT_CODES)."""
    index %= CELLS_PER_DISTRICT
    return f"410-01-{2100 + district * 10 + index // 10}-{10_000 + district * 100 + index}"


#: every local cell id, by district and index
CELLS = tuple(tuple(local_cell(d, i) for i in range(CELLS_PER_DISTRICT)) for d in range(len(DISTRICT_CODES)))


def roaming_cell(country: str, index: int) -> str:
    """A cell abroad, in ``country`` (lowercase ISO alpha-2), as a visited network reports it."""
    index %= ROAMING_CELLS
    return f"{MCC[country]}-02-{300 + index // 4}-{50_000 + index}"


@dataclass(frozen=True, slots=True)
class Subscriber:
    """What an operator's row says about its own subscriber's side of a call."""

    imei: str
    imsi: str
    home_cell: int  # index into the district's cells
    district: int


@lru_cache(maxsize=1 << 16)
def background_subscriber(index: int) -> Subscriber:
    """The handset, SIM and home cell of background number ``index`` (popular numbers hit the cache)."""
    mixed = (index * 2_654_435_761) % 2**32
    number = background_number(index)
    return Subscriber(imei=imei_for(10**9 + index), imsi=imsi_for(operator_of(number), 10**8 + index),
                      home_cell=mixed % CELLS_PER_DISTRICT, district=(mixed >> 8) % len(DISTRICT_CODES))
