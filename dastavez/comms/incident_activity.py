"""Activity before each incident against the usual level: the pre-incident burst.

For an incident at time *t* the **window** is the ``window_days`` before it, ``[t - W, t)``,
and the **baseline** the ``baseline_weeks`` before the window. Activity is contacts (calls and
SMS) with at least one party among the chosen nodes (numbers, persons through their
attributed numbers, the attributed members of organisations) or, with none chosen, all of
them. Days here are 24-hour blocks counted back from the incident, not calendar days.

Measures, for the whole activity and for each pair of numbers:

* ``expected``: the baseline's contacts scaled to the window's length;
* ``ratio``: window contacts over ``expected`` (``null`` when the baseline is empty);
* ``z`` (``method="poisson"``): ``(window - expected) / sqrt(max(expected, 1))``, the
  window count against a Poisson count with the baseline's rate; the floor of one contact
  keeps a quiet pair's first few calls from looking like an alarm;
* ``z_daily`` (whole activity only, ``method="daily"``): the window's mean daily count against
  the mean and standard deviation of the baseline's daily counts (``(m_w - m_b) / (s_b /
  sqrt(W))``), robust where daily counts vary more than Poisson's.

Each risen pair names ``persons``: whose each number was at the incident (one attribution's
person, else None). An incident is in ``bursts_found`` when its whole activity (``scope:
"total"``) or one of its pairs (``scope: "pair"``) has at least ``min_contacts`` contacts in
the window, a ``ratio`` of at least ``min_ratio`` (or an empty baseline) and a ``z`` of at
least ``z_threshold``. A baseline the datasets do not cover (they start after it begins) is
shortened to what they cover; under a week of it, no burst is claimed
(``baseline.sufficient: false``).
"""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from typing import Any

import duckdb
from sqlalchemy import select
from sqlalchemy.orm import Session

from dastavez.access.actor import Actor
from dastavez.cases.incidents import visible_incident
from dastavez.comms import activity_params as params
from dastavez.comms import persons
from dastavez.comms.call_scan import open_calls
from dastavez.comms.choices import METHODS
from dastavez.comms.datasets import selection_for
from dastavez.comms.node_numbers import (
    node_table,
    organisation_members,
    party_in_nodes,
    spans_for_nodes,
)
from dastavez.exc import InvalidInput
from dastavez.settings import Settings
from dastavez.storage.case_tables import Incident
from dastavez.storage.engine import Database

MAX_INCIDENTS = 500
_DAY = timedelta(days=1)


def _incidents(session: Session, actor: Actor, ids: list[str] | None) -> list[Incident]:
    """The incidents asked for, or the latest MAX_INCIDENTS the actor may see; oldest first."""
    actor.require("incident.read")
    if ids:
        chosen = {found.id: found for found in (visible_incident(session, actor, i) for i in ids)}
        return sorted(chosen.values(), key=lambda i: (i.occurred_at, i.id))
    latest = session.scalars(select(Incident).where(actor.visible(Incident.compartment))
                             .order_by(Incident.occurred_at.desc(), Incident.id.desc()).limit(MAX_INCIDENTS))
    return sorted(latest, key=lambda i: (i.occurred_at, i.id))


def _utc(moment: datetime) -> datetime:
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC).replace(tzinfo=None)


def _z(observed: float, expected: float) -> float:
    return round((observed - expected) / math.sqrt(max(expected, 1.0)), 3)


def _ratio(observed: float, expected: float) -> float | None:
    return round(observed / expected, 3) if expected > 0 else None


def _daily_z(window_total: int, window_days: int, daily: list[int]) -> float | None:
    if len(daily) < 2:
        return None
    mean = sum(daily) / len(daily)
    spread = math.sqrt(sum((d - mean) ** 2 for d in daily) / (len(daily) - 1)) or math.sqrt(max(mean, 1.0))
    return round((window_total / window_days - mean) / (spread / math.sqrt(window_days)), 3)


class _Rules:
    def __init__(self, *, min_contacts: int, min_ratio: float, z_threshold: float, method: str):
        self.min_contacts, self.min_ratio, self.z_threshold, self.method = (
            min_contacts, min_ratio, z_threshold, method)

    def burst(self, window: int, ratio: float | None, z: float | None) -> bool:
        return (window >= self.min_contacts and (ratio is None or ratio >= self.min_ratio)
                and z is not None and z >= self.z_threshold)

    def as_dict(self) -> dict[str, Any]:
        return {"min_contacts": self.min_contacts, "min_ratio": self.min_ratio,
                "z_threshold": self.z_threshold, "method": self.method}


def _holder(held: dict[str, list[persons.NumberAttribution]], number: str, moment: datetime) -> str | None:
    """The one person a number was attributed to at ``moment`` (aware), or None."""
    who = {a.person for a in held.get(number, []) if a.covers(moment)}
    return who.pop() if len(who) == 1 else None


def _one_incident(con: duckdb.DuckDBPyConnection, incident: Incident, *, where: str, window_days: int,
                  baseline_weeks: int, covered_from: datetime | None, top_pairs: int,
                  rules: _Rules, held: dict[str, list[persons.NumberAttribution]]) -> dict[str, Any]:
    end = _utc(incident.occurred_at)
    window_start = end - window_days * _DAY
    baseline_start = window_start - baseline_weeks * 7 * _DAY
    if covered_from is not None and covered_from > baseline_start:
        # whole days back from the window that the data covers
        baseline_start = window_start - max(0, (window_start - covered_from) // _DAY) * _DAY
    baseline_days = (window_start - baseline_start) // _DAY
    sufficient = baseline_days >= 7
    bounds = [baseline_start, window_start, end]
    scale = window_days / baseline_days if baseline_days else 0.0
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE pair_stats AS
        WITH counted AS (
            SELECT least(caller, callee) AS a, greatest(caller, callee) AS b,
                   count(*) FILTER (WHERE start >= $2) AS w, count(*) FILTER (WHERE start < $2) AS base,
                   count(*) FILTER (WHERE start >= $2 AND type = 'call') AS calls
            FROM calls WHERE start >= $1 AND start < $3 {where}
            GROUP BY a, b)
        SELECT *, base * $4 AS expected FROM counted""", [*bounds, scale])  # noqa: S608  # fixed pieces
    daily_rows = con.execute(f"""
        SELECT CAST(floor(epoch(start - $1) / 86400) AS BIGINT) AS d, count(*)
        FROM calls WHERE start >= $1 AND start < $2 {where} GROUP BY d""", bounds[:2]).fetchall()  # noqa: S608  # fixed SQL pieces, values as parameters
    counts = dict(daily_rows)
    daily = [int(counts.get(day, 0)) for day in range(baseline_days)]
    total_row = con.execute("SELECT coalesce(sum(w), 0) FROM pair_stats").fetchone()
    window_total = int(total_row[0]) if total_row else 0
    baseline_total = sum(daily)
    expected = baseline_total * scale
    ratio, z = _ratio(window_total, expected), _z(window_total, expected)
    z_daily = _daily_z(window_total, window_days, daily)
    chosen = z if rules.method == "poisson" else z_daily
    # the pairs whose contacts rose, scored as the whole is (see _ratio and _z)
    con.execute("""
        CREATE OR REPLACE TEMP TABLE risen AS
        SELECT a, b, w, base, calls, round(expected, 3) AS expected,
               CASE WHEN expected > 0 THEN round(w / expected, 3) END AS ratio,
               round((w - expected) / sqrt(greatest(expected, 1.0)), 3) AS z
        FROM pair_stats WHERE w > expected""")
    burst_sql = "$1 AND w >= $2 AND (ratio IS NULL OR ratio >= $3) AND z >= $4"
    burst_params = [sufficient, rules.min_contacts, rules.min_ratio, rules.z_threshold]
    bursting_row = con.execute(f"SELECT count(*) FROM risen WHERE {burst_sql}", burst_params).fetchone()  # noqa: S608
    bursting = int(bursting_row[0]) if bursting_row else 0
    rising: list[dict[str, Any]] = [
        {"nodes": [a, b], "window": int(w), "window_calls": int(calls), "baseline": int(base),
         "expected": float(exp), "ratio": None if rat is None else float(rat), "z": float(zz),
         "burst": bool(hot)}
        for a, b, w, calls, base, exp, rat, zz, hot in con.execute(
            f"SELECT a, b, w, calls, base, expected, ratio, z, {burst_sql} FROM risen"  # noqa: S608
            " ORDER BY z DESC, w DESC, a, b LIMIT $5", [*burst_params, top_pairs]).fetchall()
    ]
    for pair in rising:  # whose numbers they were when the incident happened
        pair["persons"] = [_holder(held, n, incident.occurred_at) for n in pair["nodes"]]
    return {
        "incident": incident.id,
        "occurred_at": incident.occurred_at.isoformat(),
        "district": incident.district,
        "kind": incident.kind,
        "window": {"start": params.iso(window_start), "end": params.iso(end), "days": window_days},
        "baseline": {"start": params.iso(baseline_start), "end": params.iso(window_start),
                     "days": baseline_days, "sufficient": sufficient},
        "window_contacts": window_total,
        "baseline_contacts": baseline_total,
        "baseline_daily_mean": round(baseline_total / baseline_days, 3) if baseline_days else None,
        "expected": round(expected, 3),
        "ratio": ratio,
        "z": z,
        "z_daily": z_daily,
        "burst": sufficient and rules.burst(window_total, ratio, chosen),
        "bursting_pairs": bursting,
        "rising_pairs": rising,
    }


def _bursts(results: list[dict[str, Any]]) -> list[dict[str, Any]]:
    found = []
    for item in results:
        head = {"incident": item["incident"], "occurred_at": item["occurred_at"]}
        if item["burst"]:
            found.append(head | {"scope": "total", "nodes": None, "window": item["window_contacts"],
                                 "expected": item["expected"], "ratio": item["ratio"], "z": item["z"],
                                 "z_daily": item["z_daily"]})
        for pair in item["rising_pairs"]:
            if pair["burst"]:
                found.append(head | {"scope": "pair", "nodes": pair["nodes"], "persons": pair["persons"],
                                     "window": pair["window"],
                                     "expected": pair["expected"], "ratio": pair["ratio"], "z": pair["z"]})
    return found


def incident_activity(
    db: Database,
    actor: Actor,
    settings: Settings,
    *,
    incidents: list[str] | None = None,
    nodes: list[str] | None = None,
    organizations: list[str] | None = None,
    datasets: list[str] | None = None,
    window_days: int = 7,
    baseline_weeks: int = 8,
    method: str = "poisson",
    min_contacts: int = 5,
    min_ratio: float = 2.0,
    z_threshold: float = 3.0,
    top_pairs: int = 10,
    include_out_of_scope: bool = False,
) -> dict[str, Any]:
    """Per visible incident: window activity against baseline, the pairs that rose most, and
    ``bursts_found`` (see the module docstring)."""
    actor.require("comms.read")
    params.positive(window_days, "window_days", most=90)
    params.positive(baseline_weeks, "baseline_weeks", most=104)
    params.positive(top_pairs, "top_pairs", most=1000)
    params.positive(min_contacts, "min_contacts", most=1_000_000)
    if method not in METHODS:
        raise InvalidInput(f"method must be one of {', '.join(METHODS)}", field="method")
    if not (min_ratio > 0 and math.isfinite(min_ratio) and math.isfinite(z_threshold)):
        raise InvalidInput("min_ratio must be above 0 and z_threshold a finite number", field="min_ratio")
    rules = _Rules(min_contacts=min_contacts, min_ratio=min_ratio, z_threshold=z_threshold, method=method)
    asked = params.node_list(nodes)
    orgs = params.node_list(organizations)
    with db.audited_read() as session:
        chosen = _incidents(session, actor, incidents)
        members = organisation_members(session, actor, orgs) if orgs else []
        spans = spans_for_nodes(session, actor, asked) + spans_for_nodes(session, actor, members,
                                                                         strict=False)
        selection = selection_for(session, actor, settings, dataset_ids=datasets,
                                  include_out_of_scope=include_out_of_scope)
        held = persons.by_number(persons.attributions(session, actor))
        results = []
        with open_calls(selection) as con:
            where = ""
            if asked or orgs:
                node_table(con, spans)
                where = f"AND ({party_in_nodes('caller')} OR {party_in_nodes('callee')})"
            covered = con.execute("SELECT min(start) FROM calls").fetchone()
            covered_from = covered[0] if covered else None
            for incident in chosen:
                results.append(_one_incident(
                    con, incident, where=where, window_days=window_days, baseline_weeks=baseline_weeks,
                    covered_from=covered_from, top_pairs=top_pairs, rules=rules, held=held))
        params.record_read(session, actor, "incidents", selection, incidents=[i.id for i in chosen][:50],
                           nodes=asked[:50], organizations=orgs, window_days=window_days,
                           baseline_weeks=baseline_weeks)
    return {
        "window_days": window_days,
        "baseline_weeks": baseline_weeks,
        "nodes": asked,
        "organizations": orgs,
        "members": members,
        "numbers": sorted({s.number for s in spans}) if (asked or orgs) else None,
        "datasets": [dataset for dataset, _ in selection.datasets],
        "rules": rules.as_dict(),
        "incidents": results,
        "bursts_found": _bursts(results),
    }
