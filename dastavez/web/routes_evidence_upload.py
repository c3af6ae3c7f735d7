"""Uploading an evidence file from the web page: streamed to disk, stored, then registered.

The form is ``multipart/form-data``. Starlette's ``MultiPartParser`` writes the file part
into a ``SpooledTemporaryFile`` (memory up to 1 MiB, then a temp file in ``TMPDIR``), so memory
stays constant whatever the size; the body is counted as it arrives and refused past
``settings.max_evidence_bytes``. The spooled file is then copied into the blob store (hashed
on the way, off the event loop) and the exhibit is added in one transaction, as the CLI and
the API do: ``check_inputs``, ``store_file``, ``read_media``, ``add_evidence``.

With JavaScript (``app.js``), the page first posts the fields alone to
``/exhibits/upload/check``, so that a typo is refused before gigabytes are sent, then sends
the whole form with XMLHttpRequest to show progress. That request says
``X-Requested-With: XMLHttpRequest`` and gets ``201`` with ``Location`` instead of a redirect,
which XHR would follow, fetching (and auditing) the exhibit page once more for nothing.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import aclosing
from dataclasses import fields
from pathlib import PurePosixPath
from typing import Annotated, Any, BinaryIO

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile
from starlette.formparsers import MultiPartException, MultiPartParser
from starlette.requests import ClientDisconnect

from dastavez.access.actor import Actor
from dastavez.access.authn import csrf_matches
from dastavez.evidence.authority import list_authorities
from dastavez.evidence.exhibits import KINDS
from dastavez.evidence.media import read_media
from dastavez.evidence.vault import ORIGINS, EvidenceInput, add_evidence, blob_store, check_inputs, store_file
from dastavez.exc import DastavezError, InvalidInput, PayloadTooLarge, PermissionDenied
from dastavez.settings import Settings
from dastavez.storage.engine import Database
from dastavez.web.auth import CSRF_FAILED, UserDep, WebUser, WriterDep
from dastavez.web.deps import DbDep, SettingsDep, blank_to_none
from dastavez.web.evidence_forms import UploadForm, lines, local_time, text_fields, zone_choices
from dastavez.web.pages import render

router = APIRouter()

#: room for the text fields and the multipart framing around the file
FIELDS_ALLOWANCE = 256 * 1024
#: one text field (a description, the targets) may be this long; the services cut finer
FIELD_BYTES = 64 * 1024
_TEXT_FIELDS = {f.name for f in fields(UploadForm)} - {"file"}
_XHR = "XMLHttpRequest"


async def parsed_form(request: Request) -> FormData:
    """The small form of the check request (already read by the CSRF check)."""
    return await request.form()


FormDep = Annotated[FormData, Depends(parsed_form)]


def _too_large(settings: Settings) -> PayloadTooLarge:
    return PayloadTooLarge(f"the file is larger than the limit of {settings.max_evidence_bytes:,} bytes",
                           field="file")


def upload_form(values: FormData) -> UploadForm:
    return UploadForm(**text_fields(values, _TEXT_FIELDS))


def evidence_input(form: UploadForm, *, file_name: str | None) -> EvidenceInput:
    return EvidenceInput(
        title=form.title,
        kind=form.kind,
        description=blank_to_none(form.description),
        compartment=blank_to_none(form.compartment),
        origin=form.origin or "original",
        parent=blank_to_none(form.parent),
        authority=blank_to_none(form.authority),
        collected_at=local_time(form.collected_at, form.zone, field="collected_at"),
        collected_by=blank_to_none(form.collected_by),
        collected_place=blank_to_none(form.collected_place),
        collection_tool=blank_to_none(form.collection_tool),
        targets=lines(form.targets),
        file_name=file_name,
    )


def _file_name(upload: UploadFile) -> str | None:
    """The name the browser gave, without any folder (old browsers sent the whole path)."""
    name = PurePosixPath((upload.filename or "").replace("\\", "/")).name.strip()
    return name or None


def upload_page(request: Request, user: WebUser, db: Database, settings: Settings, *,
                form: UploadForm, error: DastavezError | None = None, status: int = 200) -> HTMLResponse:
    with db.read() as session:
        authorities: list[dict[str, Any]] = (
            list_authorities(session, user.actor) if user.can("authority.read") else [])
    return render(request, "evidence_upload.html", {
        "title": "Upload evidence", "form": form, "error": error, "invalid": form.invalid(error),
        "kinds": KINDS, "origins": ORIGINS, "authorities": authorities, "zones": zone_choices(),
        "max_bytes": settings.max_evidence_bytes}, status=status)


@router.get("/exhibits/upload")
def upload_get(request: Request, user: UserDep, db: DbDep, settings: SettingsDep) -> HTMLResponse:
    user.actor.require("exhibit.write")
    return upload_page(request, user, db, settings, form=UploadForm())


def _check(db: Database, actor: Actor, data: EvidenceInput, settings: Settings) -> None:
    with db.read() as session:
        check_inputs(session, actor, data, settings=settings)


@router.post("/exhibits/upload/check")
def upload_check(request: Request, user: WriterDep, values: FormDep, db: DbDep,
                 settings: SettingsDep) -> Response:
    """The fields alone, checked as the upload will check them: 204, or the form with its message."""
    form = upload_form(values)
    try:
        _check(db, user.actor, evidence_input(form, file_name=None), settings)
    except DastavezError as err:
        return upload_page(request, user, db, settings, form=form, error=err, status=err.status)
    return Response(status_code=204)


async def _counted(stream: AsyncIterator[bytes], limit: int, settings: Settings) -> AsyncIterator[bytes]:
    received = 0
    async with aclosing(stream):  # type: ignore[type-var]  # request.stream() is an async generator
        async for chunk in stream:
            received += len(chunk)
            if received > limit:
                raise _too_large(settings)
            yield chunk


async def _read_upload(request: Request, settings: Settings) -> FormData:
    """The multipart body, its file spooled to disk; refused as soon as it passes the limit."""
    if request.headers.get("content-type", "").split(";")[0].strip().lower() != "multipart/form-data":
        raise InvalidInput("send the form with its file (multipart/form-data)", field="file")
    limit = settings.max_evidence_bytes + FIELDS_ALLOWANCE
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise _too_large(settings)  # before a byte is read
    parser = MultiPartParser(request.headers, _counted(request.stream(), limit, settings),  # type: ignore[arg-type]
                             max_files=1, max_fields=len(_TEXT_FIELDS) + 4, max_part_size=FIELD_BYTES)
    try:
        return await parser.parse()
    except MultiPartException as err:
        raise InvalidInput(f"the form could not be read: {err.message}", field="file") from err
    except ClientDisconnect as err:  # a closed tab mid-upload: nobody to answer, nothing to log
        raise InvalidInput("the upload was interrupted before the whole file arrived", field="file") from err


def _store_and_add(db: Database, actor: Actor, data: EvidenceInput, stream: BinaryIO,
                   settings: Settings) -> str:
    """Check, store the file (constant memory), read its media, add the exhibit: its number."""
    _check(db, actor, data, settings)
    store = blob_store(settings)
    blob = store_file(store, stream, settings=settings)
    media = read_media(store.path_for(blob.sha256), kind=data.kind)
    # As in the CLI: should adding fail now, the stored file stays (another upload may be
    # registering the same content); `evidence verify --all` lists true orphans.
    with db.write() as session:
        return add_evidence(session, actor, data, blob=blob, media=media, settings=settings).id


@router.post("/exhibits/upload")
async def upload_post(request: Request, user: UserDep, db: DbDep, settings: SettingsDep) -> Response:
    user.actor.require("exhibit.write")  # before the body is read
    header_token = request.headers.get("X-CSRF-Token")
    if header_token is not None and not csrf_matches(user.csrf_token, header_token):
        raise PermissionDenied(CSRF_FAILED)
    try:
        values = await _read_upload(request, settings)
    except DastavezError as err:
        return await run_in_threadpool(upload_page, request, user, db, settings, form=UploadForm(),
                                       error=err, status=err.status)
    try:
        if header_token is None:
            token = values.get("csrf_token")
            if not csrf_matches(user.csrf_token, token if isinstance(token, str) else None):
                raise PermissionDenied(CSRF_FAILED)
        form = upload_form(values)
        file = values.get("file")
        try:
            if not isinstance(file, UploadFile) or not file.filename:
                raise InvalidInput("choose the file to upload", field="file")
            data = evidence_input(form, file_name=_file_name(file))
            exhibit_id = await run_in_threadpool(_store_and_add, db, user.actor, data, file.file, settings)
        except DastavezError as err:
            return await run_in_threadpool(upload_page, request, user, db, settings, form=form,
                                           error=err, status=err.status)
    finally:
        await values.close()  # removes the spooled temp file
    location = f"/exhibits/{exhibit_id}"
    if request.headers.get("X-Requested-With") == _XHR:
        return Response(status_code=201, headers={"Location": location})
    return RedirectResponse(location, status_code=303)
