"""The command-line contract of duplicate detection: dedupe, judge, merge, unmerge."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from dastavez.registry.claims import add_claim
from dastavez.registry.records import add_person
from dastavez.storage.tables import Claim, Entity


@pytest.fixture
def twins(db, admin) -> tuple[str, str, str]:
    with db.write() as session:
        first = add_person(session, admin, name="Muhammad Akram Baloch").id
        second = add_person(session, admin, name="محمد اکرم بلوچ").id
        other = add_person(session, admin, name="Zarrar Khanzada").id
        for entity in (first, second):
            add_claim(session, admin, entity_id=entity, prop="birthDate", value="1981-04-02")
            add_claim(session, admin, entity_id=entity, prop="phone", value="+92 300 1234567")
    return first, second, other


def _one_line_error(result) -> str:
    assert result.code == 1 and result.stdout == "" and "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ")
    return lines[0]


def test_dedupe_json_lists_pairs_with_weights_and_explanations(cli, twins):
    result = cli("dedupe", "--json")
    assert result.code == 0, result.stderr
    data = result.json
    assert data["run"]["persons"] == 3 and data["total"] == 1
    (pair,) = data["pairs"]
    contract = {"left", "right", "weight", "probability", "left_caption", "right_caption", "explanation"}
    assert contract <= set(pair)
    assert (pair["left"], pair["right"]) == tuple(sorted(twins[:2]))
    assert isinstance(pair["weight"], float) and pair["weight"] > 0
    compared = {part["column"] for part in pair["explanation"]["features"]}
    assert compared >= {"given_name", "surname", "dob", "phones"}

    stored = cli("dedupe", "--stored", "--limit", "1", "--json").json
    assert stored["run"] is None and stored["pairs"][0]["left"] == pair["left"]
    text = cli("dedupe", "--stored")
    assert text.code == 0 and "Akram" in text.stdout and "a number in common" in text.stdout
    strict = cli("dedupe", "--threshold", "45", "--json").json
    assert strict["pairs"] == [] and strict["run"]["replaced_pairs"] == 1


def test_judge_merge_and_unmerge_round_trip(cli, db, twins):
    first, second, _ = twins
    cli("dedupe", "--json")
    unsure = cli("judge", second, first, "--decision", "unsure", "--note", "ask the desk", "--json")
    assert unsure.code == 0 and unsure.json["decision"] == "unsure" and unsure.json["merge"] is None

    merged = cli("merge", first, second, "--note", "same phone and date", "--json")
    assert merged.code == 0, merged.stderr
    assert merged.json["kept"] == first and merged.json["merged"] == second and merged.json["claims"] == 3
    with db.read() as session:
        assert session.get(Entity, second).merged_into == first
        assert not session.scalars(select(Claim).where(Claim.entity_id == second)).all()
    assert cli("dedupe", "--stored", "--json").json["total"] == 0  # a merged pair is no longer open

    again = _one_line_error(cli("merge", first, second))
    assert "already merged" in again
    undone = cli("unmerge", second, "--json")
    assert undone.code == 0 and undone.json["undone_by"] == "admin"
    with db.read() as session:
        assert len(session.scalars(select(Claim).where(Claim.entity_id == second)).all()) == 3
    assert "not merged" in _one_line_error(cli("unmerge", second))


def test_judge_merge_merges_at_once_for_the_admin(cli, db, twins):
    first, second, _ = twins
    result = cli("judge", first, second, "--decision", "merge", "--keep", second, "--json")
    assert result.code == 0, result.stderr
    assert result.json["merge"]["kept"] == second and result.json["keep"] == second
    with db.read() as session:
        assert session.get(Entity, first).merged_into == second


def test_bad_input_ends_in_one_line(cli, twins, make_actor):
    first, second, other = twins
    assert "decision" in _one_line_error(cli("judge", first, second, "--decision", "perhaps"))
    assert "no entity" in _one_line_error(cli("merge", first, "PER-0000000000"))
    assert "itself" in _one_line_error(cli("merge", first, first))
    assert "status" in _one_line_error(cli("dedupe", "--stored", "--status", "nope"))
    assert "threshold" in _one_line_error(cli("dedupe", "--threshold", "nan"))
    analyst = make_actor("analyst", interface="cli").username
    assert "not allow" in _one_line_error(cli("--as", analyst, "merge", first, other))
    proposal = cli("--as", analyst, "judge", first, second, "--decision", "merge", "--json")
    assert proposal.code == 0 and proposal.json["awaiting_merge"] is True
    auditor = make_actor("auditor", interface="cli").username
    assert "not allow" in _one_line_error(cli("--as", auditor, "dedupe"))
