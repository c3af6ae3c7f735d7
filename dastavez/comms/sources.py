"""Reading an operator export: which format it is, its encoding, delimiter and header.

``sniff`` looks only at the head of the file (so a wrong file is refused before it is stored);
``table_sql`` gives the DuckDB table function that streams every row as text. CSV and TSV
files are read by DuckDB itself in UTF-8, UTF-16 or Latin-1; a file in another encoding is
first transcoded to UTF-8 beside the import. XLSX sheets are streamed by openpyxl into a
temporary Parquet file; Parquet files are read as they are.
"""

from __future__ import annotations

import codecs
import csv
import io
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any, Literal

import pyarrow as pa
import pyarrow.parquet as pq
from charset_normalizer import from_bytes

from dastavez.comms.mapping import DELIMITERS, Mapping
from dastavez.comms.sql import ident, literal
from dastavez.exc import InvalidInput

SAMPLE_BYTES = 256 * 1024
HEADER_LIMIT = 1024 * 1024  # a header line longer than this is not a header
#: encodings DuckDB's CSV reader decodes itself (anything else is transcoded to UTF-8 first)
_DUCKDB_ENCODINGS = {"utf_8": "utf-8", "latin_1": "latin-1"}
#: Western single-byte guesses, told apart by charset-normalizer on little evidence: read as Latin-1
_LATIN = {"latin_1", "iso8859_15", "cp1252", "iso8859_1", "windows_1252", "mac_roman", "cp850", "cp437",
          "cp858", "iso8859_9", "cp1254"}
XLSX_LINE = "__line__"  # the sheet row each converted XLSX row came from
_XLSX_BATCH = 20_000

Kind = Literal["csv", "parquet", "xlsx"]


@dataclass(frozen=True)
class Sniffed:
    kind: Kind
    headers: tuple[str, ...]
    delimiter: str | None = None
    encoding: str | None = None  # Python codec name (``utf_8``, ``latin_1``, ``cp1256``...)


def _kind(path: Path, head: bytes) -> Kind:
    if head.startswith(b"PAR1"):
        return "parquet"
    is_zip = head.startswith(b"PK\x03\x04")
    if is_zip and (path.suffix.lower() in (".xlsx", ".xlsm") or zipfile.is_zipfile(path)):
        return "xlsx"
    return "csv"


def _codec(name: str) -> str:
    return codecs.lookup(name).name.replace("-", "_")


def detect_encoding(sample: bytes) -> str:
    """The encoding of a text sample. UTF-8 wins when most lines decode as UTF-8 (a few bad
    lines become rejects); otherwise charset-normalizer's best guess."""
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf_16"
    lines = sample.split(b"\n")[:-1] or [sample]  # the last line may be cut mid-character
    bad = 0
    multibyte = False
    for line in lines:
        try:
            text = line.decode("utf-8")
        except UnicodeDecodeError:
            bad += 1
        else:
            multibyte = multibyte or not text.isascii()
    if bad == 0 or (multibyte and bad * 20 <= len(lines)):
        return "utf_8"
    matches = list(from_bytes(sample))
    if not matches:
        raise InvalidInput("the file's text encoding cannot be recognised; is it a CSV file?", field="file")
    least = min(m.chaos for m in matches)
    for match in matches:  # a few accented letters fit many code pages equally well: prefer Latin-1
        if match.chaos <= least and any(_codec(c) in _LATIN for c in match.could_be_from_charset):
            return "latin_1"
    return _codec(matches[0].encoding)


def _split_header(line: str, delimiter: str) -> tuple[str, ...]:
    row = next(csv.reader(io.StringIO(line), delimiter=delimiter), [])
    return tuple(cell.strip() for cell in row)


def _detect_delimiter(line: str) -> str:
    counts = {d: line.count(d) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def _sniff_csv(path: Path, mapping: Mapping) -> Sniffed:
    with open(path, "rb") as stream:
        head = stream.read(max(SAMPLE_BYTES, HEADER_LIMIT))
    if not head.strip():
        raise InvalidInput(f"{path.name} is empty", field="file")
    encoding = _codec(mapping.encoding) if mapping.encoding else detect_encoding(head[:SAMPLE_BYTES])
    text = head.decode(encoding, errors="replace")
    if encoding == "utf_16":  # the BOM decodes to U+FEFF
        text = text.lstrip("\ufeff")
    first, newline, _ = text.lstrip("\ufeff").partition("\n")
    if not newline and len(head) >= HEADER_LIMIT:
        raise InvalidInput(f"the first line of {path.name} is over 1 MiB long: not a header", field="file")
    first = first.rstrip("\r")
    delimiter = mapping.delimiter or _detect_delimiter(first)
    return Sniffed("csv", _split_header(first, delimiter), delimiter, encoding)


def _cell(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, (date, time)):
        return value.isoformat()
    if isinstance(value, timedelta):
        return str(int(value.total_seconds()))
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


@contextmanager
def _xlsx_rows(path: Path) -> Iterator[Iterator[tuple[Any, ...]]]:
    """The rows of the first sheet, streamed (openpyxl's read-only mode)."""
    from openpyxl import load_workbook

    with open(path, "rb") as stream:  # a stream: a stored blob has no .xlsx suffix for openpyxl
        try:
            book = load_workbook(stream, read_only=True, data_only=True)
        except Exception as err:  # a damaged workbook may raise anything from zipfile or lxml
            detail = " ".join(str(err).split())[:200]
            raise InvalidInput(f"the file is not a readable XLSX workbook: {detail}", field="file") from None
        try:
            yield book.worksheets[0].iter_rows(values_only=True)
        finally:
            book.close()


def _sniff_xlsx(path: Path) -> Sniffed:
    with _xlsx_rows(path) as rows:
        first = next(rows, None)
    if first is None:
        raise InvalidInput(f"{path.name} has an empty first sheet", field="file")
    return Sniffed("xlsx", tuple((_cell(v) or "").strip() for v in first))


def sniff(path: Path, mapping: Mapping) -> Sniffed:
    """The format and header of ``path``; InvalidInput for an empty or unreadable file."""
    with open(path, "rb") as stream:
        head = stream.read(8)
    if not head:
        raise InvalidInput(f"{path.name} is empty", field="file")
    kind = _kind(path, head)
    if kind == "parquet":
        try:
            names = pq.read_schema(path).names
        except (pa.ArrowException, OSError) as err:
            raise InvalidInput(f"{path.name} is not a readable Parquet file: {err}", field="file") from None
        return Sniffed("parquet", tuple(names))
    if kind == "xlsx":
        return _sniff_xlsx(path)
    return _sniff_csv(path, mapping)


def _transcode(path: Path, encoding: str, target: Path) -> None:
    """Rewrite a text file in UTF-8, streaming (undecodable bytes become U+FFFD and, in turn,
    usually a rejected row)."""
    decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
    with open(path, "rb") as source, open(target, "w", encoding="utf-8", newline="") as out:
        while chunk := source.read(1 << 20):
            out.write(decoder.decode(chunk))
        out.write(decoder.decode(b"", final=True))


def _xlsx_to_parquet(path: Path, headers: tuple[str, ...], target: Path) -> None:
    names = [f"c{i}" for i in range(len(headers))]
    schema = pa.schema([(XLSX_LINE, pa.int64())] + [(n, pa.string()) for n in names])
    with _xlsx_rows(path) as rows, pq.ParquetWriter(target, schema) as writer:
        next(rows, None)
        batch: list[list[Any]] = [[] for _ in range(len(names) + 1)]
        for number, row in enumerate(rows, start=2):
            if row is None or all(v is None for v in row):
                continue  # blank sheet rows are not records (a CSV's blank lines are skipped too)
            batch[0].append(number)
            for i in range(len(names)):
                batch[i + 1].append(_cell(row[i]) if i < len(row) else None)
            if len(batch[0]) >= _XLSX_BATCH:
                writer.write_batch(pa.record_batch(batch, schema=schema))
                batch = [[] for _ in range(len(names) + 1)]
        writer.write_batch(pa.record_batch(batch, schema=schema))


def table_sql(sniffed: Sniffed, path: Path, workdir: Path) -> tuple[str, Path]:
    """``SELECT`` of every row as text, the i-th column named ``c<i>`` whatever its header
    (Parquet and XLSX rows also carry their line as ``__line__``), and the file it reads."""
    cols = ", ".join(
        f"CAST({ident(f'c{i}' if sniffed.kind == 'xlsx' else h)} AS VARCHAR) AS c{i}"
        for i, h in enumerate(sniffed.headers)
    )
    if sniffed.kind == "parquet":
        return (f"SELECT file_row_number + 2 AS {XLSX_LINE}, {cols} "  # noqa: S608  # names quoted by sql.ident, values by sql.literal
                f"FROM read_parquet({literal(str(path))}, file_row_number=true)"), path
    if sniffed.kind == "xlsx":
        converted = workdir / "sheet.parquet"
        _xlsx_to_parquet(path, sniffed.headers, converted)
        return f"SELECT {XLSX_LINE}, {cols} FROM read_parquet({literal(str(converted))})", converted  # noqa: S608  # names quoted by sql.ident, values by sql.literal
    assert sniffed.delimiter is not None and sniffed.encoding is not None
    encoding = _DUCKDB_ENCODINGS.get(sniffed.encoding)
    if encoding is None:
        readable = workdir / "utf8.csv"
        _transcode(path, sniffed.encoding, readable)
        path, encoding = readable, "utf-8"
    columns = "{" + ", ".join(f"'c{i}': 'VARCHAR'" for i in range(len(sniffed.headers))) + "}"
    options = (
        f"header=true, auto_detect=false, delim={literal(sniffed.delimiter)}, quote='\"', escape='\"', "
        f"columns={columns}, encoding={literal(encoding)}, store_rejects=true, "
        "rejects_table='reader_rejects', rejects_scan='reader_scans', max_line_size=1048576"
    )
    return f"SELECT * FROM read_csv({literal(str(path))}, {options})", path  # noqa: S608  # names quoted by sql.ident, values by sql.literal
