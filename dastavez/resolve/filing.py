"""Filing names in the screening index: their keys (``name_key``) and their forms (``name_form``).

Every writer of the index goes through ``file_names``, so a name is never keyed without its
form being stored too (``index.fill_forms`` stores those of names filed before there were
forms, or under another ``FORM_VERSION``). Forms are a pure function of the name and the
version, so one row serves every owner of the same name, and a form is never deleted with
a key: it is still right for the next owner of that name.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import ColumnElement, insert
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from dastavez.resolve.names import analyse_name
from dastavez.resolve.names.forms import FORM_SEPARATOR, FORM_VERSION, encode
from dastavez.storage.resolve_tables import NameForm, NameKey


def current_form() -> ColumnElement[bool]:
    """SQL condition: the row's form is of this ``FORM_VERSION``."""
    return NameForm.form.startswith(FORM_VERSION + FORM_SEPARATOR)


def store_forms(session: Session, names: Iterable[str]) -> None:
    """Store the forms of ``names``, replacing a stored form of another version."""
    rows = []
    for name in dict.fromkeys(names):
        form = encode(analyse_name(name))
        if form is not None:
            rows.append({"name": name, "form": form})
    if not rows:
        return
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    statement = dialect.insert(NameForm)
    session.execute(
        statement.on_conflict_do_update(
            index_elements=["name"], set_={"form": statement.excluded.form}, where=~current_form()
        ),
        rows,
    )


def file_names(session: Session, key_rows: list[dict[str, Any]]) -> None:
    """Insert rows of ``name_key`` (from ``reference.name_keys``) and their names' forms."""
    if not key_rows:
        return
    session.execute(insert(NameKey), key_rows)
    store_forms(session, (row["name"] for row in key_rows))
