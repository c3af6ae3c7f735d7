"""FtM files and reference lists in, the registry out as FtM JSON lines.

Uploads are multipart forms with a ``file`` field, read while counted (see ``imports.read_form``)
and refused with 413 past ``settings.max_upload_bytes``; options are query parameters, so
that a caller without the permission is refused before the upload is read.
"""

from __future__ import annotations

import io
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import StreamingResponse
from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from dastavez.access.actor import Actor
from dastavez.api.deps import ActorDep, DbDep, SettingsDep
from dastavez.api.routes.imports import read_form
from dastavez.exc import InvalidInput, PayloadTooLarge
from dastavez.resolve.ftm_export import RegistryExport
from dastavez.resolve.ftm_registry import import_ftm
from dastavez.resolve.ftm_source import HashedLines
from dastavez.resolve.list_imports import import_ftm_list, import_interpol, import_un
from dastavez.settings import Settings
from dastavez.storage.engine import Database

router = APIRouter(tags=["imports"])

_UPLOAD = {
    "requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
        "type": "object", "required": ["file"],
        "properties": {"file": {"type": "string", "format": "binary"}}}}}},
}
_LINES: dict[int | str, dict[str, Any]] = {
    200: {"content": {"application/x-ndjson": {}},
          "description": "One FtM entity a line; the X-Export-* headers give the counts."},
}


async def _upload(request: Request, settings: Settings) -> tuple[str, bytes]:
    """(file name, bytes) of the form's ``file`` field."""
    form = await read_form(request, settings.max_upload_bytes)
    try:
        upload = form.get("file")
        if not isinstance(upload, UploadFile):
            raise InvalidInput("attach the file as the form's file field", field="file")
        data = await upload.read(settings.max_upload_bytes + 1)
        if len(data) > settings.max_upload_bytes:
            megabytes = settings.max_upload_bytes / 1_048_576
            raise PayloadTooLarge(f"the file is larger than the limit of {megabytes:.0f} MB: split it",
                                  field="file")
        return upload.filename or "upload", data
    finally:
        await form.close()


def _into_registry(db: Database, actor: Actor, settings: Settings, name: str, data: bytes,
                   skip_bad: bool) -> dict[str, Any]:
    lines = HashedLines(io.BytesIO(data))
    with db.write() as session:
        report = import_ftm(session, actor, lines, file=name, sha256=lines.sha256, skip_bad=skip_bad,
                            region=settings.default_region)
    return report.as_dict()


def _as_list(db: Database, actor: Actor, data: bytes, name: str) -> dict[str, Any]:
    with db.write() as session:
        return import_ftm_list(session, actor, data, name=name)


def _un(db: Database, actor: Actor, data: bytes) -> dict[str, Any]:
    with db.write() as session:
        return import_un(session, actor, data)


def _interpol(db: Database, actor: Actor, data: bytes, notice_type: str | None) -> dict[str, Any]:
    with db.write() as session:
        return import_interpol(session, actor, data, notice_type=notice_type)


@router.post("/imports/ftm", openapi_extra=_UPLOAD)
async def import_ftm_file(
    request: Request,
    actor: ActorDep,
    db: DbDep,
    settings: SettingsDep,
    list_name: Annotated[str | None, Query(
        alias="list", max_length=40, description="Import as the reference list ftm:NAME instead")] = None,
    skip_bad: Annotated[bool, Query(description="Import the good lines; bad ones come back")] = False,
) -> dict[str, Any]:
    """FtM JSON lines into the registry (each value a claim, with its provenance), or as a list."""
    if list_name is not None:
        actor.require("reference.import")
        if skip_bad:
            raise InvalidInput("skip_bad is for imports into the registry; a list is taken whole",
                               field="skip_bad")
        _, data = await _upload(request, settings)
        return await run_in_threadpool(_as_list, db, actor, data, list_name)
    actor.require("registry.write")
    name, data = await _upload(request, settings)
    return await run_in_threadpool(_into_registry, db, actor, settings, name, data, skip_bad)


@router.post("/imports/un-sc", openapi_extra=_UPLOAD)
async def import_un_list(
    request: Request, actor: ActorDep, db: DbDep, settings: SettingsDep
) -> dict[str, Any]:
    """The UN Security Council Consolidated List (XML), for screening."""
    actor.require("reference.import")
    _, data = await _upload(request, settings)
    return await run_in_threadpool(_un, db, actor, data)


@router.post("/imports/interpol", openapi_extra=_UPLOAD)
async def import_interpol_notices(
    request: Request,
    actor: ActorDep,
    db: DbDep,
    settings: SettingsDep,
    notice_type: Annotated[str | None, Query(alias="type", description="red, yellow or un, when the notices "
                                             "do not say")] = None,
) -> dict[str, Any]:
    """INTERPOL public notices (JSON as its API gives them), for screening."""
    actor.require("reference.import")
    _, data = await _upload(request, settings)
    return await run_in_threadpool(_interpol, db, actor, data, notice_type)


@router.get("/exports/ftm", tags=["exports"], response_class=StreamingResponse, responses=_LINES)
async def export_ftm(actor: ActorDep, db: DbDep) -> StreamingResponse:
    """Every entity the caller may see, as FtM JSON lines with each value's provenance (audited)."""
    export = RegistryExport(db, actor, destination="api")
    counts = await run_in_threadpool(export.open)
    headers = {"Content-Disposition": 'attachment; filename="dastavez-registry.ftm.json"',
               "X-Export-Entities": str(counts.entities), "X-Export-Claims": str(counts.claims),
               "X-Export-Unsupported": str(counts.unsupported)}
    return StreamingResponse((line + "\n" for line in export.lines()), media_type="application/x-ndjson",
                             headers=headers, background=BackgroundTask(export.close))
