"""What every property type shares: the context, the cleaned result, the pre-check."""

from __future__ import annotations

import re
import unicodedata
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import ClassVar

from dastavez.exc import InvalidInput


@dataclass(frozen=True)
class TypeContext:
    """Facts from outside the value that change how it is read."""

    default_region: str = "PK"  # ISO alpha-2 used to parse national phone numbers
    fmt: str | None = None  # per-property format hint from the schema, e.g. "cnic", "passport", "imei"


DEFAULT_CONTEXT = TypeContext()


@dataclass(frozen=True)
class Cleaned:
    """A value after cleaning: what is shown, what is compared, and what was learnt."""

    value: str  # stored and shown: NFC, trimmed, whitespace collapsed, original script kept
    normalised: str  # canonical comparable form for matching, dedup and indexes
    qualifiers: dict[str, str] = field(default_factory=dict)  # e.g. {"script": "Arab"}


# LRM, RLM and the BOM are harmless copy-paste residue: dropped without a word.
_SILENT_DROP = dict.fromkeys(map(ord, "\u200e\u200f\ufeff"))
# Overrides, embeddings and isolates can make text display as something it is not.
_BIDI_CONTROL = re.compile("[\u202a-\u202e\u2066-\u2069]")
# C0 and C1 controls, except tab and line feed, which multi-line text may keep.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_LINE_BREAK_OR_TAB = re.compile("[\t\n]")
_SURROGATE = re.compile("[\ud800-\udfff]")
# Windows and old Mac line endings, and the Unicode line/paragraph separators.
_LINE_ENDING = re.compile("\r\n|[\r\u2028\u2029]")


def shown(value: str, limit: int = 40) -> str:
    """Quote a value for an error detail: short, one line, control characters escaped."""
    short = value if len(value) <= limit else value[:limit] + "…"
    return repr(short)  # repr escapes newlines and invisible format characters


def precheck(raw: object, *, label: str, max_length: int, multiline: bool = False) -> str:
    """Return ``raw`` trimmed, NFC-normalised and whitespace-collapsed, or raise InvalidInput."""
    if not isinstance(raw, str):
        raise InvalidInput(f"invalid {label}: expected text, got {type(raw).__name__}")
    if _SURROGATE.search(raw):
        raise InvalidInput(f"invalid {label}: contains an unpaired surrogate (not valid Unicode)")
    text = unicodedata.normalize("NFC", raw.translate(_SILENT_DROP))
    if (bidi := _BIDI_CONTROL.search(text)) is not None:
        raise InvalidInput(
            f"invalid {label}: contains a bidirectional control character (U+{ord(bidi.group()):04X})"
        )
    # Outer tabs and line breaks of a one-line value are copy-paste residue, not content.
    text = _LINE_ENDING.sub("\n", text).strip() if multiline else text.strip(" \t\r\n")
    if (control := _CONTROL.search(text)) is not None:
        if control.group() == "\r":
            raise InvalidInput(f"invalid {label}: contains a line break; it must be one line")
        raise InvalidInput(f"invalid {label}: contains a control character (U+{ord(control.group()):04X})")
    if not multiline:
        if _LINE_BREAK_OR_TAB.search(text):
            raise InvalidInput(f"invalid {label}: contains a tab or line break; it must be one line")
        text = " ".join(text.split())
    if not text:
        raise InvalidInput(f"invalid {label}: empty")
    if len(text) > max_length:
        raise InvalidInput(f"invalid {label}: too long ({len(text)} characters, the limit is {max_length})")
    return text


class PropertyType(ABC):
    """One kind of property value (name, date, phone...): cleans raw input into a :class:`Cleaned`."""

    name: ClassVar[str]
    max_length: ClassVar[int]
    label: ClassVar[str]  # how error details call a value of this type, e.g. "phone number"
    multiline: ClassVar[bool] = False

    def clean(self, raw: str, *, context: TypeContext = DEFAULT_CONTEXT, field: str | None = None) -> Cleaned:
        """Clean ``raw`` or raise InvalidInput; ``field`` names the property in the error."""
        try:
            text = precheck(raw, label=self.label, max_length=self.max_length, multiline=self.multiline)
            return self.parse(text, context)
        except InvalidInput as err:
            err.field = field or self.name
            raise

    @abstractmethod
    def parse(self, text: str, context: TypeContext) -> Cleaned:
        """Turn pre-checked text into a :class:`Cleaned`; raise InvalidInput when it is not one."""

    def reject(self, text: str, reason: str, *, label: str | None = None) -> InvalidInput:
        """The error for ``text``, to be raised by the caller; ``label`` overrides the type's."""
        return InvalidInput(f"invalid {label or self.label} {shown(text)}: {reason}", field=self.name)

    def __repr__(self) -> str:
        return f"<PropertyType {self.name}>"
