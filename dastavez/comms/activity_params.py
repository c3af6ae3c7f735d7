"""What the activity analyses (timeline, incidents, co-location, handsets) take from their
callers, checked once: time zones, node lists, positive counts, and the audit of a read."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from sqlalchemy.orm import Session

from dastavez.access import audit
from dastavez.access.actor import Actor
from dastavez.comms.engine import CallSelection
from dastavez.comms.link_context import parse_bound as link_bound
from dastavez.exc import InvalidInput

#: the unit's home zone, for days as people there count them
HOME_TIME_ZONE = "Asia/Karachi"
MAX_NODES = 10_000


@cache
def _zones() -> frozenset[str]:
    return frozenset(available_timezones())


def time_zone(name: str | None) -> str:
    """An IANA zone name (``UTC`` by default); InvalidInput for anything else."""
    text = (name or "UTC").strip()
    if text.upper() == "UTC":
        return "UTC"
    if text not in _zones():
        raise InvalidInput(f"unknown time zone {text!r}; use an IANA name such as {HOME_TIME_ZONE}",
                           field="time_zone")
    try:
        ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError) as err:
        raise InvalidInput(f"unknown time zone {text!r}", field="time_zone") from err
    return text


def node_list(nodes: Iterable[str] | None) -> list[str]:
    """The node ids asked for, stripped, each once, in the order given."""
    chosen: dict[str, None] = {}
    for raw in nodes or ():
        node = str(raw).strip()
        if not node:
            continue
        if len(node) > 64 or any(ch.isspace() or not ch.isprintable() for ch in node):
            raise InvalidInput(f"{node[:40]!r} is not a number or entity id", field="node")
        chosen[node] = None
    if len(chosen) > MAX_NODES:
        raise InvalidInput(f"at most {MAX_NODES} nodes at a time", field="node")
    return list(chosen)


def positive(value: int, field: str, *, most: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= most:
        raise InvalidInput(f"{field} must be a whole number from 1 to {most}", field=field)
    return value


def aware(moment: datetime | None) -> datetime | None:
    """A window bound with its zone (naive means UTC, as the layout stores times)."""
    if moment is None:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def window(since: datetime | None, until: datetime | None) -> tuple[datetime | None, datetime | None]:
    first, last = aware(since), aware(until)
    if first is not None and last is not None and last <= first:
        raise InvalidInput("until must come after since", field="until")
    return first, last


def iso(moment: datetime | None) -> str | None:
    """A stored (naive UTC) or aware time as ISO 8601 with its offset."""
    if moment is None:
        return None
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).isoformat()


def record_read(session: Session, actor: Actor, analysis: str, selection: CallSelection,
                **detail: Any) -> None:
    """Every analysis is a read of call records, on record with what it read."""
    audit.record(session, actor, "links.read", detail={
        "analysis": analysis,
        "datasets": [dataset for dataset, _ in selection.datasets],
        "since": iso(selection.since),
        "until": iso(selection.until),
        **detail,
    })


def parse_bound(raw: str | None, field: str, *, end: bool, zone: str = "UTC") -> datetime | None:
    """``--since``/``--until`` as the interfaces take them: a date is a day in ``zone`` (as an
    end, the whole day is included); an ISO 8601 time stands as written (UTC without offset)."""
    text = (raw or "").strip()
    if len(text) != 10:
        return link_bound(text, field, end=end)
    try:
        day = date.fromisoformat(text)
    except ValueError as err:
        raise InvalidInput(f"{field} must be a date (2026-03-01) or an ISO 8601 time", field=field) from err
    midnight = datetime.combine(day + timedelta(days=1) if end else day, datetime.min.time(),
                                tzinfo=ZoneInfo(time_zone(zone)))
    return midnight.astimezone(UTC)
