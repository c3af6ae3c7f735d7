"""Relational storage: engine and sessions, table definitions, migrations."""
