"""``create_app(settings)``: the one ASGI application serving the API and the web pages.

Nothing is built at import time; tests create one app per database.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from dastavez import __version__
from dastavez.api.errors import install_error_handlers
from dastavez.api.routes import router as api_router
from dastavez.settings import Settings
from dastavez.storage.engine import Database
from dastavez.web.routes import mount_web

log = logging.getLogger(__name__)


def create_app(settings: Settings, *, database: Database | None = None) -> FastAPI:
    db = database or Database(settings)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        if database is None:  # only dispose what we created
            db.dispose()

    app = FastAPI(
        title="dastavez",
        version=__version__,
        summary="Evidence-grade investigation platform",
        openapi_url="/api/v1/openapi.json",
        docs_url="/api/v1/docs",
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.db = db
    install_error_handlers(app)
    app.include_router(api_router, prefix="/api/v1")
    mount_web(app, settings)
    return app


def create_app_from_env() -> FastAPI:
    """Factory for ``uvicorn --factory`` and for worker processes: settings from the environment."""
    return create_app(Settings.from_env())
