"""Authentication: argon2id passwords, login rate limiting, bearer tokens stored as hashes."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, text, update

from dastavez.access.passwords import hash_password, verify_password
from dastavez.access.users import set_active
from dastavez.storage.tables import ApiToken, User

PASSWORD = "correct-horse-battery"  # what conftest's make_actor gives every user
TOKEN_URL = "/api/v1/auth/token"
#: argon2id with RFC 9106's second recommended option (64 MiB, three passes, four lanes).
REAL_PARAMETERS = "$argon2id$v=19$m=65536,t=3,p=4$"


def login(client: TestClient, username: str, password: str = PASSWORD):
    return client.post(TOKEN_URL, json={"username": username, "password": password})


def from_address(client: TestClient, address: str) -> TestClient:
    """A client for the same app that connects from another address."""
    return TestClient(client.app, client=(address, 50000))


def bearer(client: TestClient, token: str) -> TestClient:
    authed = TestClient(client.app)
    authed.headers["Authorization"] = f"Bearer {token}"
    return authed


# --- passwords --------------------------------------------------------------------------


@pytest.mark.real_hashing
def test_passwords_are_hashed_with_argon2id():
    stored = hash_password("a long enough password")
    assert stored.startswith("$argon2id$") and stored.startswith(REAL_PARAMETERS)
    assert "a long enough password" not in stored
    assert verify_password(stored, "a long enough password")
    assert not verify_password(stored, "a long enough passworD")
    assert not verify_password(stored, "")
    assert not verify_password("not-a-hash", "a long enough password")
    assert hash_password("a long enough password") != stored  # salted


@pytest.mark.real_hashing
def test_users_are_stored_with_argon2id_hashes(db, make_actor):
    actor = make_actor("analyst")
    with db.read() as session:
        stored = session.scalar(select(User.password_hash).where(User.username == actor.username))
    assert stored.startswith(REAL_PARAMETERS)
    assert verify_password(stored, PASSWORD)
    assert not verify_password(stored, PASSWORD.upper())


@pytest.mark.real_hashing
def test_login_issues_a_token_that_works_and_wrong_password_does_not(client, make_actor):
    actor = make_actor("analyst")
    response = login(client, actor.username)
    assert response.status_code == 201, response.text
    token = response.json()["token"]
    assert token.startswith("dz_")
    assert bearer(client, token).get("/api/v1/me").json()["username"] == actor.username
    assert login(client, actor.username, "wrong-password").status_code == 401
    assert login(client, "no-such-user", PASSWORD).status_code == 401


# --- rate limiting ----------------------------------------------------------------------


def test_five_failures_lock_the_username_even_for_the_right_password(client, make_actor):
    target, bystander = make_actor("analyst"), make_actor("liaison")
    attacker = from_address(client, "203.0.113.7")
    for _ in range(5):
        assert login(attacker, target.username, "wrong-password").status_code == 401
    refused = login(attacker, target.username)
    assert refused.status_code == 429, refused.text
    assert refused.json()["error"]["code"] == "rate_limited"
    # The lock is on the username: the right password from elsewhere is refused too ...
    assert login(from_address(client, "198.51.100.20"), target.username).status_code == 429
    # ... and other users, logging in from their own addresses, are not affected.
    assert login(from_address(client, "198.51.100.21"), bystander.username).status_code == 201


def test_four_failures_do_not_lock(client, make_actor):
    actor = make_actor("analyst")
    for _ in range(4):
        assert login(client, actor.username, "wrong-password").status_code == 401
    assert login(client, actor.username).status_code == 201


def test_failures_spread_over_usernames_lock_the_client_address(client, make_actor):
    """Password spraying: the per-address limit (Settings.login_attempts) stops it."""
    actor = make_actor("analyst")
    sprayer = from_address(client, "203.0.113.9")
    for number in range(5):
        assert login(sprayer, f"guess{number}", "wrong-password").status_code == 401
    assert login(sprayer, actor.username).status_code == 429
    assert login(from_address(client, "198.51.100.30"), actor.username).status_code == 201


def test_usernames_are_locked_case_insensitively(client, make_actor):
    actor = make_actor("analyst")
    attacker = from_address(client, "203.0.113.11")
    for number in range(5):
        name = actor.username.upper() if number % 2 else actor.username
        assert login(attacker, name, "wrong-password").status_code == 401
    assert login(from_address(client, "198.51.100.40"), actor.username).status_code == 429


# --- tokens -----------------------------------------------------------------------------


@pytest.fixture
def issued(client, make_actor):
    """(username, token, token id) of a freshly issued token."""
    actor = make_actor("analyst")
    body = login(client, actor.username).json()
    return actor.username, body["token"], body["id"]


def test_a_revoked_token_is_refused(client, issued):
    _username, token, token_id = issued
    authed = bearer(client, token)
    assert authed.get("/api/v1/me").status_code == 200
    assert authed.delete(f"/api/v1/auth/tokens/{token_id}").status_code == 204
    response = authed.get("/api/v1/me")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


def test_an_expired_token_is_refused(client, db, issued):
    _username, token, token_id = issued
    authed = bearer(client, token)
    assert authed.get("/api/v1/me").status_code == 200
    with db.write() as session:
        session.execute(
            update(ApiToken)
            .where(ApiToken.id == token_id)
            .values(expires_at=datetime(2001, 1, 1, tzinfo=UTC))
        )
    assert authed.get("/api/v1/me").status_code == 401


def test_a_user_cannot_revoke_someone_elses_token(client, make_actor, issued):
    _username, token, token_id = issued
    other = make_actor("analyst")
    other_client = bearer(client, login(client, other.username).json()["token"])
    assert other_client.delete(f"/api/v1/auth/tokens/{token_id}").status_code == 404
    assert bearer(client, token).get("/api/v1/me").status_code == 200


def test_tokens_are_stored_only_as_hashes(client, db, issued):
    _username, token, token_id = issued
    with db.read() as session:
        rows = session.execute(text("SELECT * FROM api_token")).mappings().all()
    assert len(rows) == 1 and rows[0]["id"] == token_id
    for row in rows:
        for column, value in row.items():
            assert token not in str(value), f"api_token.{column} holds the plain token"
            assert token.removeprefix("dz_") not in str(value), f"api_token.{column} holds the secret"
    assert len(rows[0]["token_hash"]) == 64


def test_a_token_of_a_deactivated_user_is_refused_and_login_too(client, db, admin, issued):
    username, token, _token_id = issued
    with db.write() as session:
        set_active(session, admin, username=username, active=False)
    assert bearer(client, token).get("/api/v1/me").status_code == 401
    assert login(client, username).status_code == 401
    with db.write() as session:
        set_active(session, admin, username=username, active=True)
    assert bearer(client, token).get("/api/v1/me").status_code == 200
