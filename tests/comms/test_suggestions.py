"""Attribution suggestions from IMEI continuity and contact overlap: leads, never claims."""

from __future__ import annotations

import pytest
from attribution_world import (
    CONTACT_HEIR,
    HANDSET_HEIR,
    IMEI,
    KNOWN,
    STRANGER,
    akram_with_known_number,
    load,
    story,
)

from dastavez.comms.attribution import attribute, list_attributions
from dastavez.comms.attribution_review import accept_suggestion, reject_suggestion
from dastavez.comms.suggestions import Thresholds, list_suggestions, parse_suggestion_id, suggestion_id
from dastavez.evidence.exhibits import register_exhibit
from dastavez.exc import Conflict, InvalidInput, NotFound


@pytest.fixture
def world(db, admin, settings, tmp_path):
    person, record = akram_with_known_number(db, admin)
    imported = load(db, admin, settings, tmp_path / "story.csv", story())
    attribute(db, admin, settings, number=KNOWN, person=person, exhibit=record,
              valid_from="2026-01-01", valid_to="2026-02-28")
    return {"person": person, "record": record, "dataset": imported["dataset"]}


def _by_number(found):
    return {s["number"]: s for s in found["suggestions"]}


def test_imei_continuity_and_contact_overlap_are_suggested_with_their_evidence(db, admin, settings, world):
    found = _by_number(list_suggestions(db, admin, settings))
    assert set(found) == {HANDSET_HEIR, CONTACT_HEIR}, "the stranger shares nothing"
    handset = found[HANDSET_HEIR]
    assert handset["id"] == suggestion_id(world["person"], HANDSET_HEIR)
    assert handset["person"] == world["person"] and handset["person_name"] == "Muhammad Akram Baloch"
    [reason] = handset["reasons"]
    assert reason["kind"] == "imei" and reason["imei"] == IMEI
    assert reason["attributed_number"] == KNOWN and reason["datasets"] == [world["dataset"]]
    assert reason["first"].startswith("2026-03-02T09:00") and reason["last"].startswith("2026-03-04T09:00")
    assert reason["attributed_first"].startswith("2026-01-05")
    assert reason["attributed_last"].startswith("2026-01-25")
    contacts = found[CONTACT_HEIR]
    [overlap] = contacts["reasons"]
    # KNOWN's contacts C1..C5, CONTACT_HEIR's C1..C4 and C6: 4 shared of 6
    assert overlap["kind"] == "contacts" and overlap["jaccard"] == pytest.approx(4 / 6, abs=1e-4)
    assert (overlap["shared_contacts"], overlap["contacts"], overlap["attributed_contacts"]) == (4, 5, 5)
    assert overlap["handover"] is True and contacts["score"] == pytest.approx(4 / 6 + 0.1, abs=1e-4)
    never_automatic = list_attributions(db, admin, settings, number=HANDSET_HEIR)["attributions"]
    assert never_automatic == []


def test_the_threshold_and_the_person_filter(db, admin, settings, world):
    strict = list_suggestions(db, admin, settings, limits=Thresholds(threshold=0.7))
    assert [s["number"] for s in strict["suggestions"]] == [HANDSET_HEIR]
    with db.write() as session:
        from dastavez.registry.records import add_person

        other = add_person(session, admin, name="Gul Khan").id
    assert list_suggestions(db, admin, settings, person=other)["suggestions"] == []
    assert len(list_suggestions(db, admin, settings, person=world["person"])["suggestions"]) == 2
    with pytest.raises(InvalidInput, match="threshold"):
        list_suggestions(db, admin, settings, limits=Thresholds(threshold=0))


def test_a_handset_used_outside_the_attribution_window_suggests_nothing(db, admin, settings, tmp_path):
    person, record = akram_with_known_number(db, admin)
    load(db, admin, settings, tmp_path / "story.csv", story())
    attribute(db, admin, settings, number=KNOWN, person=person, exhibit=record, valid_from="2026-06-01")
    assert list_suggestions(db, admin, settings)["suggestions"] == []


def test_accepting_makes_the_claim_and_rejecting_keeps_it_from_coming_back(db, admin, settings, world):
    sid = suggestion_id(world["person"], HANDSET_HEIR)
    with pytest.raises(InvalidInput, match="subscriber record"):
        accept_suggestion(db, admin, settings, suggestion=sid)
    with db.write() as session:
        record = register_exhibit(session, admin, title="Subscriber record 0300-1110002",
                                  kind="subscriber-record").id
    accepted = accept_suggestion(db, admin, settings, suggestion=sid, exhibit=record)
    made = accepted["attribution"]
    assert (made["number"], made["person"], made["exhibit"], made["supported"]) == (
        HANDSET_HEIR, world["person"], record, True)
    assert (made["valid_from"], made["valid_to"]) == ("2026-03-02", "2026-03-04"), "the days it was seen"
    assert accepted["judgement"]["decision"] == "accepted"
    assert accepted["judgement"]["evidence"][0]["imei"] == IMEI
    with pytest.raises(NotFound):
        accept_suggestion(db, admin, settings, suggestion=sid, exhibit=record)

    other = suggestion_id(world["person"], CONTACT_HEIR)
    rejected = reject_suggestion(db, admin, settings, suggestion=other, reason="his brother's phone")
    assert rejected["decision"] == "rejected" and rejected["evidence"][0]["kind"] == "contacts"
    assert list_suggestions(db, admin, settings)["suggestions"] == []
    with pytest.raises(Conflict, match="already rejected"):
        reject_suggestion(db, admin, settings, suggestion=other, reason="again")
    with pytest.raises(InvalidInput, match="reason"):
        reject_suggestion(db, admin, settings, suggestion=suggestion_id(world["person"], STRANGER),
                          reason=" ")


def test_an_accepted_suggestion_without_a_record_is_unsupported(db, admin, settings, world):
    sid = suggestion_id(world["person"], CONTACT_HEIR)
    made = accept_suggestion(db, admin, settings, suggestion=sid, unsupported=True)["attribution"]
    assert made["supported"] is False and made["exhibit"] is None and made["confidence"] == "low"


def test_suggestion_ids_name_the_pair():
    assert parse_suggestion_id("sug-PER-ABC123-923001110002") == ("PER-ABC123", "+923001110002")
    for bad in ("PER-ABC-923", "SUG-923001110002", "SUG-PER-ABC-12x"):
        with pytest.raises(InvalidInput, match="not a suggestion id"):
            parse_suggestion_id(bad)


def test_a_compartmented_dataset_suggests_nothing_to_an_uncleared_analyst(
    db, admin, settings, make_actor, tmp_path
):
    cleared = make_actor("supervisor", clearances=["ALPHA"])  # may record the authority too
    outsider = make_actor("analyst")
    person, record = akram_with_known_number(db, admin)
    load(db, cleared, settings, tmp_path / "secret.csv", story(), compartment="ALPHA")
    attribute(db, admin, settings, number=KNOWN, person=person, exhibit=record)
    assert list_suggestions(db, outsider, settings)["suggestions"] == []
    assert {s["number"] for s in list_suggestions(db, cleared, settings)["suggestions"]} == {
        HANDSET_HEIR, CONTACT_HEIR}
    with pytest.raises(NotFound):
        accept_suggestion(db, outsider, settings, suggestion=suggestion_id(person, HANDSET_HEIR),
                          unsupported=True)
    made = accept_suggestion(db, cleared, settings, suggestion=suggestion_id(person, HANDSET_HEIR),
                             unsupported=True)["attribution"]
    assert list_attributions(db, outsider, settings, number=HANDSET_HEIR)["attributions"] == []
    assert [a["claim"] for a in list_attributions(db, cleared, settings, number=HANDSET_HEIR)[
        "attributions"]] == [made["claim"]], "a claim from compartmented data stays in the compartment"


def test_the_cli_lists_accepts_and_rejects(cli, db, admin, settings, world):
    listed = cli("cdr", "suggestions", "--person", world["person"], "--json")
    assert listed.code == 0, listed.stderr
    ids = [s["id"] for s in listed.json["suggestions"]]
    assert ids == [suggestion_id(world["person"], HANDSET_HEIR), suggestion_id(world["person"], CONTACT_HEIR)]
    accepted = cli("--json", "cdr", "accept", ids[0], "--unsupported")
    assert accepted.code == 0, accepted.stderr
    assert accepted.json["attribution"]["supported"] is False
    rejected = cli("--json", "cdr", "reject", ids[1], "--reason", "shared office line")
    assert rejected.code == 0 and rejected.json["decision"] == "rejected"
    missing = cli("cdr", "accept", ids[1], "--unsupported")
    assert missing.code == 1 and missing.stderr.startswith("error: no open suggestion")


def test_the_api_lists_accepts_and_rejects(api, db, admin, settings, world):
    analyst = api("analyst")
    found = analyst.get("/api/v1/attribution-suggestions", params={"person": world["person"]})
    assert found.status_code == 200, found.text
    first, second = (s["id"] for s in found.json()["suggestions"])
    done = analyst.post(f"/api/v1/attribution-suggestions/{first}/accept", json={"unsupported": True})
    assert done.status_code == 201, done.text
    gone = analyst.post(f"/api/v1/attribution-suggestions/{second}/reject", json={"reason": "no"})
    assert gone.status_code == 201, gone.text
    assert analyst.get("/api/v1/attribution-suggestions").json()["suggestions"] == []
    assert api("custodian").get("/api/v1/attribution-suggestions").status_code == 403
