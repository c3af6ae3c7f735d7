"""Identifiers: random, readable entity ids and deterministic claim ids."""

from __future__ import annotations

import hashlib
import secrets

CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # no I, L, O, U: nothing to misread on paper


def new_entity_id(prefix: str) -> str:
    """``PER-7K3Q9M2XAB``: 50 random bits, easy to read aloud and to type."""
    return prefix + "-" + "".join(secrets.choice(CROCKFORD) for _ in range(10))


def claim_id(entity_id: str, prop: str, normalised: str, exhibit_id: str | None, locator: str | None) -> str:
    """The same statement from the same source always gets the same id (FtM statement style),
    so re-importing a list cannot duplicate claims."""
    key = "\x1f".join([entity_id, prop, normalised, exhibit_id or "", locator or ""])
    return "CLM-" + hashlib.sha1(key.encode("utf-8"), usedforsecurity=False).hexdigest()[:16].upper()
