"""Alembic environment: the engine comes from the caller (see ``storage/migrate.py``).

On SQLite, batch mode rebuilds a table (copy, drop, rename) to alter it, which foreign keys
forbid while other rows point at it. They are turned off for the run (SQLite ignores the
pragma inside a transaction, so it is set before one begins), checked once at the end so a
migration cannot leave a dangling reference behind, and turned back on.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from dastavez.storage.metadata import METADATA

config = context.config
engine = config.attributes["engine"]


def _dangling(connection: Connection) -> list[str]:
    rows = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
    return [f"{row[0]} row {row[1]} → {row[2]}" for row in rows]


def _pragma(connection: Connection, setting: str) -> None:
    """Straight on the driver's connection: SQLAlchemy would first begin a transaction, inside
    which SQLite silently ignores a change of ``foreign_keys``."""
    driver = connection.connection.driver_connection
    assert driver is not None  # an open connection
    driver.execute(f"PRAGMA {setting}")


with engine.connect() as connection:
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:
        _pragma(connection, "foreign_keys=OFF")
    try:
        context.configure(
            connection=connection,
            target_metadata=METADATA,
            render_as_batch=sqlite,  # SQLite cannot ALTER most things
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()
            if sqlite and (dangling := _dangling(connection)):
                raise RuntimeError(f"a migration left dangling references: {', '.join(dangling[:5])}")
        connection.commit()
    finally:
        if sqlite:
            connection.rollback()
            _pragma(connection, "foreign_keys=ON")
