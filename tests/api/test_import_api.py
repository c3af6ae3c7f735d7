"""``POST /api/v1/imports/sheet``: multipart upload, all-or-nothing, skip_bad, size limit."""

from __future__ import annotations

import csv
import io
import json

import openpyxl
import pytest
from conftest import PASSWORD
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from dastavez.app import create_app
from dastavez.storage.tables import Entity

HEADER = ["Name", "Name (Urdu)", "Aliases", "Phone", "Notes"]
ROWS = [
    ["Zarak Khan Bloch", "زرک خان بلوچ", "Ustad; Z.K.", "0300 1234567", "seen 2024"],
    ["Shahbaz Gul Marwat", "شہباز گل مروت", "", "+92 321 7654321", ""],
    ["Noor Bibi Kakar", "نور بی بی کاکڑ", "Baji", "", ""],
]
MAPPING = {"Name": "name", "Name (Urdu)": "name", "Aliases": "alias[]", "Phone": "phone", "Notes": "-"}
URL = "/api/v1/imports/sheet"


def csv_bytes(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode("utf-8")


def upload(client: TestClient, data: bytes, *, name: str = "list.csv", mapping=None, **fields: str):
    form = {"schema": "Person", "mapping": json.dumps(mapping or MAPPING), **fields}
    return client.post(URL, files={"file": (name, data, "text/csv")}, data=form)


@pytest.fixture
def entities(db):
    def count() -> int:
        with db.read() as session:
            return session.scalar(select(func.count()).select_from(Entity)) or 0

    return count


def test_csv_upload_imports_and_reports(api, entities):
    response = upload(api("analyst"), csv_bytes([HEADER, *ROWS]), name="district-list.csv")
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["file"], body["rows"], body["created"], body["claims"], body["skipped"]) == (
        "district-list.csv", 3, 3, 11, 0)
    assert body["rejects_file"] is None and body["errors"] == []
    assert len(body["sha256"]) == 64
    assert entities() == 3


def test_xlsx_upload(api, entities):
    book = openpyxl.Workbook()
    for row in [HEADER, *ROWS]:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    client = api("analyst")
    response = client.post(URL, files={"file": ("list.xlsx", out.getvalue(), "application/octet-stream")},
                           data={"schema": "Person", "mapping": json.dumps(MAPPING)})
    assert response.status_code == 200, response.text
    assert response.json()["created"] == 3


def test_bad_row_fails_everything_with_every_error_listed(api, entities):
    rows = [HEADER, ROWS[0], ROWS[1], ["Gul Zaman Achakzai", "", "", "12", ""],
            ["Zarak\u202eKhan", "", "", "", ""]]
    response = upload(api("analyst"), csv_bytes(rows))
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["detail"].startswith("line 4, column 'Phone': invalid phone number '12'")
    assert "2 of 4 rows failed" in error["detail"]
    assert [(e["line"], e["column"]) for e in error["extra"]["errors"]] == [(4, "Phone"), (5, "Name")]
    assert entities() == 0


def test_skip_bad_returns_the_rejects_in_errors(api, entities):
    rows = [HEADER, ROWS[0], ["Gul Zaman Achakzai", "", "", "12", ""], ROWS[1]]
    response = upload(api("analyst"), csv_bytes(rows), skip_bad="true")
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["created"], body["skipped"], body["rejects_file"]) == (2, 1, None)
    assert body["errors"][0]["line"] == 3 and body["errors"][0]["value"] == "12"
    assert entities() == 2


@pytest.mark.parametrize(("fields", "message"), [
    ({"mapping": "{not json"}, "mapping must be a JSON object"),
    ({"mapping": json.dumps(MAPPING | {"Nmae": "name"})}, "names column 'Nmae'"),
    ({"schema": "Membership"}, "only Person and Organization"),
    ({"skip_bad": "perhaps"}, "skip_bad must be true or false"),
])
def test_bad_form_fields(api, entities, fields, message):
    client = api("analyst")
    form = {"schema": "Person", "mapping": json.dumps(MAPPING)} | fields
    file = ("list.csv", csv_bytes([HEADER, *ROWS]), "text/csv")
    response = client.post(URL, files={"file": file}, data=form)
    assert response.status_code == 422 and message in response.json()["error"]["detail"]
    assert entities() == 0


def test_missing_file_or_not_multipart(api):
    client = api("analyst")
    response = client.post(URL, data={"schema": "Person", "mapping": json.dumps(MAPPING)})
    assert response.status_code == 422 and "file" in response.json()["error"]["detail"]
    response = client.post(URL, json={"schema": "Person"})
    assert response.status_code == 422 and "multipart/form-data" in response.json()["error"]["detail"]


def test_invalid_utf8_upload(api, entities):
    data = csv_bytes([HEADER, *ROWS]).replace(b"Shahbaz", b"Shah\xff\xfe\xfabaz")
    response = upload(api("analyst"), data)
    assert response.status_code == 422
    assert response.json()["error"]["detail"].startswith("line 3 is not valid UTF-8")
    assert entities() == 0


def test_auditor_is_refused(api, entities):
    response = upload(api("auditor"), csv_bytes([HEADER, *ROWS]))
    assert response.status_code == 403
    assert entities() == 0


def test_unauthenticated_is_refused(client):
    response = client.post(URL, files={"file": ("list.csv", b"Name\r\nx\r\n", "text/csv")})
    assert response.status_code == 401


def _small_app_client(settings, db, make_actor, limit: int) -> TestClient:
    actor = make_actor("analyst")
    app = create_app(settings.with_(max_upload_bytes=limit), database=db)
    client = TestClient(app)
    token = client.post("/api/v1/auth/token", json={"username": actor.username, "password": PASSWORD})
    client.headers["Authorization"] = f"Bearer {token.json()['token']}"
    return client


def test_upload_over_the_limit_is_refused_with_413(settings, db, make_actor, entities):
    client = _small_app_client(settings, db, make_actor, limit=2048)
    big = csv_bytes([HEADER] + [[f"Person {n}", "", "", "", ""] for n in range(400)])
    assert len(big) > 2048
    response = upload(client, big)
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "payload_too_large"
    assert entities() == 0
    # Streamed without a Content-Length, it is counted as it arrives and refused all the same.
    boundary = "dz-test-boundary"
    head = (f'--{boundary}\r\nContent-Disposition: form-data; name="schema"\r\n\r\nPerson\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="mapping"\r\n\r\n{json.dumps(MAPPING)}\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="list.csv"\r\n'
            "Content-Type: text/csv\r\n\r\n").encode()

    def chunks():
        yield head
        for start in range(0, len(big) * 50, 4096):
            yield (big * 50)[start:start + 4096]
        yield f"\r\n--{boundary}--\r\n".encode()

    response = client.post(URL, content=chunks(),
                           headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
    assert response.status_code == 413
    small = upload(client, csv_bytes([HEADER, *ROWS]))
    assert small.status_code == 200, small.text
