"""The one statement of a screening look-up, written out for SQLite and PostgreSQL.

Screening runs it once or twice per query, a thousand queries per list: built with the
ORM's expression language (a union of per-key subqueries, a grouped subquery, a join) it
cost more to construct than to run. So it is written here as SQL text, one per shape
(dialect, number of keys, clearances and sources), compiled once; every value is a bound
parameter, and nothing a user typed reaches the text.

For the keys of the query (each with its weight), the rows of ``name_key`` the reader may
see, all of them or at most ``cap`` per key; summed by distinct name, the ``names`` best
(most shared weight, then shorter names, then by name) with their owners and, where
stored, their current form. All rows is one pass over the covering index and a third
faster; the cap is a union of one limited look-up per key, for words so common that all
their rows would cost more than they tell.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from sqlalchemy import JSON, TextClause, TextualSelect, column, text
from sqlalchemy.orm import Session

from dastavez.access.actor import Actor
from dastavez.resolve.names.forms import FORM_SEPARATOR, FORM_VERSION

OWNER_SEPARATOR = "\x1f"


def _visible(clearances: int, sources: int) -> str:
    visible = "compartment IS NULL"
    if clearances:
        visible = f"({visible} OR compartment IN ({', '.join(f':c{i}' for i in range(clearances))}))"
    if sources:
        visible += f" AND source IN ({', '.join(f':s{i}' for i in range(sources))})"
    return visible


def _best(dialect: str, rows: str, shared: str) -> TextClause:
    owners = "group_concat(owner, :sep)" if dialect == "sqlite" else "string_agg(owner, :sep)"
    # Only placeholders and numbers are put into the text: S608 does not apply.
    return text(f"""
        SELECT b.source AS source, b.name AS name, b.owners AS owners, f.form AS form
        FROM (SELECT source, name, {owners} AS owners, {shared} AS shared
              FROM {rows}
              GROUP BY source, name
              ORDER BY shared DESC, length(name), name
              LIMIT :names) AS b
        LEFT JOIN name_form f ON f.name = b.name AND substr(f.form, 1, :version_length) = :version""")  # noqa: S608


@lru_cache(maxsize=256)
def _every_row(dialect: str, keys: int, clearances: int, sources: int) -> TextClause:
    """All rows of the keys: one pass over the index, weights by CASE."""
    placeholders = ", ".join(f":k{i}" for i in range(keys))
    rows = f"name_key WHERE key IN ({placeholders}) AND {_visible(clearances, sources)}"
    weights = " ".join(f"WHEN :k{i} THEN CAST(:w{i} AS REAL)" for i in range(keys))
    return _best(dialect, rows, f"SUM(CASE key {weights} END)")


@lru_cache(maxsize=256)
def _capped_rows(dialect: str, keys: int, clearances: int, sources: int) -> TextClause:
    """At most ``:cap`` rows of each key: a union of one limited look-up per key."""
    member = "SELECT * FROM (SELECT source, name, owner, CAST(:w{i} AS REAL) AS weight FROM name_key WHERE "
    member += _visible(clearances, sources).replace("{", "{{").replace("}", "}}")
    member += " AND key = :k{i} LIMIT :cap) AS m{i}"
    members = " UNION ALL ".join(member.format(i=i) for i in range(keys))
    return _best(dialect, f"({members}) AS r", "SUM(weight)")


def names_by_keys(
    session: Session,
    actor: Actor,
    weights: dict[str, float],
    sources: Sequence[str] | None,
    *,
    cap: int | None,
    names: int,
) -> list[Any]:
    """Rows (source, name, owners joined by ``OWNER_SEPARATOR``, form or None); with ``cap``,
    each key brings at most that many rows of the index."""
    if not weights:
        return []
    keys = sorted(weights)
    clearances = sorted(actor.clearances)
    params: dict[str, Any] = {"names": names, "sep": OWNER_SEPARATOR}
    if cap is not None:
        params["cap"] = cap
    version = FORM_VERSION + FORM_SEPARATOR
    params.update(version=version, version_length=len(version))
    params.update({f"k{i}": key for i, key in enumerate(keys)})
    params.update({f"w{i}": weights[key] for i, key in enumerate(keys)})
    params.update({f"c{i}": code for i, code in enumerate(clearances)})
    params.update({f"s{i}": source for i, source in enumerate(sources or ())})
    shape = (session.get_bind().dialect.name, len(keys), len(clearances), len(sources or ()))
    statement = _every_row(*shape) if cap is None else _capped_rows(*shape)
    return list(session.connection().execute(statement, params))  # Core: no ORM work to do


@lru_cache(maxsize=256)
def _records(ids: int, with_data: bool) -> TextualSelect:
    data = "data" if with_data else "NULL AS data"
    placeholders = ", ".join(f":i{i}" for i in range(ids))
    sql = f"SELECT id, caption, schema, {data} FROM reference_record WHERE id IN ({placeholders}) AND listed"  # noqa: S608
    return text(sql).columns(column("id"), column("caption"), column("schema"), column("data", JSON))


def listed_records(session: Session, ids: Sequence[str], *, with_data: bool) -> dict[str, Any]:
    """id -> row (id, caption, schema, data: None without ``with_data``) of the listed records
    among ``ids``. A plain statement per number of ids: the expanding IN of the expression
    language cost four times what SQLite takes to answer."""
    if not ids:
        return {}
    params = {f"i{i}": value for i, value in enumerate(ids)}
    return {row.id: row for row in session.connection().execute(_records(len(ids), with_data), params)}
