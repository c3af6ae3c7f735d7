"""The migrations and the table definitions describe the same schema, and they run both ways."""

from __future__ import annotations

import os
from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Column, Engine, MetaData, String, create_engine, inspect, text

from dastavez.storage.metadata import METADATA
from dastavez.storage.migrate import current_revision, downgrade, head_revision, upgrade

#: Search structures the migration makes with raw SQL, which the table metadata cannot
#: describe: SQLite's FTS5 table (and its shadow tables), PostgreSQL's GIN expression index.
RAW_SQL_OBJECTS = ("name_fts", "ix_name_index_tsv")


def _include_name(name: str | None, type_: str, _parent: object) -> bool:
    return not (name and name.startswith(RAW_SQL_OBJECTS))


def differences(engine: Engine, metadata: MetaData = METADATA) -> list[Any]:
    with engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "compare_server_default": True, "include_name": _include_name}
        )
        return compare_metadata(context, metadata)


def test_the_migrated_test_database_matches_the_tables(db):
    assert current_revision(db.engine) == head_revision(db.engine)
    assert differences(db.engine) == []


def test_the_search_structures_made_by_raw_sql_exist(db):
    names = inspect(db.engine)
    if db.dialect == "sqlite":
        assert "name_fts" in names.get_table_names()
    else:
        assert "ix_name_index_tsv" in {ix["name"] for ix in names.get_indexes("name_index")}


def test_downgrade_to_base_and_upgrade_again_on_a_fresh_sqlite_file(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path / 'fresh.sqlite3'}")
    try:
        upgrade(engine)
        tables = set(inspect(engine).get_table_names())
        assert {table.name for table in METADATA.sorted_tables} | {
            "name_fts",
            "alembic_version",
        } <= tables
        downgrade(engine, "base")
        assert set(inspect(engine).get_table_names()) == {"alembic_version"}
        assert current_revision(engine) is None
        upgrade(engine)
        assert current_revision(engine) == head_revision(engine)
        assert differences(engine) == []
    finally:
        engine.dispose()


def test_a_round_trip_in_a_fresh_postgresql_schema(worker_id):
    """Runs in the SQLite pass too: the migrations must work on PostgreSQL whatever the suite's backend."""
    url = os.environ.get("DASTAVEZ_TEST_PG_URL", "postgresql+psycopg://127.0.0.1:5432/test")
    schema = f"dz_migrations_{worker_id}_{os.getpid()}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine = create_engine(url, connect_args={"options": f"-csearch_path={schema}"})
    try:
        upgrade(engine)
        assert differences(engine) == []
        assert "ix_name_index_tsv" in {ix["name"] for ix in inspect(engine).get_indexes("name_index")}
        downgrade(engine, "base")
        assert set(inspect(engine).get_table_names()) == {"alembic_version"}
        upgrade(engine)
        assert differences(engine) == []
    finally:
        engine.dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


def test_the_comparison_does_notice_drift(db):
    drifted = MetaData(naming_convention=METADATA.naming_convention)
    for table in METADATA.sorted_tables:
        table.to_metadata(drifted)
    drifted.tables["entity"].append_column(Column("nickname", String(50)))
    found = differences(db.engine, metadata=drifted)
    assert [(diff[0], diff[2], diff[3].name) for diff in found] == [("add_column", "entity", "nickname")]
