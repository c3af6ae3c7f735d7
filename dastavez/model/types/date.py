"""Dates at the precision they are known (year, month, day) and UTC timestamps."""

from __future__ import annotations

import calendar
import re
from datetime import UTC, datetime
from typing import ClassVar

from dastavez.model.types.base import Cleaned, PropertyType, TypeContext

MIN_YEAR = 1000
MAX_YEAR = 2200

# [0-9], not \d: \d also matches Arabic-Indic digits, which int() would quietly accept.
_ISO_PARTIAL = re.compile(r"(?P<year>[0-9]{4})(?:-(?P<month>[0-9]{1,2})(?:-(?P<day>[0-9]{1,2}))?)?")
# Day first, as dates are written in Pakistan; one separator throughout.
_DAY_FIRST = re.compile(r"(?P<day>[0-9]{1,2})(?P<sep>[/-])(?P<month>[0-9]{1,2})(?P=sep)(?P<year>[0-9]{4})")
_DATETIME = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]{1,6})?)?"
    r"(?P<zone>Z|[+-][0-9]{2}:?[0-9]{2})?",
    re.IGNORECASE,
)


class DateType(PropertyType):
    """A calendar date, possibly partial (``1979``, ``1979-05``), or a timestamp with a time zone."""

    name: ClassVar[str] = "date"
    max_length: ClassVar[int] = 32
    label: ClassVar[str] = "date"

    def parse(self, text: str, context: TypeContext) -> Cleaned:
        if (match := _ISO_PARTIAL.fullmatch(text) or _DAY_FIRST.fullmatch(text)) is not None:
            return self._calendar_date(text, match["year"], match["month"], match["day"])
        if (match := _DATETIME.fullmatch(text)) is not None:
            return self._timestamp(text, has_zone=match["zone"] is not None)
        raise self.reject(text, "expected YYYY, YYYY-MM, YYYY-MM-DD, DD/MM/YYYY or an ISO timestamp")

    def _calendar_date(self, text: str, year_s: str, month_s: str | None, day_s: str | None) -> Cleaned:
        year = int(year_s)
        if not MIN_YEAR <= year <= MAX_YEAR:
            raise self.reject(text, f"year must be between {MIN_YEAR} and {MAX_YEAR}")
        if month_s is None:
            return Cleaned(f"{year:04d}", f"{year:04d}", {"precision": "year"})
        month = int(month_s)
        if not 1 <= month <= 12:
            raise self.reject(text, f"there is no month {month}")
        if day_s is None:
            iso = f"{year:04d}-{month:02d}"
            return Cleaned(iso, iso, {"precision": "month"})
        day = int(day_s)
        last_day = calendar.monthrange(year, month)[1]
        if not 1 <= day <= last_day:
            raise self.reject(text, f"{calendar.month_name[month]} {year} has no day {day}")
        iso = f"{year:04d}-{month:02d}-{day:02d}"
        return Cleaned(iso, iso, {"precision": "day"})

    def _timestamp(self, text: str, *, has_zone: bool) -> Cleaned:
        if not has_zone:
            # A time without a zone is ambiguous by hours; evidence must not guess which.
            raise self.reject(text, "a timestamp needs a time zone (Z or an offset such as +05:00)")
        try:
            moment = datetime.fromisoformat(text.upper())
        except ValueError as err:
            raise self.reject(text, f"not a real time ({err})") from None
        if not MIN_YEAR <= moment.year <= MAX_YEAR:  # checked first: year 9999 may overflow on conversion
            raise self.reject(text, f"year must be between {MIN_YEAR} and {MAX_YEAR}")
        utc = moment.astimezone(UTC)
        iso = utc.strftime("%Y-%m-%dT%H:%M:%SZ")
        return Cleaned(iso, iso, {"precision": "second"})
