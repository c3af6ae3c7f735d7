"""Alembic environment: the engine comes from the caller (see ``storage/migrate.py``)."""

from __future__ import annotations

from alembic import context

from dastavez.storage.metadata import METADATA

config = context.config
engine = config.attributes["engine"]

with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=METADATA,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite cannot ALTER most things
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
