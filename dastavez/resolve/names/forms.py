"""Stored forms: what scoring needs of an analysed name, as one short string.

Screening compares one query with the hundred or so names its blocking keys bring back.
Analysing each of those names again costs 60–130 µs (segments, titles, roles, families);
scoring an analysed pair costs a tenth of that. So the screening index keeps, next to the
keys of every name it files, the name's *form*: its identifying words with their role and
their Latin letters, which is everything ``align`` and ``weighted_score`` read. Turning a
form back into parts is a split and a few cached look-ups.

A form names the version of this encoding and of the analysis it came from
(``FORM_VERSION``); a form of another version is ignored and the name analysed afresh, so a
change to the name tables can never make screening score stale analyses. Bump the version
when analysis changes what a name's parts are.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from dastavez.resolve.names.analysis import NameAnalysis, NamePart, part_of
from dastavez.resolve.names.normalise import Word
from dastavez.resolve.names.parts import KUNYA, LAQAB, NAME

FORM_VERSION = "1"
_GROUP, _PART, _FIELD = "\x1d", "\x1e", "\x1f"  # folded words hold letters and digits only
FORM_SEPARATOR = _GROUP  # a form starts with its version and this
_ROLE_CODES = {NAME: "n", KUNYA: "k", LAQAB: "l"}
_ROLES = {code: role for role, code in _ROLE_CODES.items()}


@dataclass(frozen=True, slots=True)
class ScoringForm:
    """The parts of a name and of its father's name: what the scorer compares."""

    parts: tuple[NamePart, ...]
    patronym_parts: tuple[NamePart, ...]


def _encode_parts(parts: tuple[NamePart, ...]) -> str | None:
    fields = []
    for part in parts:
        if any(sep in text for text in (part.native, part.text) for sep in (_GROUP, _PART, _FIELD)):
            return None
        # ``text`` is the word's Latin form, or its native form where it has none
        flags = f"{int(part.vowelless)}{int(part.transliterable)}"
        fields.append(_FIELD.join((_ROLE_CODES[part.role], part.native, part.text, flags)))
    return _PART.join(fields)


def encode(analysis: NameAnalysis) -> str | None:
    """The form of an analysed name, or None when it cannot be written as one."""
    name, father = _encode_parts(analysis.parts), _encode_parts(analysis.patronym_parts)
    if name is None or father is None:
        return None
    return _GROUP.join((FORM_VERSION, name, father))


@lru_cache(maxsize=1 << 15)
def _decode_part(field: str) -> NamePart:
    role, native, latin, flags = field.split(_FIELD)
    return part_of(Word(native, latin, flags[0] == "1", flags[1] == "1"), _ROLES[role])


def _decode_parts(text: str) -> tuple[NamePart, ...]:
    return tuple(_decode_part(field) for field in text.split(_PART)) if text else ()


@lru_cache(maxsize=1 << 16)
def decode(form: str) -> ScoringForm | None:
    """The parts a form holds, or None for a form of another version (or not a form)."""
    pieces = form.split(_GROUP)
    if len(pieces) != 3 or pieces[0] != FORM_VERSION:
        return None
    try:
        return ScoringForm(_decode_parts(pieces[1]), _decode_parts(pieces[2]))
    except (KeyError, ValueError, IndexError):
        return None
