"""The structure planted in the demo's call records is recovered by the analyses.

One demo (scenario, cases with their incidents, call records at scale 1) is loaded for the
module on the test database, then the analyses run as the demo supervisor (cleared for every
compartment, as the ground truth is written for a reader who sees everything):
``links.overseas_links`` finds the overseas↔local person links of the ground truth with
precision and recall ≥ 0.95, ``links.brokers`` ranks the planted brokers in its top ten,
``incident_activity`` finds the burst before every incident, and co-location and handset
analyses find the planted meetings and moved handsets.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher
from sqlalchemy import create_engine, text

from dastavez.access import passwords
from dastavez.access.actor import Actor
from dastavez.comms import links
from dastavez.comms.attribution import list_attributions
from dastavez.comms.colocation import colocation
from dastavez.comms.imei import handsets
from dastavez.comms.incident_activity import incident_activity
from dastavez.demo.calls import stage_calls
from dastavez.demo.cases import stage_cases
from dastavez.demo.scenario import build_scenario
from dastavez.demo.users import demo_actor
from dastavez.settings import Settings
from dastavez.storage.engine import Database
from dastavez.storage.metadata import METADATA

SEED = 20261128
TODAY = date(2026, 11, 28)

pytestmark = pytest.mark.slow


@dataclass
class Demo:
    db: Database
    settings: Settings
    truth: dict[str, Any]
    staged: dict[str, Any]

    def actor(self, username: str = "supervisor") -> Actor:
        with self.db.read() as session:
            return demo_actor(session, username)

    def owner(self) -> dict[str, str]:
        return {n: p["id"] for key in ("overseas_leaders", "brokers", "local_members")
                for p in self.truth[key] for n in p["numbers"]}


def _empty_settings(home: Path, template: str) -> Settings:
    """Settings on a database of the module's own, as the ``settings`` fixture makes one."""
    if os.environ.get("DASTAVEZ_TEST_DB", "sqlite") == "sqlite":
        shutil.copy(template, home / "dastavez.sqlite3")
        return Settings(home=home, secret_key="test-secret-key")
    engine = create_engine(template)
    tables = ", ".join(f'"{t.name}"' for t in METADATA.sorted_tables)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    engine.dispose()
    return Settings(home=home, database_url=template, secret_key="test-secret-key")


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory, database_template: str) -> Iterator[Demo]:
    home = tmp_path_factory.mktemp("recovery") / "home"
    home.mkdir()
    settings = _empty_settings(home, database_template)
    database = Database(settings)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(passwords, "_hasher", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
        build_scenario(database, settings, scale=1, seed=SEED)
        stage_cases(database, settings, seed=SEED, today=TODAY)
        staged = stage_calls(database, settings, seed=SEED, scale=1, today=TODAY)
    truth = json.loads((home / "demo" / "comms-truth.json").read_text(encoding="utf-8"))
    yield Demo(database, settings, truth, staged)
    database.dispose()


def test_the_records_are_imported_under_the_order_and_attributed(demo):
    staged, truth = demo.staged, demo.truth
    assert staged["cdr_datasets"] == 2 and staged["rejected"] == 0
    assert staged["rows"] == staged["calls"] == truth["counts"]["calls"]
    assert 100_000 <= staged["calls"] <= 200_000
    # background rows without a target are out of the order's scope; the planted ones are in it
    assert staged["out_of_scope"] >= truth["counts"]["background"] * 0.97
    assert staged["calls"] - staged["out_of_scope"] >= truth["counts"]["planted"] * 0.99
    assert [f["preset"] for f in truth["files"]] == ["default", "operator-b"]
    assert (demo.settings.home / "demo" / "ground-truth.json").is_file()
    actor = demo.actor()
    leader = truth["overseas_leaders"][0]
    found = list_attributions(demo.db, actor, demo.settings, number=leader["numbers"][0])["attributions"]
    cited = [a for a in found if a["exhibit"] in truth["subscriber_records"]]
    assert [a["person"] for a in cited] == [leader["id"]] and cited[0]["valid_from"]


def test_overseas_to_local_person_links_are_recovered(demo):
    result = links.overseas_links(demo.db, demo.actor(), demo.settings, max_hops=demo.truth["max_hops"],
                                  level="person", limit=links.MAX_PATHS)
    assert not result["truncated"]
    recovered = {(p["source"], p["target"]) for p in result["paths"]
                 if p["source"].startswith("PER-") and p["target"].startswith("PER-")}
    expected = {(link["leader"], link["local"]) for link in demo.truth["links"]}
    hits = len(recovered & expected)
    precision, recall = hits / len(recovered), hits / len(expected)
    assert precision >= 0.95 and recall >= 0.95, (precision, recall)
    brokers = {b["id"] for b in demo.truth["brokers"]}
    via = {(p["source"], p["target"]): p["nodes"][1]["id"] for p in result["paths"] if p["hops"] >= 2}
    direct = {(d["leader"], d["local"]) for d in demo.truth["direct_contacts"]}
    through = [pair for pair, first in via.items() if pair in expected and first in brokers]
    assert len(through) >= 0.95 * len([pair for pair in via if pair in expected and pair[0] not in
                                       {leader for leader, _ in direct}])


def test_the_planted_brokers_are_in_the_top_ten(demo):
    result = links.brokers(demo.db, demo.actor(), demo.settings, top=10)
    top = [row["node"] for row in result["brokers"]]
    planted = {b["id"] for b in demo.truth["brokers"]}
    assert planted <= set(top), (planted - set(top), top)
    assert set(top[: len(planted)]) == planted  # they lead the list


def test_the_bursts_before_incidents_are_found(demo):
    result = incident_activity(demo.db, demo.actor(), demo.settings)
    owner = demo.owner()
    found: dict[str, set[frozenset[str]]] = {}
    for burst in result["bursts_found"]:
        if burst["scope"] == "pair":
            found.setdefault(burst["incident"], set()).add(frozenset(owner.get(n, n) for n in burst["nodes"]))
    planted = demo.truth["incident_bursts"]
    assert len(planted) >= 30
    missed = [b["incident"] for b in planted
              if not {frozenset((p["a"], p["b"])) for p in b["pairs"]} & found.get(b["incident"], set())]
    assert len(missed) <= 0.05 * len(planted), missed
    pairs = [frozenset((p["a"], p["b"])) for b in planted for p in b["pairs"]]
    reported = {(incident, pair) for incident, seen in found.items() for pair in seen}
    hits = sum((b["incident"], frozenset((p["a"], p["b"]))) in reported for b in planted for p in b["pairs"])
    assert hits >= 0.8 * len(pairs)


def test_the_planted_meetings_and_moved_handsets_are_found(demo):
    actor = demo.actor()
    met = colocation(demo.db, actor, demo.settings, min_times=3, limit=1000)
    found = {frozenset(pair["nodes"]) for pair in met["pairs"]}
    planted = [frozenset(o["numbers"]) for m in demo.truth["colocations"] for o in m["occasions"][:1]]
    assert planted and sum(pair in found for pair in planted) >= 0.8 * len(planted)

    shared = handsets(demo.db, actor, demo.settings)
    by_imei = {h["imei"]: h["numbers"] for h in shared["handsets"]}
    for move in demo.truth["imei_moves"]:
        assert by_imei.get(move["imei"]) == [move["from"], move["to"]], move
    assert len(by_imei) == len(demo.truth["imei_moves"])  # no handset moved that was not planted
