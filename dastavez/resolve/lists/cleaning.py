"""Text and dates as the list parsers keep them: one line, NFC, ISO partial dates.

Birth dates in a :class:`~dastavez.resolve.lists.entry.ReferenceEntry` are ISO 8601
partial dates (``1979``, ``1979-05``, ``1979-05-03``) or, where a list gives a span of
years (the UN's ``FROM_YEAR``/``TO_YEAR``), an ISO 8601 interval of two years
(``1970/1975``). :func:`year_span` reads either form back as a pair of years.
"""

from __future__ import annotations

import re
import unicodedata

from dastavez.exc import InvalidInput
from dastavez.model.types.date import DateType

# Direction marks and the BOM are residue of copy and paste; controls other than
# whitespace never belong in a name or an address.
_INVISIBLE = re.compile("[\u200e\u200f\ufeff\u202a-\u202e\u2066-\u2069\x00-\x08\x0e-\x1f\x7f-\x9f]")
_SLASHED_DATE = re.compile(r"([0-9]{4})/([0-9]{1,2})(?:/([0-9]{1,2}))?")
_YEAR_INTERVAL = re.compile(r"([0-9]{4})/([0-9]{4})")
_DATE_TYPE = DateType()


def clean_text(value: object) -> str:
    """``value`` as one line of NFC text without invisible controls; ``""`` for None or blank."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFC", _INVISIBLE.sub("", str(value)))
    return " ".join(text.split())


def partial_date(value: str) -> str | None:
    """An ISO partial date from ``1979``, ``1979-05-03``, ``1979/05/03`` or ``03/05/1979``.

    None when the text is no real calendar date (``1979-02-30``, ``Sep. 1958``). Timestamps
    keep only their date: a list's ``2024-01-01T10:00:00`` says when, not what time.
    """
    text = clean_text(value)
    if (slashed := _SLASHED_DATE.fullmatch(text)) is not None:  # INTERPOL writes 1958/11/05
        text = "-".join(part for part in slashed.groups() if part)
    elif len(text) > 10 and text[10:11] == "T":
        text = text[:10]
    try:
        return _DATE_TYPE.clean(text).value
    except InvalidInput:
        return None


def year_interval(start: str, end: str) -> str | None:
    """``1970/1975`` for a span of birth years; the single year when both ends agree."""
    first, last = partial_date(start), partial_date(end)
    if first is None or last is None or len(first) != 4 or len(last) != 4:
        return None
    if first == last:
        return first
    return f"{min(first, last)}/{max(first, last)}"


def year_span(value: str) -> tuple[int, int]:
    """The first and last possible year of a birth date as kept in an entry.

    >>> year_span("1970/1975"), year_span("1979-05-03")
    ((1970, 1975), (1979, 1979))
    """
    if (interval := _YEAR_INTERVAL.fullmatch(value)) is not None:
        return int(interval.group(1)), int(interval.group(2))
    year = int(value[:4])
    return year, year
