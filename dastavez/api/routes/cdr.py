"""Call-record datasets: import under a legal authority, list, show.

``POST /cdr/datasets`` takes multipart form data: the export as the ``file`` field and the
fields ``authority`` (required), ``operator``, ``mapping`` (YAML text), ``time_zone`` and
``compartment`` (each may also be given in the query string; a form field wins). The file
streams to a temp file under ``DASTAVEZ_HOME`` while it is counted
(refused with 413 past ``max_evidence_bytes``), then the import runs off the event loop.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path
from typing import IO, Any

from fastapi import APIRouter, Request, Response
from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.concurrency import run_in_threadpool

from dastavez.api.deps import ActorDep, DbDep, SettingsDep
from dastavez.comms.dataset_show import list_datasets, show_dataset
from dastavez.comms.importer import import_cdr
from dastavez.comms.layout import staging_root
from dastavez.exc import InvalidInput, PayloadTooLarge
from dastavez.settings import Settings

router = APIRouter(tags=["comms"])

FIELDS = ("authority", "operator", "mapping", "time_zone", "compartment")
FIELD_LIMIT = 256 * 1024  # a mapping YAML is a few hundred bytes
_UNSAFE = re.compile(r"[^\w.\- ]+")
_FORM = {
    "requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
        "type": "object", "required": ["file", "authority"],
        "properties": {
            "file": {"type": "string", "format": "binary", "description": "CSV, TSV, Parquet or XLSX export"},
            "authority": {"type": "string", "description": "legal authority (AUTH-…)"},
            "operator": {"type": "string", "description": "preset name (default, operator-a, …)"},
            "mapping": {"type": "string", "description": "YAML column mapping (may say preset: NAME)"},
            "time_zone": {"type": "string", "description": "IANA zone of times without an offset"},
            "compartment": {"type": "string"},
        }}}}},
}


class _Form:
    """The streamed form: small text fields in memory, the file on disk as it arrives."""

    def __init__(self, folder: Path, max_bytes: int):
        self.folder, self.max_bytes = folder, max_bytes
        self.fields: dict[str, str] = {}
        self.file: Path | None = None
        self._out: IO[bytes] | None = None
        self._size = 0
        self._name: str | None = None
        self._value = bytearray()
        self._header = [bytearray(), bytearray()]
        self._headers: dict[bytes, bytes] = {}

    def callbacks(self) -> dict[str, Any]:
        return {
            "on_part_begin": self._begin, "on_header_field": self._field, "on_header_value": self._hvalue,
            "on_header_end": self._header_end, "on_headers_finished": self._headers_done,
            "on_part_data": self._data, "on_part_end": self._end,
        }

    def _begin(self) -> None:
        self._headers, self._value, self._name = {}, bytearray(), None

    def _field(self, data: bytes, start: int, end: int) -> None:
        self._header[0] += data[start:end]

    def _hvalue(self, data: bytes, start: int, end: int) -> None:
        self._header[1] += data[start:end]

    def _header_end(self) -> None:
        self._headers[bytes(self._header[0]).lower()] = bytes(self._header[1])
        self._header = [bytearray(), bytearray()]

    def _headers_done(self) -> None:
        _, options = parse_options_header(self._headers.get(b"content-disposition", b""))
        self._name = options.get(b"name", b"").decode("utf-8", "replace")
        if self._name == "file":
            if self.file is not None:
                raise InvalidInput("send one file", field="file")
            raw = options.get(b"filename", b"upload").decode("utf-8", "replace")
            safe = _UNSAFE.sub("_", Path(raw.replace("\\", "/")).name).strip(" .")[:200] or "upload"
            self.file = self.folder / safe
            self._out = open(self.file, "wb")  # noqa: SIM115  # closed in _end or by the route
        elif self._name not in FIELDS:
            raise InvalidInput(
                f"unknown form field {self._name[:40]!r}; fields are file, {', '.join(FIELDS)}", field="file"
            )

    def _data(self, data: bytes, start: int, end: int) -> None:
        if self._out is not None and self._name == "file":
            self._size += end - start
            if self._size > self.max_bytes:
                raise PayloadTooLarge(
                    f"the file is larger than the limit of {self.max_bytes:,} bytes", field="file"
                )
            self._out.write(data[start:end])
        else:
            self._value += data[start:end]
            if len(self._value) > FIELD_LIMIT:
                raise InvalidInput(f"the field {self._name} is too long", field=self._name)

    def _end(self) -> None:
        if self._name == "file" and self._out is not None:
            self._out.close()
            self._out = None
        elif self._name:
            self.fields[self._name] = self._value.decode("utf-8", "replace")

    def close(self) -> None:
        if self._out is not None:
            self._out.close()


async def _receive(request: Request, settings: Settings, folder: Path) -> _Form:
    kind, options = parse_options_header(request.headers.get("content-type", ""))
    if kind != b"multipart/form-data" or not options.get(b"boundary"):
        raise InvalidInput("send the export as multipart/form-data with a file field", field="file")
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > settings.max_evidence_bytes + 2 * FIELD_LIMIT:
        raise PayloadTooLarge(
            f"the file is larger than the limit of {settings.max_evidence_bytes:,} bytes", field="file"
        )
    form = _Form(folder, settings.max_evidence_bytes)
    parser = MultipartParser(options[b"boundary"], form.callbacks())  # type: ignore[arg-type]
    try:
        async for chunk in request.stream():
            parser.write(chunk)
        parser.finalize()
    finally:
        form.close()
    if form.file is None:
        raise InvalidInput("the form has no file field", field="file")
    return form


@router.post("/cdr/datasets", status_code=201, openapi_extra=_FORM)
async def import_dataset(
    request: Request, response: Response, actor: ActorDep, db: DbDep, settings: SettingsDep
) -> dict[str, Any]:
    actor.require("comms.import")  # before a byte of the upload is stored
    root = staging_root(settings)
    root.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix="upload-", dir=root))
    try:
        form = await _receive(request, settings, folder)
        given = {k: v for k, v in request.query_params.items() if k in FIELDS} | form.fields
        fields = {k: (v.strip() or None) for k, v in given.items()}
        assert form.file is not None
        if not fields.get("authority"):
            raise InvalidInput("authority is required (AUTH-…)", field="authority")

        def run() -> dict[str, Any]:
            return import_cdr(
                db, actor, settings, form.file,  # type: ignore[arg-type]  # checked above
                authority=fields["authority"] or "",
                operator=fields.get("operator"),
                mapping=given.get("mapping") or None,
                time_zone=fields.get("time_zone"),
                compartment=fields.get("compartment"),
            )

        result = await run_in_threadpool(run)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    if not result["new"]:
        response.status_code = 200
    return result


@router.get("/cdr/datasets")
def list_cdr_datasets(actor: ActorDep, db: DbDep) -> dict[str, Any]:
    with db.read() as session:
        return {"datasets": list_datasets(session, actor)}


@router.get("/cdr/datasets/{dataset_id}")
def show_cdr_dataset(dataset_id: str, actor: ActorDep, db: DbDep, settings: SettingsDep) -> dict[str, Any]:
    with db.write() as session:
        return show_dataset(session, actor, settings, dataset_id)
