"""CDR import over the API: multipart upload, list, show, limits and compartments."""

from __future__ import annotations

import dataclasses

from cdr_files import DEFAULT_HEADER, OTHER, TARGET, warrant

from dastavez.comms import layout

ROWS = f"{DEFAULT_HEADER}\n{TARGET},{OTHER},2026-03-01T10:00:00,60\n{TARGET},{OTHER},2026-13-01T10:00:00,60\n"


def test_upload_list_show_and_reimport(api, db, admin, settings):
    auth = warrant(db, admin)
    analyst = api("analyst")
    sent = analyst.post(
        "/api/v1/cdr/datasets",
        files={"file": ("calls.csv", ROWS.encode(), "text/csv")},
        data={"authority": auth},
    )
    assert sent.status_code == 201, sent.text
    body = sent.json()
    assert (body["rows"], body["rejected"], body["new"]) == (1, 1, True)
    again = analyst.post(
        "/api/v1/cdr/datasets",
        files={"file": ("other-name.csv", ROWS.encode(), "text/csv")},
        data={"authority": auth},
    )
    assert again.status_code == 200 and again.json()["new"] is False
    assert again.json()["dataset"] == body["dataset"]
    listed = analyst.get("/api/v1/cdr/datasets").json()["datasets"]
    assert [d["dataset"] for d in listed] == [body["dataset"]]
    shown = analyst.get(f"/api/v1/cdr/datasets/{body['dataset']}").json()
    assert shown["rejects_preview"][0]["line"] == 3
    assert "bad start time" in shown["rejects_preview"][0]["reason"]
    assert shown["months"] == ["2026-03"]
    assert not list((layout.staging_root(settings)).iterdir())  # the upload's temp folder is gone


def test_upload_with_mapping_text_and_operator(api, db, admin):
    auth = warrant(db, admin)
    text = (
        "Subscriber|Other Party|Start|Duration|Service|Direction\n"
        f"{TARGET}|{OTHER}|2026-03-01 14:05:00+05:00|00:01:00|Voice|MO\n"
    )
    sent = api("analyst").post(
        "/api/v1/cdr/datasets",
        files={"file": ("c.txt", text.encode(), "text/plain")},
        data={"authority": auth, "operator": "operator-c"},
    )
    assert sent.status_code == 201, sent.text
    assert sent.json()["operator"] == "Operator C"
    mapping = "preset: operator-c\noperator: Renamed C\n"
    other = text.replace("00:01:00", "00:02:00")
    sent = api("analyst").post(
        "/api/v1/cdr/datasets",
        files={"file": ("d.txt", other.encode(), "text/plain")},
        data={"authority": auth, "mapping": mapping},
    )
    assert sent.status_code == 201, sent.text
    assert sent.json()["operator"] == "Renamed C"


def test_bad_uploads_are_refused_cleanly(api, app, db, admin, settings):
    auth = warrant(db, admin)
    analyst = api("analyst")
    missing = analyst.post(
        "/api/v1/cdr/datasets", files={"file": ("c.csv", b"a,b\n1,2\n", "text/csv")}, data={"authority": auth}
    )
    assert missing.status_code == 422
    assert "missing column" in missing.json()["error"]["detail"]
    no_file = analyst.post(
        "/api/v1/cdr/datasets", data={"authority": auth}, files={"x": ("", b"", "text/plain")}
    )
    assert no_file.status_code == 422
    no_auth = analyst.post("/api/v1/cdr/datasets", files={"file": ("c.csv", ROWS.encode(), "text/csv")})
    assert no_auth.status_code == 422
    unknown = analyst.post(
        "/api/v1/cdr/datasets",
        files={"file": ("c.csv", ROWS.encode(), "text/csv")},
        data={"authority": "AUTH-NOPE"},
    )
    assert unknown.status_code == 404
    app.state.settings = dataclasses.replace(settings, max_evidence_bytes=10)
    big = analyst.post(
        "/api/v1/cdr/datasets", files={"file": ("c.csv", ROWS.encode(), "text/csv")}, data={"authority": auth}
    )
    assert big.status_code == 413
    assert analyst.get("/api/v1/cdr/datasets").json()["datasets"] == []
    assert not list(layout.staging_root(settings).iterdir())


def test_compartmented_dataset_is_invisible_without_clearance(api, db, admin, make_actor):
    supervisor = make_actor("supervisor", clearances=["ALPHA"])  # also creates the compartment
    auth = warrant(db, supervisor, compartment="ALPHA")
    cleared = api("analyst", clearances=["ALPHA"])
    sent = cleared.post(
        "/api/v1/cdr/datasets", files={"file": ("c.csv", ROWS.encode(), "text/csv")}, data={"authority": auth}
    )
    assert sent.status_code == 201, sent.text
    dataset = sent.json()["dataset"]
    assert sent.json()["compartment"] == "ALPHA"
    outsider = api("analyst")
    assert outsider.get("/api/v1/cdr/datasets").json()["datasets"] == []
    hidden = outsider.get(f"/api/v1/cdr/datasets/{dataset}")
    assert hidden.status_code == 404
    assert cleared.get(f"/api/v1/cdr/datasets/{dataset}").status_code == 200
