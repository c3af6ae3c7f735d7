"""One error family, one JSON error shape: every error the API can give is pinned here.

Each class declares its own status and code; each API error response is exactly
``{"error": {"code", "detail", "status"[, "field"][, "extra"]}}`` with the HTTP status equal
to the body's ``status``. Real requests drive each status the API can produce.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from dastavez import exc
from dastavez.access.users import set_active
from dastavez.app import create_app
from dastavez.storage.tables import ApiToken

ERROR_KEYS = {"code", "detail", "status"}
OPTIONAL_KEYS = {"field", "extra"}
CODE = re.compile(r"^[a-z]+(_[a-z]+)*$")
#: Paths that answer without credentials: liveness, logging in, and the API's own description.
OPEN_PATHS = {"/api/v1/health", "/api/v1/auth/token", "/api/v1/openapi.json", "/api/v1/docs"}


def assert_error(response, status: int, code: str | None = None) -> dict:
    """The response is the one error shape, with the HTTP status the body states."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"}, body
    error = body["error"]
    assert ERROR_KEYS <= set(error) <= ERROR_KEYS | OPTIONAL_KEYS, error
    assert error["status"] == response.status_code
    assert isinstance(error["code"], str) and CODE.match(error["code"]), error
    assert isinstance(error["detail"], str) and error["detail"].strip(), error
    assert "\n" not in error["detail"] and "Traceback" not in error["detail"]
    if "field" in error:
        assert isinstance(error["field"], str) and error["field"], error
    if "extra" in error:
        assert isinstance(error["extra"], dict) and error["extra"], error
    if code is not None:
        assert error["code"] == code, error
    return error


# --- the classes ------------------------------------------------------------------------


@pytest.mark.parametrize("cls", exc.ALL_ERRORS, ids=lambda cls: cls.__name__)
def test_every_error_class_declares_its_status_and_code(cls):
    assert "status" in vars(cls) and "code" in vars(cls), f"{cls.__name__} inherits instead of declaring"
    assert isinstance(cls.status, int) and 400 <= cls.status <= 599
    assert CODE.match(cls.code)
    error = cls("something\n went   wrong", field="name", extra={"limit": 3})
    assert error.status == cls.status and error.detail == "something went wrong"
    assert error.to_dict() == {
        "error": {
            "code": cls.code,
            "detail": "something went wrong",
            "status": cls.status,
            "field": "name",
            "extra": {"limit": 3},
        }
    }
    assert cls("plain").to_dict() == {"error": {"code": cls.code, "detail": "plain", "status": cls.status}}


def test_error_codes_are_unique_and_every_subclass_is_listed():
    codes = [cls.code for cls in exc.ALL_ERRORS]
    assert len(codes) == len(set(codes))
    subclasses = {
        cls for cls in vars(exc).values() if isinstance(cls, type) and issubclass(cls, exc.DastavezError)
    }
    assert subclasses - set(exc.ALL_ERRORS) == {exc.HttpError}  # its status is per instance


@pytest.mark.parametrize("cls", exc.ALL_ERRORS, ids=lambda cls: cls.__name__)
def test_each_error_raised_in_a_route_answers_with_its_declared_status(settings, db, cls):
    app = create_app(settings, database=db)

    @app.get("/api/v1/test-raise")
    def raise_it() -> None:
        raise cls("raised on purpose", field="thing")

    with TestClient(app) as client:
        error = assert_error(client.get("/api/v1/test-raise"), cls.status, cls.code)
    assert (error["detail"], error["field"]) == ("raised on purpose", "thing")


def test_http_error_keeps_the_status_it_was_given():
    assert exc.HttpError("Method Not Allowed", status=405).to_dict() == {
        "error": {"code": "http_error", "detail": "Method Not Allowed", "status": 405}
    }


# --- real requests ----------------------------------------------------------------------


@pytest.fixture
def analyst(api):
    return api("analyst")


@pytest.fixture
def person(analyst):
    response = analyst.post("/api/v1/persons", json={"name": "Tariq Mehmood Awan"})
    assert response.status_code == 201, response.text
    return response.json()["id"]


def test_health_needs_no_credentials(client):
    response = client.get("/api/v1/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_401_without_a_token_or_with_a_bad_one(client):
    for headers in (
        {},
        {"Authorization": "Bearer dz_not-a-real-token"},
        {"Authorization": "Basic YWRtaW46eA=="},
        {"Authorization": "Bearer "},
    ):
        response = client.get("/api/v1/entities", headers=headers)
        assert_error(response, 401, "not_authenticated")
        assert response.headers["www-authenticate"] == "Bearer"


def test_401_with_an_expired_token(db, analyst):
    assert analyst.get("/api/v1/me").status_code == 200
    with db.write() as session:
        session.execute(update(ApiToken).values(expires_at=datetime(2000, 1, 1, tzinfo=UTC)))
    assert_error(analyst.get("/api/v1/me"), 401, "not_authenticated")


def test_401_with_a_revoked_token(db, analyst):
    with db.read() as session:
        (token_id,) = session.scalars(select(ApiToken.id)).all()
    assert analyst.delete(f"/api/v1/auth/tokens/{token_id}").status_code == 204
    assert_error(analyst.get("/api/v1/me"), 401, "not_authenticated")


def test_401_when_the_user_is_deactivated(db, admin, analyst):
    username = analyst.get("/api/v1/me").json()["username"]
    with db.write() as session:
        set_active(session, admin, username=username, active=False)
    assert_error(analyst.get("/api/v1/me"), 401, "not_authenticated")


def test_403_when_the_role_lacks_the_permission(api):
    liaison = api("liaison")
    error = assert_error(
        liaison.post("/api/v1/persons", json={"name": "Nobody Special"}), 403, "permission_denied"
    )
    assert "roles do not allow" in error["detail"]
    assert_error(api("analyst").get("/api/v1/audit"), 403, "permission_denied")


def test_404_for_an_unknown_entity_and_an_unknown_route(client, analyst):
    assert_error(analyst.get("/api/v1/entities/PER-0000000000"), 404, "not_found")
    assert_error(analyst.get("/api/v1/no-such-thing"), 404, "not_found")
    assert_error(client.get("/api/v1/no-such-thing"), 404, "not_found")  # without credentials too
    assert_error(
        analyst.post("/api/v1/claims/CLM-0000000000000000/retract", json={"reason": "x"}), 404, "not_found"
    )


def test_405_for_the_wrong_method(client, analyst):
    assert_error(client.delete("/api/v1/health"), 405, "http_error")
    assert_error(analyst.put("/api/v1/entities", json={}), 405, "http_error")


def test_409_when_a_claim_is_retracted_twice(analyst, person):
    claim = analyst.post(f"/api/v1/entities/{person}/claims", json={"prop": "alias", "value": "Ustad"}).json()
    first = analyst.post(f"/api/v1/claims/{claim['id']}/retract", json={"reason": "source withdrew it"})
    assert first.status_code == 200, first.text
    assert_error(
        analyst.post(f"/api/v1/claims/{claim['id']}/retract", json={"reason": "again"}), 409, "conflict"
    )


def test_413_when_an_upload_exceeds_the_limit(settings, db, api):
    # forms have max_upload_bytes; the call-record upload streams to disk and has the evidence limit
    small = create_app(settings.with_(max_upload_bytes=1024, max_evidence_bytes=1024), database=db)
    uploads = [
        path
        for path, operations in small.openapi()["paths"].items()
        for operation in operations.values()
        if "multipart/form-data" in operation.get("requestBody", {}).get("content", {})
    ]
    assert uploads, "the API has upload endpoints (the sheet import at least); none was found"
    headers = dict(api("supervisor").headers)
    with TestClient(small) as client:
        for path in uploads:
            response = client.post(
                path, headers=headers, files={"file": ("big.csv", b"x" * 300_000, "text/csv")}
            )
            assert_error(response, 413, "payload_too_large")


def test_422_for_values_the_property_refuses(analyst, person):
    for prop, value in (("nationality", "Atlantis"), ("phone", "12"), ("birthDate", "1979-02-30")):
        response = analyst.post(f"/api/v1/entities/{person}/claims", json={"prop": prop, "value": value})
        assert value in assert_error(response, 422, "invalid_input")["detail"]
    unknown = analyst.post(f"/api/v1/entities/{person}/claims", json={"prop": "noSuchProperty", "value": "x"})
    assert assert_error(unknown, 422, "invalid_input")["field"] == "prop"


def test_422_for_a_body_that_fails_validation(analyst):
    error = assert_error(analyst.post("/api/v1/persons", json={}), 422, "invalid_input")
    assert error["field"] == "name" and "name" in error["detail"]
    error = assert_error(
        analyst.post("/api/v1/persons", json={"name": "A B", "colour": "red"}), 422, "invalid_input"
    )
    assert error["field"] == "colour"
    assert_error(analyst.post("/api/v1/persons", json={"name": ["not", "text"]}), 422, "invalid_input")
    assert_error(analyst.get("/api/v1/entities", params={"page": 0}), 422, "invalid_input")
    assert_error(analyst.get("/api/v1/search"), 422, "invalid_input")


def test_422_for_a_body_that_is_not_json(analyst):
    for raw in (b'{"name": ', b"not json at all"):
        response = analyst.post("/api/v1/persons", content=raw, headers={"Content-Type": "application/json"})
        error = assert_error(response, 422, "invalid_input")
        assert "JSON" in error["detail"]
        assert "field" not in error, "a position in the text is not a field"


def test_429_on_the_token_endpoint_after_five_failed_logins(client, make_actor):
    actor = make_actor("analyst")
    for _ in range(5):
        wrong = client.post(
            "/api/v1/auth/token", json={"username": actor.username, "password": "wrong-password"}
        )
        assert_error(wrong, 401, "not_authenticated")
    assert_error(
        client.post("/api/v1/auth/token", json={"username": actor.username, "password": "whatever1"}),
        429,
        "rate_limited",
    )


def test_every_other_endpoint_needs_credentials(app, client):
    paths = app.openapi()["paths"]
    assert "/api/v1/health" in paths and "/api/v1/entities" in paths
    checked = 0
    for path, operations in paths.items():
        if path in OPEN_PATHS:
            continue
        url = re.sub(r"\{token_id\}", "1", path)
        url = re.sub(r"\{[^}]+\}", "X1", url)
        for method in operations:
            response = client.request(method.upper(), url)
            assert_error(response, 401, "not_authenticated")
            checked += 1
    assert checked >= 20
