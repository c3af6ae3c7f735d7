"""Quoting for the SQL the importer generates from a mapping (header names and vocabularies are
user input: a column called ``x" OR 1=1`` is just a column)."""

from __future__ import annotations


def ident(name: str) -> str:
    """A DuckDB identifier, quoted."""
    return '"' + name.replace('"', '""') + '"'


def literal(value: str) -> str:
    """A DuckDB string literal."""
    return "'" + value.replace("'", "''") + "'"


def in_list(expression: str, values: list[str]) -> str:
    """``expression IN (...)``, or FALSE for no values."""
    if not values:
        return "FALSE"
    return f"{expression} IN ({', '.join(literal(v) for v in values)})"
