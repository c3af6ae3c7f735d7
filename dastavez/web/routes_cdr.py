"""Call-record datasets: the list, and importing an operator's export from the web page.

The import form is ``multipart/form-data``, read as the evidence upload reads its own
(``routes_evidence_upload._read_upload``: spooled to disk, counted, refused past
``settings.max_evidence_bytes``). The file is then copied under its own name into a private
temporary folder, because the importer reads a path (the name's extension tells it the
format), and handed to ``comms.importer.import_cdr``, the function the CLI and the API call.
The page answers with the import's counts, or with the form and its one-line error.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path, PurePosixPath
from typing import Any, BinaryIO

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile

from dastavez.access.authn import csrf_matches
from dastavez.comms.datasets import dataset_view, visible_datasets
from dastavez.comms.importer import import_cdr
from dastavez.comms.mapping import preset_names
from dastavez.evidence.authority import list_authorities
from dastavez.exc import DastavezError, InvalidInput, PermissionDenied
from dastavez.settings import Settings
from dastavez.storage.engine import Database
from dastavez.web.auth import CSRF_FAILED, UserDep, WebUser
from dastavez.web.deps import DbDep, SettingsDep, blank_to_none
from dastavez.web.evidence_forms import zone_choices
from dastavez.web.pages import render
from dastavez.web.routes_evidence_upload import _read_upload as read_upload

router = APIRouter()

IMPORT_FIELDS = ("authority", "operator", "compartment", "time_zone")
_UNSAFE = re.compile(r"[^\w.\-]+")


def _form(values: FormData | None = None) -> dict[str, str]:
    got = {name: values.get(name) if values is not None else "" for name in IMPORT_FIELDS}
    return {name: value.strip() if isinstance(value, str) else "" for name, value in got.items()}


def _safe_name(upload: UploadFile) -> str:
    """The browser's file name without folders or odd characters; its extension names the format."""
    name = PurePosixPath((upload.filename or "").replace("\\", "/")).name
    name = _UNSAFE.sub("_", name).strip("._")[-120:]
    return name or "upload.csv"


def cdr_page(request: Request, user: WebUser, db: Database, *, form: dict[str, str] | None = None,
             result: dict[str, Any] | None = None, error: DastavezError | None = None,
             status: int = 200) -> HTMLResponse:
    if not (user.can("comms.read") or user.can("comms.import")):
        user.actor.require("comms.read")  # the usual 403 page
    with db.read() as session:
        datasets = ([dataset_view(ds) for ds in visible_datasets(session, user.actor)]
                    if user.can("comms.read") else [])
        authorities: list[dict[str, Any]] = (
            list_authorities(session, user.actor) if user.can("authority.read") else [])
    return render(request, "comms/datasets.html", {
        "title": "Call-record datasets", "datasets": datasets, "authorities": authorities,
        "operators": [name for name in preset_names() if name != "default"], "zones": zone_choices(),
        "form": form or _form(), "result": result, "error": error,
        "invalid": error.field if error is not None else None},
        status=status)


@router.get("/cdr")
def datasets_page(request: Request, user: UserDep, db: DbDep) -> HTMLResponse:
    return cdr_page(request, user, db)


def _import(db: Database, user: WebUser, settings: Settings, stream: BinaryIO, name: str,
            form: dict[str, str]) -> dict[str, Any]:
    """Copy the spooled upload under its name into a private folder and import it from there."""
    with tempfile.TemporaryDirectory(prefix="dastavez-cdr-") as folder:
        path = Path(folder) / name
        with path.open("wb") as out:
            shutil.copyfileobj(stream, out, 1024 * 1024)
        return import_cdr(
            db, user.actor, settings, path, authority=form["authority"],
            operator=blank_to_none(form["operator"]), compartment=blank_to_none(form["compartment"]),
            time_zone=blank_to_none(form["time_zone"]))


@router.post("/cdr/import")
async def import_post(request: Request, user: UserDep, db: DbDep, settings: SettingsDep) -> HTMLResponse:
    user.actor.require("comms.import")  # before the body is read
    form = _form()
    try:
        values = await read_upload(request, settings)
    except DastavezError as err:
        return await run_in_threadpool(cdr_page, request, user, db, form=form, error=err, status=err.status)
    try:
        token = values.get("csrf_token")
        if not csrf_matches(user.csrf_token, token if isinstance(token, str) else None):
            raise PermissionDenied(CSRF_FAILED)
        form = _form(values)
        file = values.get("file")
        try:
            if not isinstance(file, UploadFile) or not file.filename:
                raise InvalidInput("choose the call-record file to import", field="file")
            if not form["authority"]:
                raise InvalidInput("name the legal authority the records were obtained under",
                                   field="authority")
            result = await run_in_threadpool(_import, db, user, settings, file.file, _safe_name(file), form)
        except DastavezError as err:
            return await run_in_threadpool(cdr_page, request, user, db, form=form, error=err,
                                           status=err.status)
    finally:
        await values.close()
    return await run_in_threadpool(cdr_page, request, user, db, result=result,
                                   status=201 if result.get("new", True) else 200)
