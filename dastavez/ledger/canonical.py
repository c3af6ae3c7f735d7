"""Canonical JSON: the exact bytes a ledger leaf hashes.

Keys sorted, no insignificant white space, UTF-8 without escapes, timestamps in UTC ISO
8601. Two services that record the same fact produce the same bytes, and a verifier in
another language can rebuild them.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError("naive datetime in a ledger entry")
        return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    if isinstance(value, bytes):
        return value.hex()
    raise TypeError(f"{type(value).__name__} cannot go into a ledger entry")


def canonical_json(value: Any) -> str:
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False, default=_plain
    )
