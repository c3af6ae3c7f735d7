"""All API routers under one prefix."""

from fastapi import APIRouter

from dastavez.api.routes import (
    admin,
    auth,
    authorities,
    claims,
    entities,
    evidence,
    exhibits,
    health,
    imports,
    ledger,
)

router = APIRouter()
for module in (health, auth, entities, claims, exhibits, evidence, authorities, ledger, imports, admin):
    router.include_router(module.router)
