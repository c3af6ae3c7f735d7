"""The evidence API: raw-body uploads and their limits, custody, verification and review,
and ledger proofs checked with an RFC 9162 verifier written here from the RFC's text."""

from __future__ import annotations

import hashlib
import io
import re
import wave

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from dastavez.app import create_app
from dastavez.evidence.vault import blob_store
from dastavez.storage.ledger_tables import LedgerEntry
from dastavez.storage.tables import Exhibit

OCTETS = {"Content-Type": "application/octet-stream"}
UPLOAD = "/api/v1/exhibits/upload"


def sha256(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def rfc_inclusion_holds(
    leaf_index: int, tree_size: int, leaf_hash: bytes, path: list[bytes], root: bytes
) -> bool:
    """RFC 9162 §2.1.3.2, step by step (kept apart from ``dastavez.ledger.merkle`` on purpose)."""
    if leaf_index >= tree_size:
        return False
    fn, sn, r = leaf_index, tree_size - 1, leaf_hash
    for p in path:
        if sn == 0:
            return False
        if fn % 2 == 1 or fn == sn:
            r = sha256(b"\x01" + p + r)
            while fn % 2 == 0 and fn != 0:
                fn, sn = fn // 2, sn // 2
        else:
            r = sha256(b"\x01" + r + p)
        fn, sn = fn // 2, sn // 2
    return sn == 0 and r == root


def wav_bytes(seconds: float, rate: int = 8000) -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(bytes((i * 13) % 256 for i in range(int(seconds * rate) * 2)))
    return buffer.getvalue()


def error_of(response, status: int) -> dict:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"}
    assert (
        body["error"]["status"] == status and body["error"]["detail"] and "\n" not in body["error"]["detail"]
    )
    return body["error"]


def nothing_left(settings) -> None:
    store = blob_store(settings)
    assert list(store.iter_stored()) == []
    assert not store.temp_dir.exists() or list(store.temp_dir.iterdir()) == []


def exhibit_count(db) -> int:
    with db.read() as s:
        return s.scalar(select(func.count()).select_from(Exhibit))


@pytest.fixture
def custodian(api):
    return api("custodian")


@pytest.fixture
def uploaded(custodian) -> dict:
    response = custodian.post(
        UPLOAD,
        params={"kind": "audio", "title": "Intercepted call", "file_name": "call.wav"},
        content=wav_bytes(1.5),
        headers=OCTETS,
    )
    assert response.status_code == 201, response.text
    return response.json()


def test_upload_stores_the_raw_body_and_describes_it(custodian, settings, db):
    content = wav_bytes(2.0)
    response = custodian.post(
        UPLOAD,
        params={"kind": "audio", "title": "Call, 14 May", "target": ["0300 1234567"]},
        content=content,
        headers=OCTETS,
    )
    assert response.status_code == 201, response.text
    data = response.json()
    assert re.fullmatch(r"EXH-\d{4}-\d{6}", data["id"])
    assert data["sha256"] == hashlib.sha256(content).hexdigest()
    assert data["sha512"] == hashlib.sha512(content).hexdigest()
    assert data["size"] == len(content)
    assert (data["media"]["format"], data["media"]["duration_s"]) == ("wav", 2.0)
    assert data["verification_status"] == "unverified"
    store = blob_store(settings)
    assert list(store.iter_stored()) == [data["sha256"]]
    assert list(store.temp_dir.iterdir()) == []  # the spooled body is gone
    with store.open(data["sha256"]) as stored:
        assert stored.read() == content
    page = custodian.get(f"/api/v1/exhibits/{data['id']}").json()
    assert [e["action"] for e in page["custody"]] == ["collected"]
    assert page["targets"] == ["+923001234567"]


def test_the_same_body_twice_is_refused_and_stored_once(custodian, settings, db, uploaded):
    again = custodian.post(
        UPLOAD, params={"kind": "audio", "title": "Again"}, content=wav_bytes(1.5), headers=OCTETS
    )
    error = error_of(again, 409)
    assert error["code"] == "conflict" and uploaded["id"] in error["detail"]
    assert list(blob_store(settings).iter_stored()) == [uploaded["sha256"]]
    assert list(blob_store(settings).temp_dir.iterdir()) == []
    assert exhibit_count(db) == 1


def test_a_body_over_the_limit_is_413_and_leaves_nothing(settings, db, custodian):
    small = settings.with_(max_evidence_bytes=1000)
    with TestClient(create_app(small, database=db)) as client:
        client.headers["Authorization"] = custodian.headers["Authorization"]
        too_big = client.post(
            UPLOAD, params={"kind": "document", "title": "Too big"}, content=b"x" * 1001, headers=OCTETS
        )
        error = error_of(too_big, 413)
        assert error["code"] == "payload_too_large"
        nothing_left(settings)
        assert exhibit_count(db) == 0
        at_limit = client.post(
            UPLOAD, params={"kind": "document", "title": "Fits"}, content=b"y" * 1000, headers=OCTETS
        )
        assert at_limit.status_code == 201, at_limit.text


def test_bad_fields_and_missing_rights_are_refused_before_the_body_is_stored(api, custodian, settings, db):
    error_of(
        custodian.post(UPLOAD, params={"kind": "recording", "title": "T"}, content=b"data", headers=OCTETS),
        422,
    )
    error_of(
        custodian.post(
            UPLOAD,
            params={"kind": "audio", "title": "T", "authority": "AUTH-NOPE"},
            content=b"data",
            headers=OCTETS,
        ),
        404,
    )
    error_of(custodian.post(UPLOAD, params={"kind": "audio"}, content=b"data", headers=OCTETS), 422)
    error_of(
        api("liaison").post(UPLOAD, params={"kind": "audio", "title": "T"}, content=b"data", headers=OCTETS),
        403,
    )
    anonymous = TestClient(custodian.app)
    error_of(
        anonymous.post(UPLOAD, params={"kind": "audio", "title": "T"}, content=b"data", headers=OCTETS), 401
    )
    nothing_left(settings)
    assert exhibit_count(db) == 0


def test_custody_endpoint(api, custodian, uploaded):
    exhibit = uploaded["id"]
    url = f"/api/v1/exhibits/{exhibit}/custody"
    moved = custodian.post(
        url,
        json={"action": "transferred", "to": "Forensic lab", "purpose": "ENF analysis", "check_hash": True},
    )
    assert moved.status_code == 201, moved.text
    data = moved.json()
    assert (data["seq"], data["action"], data["to"], data["holder"], data["hash_result"]) == (
        2,
        "transferred",
        "Forensic lab",
        "Forensic lab",
        "match",
    )
    assert (
        error_of(custodian.post(url, json={"action": "transferred", "to": "X", "from": "Someone"}), 409)[
            "field"
        ]
        == "from"
    )
    assert (
        custodian.post(url, json={"action": "released", "to": "Court", "from": "Forensic lab"}).status_code
        == 201
    )
    assert "released" in error_of(custodian.post(url, json={"action": "examined"}), 409)["detail"]
    error_of(api("analyst").post(url, json={"action": "returned", "to": "X"}), 403)
    error_of(custodian.post(url, json={"action": "returned", "to": "Y", "at": "2026-01-01T10:00"}), 422)
    assert custodian.post(url, json={"action": "returned", "to": "Evidence store"}).json()["state"] == "held"
    page = custodian.get(f"/api/v1/exhibits/{exhibit}").json()
    assert [e["action"] for e in page["custody"]] == ["collected", "transferred", "released", "returned"]


def test_verification_and_review_endpoints(api, custodian, uploaded):
    exhibit = uploaded["id"]
    examiner, analyst, supervisor = api("supervisor"), api("analyst"), api("supervisor")
    recorded = examiner.post(
        f"/api/v1/exhibits/{exhibit}/verifications",
        json={"method": "ENF analysis", "result": "passed", "note": "no splice found"},
    )
    assert recorded.status_code == 201, recorded.text
    assert recorded.json()["review_decision"] is None
    assert custodian.get(f"/api/v1/exhibits/{exhibit}").json()["verification_status"] == "pending-review"
    review = f"/api/v1/exhibits/{exhibit}/verifications/review"
    assert error_of(analyst.post(review, json={"decision": "confirmed"}), 403)["code"] == "permission_denied"
    assert "different user" in error_of(examiner.post(review, json={"decision": "confirmed"}), 409)["detail"]
    error_of(supervisor.post(review, json={"decision": "maybe"}), 422)
    error_of(
        examiner.post(
            f"/api/v1/exhibits/{exhibit}/verifications", json={"method": "again", "result": "passed"}
        ),
        409,
    )
    confirmed = supervisor.post(review, json={"decision": "confirmed"})
    assert confirmed.status_code == 200, confirmed.text
    assert confirmed.json()["verification_status"] == "verified"
    page = custodian.get(f"/api/v1/exhibits/{exhibit}").json()
    assert page["verification_status"] == "verified"
    listed = {e["id"]: e for e in custodian.get("/api/v1/exhibits").json()["exhibits"]}
    assert listed[exhibit]["verification_status"] == "verified"


def test_the_integrity_check_endpoint(api, custodian, settings, uploaded):
    assert custodian.post("/api/v1/integrity/check").json() == {"ok": True, "checked": 1, "problems": []}
    path = blob_store(settings).path_for(uploaded["sha256"])
    path.chmod(0o644)
    path.write_bytes(b"replaced")
    report = custodian.post("/api/v1/integrity/check").json()
    assert report["ok"] is False
    assert [(p["exhibit"], p["status"]) for p in report["problems"]] == [(uploaded["id"], "changed")]
    assert (
        custodian.get(f"/api/v1/exhibits/{uploaded['id']}").json()["verification_status"]
        == "integrity-broken"
    )
    error_of(api("analyst").post("/api/v1/integrity/check"), 403)


def test_ledger_proofs_verify_with_the_rfc_alone(api, custodian, db, uploaded):
    reader = api("liaison")
    with db.read() as s:
        payloads = list(s.scalars(select(LedgerEntry.payload).order_by(LedgerEntry.idx)))
    size = len(payloads)
    for index in range(size):
        response = reader.get(f"/api/v1/ledger/proofs/{index}")
        assert response.status_code == 200, response.text
        proof = response.json()
        assert (proof["index"], proof["size"], proof["entry"]) == (index, size, payloads[index])
        leaf = bytes.fromhex(proof["leaf_hash"])
        assert sha256(b"\x00" + proof["entry"].encode("utf-8")) == leaf
        path = [bytes.fromhex(node) for node in proof["path"]]
        root = bytes.fromhex(proof["root"])
        assert rfc_inclusion_holds(index, size, leaf, path, root)
        assert not rfc_inclusion_holds(index, size, sha256(b"\x00forged"), path, root)
        assert not rfc_inclusion_holds(index, size + 1, leaf, path, root)
    verified = reader.get("/api/v1/ledger/verify").json()  # itself recorded: the ledger grows by one
    assert (verified["ok"], verified["size"]) == (True, size)
    at_size = reader.get(f"/api/v1/ledger/proofs/{size - 1}", params={"size": size}).json()
    assert (at_size["size"], at_size["root"]) == (size, verified["root"])
    assert reader.get(f"/api/v1/ledger/proofs/{size}").json()["size"] == size + 1
    error_of(reader.get(f"/api/v1/ledger/proofs/{size + 10}"), 422)
    error_of(TestClient(reader.app).get("/api/v1/ledger/proofs/0"), 401)
