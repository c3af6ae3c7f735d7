"""``/api/v1/imports/ftm|un-sc|interpol`` (uploads) and ``GET /api/v1/exports/ftm`` (streamed)."""

from __future__ import annotations

import json

from conftest import PASSWORD
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from dastavez.app import create_app
from dastavez.storage.tables import AuditEvent, Claim, Entity

PERSON = {
    "id": "p-1",
    "schema": "Person",
    "properties": {"name": ["Gul Khan Marri", "گل خان مری"], "birthDate": ["1975"]},
}
FRONT = {"id": "o-1", "schema": "Organization", "properties": {"name": ["Koh Front"]}}
LINK = {
    "id": "m-1",
    "schema": "Membership",
    "properties": {"member": ["p-1"], "organization": ["o-1"], "role": ["commander"]},
}


def ftm(*entities: dict) -> bytes:
    return "".join(json.dumps(entity, ensure_ascii=False) + "\n" for entity in entities).encode()


def upload(client: TestClient, url: str, data: bytes, name: str = "entities.ftm.json"):
    return client.post(url, files={"file": (name, data, "application/octet-stream")})


def counts(db) -> tuple[int, int]:
    with db.read() as session:
        return (
            session.scalar(select(func.count()).select_from(Entity)) or 0,
            session.scalar(select(func.count()).select_from(Claim)) or 0,
        )


def test_an_ftm_upload_goes_into_the_registry_and_comes_back_out(api, db):
    supervisor = api("supervisor")
    response = upload(supervisor, "/api/v1/imports/ftm", ftm(LINK, PERSON, FRONT))
    assert response.status_code == 200, response.text
    report = response.json()
    assert (report["file"], report["lines"], report["entities"], report["remapped"], report["claims"]) == (
        "entities.ftm.json",
        3,
        3,
        3,
        7,
    )

    exported = supervisor.get("/api/v1/exports/ftm")
    assert exported.status_code == 200, exported.text
    assert exported.headers["content-type"].startswith("application/x-ndjson")
    assert (exported.headers["x-export-entities"], exported.headers["x-export-claims"]) == ("3", "7")
    lines = exported.text.splitlines()
    assert [json.loads(line)["schema"] for line in lines] == ["Organization", "Person", "Membership"]  # by id
    person = next(json.loads(line) for line in lines if json.loads(line)["schema"] == "Person")
    assert person["properties"]["name"] == ["Gul Khan Marri", "گل خان مری"]
    assert all(r["exhibit"] is None for r in person["provenance"]["name"])

    again = upload(supervisor, "/api/v1/imports/ftm", exported.content, name="export.ftm.json")
    assert again.status_code == 200, again.text
    assert (again.json()["entities"], again.json()["matched"], again.json()["claims"]) == (0, 3, 0)
    assert supervisor.get("/api/v1/exports/ftm").text == exported.text
    with db.read() as session:
        exports = session.scalars(
            select(AuditEvent.detail).where(AuditEvent.action == "registry.export")
        ).all()
    assert [(e["entities"], e["claims"], e["destination"]) for e in exports] == [(3, 7, "api")] * 2


def test_a_bad_line_comes_back_with_its_number_and_nothing_is_written(api, db):
    analyst = api("analyst")
    bad = {**PERSON, "id": "p-2", "properties": {"name": ["Noor"], "birthDate": ["soon"]}}
    response = upload(analyst, "/api/v1/imports/ftm", ftm(PERSON, bad))
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["detail"].startswith("line 2, birthDate:") and error["field"] == "file"
    assert [e["line"] for e in error["extra"]["errors"]] == [2]
    assert counts(db) == (0, 0)
    skipped = analyst.post(
        "/api/v1/imports/ftm?skip_bad=true",
        files={"file": ("x.json", ftm(PERSON, bad), "application/octet-stream")},
    )
    assert skipped.status_code == 200 and skipped.json()["skipped"] == 1
    assert counts(db) == (1, 3)


def test_an_ftm_upload_as_a_list_is_screened(api, shared_data):
    analyst = api("analyst")
    data = (shared_data / "ftm-sample-entities.json").read_bytes()
    response = upload(analyst, "/api/v1/imports/ftm?list=sample", data)
    assert response.status_code == 200, response.text
    assert (response.json()["list"], response.json()["added"]) == ("ftm:sample", 7)
    refused = upload(analyst, "/api/v1/imports/ftm?list=sample&skip_bad=true", data)
    assert refused.status_code == 422 and refused.json()["error"]["field"] == "skip_bad"


def test_the_un_list_upload(api, shared_data):
    data = (shared_data / "un-consolidated-list.xml").read_bytes()
    response = upload(api("analyst"), "/api/v1/imports/un-sc", data, name="consolidated.xml")
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["individuals"], body["entities"], body["records"], body["added"]) == (730, 273, 1003, 1003)


def test_interpol_notices_upload(api):
    notice = {"entity_id": "2021/10001", "forename": "ZARAK", "name": "TESTKHAN", "date_of_birth": "1981/04"}
    response = upload(api("supervisor"), "/api/v1/imports/interpol?type=red", json.dumps(notice).encode())
    assert response.status_code == 200, response.text
    assert [(item["list"], item["added"]) for item in response.json()["lists"]] == [("interpol-red", 1)]
    wrong = upload(api("supervisor"), "/api/v1/imports/interpol?type=blue", json.dumps(notice).encode())
    assert wrong.status_code == 422 and wrong.json()["error"]["field"] == "notice_type"


def test_who_may_import_and_export(api, client):
    auditor = api("auditor")
    for url in (
        "/api/v1/imports/ftm",
        "/api/v1/imports/ftm?list=x",
        "/api/v1/imports/un-sc",
        "/api/v1/imports/interpol",
    ):
        refused = upload(auditor, url, b"{}")
        assert refused.status_code == 403, url
    assert api("analyst").get("/api/v1/exports/ftm").status_code == 403
    assert client.get("/api/v1/exports/ftm").status_code == 401
    assert upload(client, "/api/v1/imports/ftm", ftm(PERSON)).status_code == 401


def test_an_export_holds_only_what_the_caller_may_see(api, db):
    cleared = api("supervisor", clearances=["ALPHA"])
    hidden = {**PERSON, "id": "p-9", "compartment": "ALPHA"}
    assert upload(cleared, "/api/v1/imports/ftm", ftm(PERSON, hidden)).status_code == 200
    assert len(cleared.get("/api/v1/exports/ftm").text.splitlines()) == 2
    text = api("supervisor").get("/api/v1/exports/ftm").text
    assert len(text.splitlines()) == 1 and "ALPHA" not in text


def test_an_upload_over_the_limit_is_refused_with_413(settings, db, make_actor):
    actor = make_actor("analyst")
    client = TestClient(create_app(settings.with_(max_upload_bytes=1024), database=db))
    token = client.post("/api/v1/auth/token", json={"username": actor.username, "password": PASSWORD})
    client.headers["Authorization"] = f"Bearer {token.json()['token']}"
    response = upload(client, "/api/v1/imports/ftm", ftm(*[{**PERSON, "id": f"p-{n}"} for n in range(40)]))
    assert response.status_code == 413 and response.json()["error"]["code"] == "payload_too_large"
    assert counts(db) == (0, 0)
