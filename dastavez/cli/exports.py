"""Export commands: ``dastavez export ftm`` (the registry as FtM JSON lines, with provenance)."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Annotated, Any

import typer

from dastavez.cli.context import emit, fields, state
from dastavez.exc import InvalidInput
from dastavez.resolve.ftm_export import RegistryExport

export_app = typer.Typer(help="Export the registry.", no_args_is_help=True)


@export_app.command("ftm")
def export_ftm(
    out: Annotated[Path, typer.Option(help="File to write (FtM JSON lines, UTF-8); replaced if it exists.")],
) -> None:
    """Write every entity you may see as one FtM JSON line, each value with its provenance
    (claim, status, exhibit, locator). Audited as one export with its counts."""
    st = state()
    if out.is_dir():
        raise InvalidInput(f"{str(out)!r} is a folder; give a file name", field="out")
    if not out.parent.is_dir():
        raise InvalidInput(f"no folder {str(out.parent)!r} to write into", field="out")
    actor = st.actor()
    partial = out.with_name(out.name + ".partial")
    digest = hashlib.sha256()
    try:
        with (RegistryExport(st.db, actor, destination=f"file {out.name}") as export,
              partial.open("wb") as stream):
            for line in export.lines():
                data = (line + "\n").encode("utf-8")
                digest.update(data)
                stream.write(data)
            counts = export.counts
        os.replace(partial, out)
    except OSError as err:
        raise InvalidInput(f"cannot write {str(out)!r}: {err.strerror}", field="out") from None
    finally:
        partial.unlink(missing_ok=True)
    assert counts is not None  # set by open()
    emit({"file": str(out), "sha256": digest.hexdigest(), **counts.as_dict()}, _show)


def _show(data: dict[str, Any]) -> None:
    fields([(key, data[key]) for key in ("file", "sha256", "entities", "claims", "unsupported")])


def register(app: typer.Typer) -> None:
    app.add_typer(export_app, name="export")
