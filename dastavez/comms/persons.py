"""The person-level graph: numbers contracted into the persons they are attributed to.

An attribution is a live ``phone`` claim on a Person (``comms/attribution.py`` makes them),
seen only where the actor is cleared for both the claim and the person; a person merged into
another (entity resolution) counts as its survivor. An attribution may hold for a window
(``valid_from``/``valid_to``, dates at year, month or day precision, or timestamps): a call then
counts for the person only when it *started* inside the window, the window's last day
included. Where two different persons' attributions of one number cover the same moment, the
records cannot say who made the call, and it stays on the number node. Numbers without an
attribution stay number nodes.

How the edges are contracted (``person_edges``):

* numbers whose every attribution is open-ended and names one person are mapped on the
  engine's aggregated edges directly (cheap, whatever the engine);
* every edge touching a number with a *windowed* attribution is recomputed from its calls:
  a DuckDB query over the selection's Parquet (``call_scan.open_calls``) joins each call's two
  numbers to the attribution table on ``valid_from <= start < valid_to`` and aggregates by the
  resulting nodes, with the same rules as the engine (calls, SMS, seconds of calls, first, last,
  datasets). Only those calls are read again, so the cost follows the windowed numbers' traffic.
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pyarrow as pa
from sqlalchemy import select
from sqlalchemy.orm import Session

from dastavez.access.actor import Actor
from dastavez.comms.call_scan import open_calls
from dastavez.comms.engine import CallSelection
from dastavez.comms.engine_output import EDGE_SCHEMA
from dastavez.comms.graph import conform, empty_edges
from dastavez.registry.entities import LIVE
from dastavez.storage.tables import Claim, Entity


@dataclass(frozen=True)
class NumberAttribution:
    """One live attribution: ``number`` belonged to ``person`` for ``start <= t < end`` (UTC;
    None is open)."""

    number: str
    person: str
    start: datetime | None
    end: datetime | None
    claim: str
    exhibit: str | None

    @property
    def windowed(self) -> bool:
        return self.start is not None or self.end is not None

    def covers(self, moment: datetime) -> bool:
        return (self.start is None or moment >= self.start) and (self.end is None or moment < self.end)


def window_bound(raw: str | None, *, end: bool) -> datetime | None:
    """A claim's ``valid_from``/``valid_to`` as a UTC instant: a start is the beginning of its
    year, month or day; an end is the moment just after it (so the last day counts)."""
    if not raw:
        return None
    if "T" in raw:
        moment = datetime.fromisoformat(raw.replace("Z", "+00:00")).astimezone(UTC)
        return moment + timedelta(seconds=1) if end else moment
    parts = [int(p) for p in raw.split("-")]
    year, month, day = parts[0], parts[1] if len(parts) > 1 else None, parts[2] if len(parts) > 2 else None
    if month is None:
        return datetime(year + 1 if end else year, 1, 1, tzinfo=UTC)
    if day is None:
        if not end:
            return datetime(year, month, 1, tzinfo=UTC)
        last = calendar.monthrange(year, month)[1]
        return datetime(year, month, last, tzinfo=UTC) + timedelta(days=1)
    start = datetime(year, month, day, tzinfo=UTC)
    return start + timedelta(days=1) if end else start


def survivors(session: Session, entity_ids: set[str]) -> dict[str, str]:
    """Each entity id → the entity it lives on in (itself unless merged, following chains)."""
    found = {eid: eid for eid in entity_ids}
    pending = set(entity_ids)
    for _ in range(32):  # merges cannot chain deeper than this in practice; stop on a cycle
        if not pending:
            break
        rows = session.execute(
            select(Entity.id, Entity.merged_into).where(Entity.id.in_(sorted(pending)),
                                                       Entity.merged_into.is_not(None))
        ).all()
        moved: dict[str, str] = {eid: into for eid, into in rows if into is not None}
        for origin, current in found.items():
            if current in moved:
                found[origin] = moved[current]
        pending = set(moved.values())
    return found


def attributions(
    session: Session, actor: Actor, *, numbers: list[str] | None = None
) -> list[NumberAttribution]:
    """Every live attribution the actor may see (of ``numbers`` only, when given)."""
    query = (
        select(Claim.normalised, Claim.entity_id, Claim.valid_from, Claim.valid_to, Claim.id,
               Claim.exhibit_id)
        .join(Entity, Entity.id == Claim.entity_id)
        .where(
            Claim.prop == "phone",
            Claim.status.in_(LIVE),
            Entity.schema == "Person",
            actor.visible(Claim.compartment),
            actor.visible(Entity.compartment),
        )
        .order_by(Claim.normalised, Claim.entity_id, Claim.id)
    )
    if numbers is not None:
        query = query.where(Claim.value_key.in_(sorted(set(numbers))))
    rows = session.execute(query).all()
    alive = survivors(session, {row[1] for row in rows})
    visible = set(session.scalars(
        select(Entity.id).where(Entity.id.in_(sorted(set(alive.values()))), actor.visible(Entity.compartment))
    ))
    return [
        NumberAttribution(number, alive[person], window_bound(start, end=False), window_bound(end, end=True),
                          claim_id, exhibit)
        for number, person, start, end, claim_id, exhibit in rows
        if alive[person] in visible
    ]


def by_number(found: list[NumberAttribution]) -> dict[str, list[NumberAttribution]]:
    grouped: dict[str, list[NumberAttribution]] = defaultdict(list)
    for attribution in found:
        grouped[attribution.number].append(attribution)
    return dict(grouped)


def by_person(found: list[NumberAttribution]) -> dict[str, list[NumberAttribution]]:
    grouped: dict[str, list[NumberAttribution]] = defaultdict(list)
    for attribution in found:
        grouped[attribution.person].append(attribution)
    return dict(grouped)


def open_map(found: list[NumberAttribution]) -> tuple[dict[str, str], set[str]]:
    """(number → person for numbers attributed without windows to exactly one person, the
    numbers that need their calls split by window). Numbers open-endedly attributed to two
    persons map to neither: they stay number nodes."""
    mapped: dict[str, str] = {}
    windowed: set[str] = set()
    for number, items in by_number(found).items():
        if any(a.windowed for a in items):
            windowed.add(number)
        elif len({a.person for a in items}) == 1:
            mapped[number] = items[0].person
    return mapped, windowed


_ATTRIBUTION_SCHEMA = pa.schema([("number", pa.string()), ("person", pa.string()),
                                 ("valid_from", pa.timestamp("us")), ("valid_to", pa.timestamp("us"))])


def attribution_table(found: list[NumberAttribution]) -> pa.Table:
    """The attributions as an Arrow table for DuckDB (bounds naive UTC, as calls are stored)."""
    def naive(moment: datetime | None) -> datetime | None:
        return moment.astimezone(UTC).replace(tzinfo=None) if moment else None
    return pa.Table.from_pylist(
        [{"number": a.number, "person": a.person, "valid_from": naive(a.start), "valid_to": naive(a.end)}
         for a in found],
        schema=_ATTRIBUTION_SCHEMA,
    )


#: calls (restricted to those touching a ``wanted`` number) with the node each end counts for at
#: the call's start: the one person whose attribution covers it, else the number itself
NODE_CALLS = """
SELECT c.*,
  coalesce((SELECT CASE WHEN count(DISTINCT a.person) = 1 THEN min(a.person) END FROM attrib a
            WHERE a.number = c.caller AND (a.valid_from IS NULL OR c.start >= a.valid_from)
              AND (a.valid_to IS NULL OR c.start < a.valid_to)), c.caller) AS caller_node,
  coalesce((SELECT CASE WHEN count(DISTINCT a.person) = 1 THEN min(a.person) END FROM attrib a
            WHERE a.number = c.callee AND (a.valid_from IS NULL OR c.start >= a.valid_from)
              AND (a.valid_to IS NULL OR c.start < a.valid_to)), c.callee) AS callee_node
FROM (SELECT * FROM calls
      WHERE caller IN (SELECT number FROM wanted) OR callee IN (SELECT number FROM wanted)) c
"""

_AGGREGATE = """
SELECT caller_node AS caller, callee_node AS callee,
       count(*) FILTER (WHERE type = 'call') AS calls,
       count(*) FILTER (WHERE type = 'sms') AS sms,
       CAST(coalesce(sum(duration_s) FILTER (WHERE type = 'call'), 0) AS BIGINT) AS duration_s,
       CAST(min(start) AS TIMESTAMP) AS "first", CAST(max(start) AS TIMESTAMP) AS "last",
       list_sort(list_distinct(list(dataset))) AS datasets
FROM (""" + NODE_CALLS + """) mapped
GROUP BY ALL
"""

_REST = """
SELECT coalesce(m1.person, e.caller) AS caller, coalesce(m2.person, e.callee) AS callee,
       e.calls, e.sms, e.duration_s, e."first", e."last", e.datasets
FROM edges e
LEFT JOIN plain m1 ON m1.number = e.caller
LEFT JOIN plain m2 ON m2.number = e.callee
WHERE e.caller NOT IN (SELECT number FROM wanted) AND e.callee NOT IN (SELECT number FROM wanted)
"""

_COMBINED = """
SELECT caller, callee, sum(calls)::BIGINT AS calls, sum(sms)::BIGINT AS sms,
       sum(duration_s)::BIGINT AS duration_s, min("first") AS "first", max("last") AS "last",
       list_sort(list_distinct(flatten(list(datasets)))) AS datasets
FROM parts GROUP BY ALL ORDER BY caller, callee
"""


def person_edges(edges: pa.Table, found: list[NumberAttribution], selection: CallSelection) -> pa.Table:
    """The engine's directed number edges re-keyed to nodes: a person where an attribution
    covers the call, the number otherwise (see the module's docstring)."""
    if not edges.num_rows:
        return empty_edges()
    mapped, windowed = open_map(found)
    edges = conform(edges)  # this and the tables below are read by name in the SQL
    plain = pa.table({"number": list(mapped), "person": list(mapped.values())},
                     schema=pa.schema([("number", pa.string()), ("person", pa.string())]))
    wanted = pa.table({"number": sorted(windowed)}, schema=pa.schema([("number", pa.string())]))
    attrib = attribution_table(found)
    with open_calls(selection) as con:
        for name, table in (("edges", edges), ("plain", plain), ("wanted", wanted), ("attrib", attrib)):
            con.register(name, table)
        rest = con.sql(_REST).to_arrow_table()
        split = con.sql(_AGGREGATE).to_arrow_table() if windowed else empty_edges()
        con.register("parts", pa.concat_tables([conform(rest), conform(split)]).cast(EDGE_SCHEMA))
        combined = con.sql(_COMBINED).to_arrow_table()
    return conform(combined)
