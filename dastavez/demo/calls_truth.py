"""``DASTAVEZ_HOME/demo/comms-truth.json``: what the demo's call records were built to show.

Next to the scenario's ``ground-truth.json``. It lists the overseas leaders, the brokers and the
local members with their numbers, every planted pair, the overseas↔local person links the
analyses should recover (within ``max_hops``, as a fully cleared reader sees them), the one
direct leader–local contact, the handsets that moved, the pairs that met (same cell, same
time), and the bursts before each incident. Tests and benchmarks read it instead of the data.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from dastavez.demo.calls_files import Export
from dastavez.demo.calls_plan import MAX_HOPS, Plan, Planted, expected_links

TRUTH_FILE = "comms-truth.json"


def _person(person: Planted, plan: Plan) -> dict[str, Any]:
    return {"id": person.id, "name": person.name, "role": person.role, "group": person.group,
            "groups": plan.brokers.get(person.id, [person.group]), "compartment": person.compartment,
            "residence": person.residence,
            "numbers": [line.number for line in person.lines if line.attributed],
            "roaming_numbers": [line.number for line in person.lines if line.roaming]}


def _at(start: date, day: int, second: int = 0) -> str:
    moment = datetime.combine(start + timedelta(days=day), time(), UTC) + timedelta(seconds=second)
    return moment.isoformat()


def truth_data(plan: Plan, *, seed: int, scale: int, start: date, days: int,
               planted: dict[str, Any]) -> dict[str, Any]:
    """The truth of one plan, without what the import adds (datasets, exhibits)."""
    persons = [plan.persons[pid] for pid in sorted(plan.persons)]
    return {
        "seed": seed,
        "scale": scale,
        "window": {"from": start.isoformat(), "to": (start + timedelta(days=days)).isoformat()},
        "max_hops": MAX_HOPS,
        "overseas_leaders": [_person(p, plan) for p in persons if p.overseas],
        "brokers": [_person(plan.persons[b], plan) for b in sorted(plan.brokers)],
        "local_members": [_person(p, plan) for p in persons if not p.overseas and p.id not in plan.brokers],
        "pairs": [{"a": a, "b": b, "kind": kind, "calls": calls}
                  for (a, b), (kind, calls) in sorted(plan.pairs.items())],
        "direct_contacts": [{"leader": leader, "local": local} for leader, local in plan.direct],
        "links": expected_links(plan),
        "imei_moves": [move | {"on": (start + timedelta(days=move["day"])).isoformat()}
                       for move in plan.moves],
        "colocations": [{"a": m["a"], "b": m["b"], "occasions": [
            {"cell": o["cell"], "at": _at(start, o["day"], o["second"]), "numbers": o["numbers"]}
            for o in m["occasions"]]} for m in planted["meetings"]],
        "incident_bursts": planted["bursts"],
        "counts": dict(planted["counts"]) | {"calls": sum(planted["counts"].values())},
    }


def write_truth(home: Path, plan: Plan, *, seed: int, scale: int, start: date, days: int, authority: str,
                records: list[str], exports: list[Export], imported: list[dict[str, Any]],
                planted: dict[str, Any]) -> Path:
    truth = truth_data(plan, seed=seed, scale=scale, start=start, days=days, planted=planted)
    truth["authority"] = authority
    truth["subscriber_records"] = records
    truth["datasets"] = [result["dataset"] for result in imported]
    truth["files"] = [{"operator": e.operator, "preset": e.preset or "default", "file": e.path.name,
                       "rows": e.rows, "sha256": e.sha256, "dataset": r["dataset"], "exhibit": r["exhibit"],
                       "out_of_scope": r["out_of_scope"], "rejected": r["rejected"]}
                      for e, r in zip(exports, imported, strict=True)]
    path = home / "demo" / TRUTH_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(truth, ensure_ascii=False, indent=1), encoding="utf-8")
    tmp.replace(path)
    return path
