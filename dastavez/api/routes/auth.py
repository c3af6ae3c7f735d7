"""Tokens: exchange a password for a bearer token; see who you are."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from dastavez.access.authn import authenticate, issue_api_token, revoke_api_token
from dastavez.access.users import actor_from_user
from dastavez.api.deps import ActorDep, DbDep, SettingsDep, client_of
from dastavez.api.schemas import TokenRequest
from dastavez.exc import NotAuthenticated, RateLimited

router = APIRouter(tags=["auth"])


@router.post("/auth/token", status_code=201)
def create_token(body: TokenRequest, request: Request, db: DbDep, settings: SettingsDep) -> dict[str, Any]:
    """Log in with a password and receive a bearer token (shown once)."""
    client = client_of(request)
    with db.write() as session:
        result = authenticate(
            session, settings, username=body.username, password=body.password, client=client, interface="api"
        )
    if result.rate_limited:
        raise RateLimited("too many failed logins; wait a few minutes and try again")
    if result.user is None:
        raise NotAuthenticated("invalid username or password")
    with db.write() as session:
        actor = actor_from_user(session, result.user, interface="api", client=client)
        return issue_api_token(session, settings, actor, name=body.name, days=body.days)


@router.delete("/auth/tokens/{token_id}", status_code=204)
def revoke_token(token_id: int, actor: ActorDep, db: DbDep) -> None:
    with db.write() as session:
        revoke_api_token(session, actor, token_id=token_id)


@router.get("/me")
def me(actor: ActorDep) -> dict[str, Any]:
    return {
        "username": actor.username,
        "roles": sorted(actor.roles),
        "clearances": sorted(actor.clearances),
        "permissions": sorted(actor.permissions),
    }
