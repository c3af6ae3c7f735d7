"""Inserting many rows of one table fast: one compiled INSERT, plain rows, few statements.

SQLAlchemy's own executemany builds and type-processes a parameter dictionary per row,
which for a narrow row costs more than the database's work to store it. :class:`RowInserter`
compiles the Core ``insert(table)`` once per dialect, applies each column's bind processor
for that dialect (``dialect_impl(dialect).bind_processor``, so timestamps and JSON are
stored exactly as SQLAlchemy stores them) and sends the rows through
``Connection.exec_driver_sql``:

- on SQLite (positional parameters) as multi-row ``INSERT … VALUES (…), (…), …``
  statements of a few hundred rows: a third cheaper per row than ``executemany``, and a
  full-text index fed by a trigger (``name_fts``) is written once per statement instead of
  once per row, four times cheaper;
- on PostgreSQL through ``COPY … FROM STDIN`` (psycopg's ``Cursor.copy``) in the session's
  transaction: several times faster than ``executemany``, which runs one INSERT per row;
- elsewhere through the driver's ``executemany``.

A JSON value that repeats in a batch as the same object is serialised once; the other
values are processed a column at a time.

:func:`deferred_indexes` and :func:`deferred_foreign_keys` go further for loads into an
empty database: the secondary indexes of the tables being loaded are dropped for the load
and built once at its end, instead of being updated at random places row by row, and on
PostgreSQL the foreign keys are checked once for all rows at the end instead of by a
trigger per row.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import JSON, Connection, Dialect, Table, bindparam, insert, text
from sqlalchemy.orm import Session

from dastavez.storage.engine import Database

Processor = Callable[[Any], Any]
ROWS_PER_STATEMENT = 400
_VALUES = re.compile(r"^(?P<head>.* VALUES )(?P<row>\(.*\))$", re.DOTALL)
_SQLITE_LIMIT_VARIABLE_NUMBER = 9  # sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER
_OLD_SQLITE_MAX_VARIABLES = 999


@dataclass(frozen=True)
class _Compiled:
    sql: str
    order: tuple[int, ...] | None  # column positions in bind order, if not that of ``columns``
    processors: tuple[tuple[int, Processor, bool], ...]  # (column, processor, JSON: memoise it)
    positional: bool
    head: str | None = None  # "INSERT INTO t (…) VALUES " when rows can share one statement
    row: str | None = None  # "(?, ?, …)"


class RowInserter:
    """``insert(session, rows)`` writes rows given as sequences in ``columns`` order."""

    def __init__(self, table: Table, columns: Sequence[str]):
        self.table = table
        self.columns = tuple(columns)
        unknown = [name for name in self.columns if name not in table.c]
        if unknown:
            raise ValueError(f"{table.name} has no column {unknown[0]!r}")
        self._compiled: dict[str, _Compiled] = {}

    def _prepare(self, dialect: Dialect) -> _Compiled:
        prepared = self._compiled.get(dialect.name)
        if prepared is None:
            compiled = insert(self.table).compile(dialect=dialect, column_keys=list(self.columns))
            names = list(compiled.positiontup or ()) if compiled.positional else list(compiled.binds)
            if sorted(names) != sorted(self.columns):  # e.g. a column default left to fill
                raise ValueError(f"INSERT into {self.table.name} binds {names}, not {list(self.columns)}")
            processors = []
            for index, name in enumerate(self.columns):
                column_type = self.table.c[name].type.dialect_impl(dialect)  # the dialect's own type
                process = column_type.bind_processor(dialect)
                if process is not None:
                    processors.append((index, process, isinstance(self.table.c[name].type, JSON)))
            order = tuple(self.columns.index(name) for name in names) if compiled.positional else None
            sql = str(compiled)
            match = _VALUES.match(sql) if compiled.positional else None
            prepared = self._compiled[dialect.name] = _Compiled(
                sql=sql,
                order=None if order == tuple(range(len(self.columns))) else order,
                positional=compiled.positional,
                processors=tuple(processors),
                head=match["head"] if match else None,
                row=match["row"] if match else None,
            )
        return prepared

    def insert(self, session: Session, rows: Sequence[Sequence[Any]]) -> None:
        if not rows:
            return
        connection = session.connection()
        compiled = self._prepare(connection.dialect)
        processed = _processed_rows(rows, compiled.processors)
        if connection.dialect.name == "postgresql":
            self._copy(connection, processed)
            return
        if not compiled.positional:
            connection.exec_driver_sql(compiled.sql, [dict(zip(self.columns, values, strict=True))
                                                      for values in processed])
            return
        if compiled.order is not None:
            processed = [[values[i] for i in compiled.order] for values in processed]
        if compiled.head is None or compiled.row is None:
            connection.exec_driver_sql(compiled.sql, [tuple(values) for values in processed])
            return
        page = max(1, min(ROWS_PER_STATEMENT, _max_variables(connection) // len(self.columns)))
        statements: dict[int, str] = {}
        for start in range(0, len(processed), page):
            chunk = processed[start:start + page]
            sql = statements.get(len(chunk))
            if sql is None:
                sql = statements[len(chunk)] = compiled.head + ", ".join([compiled.row] * len(chunk))
            connection.exec_driver_sql(sql, tuple([value for row in chunk for value in row]))

    def _copy(self, connection: Connection, rows: list[list[Any]]) -> None:
        preparer = connection.dialect.identifier_preparer
        columns = ", ".join(preparer.quote(name) for name in self.columns)
        sql = f"COPY {preparer.format_table(self.table)} ({columns}) FROM STDIN"
        cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
        with cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row(row)


def _processed_rows(
    rows: Sequence[Sequence[Any]], processors: tuple[tuple[int, Processor, bool], ...]
) -> list[list[Any]]:
    out = [list(row) for row in rows]
    for index, process, memoise in processors:
        if not memoise:
            for values in out:
                values[index] = process(values[index])
            continue
        memo: dict[int, tuple[Any, Any]] = {}  # id -> (value, processed): a JSON value, mutable
        for values in out:
            value = values[index]
            hit = memo.get(id(value))
            if hit is None or hit[0] is not value:
                hit = memo[id(value)] = (value, process(value))
            values[index] = hit[1]
    return out


def _max_variables(connection: Connection) -> int:
    driver = connection.connection.driver_connection
    getlimit = getattr(driver, "getlimit", None)  # sqlite3 from Python 3.11
    return int(getlimit(_SQLITE_LIMIT_VARIABLE_NUMBER)) if getlimit else _OLD_SQLITE_MAX_VARIABLES


@contextmanager
def deferred_indexes(db: Database, tables: Sequence[str], *, keep: Sequence[str] = ()) -> Iterator[None]:
    """Drop the non-unique indexes of ``tables`` (but those named in ``keep``, which the load
    itself reads through) for the block and build them again after it.

    For a load that starts from an empty database: building an index once from the loaded
    rows is several times cheaper than keeping it in step row by row. The indexes are taken
    from the database's own catalogue (``sqlite_master``, ``pg_indexes``), so each is built
    again exactly as it was, including those made by raw SQL in migrations. Unique indexes
    and primary keys stay: they check what is loaded. The indexes come back even when the
    block fails; queries in the meantime still work, slowly.
    """
    with db.write() as session:
        indexes = [(name, ddl) for name, ddl in _secondary_indexes(session.connection(), tables)
                   if name not in keep]
        quote = session.get_bind().dialect.identifier_preparer.quote
        for name, _ in indexes:
            session.execute(text(f"DROP INDEX {quote(name)}"))
    try:
        yield
    finally:
        with db.write() as session:
            for _, ddl in indexes:
                session.execute(text(ddl))


@contextmanager
def deferred_foreign_keys(db: Database, tables: Sequence[str]) -> Iterator[None]:
    """On PostgreSQL, drop the foreign keys of ``tables`` for the block and add them again
    after it, checking every row then.

    PostgreSQL checks a foreign key with a trigger per inserted row, which cost more than
    the row itself; adding the key back checks all rows in one join. The keys come back first
    ``NOT VALID`` (in force for new rows at once) and are then validated: if a row breaks
    one, the error names it and the key stays in force for new rows. SQLite checks its keys
    with an index look-up per row, cheap enough to keep.
    """
    if db.dialect != "postgresql":
        yield
        return
    with db.write() as session:
        keys = session.execute(
            text("SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid) "
                 "FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid "
                 "WHERE c.contype = 'f' AND t.relnamespace = current_schema()::regnamespace "
                 "AND t.relname IN :tables ORDER BY 1, 2").bindparams(bindparam("tables", expanding=True)),
            {"tables": list(tables)},
        ).all()
        for table, name, _ in keys:
            session.execute(text(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"'))
    try:
        yield
    finally:
        with db.write() as session:
            for table, name, definition in keys:
                session.execute(text(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition} NOT VALID'))
        with db.write() as session:
            for table, name, _ in keys:
                session.execute(text(f'ALTER TABLE {table} VALIDATE CONSTRAINT "{name}"'))


_CATALOGUE = {  # (name, CREATE statement) of the indexes on some tables
    "sqlite": "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
              "AND tbl_name IN :tables ORDER BY name",
    "postgresql": "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() "
                  "AND tablename IN :tables ORDER BY indexname",
}


def _secondary_indexes(connection: Connection, tables: Sequence[str]) -> list[tuple[str, str]]:
    """(name, CREATE INDEX statement) of the non-unique indexes on ``tables``."""
    query = text(_CATALOGUE[connection.dialect.name]).bindparams(bindparam("tables", expanding=True))
    rows = connection.execute(query, {"tables": list(tables)})
    return [(name, ddl) for name, ddl in rows if not ddl.upper().startswith("CREATE UNIQUE")]
