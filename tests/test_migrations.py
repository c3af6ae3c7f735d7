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


def test_a_populated_sqlite_database_at_0001_upgrades_to_head(tmp_path):
    """The vault's migration rebuilds ``exhibit`` in batch mode, which SQLite can only do while
    its foreign keys are off: cited exhibits must survive the upgrade, claims still pointing at them."""
    from dastavez.settings import Settings
    from dastavez.storage.engine import Database

    database = Database(Settings(home=tmp_path))  # foreign keys on, as every dastavez connection
    try:
        upgrade(database.engine, "0001")
        with database.engine.begin() as conn:
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            conn.exec_driver_sql(
                "INSERT INTO exhibit (id, title, kind, created_at, created_by) "
                "VALUES ('EXH-2026-000001', 'Statement', 'document', '2026-01-01 00:00:00', 'admin')"
            )
            conn.exec_driver_sql(
                "INSERT INTO entity (id, schema, caption, created_at, created_by, updated_at) "
                "VALUES ('PER-AAAAAAAAAA', 'Person', 'Zarak', '2026-01-01 00:00:00', 'admin', "
                "'2026-01-01 00:00:00')"
            )
            conn.exec_driver_sql(
                "INSERT INTO claim (id, entity_id, prop, value, normalised, value_key, qualifiers,"
                " exhibit_id, confidence, status, author, created_at)"
                " VALUES ('CLM-1', 'PER-AAAAAAAAAA', 'name', 'Zarak', 'Zarak', 'zarak', '{}',"
                " 'EXH-2026-000001', 'medium', 'asserted', 'admin', '2026-01-01 00:00:00')"
            )
        upgrade(database.engine)
        assert current_revision(database.engine) == head_revision(database.engine)
        with database.engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT exhibit_id FROM claim").scalar() == "EXH-2026-000001"
            assert conn.exec_driver_sql("SELECT title FROM exhibit").scalar() == "Statement"
            assert conn.exec_driver_sql("PRAGMA foreign_key_check").all() == []
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    finally:
        database.dispose()
