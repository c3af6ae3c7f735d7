"""Selectors: the phone numbers, IMEIs, IMSIs and accounts that warrants and exhibits name.

Written ``kind:value`` (``imei:356938035643809``); a bare value is a phone number. Values
are normalised with the registry's property types, so ``0300 1234567`` and
``+923001234567`` are the same target.
"""

from __future__ import annotations

from dastavez.exc import InvalidInput
from dastavez.model.types import TypeContext, get_type

KINDS = ("phone", "imei", "imsi", "account")
_TYPE = {"phone": ("phone", None), "imei": ("identifier", "imei"), "imsi": ("identifier", "imsi")}


def clean_selector(raw: str, *, default_region: str) -> tuple[str, str]:
    """``(kind, normalised value)`` for one selector, or InvalidInput naming what is wrong."""
    text = raw.strip()
    kind, sep, value = text.partition(":")
    if not sep or kind.lower() not in KINDS:
        kind, value = "phone", text
    kind = kind.lower()
    value = value.strip()
    if not value:
        raise InvalidInput(f"empty {kind} selector", field="target")
    if kind == "account":
        if len(value) > 64:
            raise InvalidInput("an account selector must be at most 64 characters", field="target")
        return kind, value
    type_name, fmt = _TYPE[kind]
    context = TypeContext(default_region=default_region, fmt=fmt)
    try:
        cleaned = get_type(type_name).clean(value, context=context, field="target")
    except InvalidInput as err:
        raise InvalidInput(f"target {raw!r}: {err.detail}", field="target") from err
    return kind, cleaned.normalised


def clean_selectors(raws: list[str], *, default_region: str) -> list[tuple[str, str]]:
    seen: dict[tuple[str, str], None] = {}
    for raw in raws:
        seen[clean_selector(raw, default_region=default_region)] = None
    return list(seen)


def label(kind: str, value: str) -> str:
    return value if kind == "phone" else f"{kind}:{value}"
