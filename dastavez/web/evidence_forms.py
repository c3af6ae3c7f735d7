"""What a user typed into the evidence forms, and reading a local time with its zone.

The forms are plain dataclasses, as in ``web/forms.py``; the services do the checking.
Where a service names a field differently from the form (``seal`` for ``seal_number``),
``ALIASES`` points its errors at the right input.

Times come from a ``datetime-local`` input (no zone) and a time-zone menu: custody times
must never be guessed, so the page always says which zone it means (Pakistan by default).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timezone
from typing import ClassVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dastavez.exc import DastavezError, InvalidInput
from dastavez.web.forms import FormValues

DEFAULT_ZONE = "Asia/Karachi"
#: the zones offered on the forms: Pakistan first, then UTC and the unit's usual partners
ZONES = (
    "Asia/Karachi",
    "UTC",
    "Asia/Kabul",
    "Asia/Tehran",
    "Asia/Dubai",
    "Asia/Riyadh",
    "Asia/Kolkata",
    "Asia/Dhaka",
    "Asia/Shanghai",
    "Europe/Istanbul",
    "Europe/Paris",
    "Europe/London",
    "America/New_York",
)


def zone_choices(now: datetime | None = None) -> list[tuple[str, str]]:
    """``(value, label)`` for the zone menu, e.g. ``("Asia/Karachi", "UTC+05:00 Asia/Karachi")``."""
    moment = now or datetime.now(UTC)
    choices = []
    for name in ZONES:
        try:
            offset = moment.astimezone(ZoneInfo(name)).strftime("%z")
        except ZoneInfoNotFoundError:  # a host without that zone's data: offer the others
            continue
        choices.append((name, f"UTC{offset[:3]}:{offset[3:]} {name}"))
    return choices


def local_time(raw: str, zone: str, *, field: str) -> datetime | None:
    """A ``datetime-local`` value read in ``zone``; empty means "not given".

    The result carries a fixed UTC offset (``2026-05-01T14:30:00+05:00``), so what the
    services store and the ledger records is the instant the user meant.
    """
    text = raw.strip()
    if not text:
        return None
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as err:
        raise InvalidInput(f"{field.replace('_', ' ')} must be a date and time such as 2026-05-01T14:30",
                           field=field) from err
    if value.tzinfo is None:
        try:
            value = value.replace(tzinfo=ZoneInfo(zone.strip() or DEFAULT_ZONE))
        except (ZoneInfoNotFoundError, ValueError) as err:
            raise InvalidInput(f"unknown time zone {zone[:60]!r}", field="zone") from err
    offset = value.utcoffset()
    assert offset is not None  # aware by now
    return value.replace(tzinfo=timezone(offset))


def lines(raw: str) -> tuple[str, ...]:
    """A textarea with one value per line (commas also separate), blanks dropped."""
    return tuple(part.strip() for line in raw.splitlines() for part in line.split(",") if part.strip())


def text_fields(form: Mapping[str, object], names: set[str]) -> dict[str, str]:
    """The text values of a parsed form for the given names (files and absent fields are "")."""
    values = {}
    for name in names:
        value = form.get(name)
        values[name] = value if isinstance(value, str) else ""
    return values


@dataclass(frozen=True)
class AliasedForm(FormValues):
    ALIASES: ClassVar[dict[str, str]] = {}

    def invalid(self, error: DastavezError | None) -> str | None:
        if error is None or error.field is None:
            return None
        name = self.ALIASES.get(error.field, error.field)
        return name if name in self.names() else None


@dataclass(frozen=True)
class UploadForm(AliasedForm):
    ALIASES: ClassVar[dict[str, str]] = {"target": "targets", "file_name": "file"}

    kind: str = "audio"
    title: str = ""
    description: str = ""
    authority: str = ""
    origin: str = "original"
    parent: str = ""
    collected_at: str = ""
    zone: str = DEFAULT_ZONE
    collected_by: str = ""
    collected_place: str = ""
    collection_tool: str = ""
    targets: str = ""
    compartment: str = ""
    file: str = ""  # never refilled (browsers forbid it); present so errors can point at it


@dataclass(frozen=True)
class CustodyForm(AliasedForm):
    ALIASES: ClassVar[dict[str, str]] = {"seal": "seal_number", "to_holder": "to"}

    action: str = "transferred"
    to: str = ""
    at: str = ""
    zone: str = DEFAULT_ZONE
    place: str = ""
    purpose: str = ""
    seal_number: str = ""
    note: str = ""
    check_hash: bool = False


@dataclass(frozen=True)
class VerificationForm(AliasedForm):
    method: str = ""
    result: str = "passed"
    report: str = ""
    note: str = ""


@dataclass(frozen=True)
class ReviewForm(AliasedForm):
    decision: str = "confirmed"
    note: str = ""


@dataclass(frozen=True)
class AuthorityForm(AliasedForm):
    ALIASES: ClassVar[dict[str, str]] = {"target": "targets", "data_class": "data_classes",
                                         "authority": "renews"}

    basis: str = ""
    reference: str = ""
    issued_by: str = ""
    applicant: str = ""
    authorising_officer: str = ""
    issued_on: str = ""
    valid_from: str = ""
    valid_to: str = ""
    targets: str = ""
    data_classes: tuple[str, ...] = ()
    purpose: str = ""
    retention_until: str = ""
    document: str = ""
    renews: str = ""
    compartment: str = ""
