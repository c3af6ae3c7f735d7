"""All API routers under one prefix."""

from fastapi import APIRouter

from dastavez.api.routes import (
    admin,
    attribution,
    auth,
    authorities,
    cases,
    cdr,
    claims,
    dedupe,
    entities,
    evidence,
    exhibits,
    health,
    imports,
    incidents_records,
    ledger,
    links,
    links_activity,
    lists_leaders,
    screening,
    transfer,
)

router = APIRouter()
for module in (health, auth, entities, claims, exhibits, evidence, authorities, ledger, imports, admin):
    router.include_router(module.router)
for module in (screening, transfer, dedupe):
    router.include_router(module.router)
for module in (cases, incidents_records, lists_leaders):
    router.include_router(module.router)
for module in (cdr, links, links_activity, attribution):
    router.include_router(module.router)
