"""Cases benchmark: the list of leaders and facilitators and the prosecutors' dashboards.

    .venv/bin/python benchmarks/cases.py [--home PATH] [--scale 300] [--repeat 5] [--today YYYY-MM-DD]

Uses the demo in ``--home`` (default ``$DASTAVEZ_HOME``): when it holds no demo yet, loads the
scenario at ``--scale`` (300 ≈ 10^5 persons and 10^6 claims, a few minutes) and the demo courts
(``dastavez.demo.cases.stage_cases``: ~120 cases, hearings, warrants, 40 incidents); when it holds
a scenario but no cases, stages the courts only. Then, as the demo supervisor (cleared for every
compartment, so nothing is filtered away), it times each service ``--repeat`` times in one read
transaction each, and times beside it, in the same process, a named baseline: the bare SQL
count that any answer has to start from (for the list, the live listed-role claims; for the
dashboards, the open cases and their hearings). The ratio says what the service adds.

Goal (issue 5): the list and each dashboard in under 2 s at scale 300.
Prints one JSON object and a Markdown table for docs/performance.md.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, text

from dastavez.access.users import actor_for
from dastavez.cases import casefile, dashboards
from dastavez.cases.leaders import compute_list
from dastavez.cases.list_export import export_list
from dastavez.cases.records import today_utc
from dastavez.cases.stages import stage_machine
from dastavez.demo.cases import stage_cases
from dastavez.demo.scenario import build_scenario
from dastavez.demo.vault import stage_evidence
from dastavez.settings import Settings
from dastavez.storage.case_tables import CourtCase
from dastavez.storage.engine import Database
from dastavez.storage.migrate import upgrade
from dastavez.storage.tables import Entity

GOAL_SECONDS = 2.0
LIST_BASELINE = (
    "SELECT count(*) FROM claim WHERE prop = 'role' "
    "AND value_key IN ('leader', 'commander', 'facilitator', 'financier') AND status != 'retracted'"
)
DASHBOARD_BASELINE = (
    "SELECT count(*) FROM court_case c JOIN hearing h ON h.case_id = c.id WHERE c.stage != 'disposed'"
)


def ensure_demo(db: Database, settings: Settings, scale: int) -> dict[str, Any]:
    upgrade(db.engine)
    with db.read() as session:
        persons = session.scalar(select(func.count()).select_from(Entity)) or 0
        cases = session.scalar(select(func.count()).select_from(CourtCase)) or 0
    made: dict[str, Any] = {"persons_before": persons, "cases_before": cases}
    if not persons:
        started = time.perf_counter()
        build_scenario(db, settings, scale=scale)
        stage_evidence(db, settings, seed=7)
        made["scenario_seconds"] = round(time.perf_counter() - started, 1)
    if not cases:
        started = time.perf_counter()
        made["courts"] = stage_cases(db, settings, seed=7)
        made["courts_seconds"] = round(time.perf_counter() - started, 1)
    return made


def timed(db: Database, work: Callable[[Any], Any], repeat: int) -> tuple[list[float], Any]:
    samples, result = [], None
    for _ in range(repeat):
        with db.read() as session:
            started = time.perf_counter()
            result = work(session)
            samples.append(time.perf_counter() - started)
    return samples, result


def summary(samples: list[float], baseline: list[float]) -> dict[str, Any]:
    median, base = statistics.median(samples), statistics.median(baseline)
    return {
        "median_s": round(median, 4),
        "max_s": round(max(samples), 4),
        "baseline_median_s": round(base, 5),
        "ratio": round(median / base, 1) if base else None,
        "goal_met": max(samples) < GOAL_SECONDS,
    }


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--home", type=Path, default=Path(os.environ.get("DASTAVEZ_HOME", "dastavez-data")))
    parser.add_argument("--scale", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--today", type=date.fromisoformat, default=None)
    args = parser.parse_args()
    settings = Settings.from_env().with_(home=args.home)
    db = Database(settings)
    try:
        made = ensure_demo(db, settings, args.scale)
        today = args.today or today_utc()
        machine = stage_machine()
        with db.read() as session:
            reader = actor_for(session, "supervisor", interface="system", client="benchmark")
            persons = session.scalar(
                select(func.count()).select_from(Entity).where(Entity.schema == "Person")
            )
            claims = session.scalar(text("SELECT count(*) FROM claim"))
            some_case = session.scalar(select(CourtCase.id).order_by(CourtCase.id).limit(1))

        def raw(sql: str) -> Callable[[Any], Any]:
            return lambda session: session.execute(text(sql)).scalar()

        list_base, listed = timed(db, raw(LIST_BASELINE), args.repeat)
        dash_base, _ = timed(db, raw(DASHBOARD_BASELINE), args.repeat)
        list_times, people = timed(db, lambda s: compute_list(s, reader, today=today), args.repeat)
        pending_times, pending = timed(
            db,
            lambda s: dashboards.pending(s, reader, machine=machine, today=today, audit_read=False),
            args.repeat,
        )
        dash_times, view = timed(
            db, lambda s: dashboards.dashboard(s, reader, machine=machine, today=today), args.repeat
        )
        case_times, _ = timed(
            db, lambda s: casefile.show_case(s, reader, some_case, machine=machine, today=today), args.repeat
        )
        pdf_times = []
        for _ in range(max(1, args.repeat // 2)):
            started = time.perf_counter()
            with db.write() as session:
                export_list(session, reader, settings, fmt="pdf", today=today)
            pdf_times.append(time.perf_counter() - started)
        report = {
            "backend": db.dialect,
            "home": str(args.home),
            "persons": persons,
            "claims": claims,
            "listed_role_claims": listed,
            "people_on_list": len(people),
            "pending_cases": len(pending["cases"]),
            "setup": made,
            "today": today.isoformat(),
            "list": summary(list_times, list_base),
            "dashboard_pending": summary(pending_times, dash_base),
            "dashboard_all": summary(dash_times, dash_base) | {"stalled": view["totals"]["stalled"]},
            "case_page": summary(case_times, dash_base),
            "list_pdf_export": {"median_s": round(statistics.median(pdf_times), 3), "people": len(people)},
        }
    finally:
        db.dispose()
    print(json.dumps(report, indent=2))
    scope = f"{report['backend']}, {persons} persons, {claims} claims"
    print(f"\n| measure ({scope}) | median | max | baseline | ratio |")
    print("| --- | --- | --- | --- | --- |")
    for key, label in (
        ("list", "the list (computed)"),
        ("dashboard_pending", "pending cases"),
        ("dashboard_all", "all dashboards"),
        ("case_page", "one case"),
    ):
        row = report[key]
        print(
            f"| {label} | {row['median_s']} s | {row['max_s']} s | {row['baseline_median_s']} s | "
            f"{row['ratio']}× |"
        )
    print(f"| the list as PDF | {report['list_pdf_export']['median_s']} s | | | |")
    met = all(report[k]["goal_met"] for k in ("list", "dashboard_pending", "dashboard_all"))
    print(f"\ngoal < {GOAL_SECONDS} s for the list and each dashboard: {'met' if met else 'NOT met'}")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
