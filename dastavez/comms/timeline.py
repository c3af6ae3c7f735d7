"""The daily timeline: calls, SMS, seconds and distinct pairs per day.

For a set of nodes (numbers, or persons through their attributed numbers) a day counts every
call with at least one party in the set; with no nodes it counts the whole selection. Days are
UTC days by default, or the days of another IANA zone (``Asia/Karachi``, the unit's home zone,
where evening calls fall on the next UTC day). Every day from the first to the last (or from
``since`` to ``until`` when given) is listed, quiet days with zeros, so a chart of the result
shows silence as silence.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from dastavez.access.actor import Actor
from dastavez.comms import activity_params as params
from dastavez.comms.call_scan import open_calls
from dastavez.comms.datasets import selection_for
from dastavez.comms.node_numbers import is_entity, node_table, party_in_nodes, spans_for_nodes
from dastavez.exc import InvalidInput
from dastavez.settings import Settings
from dastavez.storage.engine import Database

MAX_DAYS = 20 * 366
_COUNTS = ("calls", "sms", "duration_s", "pairs")
_SUMS = """count(*) FILTER (WHERE type = 'call'), count(*) FILTER (WHERE type = 'sms'),
        coalesce(sum(duration_s) FILTER (WHERE type = 'call'), 0), count(DISTINCT (a, b))"""


def day_expression(zone: str) -> str:
    """SQL for the day of ``start`` (stored as naive UTC) in ``zone`` (checked by the caller)."""
    if zone == "UTC":
        return "CAST(start AS DATE)"
    return f"CAST(timezone('{zone}', timezone('UTC', start)) AS DATE)"


def _day_of(moment: datetime, zone: str) -> date:
    return moment.astimezone(ZoneInfo(zone)).date()


def _span(first: date, last: date) -> list[date]:
    if (last - first).days >= MAX_DAYS:
        raise InvalidInput(f"a timeline covers at most {MAX_DAYS} days; narrow since/until", field="since")
    return [first + timedelta(days=offset) for offset in range((last - first).days + 1)]


def daily_timeline(
    db: Database,
    actor: Actor,
    settings: Settings,
    *,
    nodes: list[str] | None = None,
    datasets: list[str] | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    time_zone: str | None = None,
    include_out_of_scope: bool = False,
) -> dict[str, Any]:
    """Per day: ``calls``, ``sms``, ``duration_s`` and ``pairs`` (distinct unordered pairs)."""
    actor.require("comms.read")
    zone = params.time_zone(time_zone)
    asked = params.node_list(nodes)
    first, last = params.window(since, until)
    if first is not None and last is not None:
        _span(_day_of(first, zone), _day_of(last, zone))  # refuse a huge span before reading
    with db.audited_read() as session:
        selection = selection_for(session, actor, settings, dataset_ids=datasets, since=first, until=last,
                                  include_out_of_scope=include_out_of_scope)
        spans = spans_for_nodes(session, actor, asked)
        with open_calls(selection) as con:
            where = ""
            if asked:
                node_table(con, spans)
                where = f"WHERE {party_in_nodes('caller')} OR {party_in_nodes('callee')}"
            con.execute(f"""
                CREATE TEMP TABLE picked AS
                SELECT {day_expression(zone)} AS day, type, duration_s,
                       least(caller, callee) AS a, greatest(caller, callee) AS b
                FROM calls {where}""")  # noqa: S608  # fixed SQL pieces, values as parameters
            rows = con.execute(f"SELECT day, {_SUMS} FROM picked GROUP BY day ORDER BY day").fetchall()  # noqa: S608
            total = con.execute(f"SELECT {_SUMS} FROM picked").fetchone()  # noqa: S608  # fixed SQL
        params.record_read(session, actor, "timeline", selection, nodes=asked[:50], node_count=len(asked),
                           time_zone=zone)
    by_day = {row[0]: dict(zip(_COUNTS, (int(v) for v in row[1:]), strict=True)) for row in rows}
    start_day = _day_of(first, zone) if first else (min(by_day) if by_day else None)
    end_day = _day_of(last - timedelta(microseconds=1), zone) if last else (max(by_day) if by_day else None)
    days = []
    if start_day is not None and end_day is not None:
        for day in _span(start_day, end_day):
            counts = by_day.get(day) or dict.fromkeys(_COUNTS, 0)
            days.append({"day": day.isoformat(), **counts})
    assert total is not None
    return {
        "level": "person" if any(is_entity(n) for n in asked) else "number",
        "nodes": asked,
        "numbers": sorted({span.number for span in spans}) if asked else None,
        "time_zone": zone,
        "datasets": [dataset for dataset, _ in selection.datasets],
        "since": params.iso(first),
        "until": params.iso(last),
        "days": days,
        "totals": dict(zip(_COUNTS, (int(v) for v in total), strict=True)),
    }
