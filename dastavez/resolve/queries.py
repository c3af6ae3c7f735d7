"""Screening queries from a CSV file: ``name`` and optionally ``dob``, ``country``, ``id``, ``phone``."""

from __future__ import annotations

import csv
import io

from dastavez.exc import InvalidInput
from dastavez.resolve.facts import clean_query_facts
from dastavez.resolve.screening import ScreenQuery

MAX_ROWS = 100_000
COLUMNS = ("name", "dob", "country", "id", "phone")


def _text(data: bytes) -> str:
    for encoding in ("utf-8-sig", "utf-16"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if encoding == "utf-16" and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
            break
        return text
    raise InvalidInput("the query file is not UTF-8 (or UTF-16 with a byte-order mark)", field="file")


def read_queries(data: bytes, *, default_region: str) -> list[ScreenQuery]:
    reader = csv.DictReader(io.StringIO(_text(data), newline=""))
    header = [h.strip().lower() for h in reader.fieldnames or []]
    if "name" not in header:
        raise InvalidInput("the query file needs a header with a `name` column", field="file")
    unknown = [h for h in header if h and h not in COLUMNS]
    if unknown:
        raise InvalidInput(f"unknown column {unknown[0]!r}; columns are {', '.join(COLUMNS)}", field="file")
    reader.fieldnames = header
    queries: list[ScreenQuery] = []
    for row in reader:
        line = reader.line_num
        if len(queries) >= MAX_ROWS:
            raise InvalidInput(f"at most {MAX_ROWS:,} queries per file", field="file")
        name = (row.get("name") or "").strip()
        if not name:
            raise InvalidInput(f"line {line}: the name is empty", field="file")
        try:
            facts = clean_query_facts(
                dob=(row.get("dob") or "").strip() or None,
                country=(row.get("country") or "").strip() or None,
                identifiers=[v for v in [(row.get("id") or "").strip()] if v],
                phones=[v for v in [(row.get("phone") or "").strip()] if v],
                default_region=default_region,
            )
        except InvalidInput as err:
            raise InvalidInput(f"line {line}: {err.detail}", field="file") from err
        queries.append(ScreenQuery(name=name, facts=facts))
    if not queries:
        raise InvalidInput("the query file holds no queries", field="file")
    return queries
