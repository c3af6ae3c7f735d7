"""The demo's call-record generator: seeded, chunked, sized by scale, and true to its ground truth.

These tests read the generated operator files themselves (no import): the planted pairs are
there as often as the truth says, leaders reach local persons only through brokers, handsets
move, pairs meet at one cell, bursts come before incidents, background numbers are never
attributed ones. ``tests/comms/test_recovery.py`` imports the records and checks the analyses.
"""

from __future__ import annotations

import csv
import shutil
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher

from dastavez.access import passwords
from dastavez.demo import calls
from dastavez.demo import calls_numbers as tel
from dastavez.demo.calls_files import PKT
from dastavez.demo.calls_plan import Plan
from dastavez.demo.calls_rows import BURST_DAYS
from dastavez.demo.calls_truth import truth_data
from dastavez.demo.scenario import build_scenario
from dastavez.exc import InvalidInput
from dastavez.settings import Settings
from dastavez.storage.engine import Database
from dastavez.storage.migrate import upgrade

SEED = 20261128
TODAY = date(2026, 11, 28)


class World:
    def __init__(self, home: Path):
        self.settings = Settings(home=home, secret_key="x")
        self.db = Database(self.settings)
        upgrade(self.db.engine)
        self.truth, self.plan, self.start, _ = calls.prepare(self.db, self.settings, seed=SEED, scale=1,
                                                            today=TODAY)
        groups = [g["id"] for g in self.truth["groups"]]
        # three incidents of three groups (the cases stage is not needed to test the generator)
        self.incidents = [{"id": f"INC-T-{day}", "group": groups[i], "day": day,
                           "occurred_at": self.at(day, 10 * 3600)} for i, day in enumerate((120, 400, 640))]

    def at(self, day: int, second: int) -> str:
        return (datetime.combine(self.start, datetime.min.time(), UTC)
                + timedelta(days=day, seconds=second)).isoformat()

    def generate(self, folder: Path, *, seed: int = SEED, scale: int = 1, chunk_rows: int | None = None,
                 sizes: list[int] | None = None) -> tuple[list[Any], dict[str, Any]]:
        plan = self.plan if (seed, scale) == (SEED, 1) else \
            calls.prepare(self.db, self.settings, seed=seed, scale=scale, today=TODAY)[1]
        return calls.generate(folder, plan, seed=seed, scale=scale, start=self.start,
                              incidents=self.incidents, chunk_rows=chunk_rows,
                              progress=(lambda done, _: sizes.append(done)) if sizes is not None else None)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Any:
    home = tmp_path_factory.mktemp("calls") / "home"
    home.mkdir()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(passwords, "_hasher", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
        settings = Settings(home=home, secret_key="x")
        database = Database(settings)
        upgrade(database.engine)
        build_scenario(database, settings, scale=1, seed=SEED)
        database.dispose()
        made = World(home)
    yield made
    made.db.dispose()


@pytest.fixture(scope="module")
def generated(world: World, tmp_path_factory: pytest.TempPathFactory) -> tuple[list[Any], dict[str, Any]]:
    return world.generate(tmp_path_factory.mktemp("exports"))


@pytest.fixture(scope="module")
def truth(world: World, generated: tuple[list[Any], dict[str, Any]]) -> dict[str, Any]:
    return truth_data(world.plan, seed=SEED, scale=1, start=world.start, days=calls.WINDOW_DAYS,
                      planted=generated[1])


@pytest.fixture(scope="module")
def rows(world: World, generated: tuple[list[Any], dict[str, Any]]) -> list[dict[str, Any]]:
    return read_rows(generated[0], world.start)


def read_rows(exports: list[Any], start: date) -> list[dict[str, Any]]:
    """Both files as rows in one shape: numbers E.164, start UTC (day index, second), imei, cell."""
    rows = []
    origin = datetime.combine(start, datetime.min.time(), UTC)
    for export in exports:
        with export.path.open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle, delimiter="," if export.preset is None else "\t")
            for raw in reader:
                if export.preset is None:
                    moment = datetime.fromisoformat(raw["start_time"])
                    caller, callee, imei, cell = raw["caller"], raw["callee"], raw["imei"], raw["cell_id"]
                else:
                    local = datetime.strptime(raw["START_TIME"], "%Y%m%d%H%M%S").replace(tzinfo=UTC)
                    moment = local - timedelta(seconds=PKT)
                    caller, callee = (e164(raw["CALLING_NUMBER"]), e164(raw["CALLED_NUMBER"]))
                    imei, cell = raw["IMEI"], raw["CELL_ID"]
                offset = moment - origin
                rows.append({"caller": caller, "callee": callee, "day": offset.days, "second": offset.seconds,
                             "imei": imei, "cell": cell})
    return rows


def e164(national: str) -> str:
    return "+" + national[2:] if national.startswith("00") else "+92" + national[1:]


def owners(truth: dict[str, Any]) -> dict[str, str]:
    return {n: p["id"] for key in ("overseas_leaders", "brokers", "local_members") for p in truth[key]
            for n in p["numbers"]}


@pytest.mark.slow
def test_the_same_seed_writes_the_same_files_whatever_the_chunk_size(world, generated, tmp_path):
    exports, planted = generated
    sizes: list[int] = []
    again, _ = world.generate(tmp_path / "small-chunks", chunk_rows=7_000, sizes=sizes)
    assert [e.sha256 for e in again] == [e.sha256 for e in exports]
    steps = [b - a for a, b in zip([0, *sizes], sizes, strict=False)]
    assert len(steps) > 10 and max(steps) <= 7_000  # written in bounded chunks
    assert sizes[-1] == sum(e.rows for e in exports) == sum(planted["counts"].values())
    other, _ = world.generate(tmp_path / "other-seed", seed=SEED + 1)
    assert {e.sha256 for e in other}.isdisjoint({e.sha256 for e in exports})


@pytest.mark.slow
def test_the_size_grows_linearly_with_the_scale(world, generated, tmp_path):
    exports, planted = generated
    counts = planted["counts"]
    total = sum(e.rows for e in exports)
    assert 100_000 <= total <= 200_000
    assert counts["background"] == calls.BACKGROUND_CALLS
    assert 25_000 <= counts["planted"] <= 60_000 and counts["bursts"] > 0 and counts["meetings"] > 0
    double, more = world.generate(tmp_path / "scale-2", scale=2)
    assert more["counts"]["background"] == 2 * calls.BACKGROUND_CALLS
    assert sum(e.rows for e in double) - total == pytest.approx(calls.BACKGROUND_CALLS, rel=0.02)
    # scale 300, the documented size for the import benchmark: about 2 × 10^7 calls
    assert 1.9e7 <= 300 * calls.BACKGROUND_CALLS + counts["planted"] + counts["bursts"] <= 2.2e7


def test_the_files_hold_what_the_ground_truth_says(truth, rows):
    attributed = owners(truth)
    owner = attributed | {m["to"]: m["person"] for m in truth["imei_moves"] if not m["attributed"]}
    assert len(rows) == truth["counts"]["calls"]
    assert all(0 <= r["day"] < calls.WINDOW_DAYS for r in rows)
    between = Counter(frozenset((owner[r["caller"]], owner[r["callee"]])) for r in rows
                      if r["caller"] in owner and r["callee"] in owner)
    for pair in truth["pairs"]:
        assert between[frozenset((pair["a"], pair["b"]))] >= pair["calls"]
    assert set(between) == {frozenset((p["a"], p["b"])) for p in truth["pairs"]}  # nothing unplanned
    numbers = {n for r in rows for n in (r["caller"], r["callee"])}
    assert set(attributed) <= numbers  # every attributed number is used
    background = {n for n in numbers if n.startswith("+92") and int(n[3:6]) in tel.BACKGROUND_CODES}
    assert len(background) > 2_500 and not background & set(attributed)  # and never a background one


def test_leaders_reach_local_persons_only_through_brokers(truth):
    leaders = {p["id"]: p for p in truth["overseas_leaders"]}
    brokers = {p["id"]: set(p["groups"]) for p in truth["brokers"]}
    direct = {(d["leader"], d["local"]) for d in truth["direct_contacts"]}
    assert leaders and len(brokers) >= 4 and len(direct) == 1
    for pair in truth["pairs"]:
        for leader, other in ((pair["a"], pair["b"]), (pair["b"], pair["a"])):
            if leader in leaders and other not in leaders:
                assert leaders[leader]["group"] in brokers.get(other, set()) or (leader, other) in direct
    links = truth["links"]
    assert {(link["leader"], link["local"]) for link in links if link["hops"] == 1} == {
        (p["a"], p["b"]) if p["a"] in leaders else (p["b"], p["a"]) for p in truth["pairs"]
        if (p["a"] in leaders) != (p["b"] in leaders)}
    for link in links:
        assert set(link["via"]) <= set(brokers) | {local for _, local in direct}
    assert any(leader["roaming_numbers"] for leader in truth["overseas_leaders"])
    assert all(not n.startswith("+92") for leader in truth["overseas_leaders"]
               for n in leader["numbers"] if n not in leader["roaming_numbers"])


def test_handsets_move_pairs_meet_and_bursts_come_before_incidents(world, truth, rows):
    by_imei: dict[str, set[tuple[str, bool]]] = {}
    for move in truth["imei_moves"]:
        by_imei[move["imei"]] = set()
    for r in rows:
        if r["imei"] in by_imei:
            move = next(m for m in truth["imei_moves"] if m["imei"] == r["imei"])
            number = r["caller"] if r["caller"] in (move["from"], move["to"]) else r["callee"]
            by_imei[r["imei"]].add((number, r["day"] >= move["day"]))
    for move in truth["imei_moves"]:
        assert by_imei[move["imei"]] == {(move["from"], False), (move["to"], True)}
    assert sum(not m["attributed"] for m in truth["imei_moves"]) == 2  # burners, for suggestions
    assert not {m["to"] for m in truth["imei_moves"] if not m["attributed"]} & set(owners(truth))

    at_cell = {(r["cell"], r["caller"], r["day"], r["second"]) for r in rows}
    origin = datetime.combine(world.start, datetime.min.time(), UTC)
    assert truth["colocations"]
    for met in truth["colocations"]:
        assert len(met["occasions"]) >= 4
        for occasion in met["occasions"]:
            moment = datetime.fromisoformat(occasion["at"]) - origin
            first, second = occasion["numbers"]
            day, at = moment.days, moment.seconds
            assert (occasion["cell"], first, day, at) in at_cell
            assert any((occasion["cell"], second, day, at + s) in at_cell for s in range(600))

    owner = owners(truth)
    assert [b["incident"] for b in truth["incident_bursts"]] == [i["id"] for i in world.incidents]
    for burst, incident in zip(truth["incident_bursts"], world.incidents, strict=True):
        assert len(burst["pairs"]) >= 3
        for pair in burst["pairs"]:
            inside = sum(1 for r in rows
                         if {owner.get(r["caller"]), owner.get(r["callee"])} == {pair["a"], pair["b"]}
                         and incident["day"] - BURST_DAYS <= r["day"] < incident["day"])
            assert inside >= pair["calls"] >= BURST_DAYS * 3


def test_background_is_heavy_tailed(truth, rows):
    owner = owners(truth)
    placed = Counter(r["caller"] for r in rows if r["caller"] not in owner)
    ranked = sorted(placed.values(), reverse=True)
    top = sum(ranked[: max(1, len(ranked) // 100)])
    assert top / sum(ranked) > 0.12  # the busiest 1 % of numbers place far more than 1 % of calls


def test_calls_need_the_scenario_first(tmp_path):
    settings = Settings(home=tmp_path / "empty", secret_key="x")
    database = Database(settings)
    try:
        upgrade(database.engine)
        with pytest.raises(InvalidInput, match="load the demo scenario first"):
            calls.stage_calls(database, settings, seed=SEED)
        with pytest.raises(InvalidInput, match="scale"):
            calls.prepare(database, settings, seed=SEED, scale=0, today=TODAY)
    finally:
        database.dispose()
        shutil.rmtree(tmp_path / "empty", ignore_errors=True)


def test_planted_structure_depends_on_the_seed_only(world):
    again = calls.prepare(world.db, world.settings, seed=SEED, scale=1, today=TODAY)[1]
    assert isinstance(again, Plan)
    assert again.pairs == world.plan.pairs and again.moves == world.plan.moves
    other = calls.prepare(world.db, world.settings, seed=SEED + 1, scale=1, today=TODAY)[1]
    assert other.pairs != world.plan.pairs
