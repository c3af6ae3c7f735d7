"""Bulk imports: a sheet (CSV or XLSX) uploaded as multipart form data.

The form is parsed here rather than through FastAPI's ``File``/``Form`` parameters, which
read the whole body before the route runs: the upload is counted while it streams in and
refused with 413 as soon as it passes ``settings.max_upload_bytes``.
"""

from __future__ import annotations

import json
from collections.abc import AsyncGenerator
from typing import Any

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile
from starlette.formparsers import MultiPartException, MultiPartParser

from dastavez.access.actor import Actor
from dastavez.api.deps import ActorDep, DbDep, SettingsDep
from dastavez.exc import InvalidInput, PayloadTooLarge
from dastavez.registry.bulk_import import import_rows
from dastavez.registry.sheets import Sheet, read_sheet
from dastavez.settings import Settings
from dastavez.storage.engine import Database

router = APIRouter(tags=["imports"])

FORM_ALLOWANCE = 64 * 1024  # the other fields and the multipart framing around the file
FIELDS = ("schema", "mapping", "exhibit", "compartment", "skip_bad", "sheet")
_FORM_SCHEMA = {
    "requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
        "type": "object", "required": ["file", "schema", "mapping"],
        "properties": {
            "file": {"type": "string", "format": "binary", "description": "CSV (UTF-8/UTF-16) or XLSX"},
            "schema": {"type": "string", "enum": ["Person", "Organization"]},
            "mapping": {"type": "string", "description": 'JSON object {"Column": "property"}; "prop[]" '
                        'splits the cell on ";"; "-" ignores the column'},
            "exhibit": {"type": "string"},
            "compartment": {"type": "string"},
            "skip_bad": {"type": "boolean", "default": False},
            "sheet": {"type": "string", "description": "XLSX sheet (default: the first)"},
        }}}}},
}


def _too_large(limit: int) -> PayloadTooLarge:
    megabytes = limit / 1_048_576
    return PayloadTooLarge(f"the upload is larger than the limit of {megabytes:.0f} MB: split the file",
                           field="file")


async def _counted(request: Request, max_bytes: int) -> AsyncGenerator[bytes, None]:
    received = 0
    async for chunk in request.stream():
        received += len(chunk)
        if received > max_bytes + FORM_ALLOWANCE:
            raise _too_large(max_bytes)
        yield chunk


async def read_form(request: Request, max_bytes: int) -> FormData:
    """The multipart form, read while counting; 413 once it passes ``max_bytes`` (plus the fields)."""
    if not request.headers.get("content-type", "").startswith("multipart/form-data"):
        raise InvalidInput("send the sheet as multipart/form-data with a file field", field="file")
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes + FORM_ALLOWANCE:
        raise _too_large(max_bytes)  # refused before a byte of the body is read
    parser = MultiPartParser(request.headers, _counted(request, max_bytes), max_files=1,
                             max_fields=len(FIELDS))
    try:
        return await parser.parse()
    except MultiPartException as err:
        raise InvalidInput(f"malformed multipart form: {err.message}", field="file") from None


def _text(form: FormData, name: str) -> str | None:
    value = form.get(name)
    if isinstance(value, UploadFile):
        raise InvalidInput(f"{name} must be a form field, not a file", field=name)
    if value is None:
        return None
    return value.strip() or None


def _mapping(raw: str | None) -> dict[str, str]:
    try:
        mapping = json.loads(raw or "")
    except json.JSONDecodeError:
        raise InvalidInput('mapping must be a JSON object such as {"Name": "name", "Notes": "-"}',
                           field="mapping") from None
    if not isinstance(mapping, dict) or not all(isinstance(v, str) for v in mapping.values()):
        raise InvalidInput('mapping must be a JSON object of "Column": "property"', field="mapping")
    return mapping


def _flag(raw: str | None) -> bool:
    if raw is None or raw.lower() in ("false", "0", "no", "off"):
        return False
    if raw.lower() in ("true", "1", "yes", "on"):
        return True
    raise InvalidInput("skip_bad must be true or false", field="skip_bad")


def _import(db: Database, actor: Actor, settings: Settings, sheet: Sheet, form: FormData) -> dict[str, Any]:
    schema = _text(form, "schema")
    if schema is None:
        raise InvalidInput("schema is required (Person or Organization)", field="schema")
    with db.write() as session:
        report = import_rows(session, actor, schema=schema, sheet=sheet,
                             mapping=_mapping(_text(form, "mapping")), exhibit_id=_text(form, "exhibit"),
                             compartment=_text(form, "compartment"), skip_bad=_flag(_text(form, "skip_bad")),
                             region=settings.default_region)
    result = report.as_dict()
    errors = result.pop("errors")
    return result | {"rejects_file": None, "errors": errors}


@router.post("/imports/sheet", openapi_extra=_FORM_SCHEMA)
async def import_sheet(request: Request, actor: ActorDep, db: DbDep, settings: SettingsDep) -> dict[str, Any]:
    """Import persons or organisations from a sheet; bad rows come back in ``errors``."""
    actor.require("registry.write")  # before the upload is read
    form = await read_form(request, settings.max_upload_bytes)
    try:
        upload = form.get("file")
        if not isinstance(upload, UploadFile):
            raise InvalidInput("attach the sheet as the form's file field", field="file")
        data = await upload.read(settings.max_upload_bytes + 1)
        sheet = await run_in_threadpool(read_sheet, data, name=upload.filename or "upload",
                                        sheet=_text(form, "sheet"), max_bytes=settings.max_upload_bytes)
        return await run_in_threadpool(_import, db, actor, settings, sheet, form)
    finally:
        await form.close()
