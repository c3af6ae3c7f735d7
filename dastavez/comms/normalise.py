"""The SQL that turns an export's text columns into stored calls, with a reason for each row
that cannot be one.

Everything happens in one DuckDB query over the raw rows (no Python per row): times parsed
with the mapping's formats and moved from the operator's zone to UTC (the session's TimeZone
is the operator's, so a time without an offset is read as local), durations as seconds
(``123`` or ``00:02:03``), the operator's words for type and direction, numbers joined to the
lookup of distinct numbers parsed once (``numbers.py``), and the authority's scope.
"""

from __future__ import annotations

from collections.abc import Mapping as Mapping_

from dastavez.comms.mapping import Mapping
from dastavez.comms.mcc import mcc_case
from dastavez.comms.scope import AuthorityScope, scope_sql
from dastavez.comms.sql import ident, literal
from dastavez.comms.zones import utc_offset_at, utc_offset_of_local
from dastavez.exc import InvalidInput

RAW_LIMIT = 1000  # characters of a rejected row kept in the rejects file
FIELD_LIMIT = 64  # longest IMEI, IMSI or cell id accepted


def resolve_columns(mapping: Mapping, headers: tuple[str, ...], *, file_name: str) -> dict[str, str]:
    """Field → the header that holds it (matched ignoring case and surrounding spaces);
    InvalidInput naming the missing columns when a required one is absent."""
    duplicates = sorted({h for h in headers if headers.count(h) > 1})
    if duplicates:
        raise InvalidInput(f"{file_name} has the column {duplicates[0]!r} more than once", field="file")
    by_key = {h.strip().casefold(): h for h in headers}
    found: dict[str, str] = {}
    missing: list[str] = []
    for field, wanted in mapping.columns.items():
        header = by_key.get(wanted.strip().casefold())
        if header is not None:
            found[field] = header
        elif field not in mapping.optional and wanted not in missing:
            missing.append(wanted)
    if missing:
        shown = ", ".join(repr(m) for m in missing)
        have = ", ".join(repr(h) for h in headers[:12]) + (", …" if len(headers) > 12 else "")
        raise InvalidInput(
            f"{file_name} does not match the {mapping.name} mapping: missing column(s) {shown}"
            f" (the file has {have or 'no columns'}); pick a preset with --operator or give --map",
            field="file",
        )
    return found


def party_fields(mapping: Mapping) -> tuple[str, str]:
    """The two fields holding the numbers of a call."""
    return ("caller", "callee") if mapping.parties == "caller_callee" else ("subscriber", "other")


def _vocabulary(column: str, words: Mapping_[str, str], written: tuple[str, ...]) -> str:
    """The operator's word → ours: the words as the mapping writes them first (no string
    work for the usual row), then ignoring case and spaces."""
    exact = {w: words[w.strip().lower()] for w in written if w.strip().lower() in words}
    exact |= {k: v for k, v in words.items() if k not in exact}
    fast = " ".join(f"WHEN {literal(k)} THEN {literal(v)}" for k, v in exact.items())
    slow = " ".join(f"WHEN {literal(k)} THEN {literal(v)}" for k, v in words.items())
    return f"CASE {column} {fast} ELSE CASE lower(trim({column})) {slow} END END"


def _times(column: str, formats: tuple[str, ...]) -> tuple[str, str]:
    """SQL for (local wall time, UTC time) of a written start; one of them is NULL.

    ISO times of the usual lengths (``2026-03-01``, ``…T10:05``, ``…T10:05:00``) take the fast
    path: a plain cast, the zone applied afterwards by arithmetic. Longer ones (fractions,
    offsets, ``Z``) go through DuckDB's zone-aware cast, which reads an offset when there is one.
    """
    naive, utc = [], []
    for fmt in formats:
        if fmt == "iso":
            short = f"strlen({column}) IN (10, 16, 19)"
            naive.append(f"CASE WHEN {short} THEN TRY_CAST({column} AS TIMESTAMP) END")
            aware = f"make_timestamp(epoch_us(TRY_CAST({column} AS TIMESTAMPTZ)))"
            utc.append(f"CASE WHEN NOT {short} THEN {aware} END")
        elif "%z" in fmt or "%Z" in fmt:
            utc.append(f"make_timestamp(epoch_us(try_strptime({column}, {literal(fmt)})))")
        else:
            naive.append(f"try_strptime({column}, {literal(fmt)})")

    def first(parts: list[str], kind: str) -> str:
        if not parts:
            return f"CAST(NULL AS {kind})"
        return parts[0] if len(parts) == 1 else f"coalesce({', '.join(parts)})"

    return first(naive, "TIMESTAMP"), first(utc, "TIMESTAMP")


def _duration(column: str) -> str:
    d = column
    hms = (
        f"CASE WHEN regexp_full_match({d}, '[0-9]{{1,7}}:[0-5][0-9]:[0-5][0-9]') THEN "
        f"CAST(split_part({d}, ':', 1) AS BIGINT) * 3600 + CAST(split_part({d}, ':', 2) AS BIGINT) * 60"
        f" + CAST(split_part({d}, ':', 3) AS BIGINT) "
        f"WHEN regexp_full_match({d}, '[0-9]{{1,7}}:[0-5][0-9]') THEN "
        f"CAST(split_part({d}, ':', 1) AS BIGINT) * 60 + CAST(split_part({d}, ':', 2) AS BIGINT) END"
    )
    return f"CASE WHEN contains({d}, '.') THEN NULL ELSE coalesce(TRY_CAST({d} AS BIGINT), {hms}) END"


def _text(column: str | None) -> str:
    return f"nullif(trim({column}), '')" if column else "CAST(NULL AS VARCHAR)"


def calls_query(
    mapping: Mapping,
    columns: dict[str, str],
    *,
    line_join: str,
    line: str,
    scope: AuthorityScope,
) -> str:
    """``SELECT`` of every row of table ``raw`` as a stored call plus ``month``, ``reason``
    (NULL for a good row) and ``src_row`` (its rowid in ``raw``, to find a rejected row's text)."""
    col = {f: ident(h) for f, h in columns.items()}
    party_a, party_b = party_fields(mapping)
    if mapping.parties == "caller_callee":
        caller, callee = "a_raw", "b_raw"
    else:
        caller = "CASE dir WHEN 'out' THEN a_raw WHEN 'in' THEN b_raw END"
        callee = "CASE dir WHEN 'out' THEN b_raw WHEN 'in' THEN a_raw END"
    type_word = _vocabulary(col["type"], mapping.types, mapping.written) if "type" in col else "'call'"
    dir_word = (
        _vocabulary(col["direction"], mapping.directions, mapping.written) if "direction" in col else "NULL"
    )
    naive, aware = _times(col["start"], mapping.time_formats)
    zone = mapping.time_zone
    if "cell_country" in col:
        cell_country = (
            f"CASE WHEN regexp_full_match(trim({col['cell_country']}), '[A-Za-z]{{2}}') "
            f"THEN upper(trim({col['cell_country']})) END"
        )
    elif "cell_mcc" in col:
        cell_country = mcc_case(f"trim({col['cell_mcc']})")
    else:
        cell_country = "CAST(NULL AS VARCHAR)"
    too_long = " OR ".join(f"length({f}) > {FIELD_LIMIT}" for f in ("imei", "imsi", "cell_id"))
    direction_needed = "dir IS NULL" if mapping.parties == "subscriber" else "FALSE"
    given = {f: col.get(f, "CAST(NULL AS VARCHAR)") for f in ("start", "duration", "type", "direction")}
    return f"""
WITH src AS (SELECT rowid AS src_row, * FROM raw),
numbered AS (SELECT {line} AS line, src.* FROM src {line_join}),
p AS (
  SELECT line, src_row,
    {naive} AS t_naive, {aware} AS t_utc, {given['start']} AS s_start,
    {_duration(col['duration']) if 'duration' in col else 'CAST(NULL AS BIGINT)'} AS dur,
    {given['duration']} AS s_dur, {type_word} AS typ, {given['type']} AS s_type,
    {dir_word} AS dir, {given['direction']} AS s_dir,
    {_text(col.get('imei'))} AS imei, {_text(col.get('imsi'))} AS imsi,
    {_text(col.get('cell_id'))} AS cell_id,
    {cell_country} AS cell_country, {col[party_a]} AS a_raw, {col[party_b]} AS b_raw
  FROM numbered
),
q AS (SELECT p.*, {caller} AS caller_raw, {callee} AS callee_raw FROM p),
n AS (
  SELECT q.*, a.e164 AS caller, a.country AS caller_country, b.e164 AS callee, b.country AS callee_country,
    coalesce(t_naive - to_seconds({utc_offset_of_local(zone, 't_naive')}), t_utc) AS start,
    CAST(coalesce(t_naive, t_utc + to_seconds({utc_offset_at(zone, 't_utc')})) AS DATE) AS local_day
  FROM q LEFT JOIN numbers a ON a.raw = q.caller_raw LEFT JOIN numbers b ON b.raw = q.callee_raw
),
c AS (
  SELECT n.*,
    CASE
      WHEN start IS NULL
        THEN 'bad start time ' || coalesce('''' || left(nullif(trim(s_start), ''), 60) || '''', '(empty)')
      WHEN year(start) < 1980 OR year(start) > 2100 THEN 'implausible start time ' || left(trim(s_start), 60)
      WHEN typ IS NULL AND trim(s_type) <> '' THEN 'unknown type ''' || left(trim(s_type), 60) || ''''
      WHEN dir IS NULL AND trim(s_dir) <> '' THEN 'unknown direction ''' || left(trim(s_dir), 60) || ''''
      WHEN {direction_needed} THEN 'missing direction'
      WHEN caller_raw IS NULL OR trim(caller_raw) = '' THEN 'missing caller number'
      WHEN callee_raw IS NULL OR trim(callee_raw) = '' THEN 'missing callee number'
      WHEN caller IS NULL THEN 'unparseable caller number ''' || left(caller_raw, 60) || ''''
      WHEN callee IS NULL THEN 'unparseable callee number ''' || left(callee_raw, 60) || ''''
      WHEN dur IS NULL AND trim(s_dur) <> '' THEN 'bad duration ''' || left(trim(s_dur), 60) || ''''
      WHEN dur < 0 THEN 'negative duration ' || dur
      WHEN dur > 2147483647 THEN 'duration too long ' || dur
      WHEN dur IS NULL AND coalesce(typ, 'call') = 'call' THEN 'missing duration'
      WHEN {too_long} THEN 'imei, imsi or cell id longer than {FIELD_LIMIT} characters'
    END AS reason
  FROM n
)
SELECT line, caller, callee, start, TRY_CAST(coalesce(dur, 0) AS INTEGER) AS duration_s,
  coalesce(typ, 'call') AS type, dir AS direction, imei, imsi, cell_id, cell_country,
  caller_country, callee_country,
  {scope_sql(scope, caller='caller', callee='callee', imei='imei', imsi='imsi', day='local_day')} AS scope,
  strftime(start, '%Y-%m') AS month, reason, src_row
FROM c
"""  # noqa: S608  # names quoted by sql.ident, values by sql.literal
