"""Operator time zones as plain arithmetic in SQL, so that ten million rows need no ICU call.

``zoneinfo`` gives every offset change of a zone from 1970 to 2050; the importer turns them
into a ``CASE`` on the timestamp, newest first (recent records match the first branch; a zone
without changes is a constant). A local time that a change skips or repeats takes the offset
in force just before the change.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo

_FIRST, _LAST = 1970, 2050


@cache
def transitions(zone: str) -> tuple[int, tuple[tuple[datetime, int, int], ...]]:
    """(offset in seconds at the start, ((UTC instant, offset before, offset after), ...))."""
    tz = ZoneInfo(zone)
    moment = datetime(_FIRST, 1, 1, tzinfo=UTC)
    end = datetime(_LAST, 1, 1, tzinfo=UTC)

    def offset(at: datetime) -> int:
        delta = at.astimezone(tz).utcoffset()
        return int(delta.total_seconds()) if delta else 0

    first = current = offset(moment)
    changes = []
    step = timedelta(days=1)
    while moment < end:
        nxt = moment + step
        if (after := offset(nxt)) != current:
            low, high = moment, nxt  # find the change to the minute
            while high - low > timedelta(minutes=1):
                mid = low + (high - low) / 2
                if offset(mid) == current:
                    low = mid
                else:
                    high = mid
            changes.append((high.replace(second=0, microsecond=0, tzinfo=None), current, after))
            current = after
        moment = nxt
    return first, tuple(changes)


def _case(value: str, branches: list[tuple[str, int]], default: int) -> str:
    if not branches:
        return str(default)
    whens = " ".join(f"WHEN {value} >= TIMESTAMP '{at}' THEN {off}" for at, off in branches)
    return f"CASE {whens} ELSE {default} END"


def utc_offset_of_local(zone: str, local: str) -> str:
    """SQL: seconds to subtract from the local wall time ``local`` to get UTC."""
    first, changes = transitions(zone)
    branches = [((at + timedelta(seconds=before)).isoformat(sep=" "), after) for at, before, after in changes]
    return _case(local, branches[::-1], first)


def utc_offset_at(zone: str, utc: str) -> str:
    """SQL: the zone's offset in seconds at the UTC time ``utc``."""
    first, changes = transitions(zone)
    return _case(utc, [(at.isoformat(sep=" "), after) for at, _, after in changes][::-1], first)
