"""Dependencies shared by the API routes: the database, the settings, the acting user.

They are ``async``: FastAPI runs a plain ``def`` dependency in a worker thread, and the hop
there and back (with the GIL changing hands each way) cost more than what they do. The
actor is resolved on the event loop with one short indexed query.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from dastavez.access.actor import Actor
from dastavez.access.authn import resolve_api_token
from dastavez.exc import NotAuthenticated
from dastavez.settings import Settings
from dastavez.storage.engine import Database


async def get_db(request: Request) -> Database:
    db: Database = request.app.state.db
    return db


async def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def client_of(request: Request) -> str | None:
    return request.client.host if request.client else None


async def get_actor(request: Request, db: Annotated[Database, Depends(get_db)]) -> Actor:
    """The user behind the ``Authorization: Bearer dz_…`` token; 401 without one."""
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise NotAuthenticated("this endpoint needs an API token: Authorization: Bearer <token>")
    with db.read() as session:
        return resolve_api_token(session, token=token.strip(), client=client_of(request))


DbDep = Annotated[Database, Depends(get_db)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
ActorDep = Annotated[Actor, Depends(get_actor)]
