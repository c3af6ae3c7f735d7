"""Reference lists in: the UN consolidated list, INTERPOL notices, FtM files as lists.

Each parses the file (see :mod:`dastavez.resolve.lists`) and hands the entries to
``reference.import_entries``, which keeps them apart from the unit's claims and updates
them in place on the next import. The caller owns the transaction.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy.orm import Session

from dastavez.access.actor import Actor
from dastavez.exc import InvalidInput
from dastavez.resolve.lists import ListFormatError, ReferenceEntry, parse_ftm_lines, parse_interpol, parse_un
from dastavez.resolve.lists.interpol import SOURCES as NOTICE_TYPES
from dastavez.resolve.reference import import_entries

UN_LIST = "un-sc"
FTM_PREFIX = "ftm:"
#: A list name: what ``ftm:NAME`` screening sources and record ids are made of.
LIST_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{0,39}$")
_TOTALS = ("records", "added", "updated", "unchanged", "delisted")


def import_un(session: Session, actor: Actor, data: bytes) -> dict[str, Any]:
    """The UN list (validated against its schema); counts of individuals, entities and aliases."""
    actor.require("reference.import")
    parsed = parse_un(data)
    counts = {"individuals": parsed.individual_count, "entities": parsed.entity_count,
              "aliases": parsed.alias_count}
    return import_entries(session, actor, parsed.entries, list_id=UN_LIST, file_bytes=data,
                          version=parsed.generated_on.isoformat(), counts=counts)


def import_interpol(
    session: Session, actor: Actor, data: bytes, *, notice_type: str | None = None
) -> dict[str, Any]:
    """INTERPOL notices, each into the list of its type (``interpol-red`` …).

    A list named here is replaced by the notices of this file: notices of that type it
    does not carry are marked delisted. Import every page of a type together.
    """
    actor.require("reference.import")
    if notice_type is not None and notice_type not in NOTICE_TYPES:
        raise InvalidInput(f"the notice type is one of {', '.join(NOTICE_TYPES)}, not {notice_type!r}",
                           field="notice_type")
    entries = parse_interpol(data, notice_type=notice_type)
    if not entries:
        raise InvalidInput("the file holds no INTERPOL notices", field="file")
    by_list: dict[str, list[ReferenceEntry]] = {}
    for entry in entries:
        by_list.setdefault(entry.source, []).append(entry)
    lists = [
        import_entries(session, actor, notices, list_id=list_id, file_bytes=data,
                       counts={"notices": len(notices)})
        for list_id, notices in sorted(by_list.items())
    ]
    totals = {key: sum(item[key] for item in lists) for key in _TOTALS}
    return {"notices": len(entries), **totals, "lists": lists}


def import_ftm_list(session: Session, actor: Actor, data: bytes, *, name: str) -> dict[str, Any]:
    """An FtM file as the reference list ``ftm:NAME`` (screened, never turned into claims)."""
    actor.require("reference.import")
    if not LIST_NAME.match(name):
        raise InvalidInput("a list name is 1 to 40 lower-case letters, digits, '.', '_' or '-' "
                           f"(e.g. sanctions-2026), not {name!r}", field="list")
    list_id = FTM_PREFIX + name
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise ListFormatError(f"line {line} is not valid UTF-8; FtM files are UTF-8") from None
    # JSON lines end at "\n" only: str.splitlines() would also split at U+2028 inside a string.
    entries = list(parse_ftm_lines(text.split("\n"), source=list_id))
    if not entries:
        raise InvalidInput("the file holds no FtM entities", field="file")
    return import_entries(session, actor, entries, list_id=list_id, file_bytes=data,
                          title=f"FollowTheMoney entities: {name}", counts={"entities": len(entries)})
