"""Reference records: outside lists kept apart from the unit's own claims.

Importing a list upserts its entries in place (by the list's own id), marks entries a
newer list no longer carries as delisted, and files every name of every listed entry in
the screening index (``name_key``). One import is one transaction and one audit event.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import asdict
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from dastavez.access import audit
from dastavez.access.actor import Actor
from dastavez.resolve.filing import file_names
from dastavez.resolve.lists import ReferenceEntry
from dastavez.resolve.names import analyse_name
from dastavez.storage.resolve_tables import NameKey, ReferenceList, ReferenceRecord
from dastavez.storage.tables import utcnow

TITLES = {
    "un-sc": "UN Security Council Consolidated List",
    "interpol-red": "INTERPOL red notices (public)",
    "interpol-yellow": "INTERPOL yellow notices (public)",
    "interpol-un": "INTERPOL–UN Security Council special notices (public)",
    "ftm": "FollowTheMoney entities",
}


def record_id(entry: ReferenceEntry) -> str:
    return f"{entry.source}:{entry.external_id}"[:200]


def entry_data(entry: ReferenceEntry) -> dict[str, Any]:
    """What screening and the record page need, JSON-ready."""
    # Lists, not tuples: the stored JSON comes back with lists, and a re-import compares the two.
    data = {key: list(value) if isinstance(value, tuple) else value for key, value in asdict(entry).items()}
    data["identifiers"] = [
        {"kind": i.kind, "number": i.number, "country": i.country} for i in entry.identifiers
    ]
    data["aliases_detail"] = [
        {"name": a.name, "quality": a.quality, "note": a.note} for a in entry.aliases_detail
    ]
    return data


MAX_FILED_NAME = 300

#: length of the phonetic-key prefix also filed, so a dropped or added final consonant
#: (Alexandros / Alexander) still meets its name in the index
PREFIX = 4


def with_prefixes(keys: Iterable[str]) -> set[str]:
    """The keys plus a short prefix of each long phonetic key (``p:LKSNDRS`` adds ``q:LKSN``)."""
    out = set(keys)
    out.update("q:" + key[2 : 2 + PREFIX] for key in keys if key.startswith("p:") and len(key) > 2 + PREFIX)
    return out


def pair_keys(keys: Iterable[str]) -> set[str]:
    """Every pair of a name's word keys (``2:p:HMD|p:KHN``): a key two names share only when
    they share two words, so one look-up finds few, likely candidates among millions."""
    words = sorted({key for key in keys if key.startswith(("p:", "w:"))})
    return {f"2:{a}|{b}"[:64] for i, a in enumerate(words) for b in words[i + 1 :]}


def filing_keys(keys: Iterable[str]) -> set[str]:
    """What a name is filed under: its keys, their prefixes and their pairs."""
    keys = set(keys)
    return with_prefixes(keys) | pair_keys(keys)


def name_keys(
    owner: str, source: str, names: Iterable[str], compartment: str | None = None
) -> list[dict[str, Any]]:
    """Rows of the screening index for these names: one per (name, index key).

    A name is filed by its first ``MAX_FILED_NAME`` characters (the registry's names are
    never longer; an outside list's longer "name" is a sentence, and an index entry must
    stay small enough for PostgreSQL's index pages)."""
    rows = []
    for name in dict.fromkeys(n[:MAX_FILED_NAME] for n in names if n and n.strip()):
        for key in sorted(filing_keys(analyse_name(name).index_keys)):
            rows.append(
                {
                    "key": key[:64],
                    "owner": owner,
                    "source": source,
                    "name": name,
                    "claim_id": None,
                    "compartment": compartment,
                }
            )
    return rows


def import_entries(
    session: Session,
    actor: Actor,
    entries: list[ReferenceEntry],
    *,
    list_id: str,
    file_bytes: bytes,
    version: str | None = None,
    title: str | None = None,
    counts: dict[str, int] | None = None,
) -> dict[str, Any]:
    actor.require("reference.import")
    now = utcnow()
    sha256 = hashlib.sha256(file_bytes).hexdigest()
    listing = session.get(ReferenceList, list_id)
    if listing is None:
        listing = ReferenceList(
            id=list_id,
            title=title or TITLES.get(list_id, list_id),
            file_sha256=sha256,
            imported_by=actor.username,
            imported_at=now,
        )
        session.add(listing)
    existing = {
        r.id: r for r in session.scalars(select(ReferenceRecord).where(ReferenceRecord.list_id == list_id))
    }
    seen: set[str] = set()
    added = updated = 0
    key_rows: list[dict[str, Any]] = []
    for entry in entries:
        rid = record_id(entry)
        if rid in seen:
            continue
        seen.add(rid)
        data = entry_data(entry)
        record = existing.get(rid)
        if record is None:
            session.add(
                ReferenceRecord(
                    id=rid,
                    list_id=list_id,
                    external_id=entry.external_id[:128],
                    schema=entry.schema[:32],
                    caption=entry.caption[:300],
                    data=data,
                    listed=True,
                    first_seen=now,
                    updated_at=now,
                )
            )
            added += 1
        elif record.data != data or not record.listed:
            record.data, record.caption, record.schema = data, entry.caption[:300], entry.schema[:32]
            record.listed, record.updated_at = True, now
            updated += 1
        key_rows.extend(name_keys(rid, list_id, entry.names or (entry.caption,)))
    delisted = 0
    for rid, record in existing.items():
        if rid not in seen and record.listed:
            record.listed, record.updated_at = False, now
            delisted += 1
    session.flush()
    session.execute(delete(NameKey).where(NameKey.source == list_id))
    file_names(session, key_rows)
    summary = {
        "list": list_id,
        "records": len(seen),
        "added": added,
        "updated": updated,
        "unchanged": len(seen) - added - updated,
        "delisted": delisted,
        **(counts or {}),
    }
    listing.version, listing.file_sha256, listing.counts = version, sha256, summary
    listing.imported_at, listing.imported_by = now, actor.username
    audit.record(
        session,
        actor,
        "reference.import",
        target_type="reference_list",
        target_id=list_id,
        detail=summary | {"sha256": sha256, "version": version},
    )
    return summary
