"""Reading the rows of a spreadsheet (CSV or XLSX) for a bulk import.

A sheet is a header row that names the columns and data rows below it. Every row keeps the
line it came from (the CSV line where the record starts, or the Excel row number) so that
errors can point at it. Cells are stripped; blank rows are skipped.

Text files must be UTF-8 (a byte order mark is allowed) or UTF-16 with a byte order mark.
Anything else is refused with the line that does not decode: guessing a legacy code page
would silently turn Urdu names into something else.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path, PureWindowsPath
from typing import Any

import openpyxl

from dastavez.exc import InvalidInput, PayloadTooLarge

MAX_BYTES = 50 * 1024 * 1024  # the default of settings.max_upload_bytes
MAX_ROWS = 200_000
MAX_COLUMNS = 500
DELIMITERS = ",;\t|"
_SNIFF_CHARS = 64 * 1024
_ZIP_MAGIC = b"PK\x03\x04"
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Excel 97-2003 .xls
_BOMS: tuple[tuple[bytes, str], ...] = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe\x00\x00", "utf-32"),  # before UTF-16 LE, whose BOM is its prefix
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)
_UNSAFE_NAME = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


@dataclass(frozen=True)
class SheetRow:
    line: int  # where the row is in the file, counting from 1, as a spreadsheet shows it
    cells: tuple[str, ...]  # one per header column, stripped; "" when empty
    extra: tuple[str, ...] = ()  # non-empty cells to the right of the last named column


@dataclass(frozen=True)
class Sheet:
    name: str  # the file name (no folder), safe to show and to record
    sha256: str  # of the file's bytes, as read
    header: tuple[str, ...]
    header_line: int
    rows: tuple[SheetRow, ...]

    def record(self, row: SheetRow) -> dict[str, str]:
        return dict(zip(self.header, row.cells, strict=True))


def safe_file_name(name: str | None) -> str:
    """The last part of a (possibly Windows) path, without control or direction characters."""
    base = PureWindowsPath(name or "").name  # splits on both / and \
    base = " ".join(_UNSAFE_NAME.sub("", base).split())[:200]
    return base or "upload"


def read_sheet_file(path: Path, *, sheet: str | None = None, max_bytes: int = MAX_BYTES,
                    max_rows: int = MAX_ROWS) -> Sheet:
    """Read a CSV or XLSX file; its size is checked before it is read."""
    if not path.is_file():
        raise InvalidInput(f"no file {str(path)!r}", field="file")
    size = path.stat().st_size
    if size > max_bytes:
        raise PayloadTooLarge(_too_large(size, max_bytes), field="file")
    return read_sheet(path.read_bytes(), name=path.name, sheet=sheet, max_bytes=max_bytes, max_rows=max_rows)


def read_sheet(data: bytes, *, name: str, sheet: str | None = None, max_bytes: int = MAX_BYTES,
               max_rows: int = MAX_ROWS) -> Sheet:
    """Read ``data`` as XLSX (recognised by its content) or as delimited text."""
    if len(data) > max_bytes:
        raise PayloadTooLarge(_too_large(len(data), max_bytes), field="file")
    if data.startswith(_OLE2_MAGIC):
        raise InvalidInput("this is an old Excel .xls file; save it as .xlsx or as CSV (UTF-8)", field="file")
    if data.startswith(_ZIP_MAGIC):
        raw_rows = _xlsx_rows(data, sheet)
    else:
        if sheet is not None:
            raise InvalidInput("a sheet name applies to XLSX workbooks only; this file is text (CSV)",
                               field="sheet")
        raw_rows = _csv_rows(decode_text(data))
    return _build(raw_rows, name=safe_file_name(name), sha256=hashlib.sha256(data).hexdigest(),
                  max_rows=max_rows)


def _too_large(size: int, limit: int) -> str:
    return f"the file is {size / 1_048_576:.1f} MB; the limit is {limit / 1_048_576:.0f} MB: split it"


# -- text ----------------------------------------------------------------------------------


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without BOM), or UTF-16/32 when a BOM says so; anything else is refused."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError as err:
                raise InvalidInput(f"the file starts with a {encoding.upper()} byte order mark but byte "
                                   f"{err.start} is not valid {encoding.upper()}; save the file as UTF-8",
                                   field="file") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise InvalidInput(f"line {_line_at(data, err.start)} is not valid UTF-8 (byte {err.start}); "
                           "save the file as UTF-8", field="file") from None
    if "\x00" in text[:_SNIFF_CHARS]:
        raise InvalidInput("the file has NUL bytes: it looks like UTF-16 without a byte order mark; "
                           "save the file as UTF-8", field="file")
    return text


def _line_at(data: bytes, offset: int) -> int:
    before = data[:offset]
    return len(before.splitlines()) + (1 if not before or before.endswith((b"\n", b"\r")) else 0)


def sniff_delimiter(text: str) -> str:
    """One of ``, ; TAB |``: csv.Sniffer's choice on a sample, checked against the header line."""
    sample = text[:_SNIFF_CHARS]
    if len(text) > _SNIFF_CHARS and "\n" in sample:
        sample = sample[: sample.rindex("\n") + 1]  # a record cut in half misleads the sniffer
    header = next((line for line in sample.splitlines() if line.strip()), "")
    try:
        sniffed: str | None = csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
    except csv.Error:
        sniffed = None
    widths = {d: len(next(csv.reader([header], delimiter=d), [])) for d in DELIMITERS}
    widest = max(DELIMITERS, key=lambda d: widths[d])  # first in DELIMITERS wins a tie
    # The header names the columns, so the delimiter must split it (when any candidate does).
    if sniffed and (widths[sniffed] > 1 or widths[widest] == 1):
        return sniffed
    return widest if widths[widest] > 1 else ","


def _csv_rows(text: str) -> Iterator[tuple[int, list[str]]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(text))
    start = 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as err:
            raise InvalidInput(f"line {start}: {err}", field="file") from None
        yield start, cells
        start = reader.line_num + 1


# -- xlsx ----------------------------------------------------------------------------------


def _xlsx_rows(data: bytes, sheet: str | None) -> Iterator[tuple[int, list[str]]]:
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError) as err:
        raise InvalidInput(f"the file could not be read as an XLSX workbook ({type(err).__name__}); "
                           "save it as .xlsx or CSV (UTF-8)", field="file") from None
    except Exception as err:  # openpyxl raises its own classes for malformed parts
        raise InvalidInput(f"the file could not be read as an XLSX workbook ({type(err).__name__})",
                           field="file") from None
    try:
        if sheet is None:
            worksheet = workbook.worksheets[0]
        elif sheet in workbook.sheetnames:
            worksheet = workbook[sheet]
        else:
            names = ", ".join(workbook.sheetnames)
            raise InvalidInput(f"the workbook has no sheet {sheet!r}; its sheets: {names}", field="sheet")
        if not hasattr(worksheet, "iter_rows"):
            raise InvalidInput(f"sheet {worksheet.title!r} is a chart, not a table", field="sheet")
        worksheet.reset_dimensions()  # trust the cells, not a declared (possibly huge) range
        line = 0
        for cells in worksheet.iter_rows():
            line = next((cell.row for cell in cells if getattr(cell, "row", None)), line + 1)
            yield line, [_cell_text(cell.value) for cell in cells]
    finally:
        workbook.close()


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # 3001234567.0 is a phone number typed into a number cell
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    return str(value)


# -- rows ----------------------------------------------------------------------------------


def _clean(cell: str) -> str:
    return unicodedata.normalize("NFC", cell.strip())


def _build(raw_rows: Iterable[tuple[int, Sequence[str]]], *, name: str, sha256: str, max_rows: int) -> Sheet:
    header: tuple[str, ...] | None = None
    header_line = 0
    rows: list[SheetRow] = []
    for line, raw in raw_rows:
        cells = [_clean(cell) for cell in raw]
        if not any(cells):
            continue
        if header is None:
            header, header_line = _header(cells, line), line
            continue
        if len(rows) >= max_rows:
            raise InvalidInput(f"the sheet has more than {max_rows:,} rows; split it into several files",
                               field="file")
        width = len(header)
        padded = (cells + [""] * width)[:width]
        rows.append(SheetRow(line=line, cells=tuple(padded), extra=tuple(c for c in cells[width:] if c)))
    if header is None:
        raise InvalidInput("the file is empty; its first row must name the columns", field="file")
    return Sheet(name=name, sha256=sha256, header=header, header_line=header_line, rows=tuple(rows))


def _header(cells: list[str], line: int) -> tuple[str, ...]:
    while cells and not cells[-1]:
        cells.pop()  # spreadsheets often carry empty columns on the right
    if len(cells) > MAX_COLUMNS:
        raise InvalidInput(f"the header (line {line}) has {len(cells)} columns; the limit is {MAX_COLUMNS}",
                           field="file")
    seen: dict[str, int] = {}
    for index, column in enumerate(cells, start=1):
        if not column:
            raise InvalidInput(f"column {index} of the header (line {line}) has no name; name it or delete "
                               "the column", field="file")
        if column in seen:
            raise InvalidInput(f"column {column!r} appears twice in the header (line {line}, columns "
                               f"{seen[column]} and {index}); rename one", field="file")
        seen[column] = index
    return tuple(cells)
