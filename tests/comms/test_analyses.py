"""Saved analyses: an exhibit holding parameters, input hashes, code version and result hash."""

from __future__ import annotations

import json

import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest
from attribution_world import CONTACT_HEIR, KNOWN, STRANGER, Call, load, story

from dastavez.comms.analyses import FORMAT, rerun_analysis, save_analysis, sha256_of
from dastavez.comms.layout import dataset_dir
from dastavez.evidence.exhibits import register_exhibit
from dastavez.evidence.vault import blob_store, show_evidence
from dastavez.exc import InvalidInput, NotFound


@pytest.fixture
def dataset(db, admin, settings, tmp_path):
    return load(db, admin, settings, tmp_path / "story.csv", story())


def test_a_saved_analysis_is_an_exhibit_with_everything_needed_to_reproduce_it(db, admin, settings, dataset):
    saved = save_analysis(db, admin, settings, name="brokers", parameters={"top": "5", "level": "number"})
    with db.read() as session:
        shown = show_evidence(session, admin, saved["exhibit"])
    assert (shown["kind"], shown["origin"], shown["parent"]) == ("forensic-report", "original", None)
    document = json.loads(blob_store(settings).path_for(shown["sha256"]).read_bytes())
    assert document["format"] == FORMAT and document["analysis"] == "brokers"
    assert document["parameters"] == {"top": 5, "level": "number", "ends": None, "sample": None, "seed": 0}
    [inputs] = document["datasets"]
    assert (inputs["dataset"], inputs["exhibit"]) == (dataset["dataset"], dataset["exhibit"])
    with db.read() as session:
        cdr = show_evidence(session, admin, dataset["exhibit"])
    assert inputs["exhibit_sha256"] == cdr["sha256"] and len(inputs["parquet_sha256"]) == 64
    assert document["code_version"]["dastavez"]
    assert document["result_sha256"] == sha256_of(document["result"]) == saved["result_sha256"]
    assert document["result"]["brokers"], "the story has brokers"


@pytest.mark.parametrize(("name", "parameters"), [
    ("brokers", {"top": 3}),
    ("communities", {"level": "number"}),
    ("overseas", {"max_hops": 2, "level": "number"}),
])
def test_a_rerun_reproduces_the_same_hash(db, admin, settings, dataset, name, parameters):
    saved = save_analysis(db, admin, settings, name=name, parameters=parameters)
    again = rerun_analysis(db, admin, settings, exhibit=saved["exhibit"])
    assert again["identical"] and again["inputs_identical"]
    assert again["result_sha256"] == again["saved_result_sha256"] == saved["result_sha256"]
    assert again["changed_inputs"] == []


def test_a_tampered_dataset_gives_a_different_hash(db, admin, settings, dataset):
    saved = save_analysis(db, admin, settings, name="brokers", parameters={"level": "number"})
    [part, *_] = sorted(dataset_dir(settings, dataset["dataset"]).glob("month=*/*.parquet"))
    table = pq.read_table(part)
    pq.write_table(table.filter(pc.not_equal(table["caller"], KNOWN)), part)  # KNOWN's calls in it vanish
    again = rerun_analysis(db, admin, settings, exhibit=saved["exhibit"])
    assert not again["identical"] and again["result_sha256"] != saved["result_sha256"]
    assert not again["inputs_identical"] and again["changed_inputs"] == [dataset["dataset"]]


def test_another_set_of_datasets_gives_a_different_hash(db, admin, settings, dataset, tmp_path):
    more = load(db, admin, settings, tmp_path / "more.csv",
                [Call(STRANGER, CONTACT_HEIR, f"2026-04-0{d}T10:00:00Z", 60) for d in (1, 2, 3)])
    saved = save_analysis(db, admin, settings, name="brokers", parameters={"level": "number"},
                          datasets=[dataset["dataset"]])
    both = rerun_analysis(db, admin, settings, exhibit=saved["exhibit"],
                          datasets=[dataset["dataset"], more["dataset"]])
    assert not both["identical"] and both["changed_inputs"] == [more["dataset"]]
    assert rerun_analysis(db, admin, settings, exhibit=saved["exhibit"])["identical"]


def test_bad_requests_are_refused(db, admin, settings, dataset):
    for name, parameters, message in [
        ("pagerank", {}, "unknown analysis"),
        ("brokers", {"depth": 2}, "takes no parameter 'depth'"),
        ("brokers", {"top": "many"}, "must be int"),
    ]:
        with pytest.raises(InvalidInput, match=message):
            save_analysis(db, admin, settings, name=name, parameters=parameters)
    with db.write() as session:
        report = register_exhibit(session, admin, title="Not an analysis", kind="forensic-report").id
    with pytest.raises(InvalidInput, match="not a saved analysis"):
        rerun_analysis(db, admin, settings, exhibit=report)
    with pytest.raises(InvalidInput, match="not a saved analysis"):
        rerun_analysis(db, admin, settings, exhibit=dataset["exhibit"])


def test_compartments_travel_with_the_saved_analysis(db, admin, settings, make_actor, tmp_path):
    cleared = make_actor("supervisor", clearances=["ALPHA"])
    secret = load(db, cleared, settings, tmp_path / "secret.csv", story(), compartment="ALPHA")
    outsider = make_actor("analyst")
    with pytest.raises(InvalidInput, match="no call-record datasets"):
        save_analysis(db, outsider, settings, name="brokers")
    saved = save_analysis(db, cleared, settings, name="brokers")
    with db.read() as session:
        assert show_evidence(session, cleared, saved["exhibit"])["compartment"] == "ALPHA"
    with pytest.raises(NotFound):
        rerun_analysis(db, outsider, settings, exhibit=saved["exhibit"])
    assert saved["datasets"][0]["dataset"] == secret["dataset"]


@pytest.mark.slow
def test_the_cli_and_the_api(cli, api, db, admin, settings, dataset):
    saved = cli("--json", "links", "save", "brokers", "top=4", "level=number")
    assert saved.code == 0, saved.stderr
    again = cli("--json", "links", "rerun", saved.json["exhibit"])
    assert again.code == 0 and again.json["identical"] is True
    bad = cli("links", "save", "brokers", "top")
    assert bad.code == 1 and bad.stderr.startswith("error: parameters are KEY=VALUE")
    analyst = api("analyst")
    made = analyst.post("/api/v1/links/saved",
                        json={"analysis": "communities", "parameters": {"level": "number"}})
    assert made.status_code == 201, made.text
    rerun = analyst.post(f"/api/v1/links/saved/{made.json()['exhibit']}/rerun", json={})
    assert rerun.status_code == 200 and rerun.json()["identical"] is True
    assert api("custodian").post("/api/v1/links/saved", json={"analysis": "brokers"}).status_code == 403


def test_a_new_attribution_is_reported_on_rerun(db, admin, settings, dataset):
    from dastavez.comms.attribution import attribute
    from dastavez.registry.records import add_person

    saved = save_analysis(db, admin, settings, name="brokers")  # person level: numbers contracted
    assert rerun_analysis(db, admin, settings, exhibit=saved["exhibit"])["attributions_identical"]
    with db.write() as session:
        person = add_person(session, admin, name="Gul Khan").id
    attribute(db, admin, settings, number=KNOWN, person=person, exhibit=None, unsupported=True)
    again = rerun_analysis(db, admin, settings, exhibit=saved["exhibit"])
    assert not again["attributions_identical"] and again["inputs_identical"]
