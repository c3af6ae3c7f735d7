"""The demo scenario at scale 1 (and a small scale 2): contents, determinism, users, fictional names."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import func, select
from test_names import REAL_GROUP_FRAGMENTS  # the one blocklist, shared with the name tests

from dastavez.access.authn import authenticate
from dastavez.access.roles import ROLES
from dastavez.demo import scenario
from dastavez.demo.scenario import build_scenario
from dastavez.demo.users import DEMO_PASSWORD, DEMO_USERS
from dastavez.exc import InvalidInput
from dastavez.settings import Settings
from dastavez.storage.engine import Database
from dastavez.storage.migrate import upgrade
from dastavez.storage.tables import Claim, Entity, Proscription, UserClearance

ARABIC = range(0x0600, 0x0700)
UNSTABLE = ("seconds", "timings", "ground_truth")


def stable(summary: Any) -> dict[str, Any]:
    return {k: v for k, v in summary.as_dict().items() if k not in UNSTABLE}


@pytest.fixture
def loaded(db, settings):
    return build_scenario(db, settings, scale=1)


def claims_of(session: Any, entity_id: str, prop: str) -> list[str]:
    return list(session.scalars(select(Claim.value).where(Claim.entity_id == entity_id, Claim.prop == prop,
                                                           Claim.status != "retracted")))


def test_scale_one_has_the_groups_people_evidence_and_judgements(db, settings, loaded):
    summary = loaded
    assert 270 <= summary.persons <= 330
    assert 4_000 <= summary.claims <= 6_000
    assert summary.organisations >= 5 + 5  # the five groups and at least one front each
    assert 0.55 <= summary.supported_share <= 0.65
    assert summary.retracted_claims == scenario.RETRACTED and summary.disputed_claims == scenario.DISPUTED
    assert summary.compartmented_claims > 0
    assert 0.06 <= summary.compartmented_persons / summary.persons <= 0.15
    assert summary.exhibits >= 200 and summary.legal_status_changes >= 200 and summary.proscriptions == 5

    truth = json.loads((settings.home / "demo" / "ground-truth.json").read_text(encoding="utf-8"))
    assert summary.ground_truth == str(settings.home / "demo" / "ground-truth.json")
    assert len(truth["groups"]) == 5 and len(truth["brokers"]) == scenario.BROKERS
    with db.read() as session:
        proscribed = set(session.scalars(select(Proscription.entity_id)))
        assert proscribed == {group["id"] for group in truth["groups"]}
        for group in truth["groups"]:
            leaders = group["people"]["leader"]
            assert 1 <= len(leaders) <= 2
            for leader in leaders:
                residence = claims_of(session, leader["id"], "residence")
                assert residence and residence[0] != "pk"
                assert all(not phone.startswith("+92") for phone in leader["phones"][:1])
            assert 3 <= len(group["people"]["commander"]) <= 5
            assert 6 <= len(group["people"]["facilitator"]) <= 10
            assert 2 <= len(group["people"]["financier"]) <= 4
        wanted = sum(1 for leader in truth["leaders"] if leader["legal_status"] == "wanted")
        assert wanted >= len(truth["leaders"]) * 0.7
        urdu = session.scalar(select(func.count()).select_from(Claim).where(
            Claim.prop == "name", Claim.qualifiers["script"].as_string() == "Arab"))
        assert urdu is not None and urdu >= summary.persons  # every person has an Urdu name
        captions = list(session.scalars(select(Entity.caption).where(Entity.schema == "Person")))
        # Captions prefer the Latin name, unless only a compartmented claim states it.
        assert sum(caption.isascii() for caption in captions) >= 0.95 * len(captions)
        org_names = list(session.scalars(select(Claim.value).join(Entity, Entity.id == Claim.entity_id).where(
            Entity.schema == "Organization", Claim.prop.in_(("name", "alias", "previousName")))))
    for name in org_names:
        assert not [f for f in REAL_GROUP_FRAGMENTS if f in name.lower()], name
    assert any(ord(char) in ARABIC for name in org_names for char in name)


def test_every_demo_user_logs_in_with_the_demo_password(db, settings, loaded):
    assert {user.username for user in DEMO_USERS} == {*ROLES, "analyst2"}
    with db.write() as session:
        for user in DEMO_USERS:
            result = authenticate(session, settings, username=user.username, password=DEMO_PASSWORD,
                                  client=None, interface="web")
            assert result.user is not None, (user.username, result.reason)
        clearances = {(row.user_id, row.compartment) for row in session.scalars(select(UserClearance))}
    assert len(clearances) == 2 + 2 + 1  # admin and supervisor: both; analyst2: one
    assert [u["username"] for u in loaded.users] == [u.username for u in DEMO_USERS]
    assert loaded.password == DEMO_PASSWORD


def test_the_same_seed_loads_the_same_data_and_chunks_do_not_change_it(db, settings, tmp_path, monkeypatch):
    monkeypatch.setattr(scenario, "CHUNK_PERSONS", 120)  # scale 2: the background in three chunks
    seen: list[tuple[int, int]] = []
    first = build_scenario(db, settings, scale=2, seed=11,
                           progress=lambda done, total: seen.append((done, total)))
    assert seen[-1][0] == seen[-1][1] == first.persons and len(seen) == 1 + 3
    assert 570 <= first.persons <= 630

    other = Settings(home=tmp_path / "other", secret_key="x")  # a second, SQLite, database
    database = Database(other)
    try:
        upgrade(database.engine)
        monkeypatch.setattr(scenario, "CHUNK_PERSONS", 1_000)
        second = build_scenario(database, other, scale=2, seed=11)
    finally:
        database.dispose()
    assert stable(first) == stable(second)


@pytest.mark.parametrize("scale", [0, scenario.MAX_SCALE + 1])
def test_scale_out_of_range_is_refused(db, settings, scale):
    with pytest.raises(InvalidInput, match="scale"):
        build_scenario(db, settings, scale=scale)
