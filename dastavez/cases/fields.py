"""Cleaning what a user typed into a case, a hearing, a warrant or an incident: one-line errors."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy.orm import Session

from dastavez.access.actor import Actor
from dastavez.exc import InvalidInput, NotFound
from dastavez.storage.tables import Compartment


def label(field: str) -> str:
    return field.replace("_", " ")


def text(raw: str | None, field: str, limit: int, *, required: bool = False) -> str | None:
    cleaned = " ".join((raw or "").split())
    if not cleaned:
        if required:
            raise InvalidInput(f"{label(field)} is required", field=field)
        return None
    if len(cleaned) > limit:
        raise InvalidInput(f"{label(field)} must be at most {limit} characters", field=field)
    return cleaned


def required_text(raw: str | None, field: str, limit: int) -> str:
    cleaned = text(raw, field, limit, required=True)
    assert cleaned is not None  # required
    return cleaned


def day(raw: str | date | None, field: str, *, required: bool = False) -> str | None:
    """A calendar date written ``YYYY-MM-DD`` (as courts and police stations date their papers)."""
    if isinstance(raw, date):
        return raw.isoformat()
    if raw is None or not str(raw).strip():
        if required:
            raise InvalidInput(f"{label(field)} is required (YYYY-MM-DD)", field=field)
        return None
    try:
        return date.fromisoformat(str(raw).strip()).isoformat()
    except ValueError as err:
        raise InvalidInput(
            f"{label(field)} must be a date written YYYY-MM-DD, not {raw!r}", field=field
        ) from err


def required_day(raw: str | date | None, field: str) -> str:
    cleaned = day(raw, field, required=True)
    assert cleaned is not None  # required
    return cleaned


def choice(raw: str | None, field: str, allowed: Sequence[str], *, required: bool = True) -> str | None:
    value = (raw or "").strip().lower().replace("_", "-").replace(" ", "-")
    if not value and not required:
        return None
    if value not in allowed:
        raise InvalidInput(f"{label(field)} must be one of {', '.join(allowed)}", field=field)
    return value


def required_choice(raw: str | None, field: str, allowed: Sequence[str]) -> str:
    cleaned = choice(raw, field, allowed)
    assert cleaned is not None  # required
    return cleaned


def compartment(session: Session, actor: Actor, raw: str | None) -> str | None:
    """A compartment that exists and the actor is cleared for (NotFound otherwise, as for records)."""
    code = (raw or "").strip().upper()
    if not code:
        return None
    if session.get(Compartment, code) is None or not actor.cleared_for(code):
        raise NotFound(f"no compartment {raw!r}", field="compartment")
    return code
