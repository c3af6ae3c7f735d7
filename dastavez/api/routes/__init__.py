"""All API routers under one prefix."""

from fastapi import APIRouter

from dastavez.api.routes import admin, auth, claims, entities, exhibits, health, imports

router = APIRouter()
for module in (health, auth, entities, claims, exhibits, imports, admin):
    router.include_router(module.router)
