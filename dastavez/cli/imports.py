"""Import commands: ``dastavez import sheet`` (CSV/XLSX lists); other formats join this group."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Any

import typer
import yaml

from dastavez.cli.context import emit, fields, state, table
from dastavez.exc import InvalidInput
from dastavez.registry.bulk_import import ImportReport, import_rows, write_rejects
from dastavez.registry.sheets import Sheet, read_sheet_file

import_app = typer.Typer(help="Import lists into the registry.", no_args_is_help=True)


def parse_mapping(pairs: list[str], map_file: Path | None) -> dict[str, str]:
    """``--map-file`` first, then each ``--map "Column=prop"`` (which may override it)."""
    mapping: dict[str, str] = _read_map_file(map_file) if map_file else {}
    given: set[str] = set()
    for pair in pairs:
        column, sep, target = pair.rpartition("=")  # a header may contain "=", a property never does
        column, target = column.strip(), target.strip()
        if not sep or not column or not target:
            raise InvalidInput(f"--map {pair!r}: write it as \"Column=property\" (or \"Column=-\" to ignore)",
                               field="map")
        if column in given:
            raise InvalidInput(f"column {column!r} is mapped twice with --map", field="map")
        given.add(column)
        mapping[column] = target
    if not mapping:
        raise InvalidInput("give the column mapping: --map \"Column=property\" (repeatable) or --map-file",
                           field="map")
    return mapping


def _read_map_file(path: Path) -> dict[str, str]:
    if not path.is_file():
        raise InvalidInput(f"no map file {str(path)!r}", field="map_file")
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8-sig"))
    except (yaml.YAMLError, UnicodeDecodeError) as err:
        raise InvalidInput(f"the map file is not valid UTF-8 YAML ({type(err).__name__}); quote '-' and "
                           "column names that start with a symbol", field="map_file") from None
    if not isinstance(raw, dict):
        raise InvalidInput("the map file must be a YAML mapping of column: property", field="map_file")
    mapping: dict[str, str] = {}
    for column, target in raw.items():
        if isinstance(column, bool) or not isinstance(column, str | int | float):
            raise InvalidInput(f"map file: quote the column name {column!r}", field="map_file")
        if target is not None and not isinstance(target, str):
            raise InvalidInput(f"map file: column {column!r} must map to a property name", field="map_file")
        mapping[str(column).strip()] = (target or "-").strip()
    return mapping


def _rejects_path(file: Path, rejects: Path | None, skip_bad: bool) -> Path | None:
    if rejects is not None and not skip_bad:
        raise InvalidInput("--rejects goes with --skip-bad (without it, a bad row stops the whole import)",
                           field="rejects")
    if not skip_bad:
        return None
    path = rejects or file.with_name(f"{file.stem}.rejects.csv")
    if path.resolve() == file.resolve():
        raise InvalidInput("the rejects file would overwrite the file being imported", field="rejects")
    return path


def _show(data: dict[str, Any]) -> None:
    fields([(key, data[key]) for key in ("file", "sha256", "rows", "created", "claims", "skipped")])
    if data["rejects_file"]:
        fields([("rejects file", data["rejects_file"])])
    if data["errors"]:
        table("Rows left out", ["line", "column", "reason"],
              [(e["line"], e["column"] or "", e["reason"]) for e in data["errors"][:50]])


MapOption = Annotated[list[str] | None, typer.Option(
    "--map", help='"Column=property"; "Column=prop[]" splits the cell on ";"; "Column=-" ignores it. '
    "Repeatable.")]
SkipBad = Annotated[bool, typer.Option(help="Import the good rows; write the bad ones to a rejects file.")]
Rejects = Annotated[Path | None, typer.Option(help="Where --skip-bad writes bad rows (default "
                                                   "<name>.rejects.csv next to FILE).")]


@import_app.command("sheet")
def import_sheet(
    file: Annotated[Path, typer.Argument(help="CSV (UTF-8 or UTF-16) or XLSX file.")],
    schema: Annotated[str, typer.Option(help="Person or Organization.")],
    map_: MapOption = None,
    map_file: Annotated[Path | None, typer.Option(help="YAML file of column: property.")] = None,
    exhibit: Annotated[str | None, typer.Option(help="Exhibit every imported claim cites.")] = None,
    compartment: Annotated[str | None, typer.Option(help="Compartment of the new entities.")] = None,
    skip_bad: SkipBad = False,
    rejects: Rejects = None,
    sheet: Annotated[str | None, typer.Option(help="XLSX sheet to read (default: the first).")] = None,
) -> None:
    """Import persons or organisations from a sheet: one row, one entity. All or nothing unless --skip-bad."""
    st = state()
    mapping = parse_mapping(map_ or [], map_file)
    rejects_path = _rejects_path(file, rejects, skip_bad)
    data = read_sheet_file(file, sheet=sheet, max_bytes=st.settings.max_upload_bytes)
    actor = st.actor()
    with st.db.write() as session:
        report = import_rows(session, actor, schema=schema, sheet=data, mapping=mapping, exhibit_id=exhibit,
                             compartment=compartment, skip_bad=skip_bad, region=st.settings.default_region)
        if rejects_path is not None:
            # Written before the commit: if the file cannot be written, nothing is imported.
            _write_rejects_file(rejects_path, data, report)
    result = report.as_dict()
    errors = result.pop("errors")
    emit(result | {"rejects_file": str(rejects_path) if rejects_path else None, "errors": errors}, _show)


def _write_rejects_file(path: Path, sheet: Sheet, report: ImportReport) -> None:
    partial = path.with_name(path.name + ".partial")
    try:
        with partial.open("w", encoding="utf-8-sig", newline="") as stream:  # the BOM tells Excel it is UTF-8
            write_rejects(sheet, report.errors, stream)
        os.replace(partial, path)
    except OSError as err:
        partial.unlink(missing_ok=True)
        raise InvalidInput(f"cannot write the rejects file {str(path)!r}: {err.strerror}",
                           field="rejects") from None


def register(app: typer.Typer) -> None:
    app.add_typer(import_app, name="import")
