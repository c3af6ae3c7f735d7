"""Duplicate detection over the API: run, review, judge, merge, unmerge, history; compartments."""

from __future__ import annotations

import json

import pytest


def _created(response) -> dict:
    assert response.status_code == 201, response.text
    return response.json()


@pytest.fixture
def people(api) -> tuple:
    """A cleared analyst's client, an uncleared one, a supervisor, and the persons they made."""
    cleared = api("analyst", clearances=["ALPHA"])
    uncleared = api("analyst")
    supervisor = api("supervisor", clearances=["ALPHA"])
    ids = {}
    for key, name, compartment in (("a", "Muhammad Akram Baloch", None), ("b", "Mohd. Akram Bloch", None),
                                   ("c", "Zarrar Khanzada", "ALPHA"), ("d", "Zarar Khanzada", "ALPHA")):
        body = {"name": name, "compartment": compartment}
        ids[key] = _created(cleared.post("/api/v1/persons", json=body))["id"]
        for prop, value in (("birthDate", "1981-04-02" if key in "ab" else "1975-06-15"),
                            ("phone", "+92 300 1234567" if key in "ab" else "+92 333 7654321")):
            _created(cleared.post(f"/api/v1/entities/{ids[key]}/claims", json={"prop": prop, "value": value}))
    return cleared, uncleared, supervisor, ids


def _pairs(client, status: str = "open") -> set[tuple[str, str]]:
    response = client.get("/api/v1/dedupe/pairs", params={"status": status})
    assert response.status_code == 200, response.text
    return {(p["left"], p["right"]) for p in response.json()["pairs"]}


def test_review_flow_over_the_api(people):
    cleared, uncleared, supervisor, ids = people
    run = _created(uncleared.post("/api/v1/dedupe/runs", json={}))
    assert run["persons"] == 4 and run["pairs_found"] == 2 and run["open_pairs_visible"] == 1
    open_pair = tuple(sorted((ids["a"], ids["b"])))
    hidden_pair = tuple(sorted((ids["c"], ids["d"])))
    assert _pairs(cleared) == {open_pair, hidden_pair}
    assert _pairs(uncleared) == {open_pair}
    assert "Khanzada" not in json.dumps(uncleared.get("/api/v1/dedupe/pairs").json())

    decision = {"left": ids["a"], "right": ids["b"], "decision": "merge", "note": "phone"}
    judged = _created(cleared.post("/api/v1/dedupe/judgements", json=decision))
    assert judged["awaiting_merge"] and judged["merge"] is None
    assert _pairs(supervisor, "to_merge") == {open_pair}
    merged = _created(supervisor.post("/api/v1/merges", json={"kept": ids["a"], "merged": ids["b"]}))
    assert merged["claims"] == 3
    history = cleared.get(f"/api/v1/entities/{ids['b']}/merges").json()
    assert history["merged_into"] == ids["a"] and history["merges"][0]["author"] == merged["author"]
    assert cleared.get(f"/api/v1/dedupe/pairs/{ids['b']}/{ids['a']}/judgements").json()["judgements"][0][
        "decision"] == "merge"

    refused = supervisor.post("/api/v1/merges", json={"kept": ids["a"], "merged": ids["b"]})
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "conflict"
    undone = supervisor.post(f"/api/v1/entities/{ids['b']}/unmerge", json={"note": "two brothers"})
    assert undone.status_code == 200 and undone.json()["undone_at"]
    assert cleared.get(f"/api/v1/entities/{ids['b']}/merges").json()["merged_into"] is None


def test_errors_keep_the_api_shape(people):
    cleared, uncleared, supervisor, ids = people
    hidden = uncleared.post("/api/v1/dedupe/judgements",
                            json={"left": ids["c"], "right": ids["d"], "decision": "not-same"})
    assert hidden.status_code == 404 and hidden.json()["error"]["code"] == "not_found"
    bad = cleared.post("/api/v1/dedupe/judgements",
                       json={"left": ids["a"], "right": ids["b"], "decision": "?"})
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "decision"
    across = supervisor.post("/api/v1/merges", json={"kept": ids["a"], "merged": ids["c"]})
    assert across.status_code == 409 and "compartments" in across.json()["error"]["detail"]
    denied = cleared.post("/api/v1/merges", json={"kept": ids["a"], "merged": ids["b"]})
    assert denied.status_code == 403 and denied.json()["error"]["code"] == "permission_denied"
    assert cleared.get("/api/v1/dedupe/pairs", params={"status": "later"}).status_code == 422
    assert cleared.post("/api/v1/dedupe/runs", json={"threshold": 99}).status_code == 422
