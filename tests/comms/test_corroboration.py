"""Recording corroboration: the call a recording claims to be, looked for in the call records."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from attribution_world import CONTACTS, KNOWN, Call, load

from dastavez.comms.corroboration import ClaimedCall, corroborate
from dastavez.evidence import verification
from dastavez.evidence.exhibits import register_exhibit, visible_exhibit
from dastavez.evidence.vault import show_evidence
from dastavez.exc import Conflict, InvalidInput, PermissionDenied

OTHER = CONTACTS[0]


def calls() -> list[Call]:
    return [
        Call(KNOWN, OTHER, "2026-02-10T10:00:00Z", 300),
        Call(KNOWN, OTHER, "2026-02-10T10:30:00Z", 20, type="sms"),
        Call(OTHER, KNOWN, "2026-02-11T08:00:00Z", 100),  # two calls a minute apart: ambiguous
        Call(KNOWN, OTHER, "2026-02-11T08:01:00Z", 104),
    ]


def claim(start: str, duration: int, **kw) -> ClaimedCall:
    return ClaimedCall(caller=kw.pop("caller", OTHER), callee=kw.pop("callee", KNOWN),
                       start=datetime.fromisoformat(start), duration_s=duration, **kw)


@pytest.fixture
def recording(db, admin):
    with db.write() as session:
        return register_exhibit(session, admin, title="Intercepted call", kind="audio").id


@pytest.fixture
def dataset(db, admin, settings, tmp_path):
    return load(db, admin, settings, tmp_path / "calls.csv", calls())


def test_a_matching_call_in_either_direction_is_a_match_with_its_reference(
    db, admin, settings, recording, dataset
):
    # the recording says OTHER called KNOWN; the operator recorded KNOWN → OTHER, 90 s earlier, 5 s longer
    done = corroborate(db, admin, settings, exhibit=recording, claim=claim("2026-02-10T15:01:30+05:00", 295))
    assert done["result"] == "match"
    [match] = done["matches"]
    assert (match["dataset"], match["exhibit"], match["line"]) == (dataset["dataset"], dataset["exhibit"], 2)
    assert (match["caller"], match["callee"]) == (KNOWN, OTHER)
    assert (match["duration_s"], match["offset_s"]) == (300, -90)
    assert done["claimed"] == {"caller": OTHER, "callee": KNOWN, "start": "2026-02-10T10:01:30Z",
                               "duration_s": 295}
    assert done["tolerances"] == {"start_s": 120, "duration_s": 10, "duration_pct": 10}
    assert done["verification_status"] == "pending-review"


@pytest.mark.parametrize(("start", "duration", "tolerances", "result"), [
    ("2026-02-10T10:02:01Z", 300, {}, "no-match"),  # 121 s off
    ("2026-02-10T10:00:00Z", 340, {}, "no-match"),  # 40 s longer: 10 % of 340 allows 34
    ("2026-02-10T10:00:00Z", 340, {"duration_tolerance_pct": 20}, "match"),
    ("2026-02-10T10:30:00Z", 20, {}, "no-match"),  # an SMS is not a call
    ("2026-02-11T08:00:10Z", 102, {}, "ambiguous"),
    ("2026-02-11T08:00:10Z", 102, {"tolerance_s": 30}, "match"),
])
def test_tolerances_decide(db, admin, settings, recording, dataset, start, duration, tolerances, result):
    done = corroborate(db, admin, settings, exhibit=recording, claim=claim(start, duration, **tolerances))
    assert done["result"] == result
    assert len({m["call"] for m in done["matches"]}) == {"match": 1, "no-match": 0, "ambiguous": 2}[result]


def test_it_counts_toward_verification_after_a_second_persons_review(
    db, admin, settings, make_actor, recording, dataset
):
    analyst = make_actor("analyst")
    done = corroborate(db, analyst, settings, exhibit=recording, claim=claim("2026-02-10T10:00:00Z", 300))
    with db.read() as session:
        shown = show_evidence(session, analyst, recording)
    assert shown["verification_status"] == "pending-review"
    [check] = shown["verifications"]
    assert (check["method"], check["result"], check["examiner"]) == ("cdr-corroboration", "passed",
                                                                      analyst.username)
    assert [c["id"] for c in shown["corroboration"]] == [done["id"]]
    assert shown["corroboration"][0]["verification"] == check["id"]
    with pytest.raises(Conflict, match="waiting for its review"):
        corroborate(db, analyst, settings, exhibit=recording, claim=claim("2026-02-10T10:00:00Z", 300))
    supervisor = make_actor("supervisor")
    with db.write() as session:
        exhibit = visible_exhibit(session, supervisor, recording)
        verification.review_verification(session, supervisor, exhibit, decision="confirmed")
    with db.read() as session:
        assert show_evidence(session, analyst, recording)["verification_status"] == "verified"
    failed = corroborate(db, analyst, settings, exhibit=recording, claim=claim("2026-03-01T10:00:00Z", 300))
    assert failed["result"] == "no-match" and failed["verification_status"] == "pending-review"
    with db.read() as session:
        assert show_evidence(session, analyst, recording)["verifications"][-1]["result"] == "failed"


def test_a_reader_without_verification_rights_gets_the_result_only(
    db, admin, settings, make_actor, recording, dataset
):
    prosecutor = make_actor("prosecutor")
    done = corroborate(db, prosecutor, settings, exhibit=recording, claim=claim("2026-02-10T10:00:00Z", 300))
    assert done["result"] == "match" and done["verification"] is None
    assert done["verification_status"] == "unverified"
    with pytest.raises(PermissionDenied):
        corroborate(db, make_actor("custodian"), settings, exhibit=recording,
                    claim=claim("2026-02-10T10:00:00Z", 300))


def test_a_compartmented_dataset_corroborates_nothing_for_the_uncleared(
    db, admin, settings, make_actor, recording, tmp_path
):
    cleared = make_actor("supervisor", clearances=["ALPHA"])
    load(db, cleared, settings, tmp_path / "secret.csv", calls(), compartment="ALPHA")
    outsider = make_actor("analyst")
    blind = corroborate(db, outsider, settings, exhibit=recording, claim=claim("2026-02-10T10:00:00Z", 300))
    assert blind["result"] == "no-match" and blind["datasets"] == []
    with db.write() as session:
        second = register_exhibit(session, admin, title="Second recording", kind="video").id
    seen = corroborate(db, cleared, settings, exhibit=second, claim=claim("2026-02-10T10:00:00Z", 300))
    assert seen["result"] == "match"
    with db.read() as session:
        assert show_evidence(session, outsider, second)["corroboration"] == [], "it names a secret call"
        assert [c["result"] for c in show_evidence(session, cleared, second)["corroboration"]] == ["match"]


def test_bad_input_is_refused_before_anything_is_written(db, admin, settings, recording, dataset):
    with db.write() as session:
        document = register_exhibit(session, admin, title="A letter", kind="document").id
    for exhibit, bad, message in [
        (document, claim("2026-02-10T10:00:00Z", 300), "not a recording"),
        (recording, claim("2026-02-10T10:00:00", 300), "time zone"),
        (recording, claim("2026-02-10T10:00:00Z", -1), "duration"),
        (recording, claim("2026-02-10T10:00:00Z", 30, tolerance_s=-5), "tolerance"),
        (recording, claim("2026-02-10T10:00:00Z", 30, callee="12"), "invalid phone number"),
        (recording, claim("2026-02-10T10:00:00Z", 30, callee=OTHER), "same number"),
    ]:
        with pytest.raises(InvalidInput, match=message):
            corroborate(db, admin, settings, exhibit=exhibit, claim=bad)
    with db.read() as session:
        assert show_evidence(session, admin, recording)["corroboration"] == []
        assert verification.latest(session, recording) is None


def test_the_cli_and_the_api(cli, api, db, admin, settings, recording, dataset):
    done = cli("--json", "evidence", "corroborate", recording, "--caller", OTHER, "--callee", KNOWN,
               "--start", "2026-02-10T10:00:40Z", "--duration", "298")
    assert done.code == 0, done.stderr
    assert done.json["result"] == "match" and done.json["matches"][0]["line"] == 2
    shown = cli("--json", "evidence", "show", recording)
    assert shown.json["corroboration"][0]["result"] == "match"
    as_text = cli("evidence", "show", recording)  # tables, not a raw list
    assert as_text.code == 0 and "Checked against call records" in as_text.stdout
    assert "cdr-corroboration" in as_text.stdout.split("Verifications", 1)[1]
    assert "{'" not in as_text.stdout
    bad = cli("evidence", "corroborate", recording, "--caller", OTHER, "--callee", KNOWN,
              "--start", "yesterday", "--duration", "5")
    assert bad.code == 1 and bad.stderr.startswith("error: --start must be an ISO 8601 time")
    with db.write() as session:
        other = register_exhibit(session, admin, title="Third recording", kind="audio").id
    analyst = api("analyst")
    made = analyst.post(f"/api/v1/exhibits/{other}/corroborations", json={
        "caller": KNOWN, "callee": OTHER, "start": "2026-02-11T08:00:30Z", "duration_s": 102})
    assert made.status_code == 201, made.text
    assert made.json()["result"] == "ambiguous"
    listed = analyst.get(f"/api/v1/exhibits/{other}/corroborations")
    assert [c["result"] for c in listed.json()["corroborations"]] == ["ambiguous"]
    refused = api("liaison").post(f"/api/v1/exhibits/{other}/corroborations", json={
        "caller": KNOWN, "callee": OTHER, "start": "2026-02-11T08:00:30Z", "duration_s": 102})
    assert refused.status_code == 403


def test_the_claimed_start_is_kept_in_utc():
    moment = datetime(2026, 2, 10, 15, 0, tzinfo=UTC)
    assert ClaimedCall(caller=KNOWN, callee=OTHER, start=moment, duration_s=0).duration_slack == 10
    assert ClaimedCall(caller=KNOWN, callee=OTHER, start=moment, duration_s=1000).duration_slack == 100


def test_the_recording_page_shows_the_corroboration(app, make_actor, db, admin, settings, recording, dataset):
    import re

    from fastapi.testclient import TestClient

    analyst = make_actor("analyst")
    corroborate(db, analyst, settings, exhibit=recording, claim=claim("2026-02-10T10:00:00Z", 300))
    browser = TestClient(app, follow_redirects=False)
    form = browser.get("/login").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', form)
    assert token
    done = browser.post("/login", data={"username": analyst.username, "password": "correct-horse-battery",
                                        "csrf_token": token.group(1)})
    assert done.status_code == 303, done.text
    page = browser.get(f"/exhibits/{recording}")
    assert page.status_code == 200
    assert "Checked against call records" in page.text
    assert f"<code>{dataset['dataset']}</code> line 2" in page.text
    assert "cdr-corroboration" in page.text
