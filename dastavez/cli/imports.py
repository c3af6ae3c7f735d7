"""Import commands: ``dastavez import sheet`` (CSV/XLSX lists), ``import ftm`` (FtM JSON lines),
``import un-sc`` and ``import interpol`` (reference lists for screening)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
import yaml

from dastavez.cli.context import emit, fields, state, table
from dastavez.exc import InvalidInput

if TYPE_CHECKING:  # the readers bring openpyxl: loaded by the commands that read sheets
    from dastavez.registry.bulk_import import ImportReport
    from dastavez.registry.sheets import Sheet
from dastavez.resolve.ftm_source import HashedLines

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
    from dastavez.registry.bulk_import import import_rows
    from dastavez.registry.sheets import read_sheet_file
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
    from dastavez.registry.bulk_import import write_rejects
    partial = path.with_name(path.name + ".partial")
    try:
        with partial.open("w", encoding="utf-8-sig", newline="") as stream:  # the BOM tells Excel it is UTF-8
            write_rejects(sheet, report.errors, stream)
        os.replace(partial, path)
    except OSError as err:
        partial.unlink(missing_ok=True)
        raise InvalidInput(f"cannot write the rejects file {str(path)!r}: {err.strerror}",
                           field="rejects") from None


# --- FtM files and reference lists ---------------------------------------------------------

#: A list is parsed whole in memory; the UN's is about 2 MB.
MAX_LIST_BYTES = 256 * 1024 * 1024
LIST_COUNTS = ("records", "added", "updated", "unchanged", "delisted")


def _list_file(file: Path) -> bytes:
    if not file.is_file():
        raise InvalidInput(f"no file {str(file)!r}", field="file")
    if file.stat().st_size > MAX_LIST_BYTES:
        raise InvalidInput(f"{file.name} is larger than {MAX_LIST_BYTES // 1_048_576} MB; split it",
                           field="file")
    return file.read_bytes()


def _show_list(data: dict[str, Any]) -> None:
    keys = ("list", "individuals", "entities", "aliases", "notices", *LIST_COUNTS)
    fields([(key, data[key]) for key in keys if key in data])
    if data.get("lists"):
        table("Lists", ["list", *LIST_COUNTS], [[item[key] for key in ("list", *LIST_COUNTS)]
                                                for item in data["lists"]])


def _show_ftm(data: dict[str, Any]) -> None:
    fields([(key, value) for key, value in data.items() if key not in ("unknown", "errors")])
    if data["unknown"]:
        table("Not known here (left out)", ["schema or property", "count"], sorted(data["unknown"].items()))
    if data["errors"]:
        table("Lines left out", ["line", "entity", "property", "reason"],
              [(e["line"], e["entity"], e["prop"] or "", e["reason"]) for e in data["errors"][:50]])


@import_app.command("ftm")
def import_ftm_command(
    file: Annotated[Path, typer.Argument(help="FtM JSON lines (UTF-8), as `dastavez export ftm` writes.")],
    list_name: Annotated[str | None, typer.Option(
        "--list", help="Import as the reference list ftm:NAME, for screening, not as claims.")] = None,
    skip_bad: Annotated[bool, typer.Option(help="Import the good lines; report the bad ones.")] = False,
) -> None:
    """Import FtM entities into the registry, each value a claim with its provenance; all or nothing
    unless --skip-bad. With --list, keep them apart as a reference list for screening."""
    from dastavez.resolve.ftm_registry import import_ftm
    from dastavez.resolve.list_imports import import_ftm_list
    st = state()
    if list_name is not None:
        if skip_bad:
            raise InvalidInput("--skip-bad is for imports into the registry; a list is taken whole",
                               field="skip_bad")
        data = _list_file(file)
        actor = st.actor()
        with st.db.write() as session:
            result = import_ftm_list(session, actor, data, name=list_name)
        emit(result, _show_list)
        return
    if not file.is_file():
        raise InvalidInput(f"no file {str(file)!r}", field="file")
    actor = st.actor()
    with file.open("rb") as stream, st.db.write() as session:
        lines = HashedLines(stream)
        report = import_ftm(session, actor, lines, file=file.name, sha256=lines.sha256, skip_bad=skip_bad,
                            region=st.settings.default_region)
    emit(report.as_dict(), _show_ftm)


@import_app.command("un-sc")
def import_un_command(
    file: Annotated[Path, typer.Argument(help="The UN Security Council Consolidated List (XML).")],
) -> None:
    """Import the UN consolidated list for screening, checked against the UN's schema; a newer list
    updates its entries in place and marks those it dropped as delisted."""
    from dastavez.resolve.list_imports import import_un
    st = state()
    data = _list_file(file)
    actor = st.actor()
    with st.db.write() as session:
        result = import_un(session, actor, data)
    emit(result, _show_list)


@import_app.command("interpol")
def import_interpol_command(
    file: Annotated[Path, typer.Argument(help="INTERPOL public notices as its API gives them (JSON).")],
    notice_type: Annotated[str | None, typer.Option(
        "--type", help="red, yellow or un, when the notices do not say (default: from each notice).")] = None,
) -> None:
    """Import INTERPOL notices for screening, each into the list of its type; notices of that type
    missing from the file are marked delisted, so import all pages of a type together."""
    from dastavez.resolve.list_imports import import_interpol
    st = state()
    data = _list_file(file)
    actor = st.actor()
    with st.db.write() as session:
        result = import_interpol(session, actor, data, notice_type=notice_type)
    emit(result, _show_list)


def register(app: typer.Typer) -> None:
    app.add_typer(import_app, name="import")
